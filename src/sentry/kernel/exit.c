/* SPDX-License-Identifier: MIT */
#include <stdint.h>
#include <unistd.h>

#include "kernel/kernel.h"
#include "mm/mm.h"

/*
 * exit_group(2) or a fatal signal: the whole stub process goes at once
 * (SIGKILL from the sentry); each task's sentry thread then sees its stub
 * thread die and cleans up after itself.
 */
void do_exit_group(struct task *t, int status)
{
	struct thread_group *tg = t->tg;

	pthread_mutex_lock(&tg->lock);
	if (!tg->exiting) {
		tg->exiting = true;
		tg->exit_status = status;
	}
	pthread_mutex_unlock(&tg->lock);
	stub_proc_kill(tg->mm->proc);
}

/* The sandbox's init is gone: tell the sentry's main thread. */
void sandbox_finish(int status)
{
	uint64_t one = 1;

	pthread_mutex_lock(&sandbox.lock);
	sandbox.exit_status = status;
	sandbox.done = true;
	pthread_mutex_unlock(&sandbox.lock);
	if (write(sandbox.event_fd, &one, sizeof(one)) < 0) {
		/* the main thread also polls sandbox.done */
	}
}
