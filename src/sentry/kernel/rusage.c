/* SPDX-License-Identifier: MIT */
/*
 * Resource usage: the host's accounting of the stub processes (through the
 * platform), and what the sandbox keeps of it once a stub is gone.
 * getrusage(2) and times(2) are syscalls/sys_cred.c.
 */
#include <sys/resource.h>

#include "kernel/kernel.h"
#include "mm/mm.h"

/*
 * The host forgets a stub's usage when the reaper waits for it, which can
 * be before the parent's wait4: keep the last sample for RUSAGE_CHILDREN.
 * Called before each kill of a living stub; a later sample has more time.
 */
void tg_account_exit(struct thread_group *tg)
{
	struct rusage ru;

	if (stub_proc_usage(tg->mm->proc, NULL, &ru))
		return;
	pthread_mutex_lock(&tg->lock);
	if (ru.ru_maxrss < tg->ru_self.ru_maxrss)
		ru.ru_maxrss = tg->ru_self.ru_maxrss;   /* a zombie has no memory left */
	tg->ru_self = ru;
	pthread_mutex_unlock(&tg->lock);
}

static void self_usage(struct task *t, bool thread, struct rusage *ru)
{
	if (stub_proc_usage(t->tg->mm->proc, thread ? t->st : NULL, ru)) {
		pthread_mutex_lock(&t->tg->lock);
		*ru = t->tg->ru_self;   /* the stub is already gone: exiting */
		pthread_mutex_unlock(&t->tg->lock);
	}
}

static void children_usage(struct task *t, struct rusage *ru)
{
	pthread_mutex_lock(&sandbox.lock);     /* wait4 adds to it under this lock */
	*ru = t->tg->ru_children;
	pthread_mutex_unlock(&sandbox.lock);
}

void task_usage(struct task *t, int who, struct rusage *ru)
{
	if (who == RUSAGE_CHILDREN)
		children_usage(t, ru);
	else
		self_usage(t, who == RUSAGE_THREAD, ru);
}
