/* SPDX-License-Identifier: MIT */
/* Waiting for children: reaping zombies, stops and continues (wait4 and
 * waitid are syscalls/sys_wait.c). */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>

#include "kernel/kernel.h"
#include "mm/mm.h"

/*
 * Find a child of t matching (by, id), with sandbox.lock held: a zombie
 * if there is one (*found), else whether any child matches at all.
 */
static bool scan_children(struct task *t, int by, pid_t id, int options,
			  struct thread_group **found)
{
	bool any = false;

	*found = NULL;
	for (struct thread_group *c = sandbox.tgs; c; c = c->next_tg) {
		if (c->ppid != t->tg->pid || c->reaped || c == t->tg)
			continue;
		if ((by == CHILD_PID && c->pid != id) || (by == CHILD_PGID && c->pgid != id))
			continue;
		any = true;
		if (c->zombie || (c->wait_report == 1 && (options & WUNTRACED)) ||
		    (c->wait_report == 2 && (options & WCONTINUED))) {
			*found = c;
			return true;
		}
	}
	return any;
}

static void ru_add(struct rusage *to, const struct rusage *ru)
{
	timeradd(&to->ru_utime, &ru->ru_utime, &to->ru_utime);
	timeradd(&to->ru_stime, &ru->ru_stime, &to->ru_stime);
	if (ru->ru_maxrss > to->ru_maxrss)
		to->ru_maxrss = ru->ru_maxrss;
	to->ru_minflt += ru->ru_minflt;
	to->ru_majflt += ru->ru_majflt;
	to->ru_inblock += ru->ru_inblock;
	to->ru_oublock += ru->ru_oublock;
	to->ru_nvcsw += ru->ru_nvcsw;
	to->ru_nivcsw += ru->ru_nivcsw;
}

/*
 * A zombie's usage for wait4, its own and its reaped descendants' (Linux's
 * RUSAGE_BOTH); reaping it adds that to the parent's RUSAGE_CHILDREN.
 * sandbox.lock is held, which orders this after the child's exit.
 */
static void zombie_usage(struct task *t, struct thread_group *c, bool reap,
			 struct rusage *ru)
{
	pthread_mutex_lock(&c->lock);
	*ru = c->ru_self;
	pthread_mutex_unlock(&c->lock);
	ru_add(ru, &c->ru_children);
	if (reap)
		ru_add(&t->tg->ru_children, ru);
}

/*
 * Wait for a zombie child; returns it (reaped unless nowait; *out is held:
 * the caller tg_put()s it), 0, or -errno.
 * *ru is the zombie's usage; a stop or continue reports none (zeros).
 */
long wait_child(struct task *t, int by, pid_t id, int options, bool nohang,
		       bool nowait, struct thread_group **out, int *status,
		       struct rusage *ru)
{
	struct wait_entry e;
	long ret;

	memset(ru, 0, sizeof(*ru));
	wait_entry_task(&e, t, 0);
	waitq_add(&sandbox.child_wq, &e);
	pthread_mutex_lock(&sandbox.lock);
	for (;;) {
		task_prepare_wait(t);
		if (!scan_children(t, by, id, options, out)) {
			ret = -ECHILD;
			break;
		}
		if (*out) {
			struct thread_group *c = tg_get(*out);

			if (c->zombie) {
				*status = c->exit_status;
				zombie_usage(t, c, !nowait, ru);
				if (!nowait)
					tg_reap_locked(c);
			} else {
				/* a stop or a continue, reported once */
				*status = c->wait_report == 1 ? W_STOPCODE(c->stop_sig) : 0xffff;
				if (!nowait)
					c->wait_report = 0;
			}
			ret = c->pid;
			break;
		}
		if (nohang) {
			ret = 0;
			break;
		}
		if (child_wait(t) == -ERESTARTSYS) {
			ret = -ERESTARTSYS;
			break;
		}
	}
	pthread_mutex_unlock(&sandbox.lock);
	waitq_remove(&sandbox.child_wq, &e);
	return ret;
}
