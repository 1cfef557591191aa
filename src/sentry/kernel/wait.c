/* SPDX-License-Identifier: MIT */
/* wait4 and waitid: reaping zombies of the caller's children. */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>

#include "kernel/kernel.h"
#include "mm/mm.h"
#include "syscalls/syscalls.h"

enum { BY_ANY, BY_PID, BY_PGID };

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
		if ((by == BY_PID && c->pid != id) || (by == BY_PGID && c->pgid != id))
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
 * Wait for a zombie child; returns it (reaped unless nowait), 0, or -errno.
 * *ru is the zombie's usage; a stop or continue reports none (zeros).
 */
static long wait_child(struct task *t, int by, pid_t id, int options, bool nohang,
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
			struct thread_group *c = *out;

			if (c->zombie) {
				*status = c->exit_status;
				zombie_usage(t, c, !nowait, ru);
				if (!nowait)
					c->reaped = true;
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

long sys_wait4(struct task *t, const struct syscall_args *a)
{
	pid_t pid = ARG_INT(a, 0);
	int options = ARG_INT(a, 2), by = BY_PID;
	struct thread_group *c;
	long ret;

	if (options & ~(WNOHANG | WUNTRACED | WCONTINUED | __WNOTHREAD | __WCLONE | __WALL))
		return -EINVAL;
	if (pid == -1)
		by = BY_ANY;
	else if (pid == 0) {
		by = BY_PGID;
		pid = t->tg->pgid;
	} else if (pid < -1) {
		by = BY_PGID;
		pid = -pid;
	}
	int status = 0;
	struct rusage ru;

	ret = wait_child(t, by, pid, options, options & WNOHANG, false, &c, &status, &ru);
	if (ret > 0) {
		if (a->a[1] && copy_to_user(t->tg->mm, a->a[1], &status, sizeof(int)))
			return -EFAULT;
		if (a->a[3] && copy_to_user(t->tg->mm, a->a[3], &ru, sizeof(ru)))
			return -EFAULT;
	}
	return ret;
}

long sys_waitid(struct task *t, const struct syscall_args *a)
{
	int idtype = ARG_INT(a, 0), options = ARG_INT(a, 3), by;
	pid_t id = ARG_INT(a, 1);
	struct thread_group *c;
	siginfo_t si;
	struct rusage ru;
	long ret;

	if (options & ~(WNOHANG | WNOWAIT | WEXITED | WSTOPPED | WCONTINUED | __WNOTHREAD |
			__WCLONE | __WALL) || !(options & (WEXITED | WSTOPPED | WCONTINUED)))
		return -EINVAL;
	switch (idtype) {
	case P_ALL: by = BY_ANY; break;
	case P_PID: by = BY_PID; if (id <= 0) return -EINVAL; break;
	case P_PGID: by = BY_PGID; if (id < 0) return -EINVAL; if (!id) id = t->tg->pgid; break;
	default: return -EINVAL;
	}
	int st = 0;

	ret = wait_child(t, by, id, ((options & WSTOPPED) ? WUNTRACED : 0) |
			 (options & WCONTINUED), options & WNOHANG, options & WNOWAIT, &c, &st, &ru);
	if (ret > 0 && c->zombie && !(options & WEXITED))
		ret = 0;        /* (a zombie when only stops were asked for: rare) */
	memset(&si, 0, sizeof(si));
	if (ret > 0) {
		si.si_signo = SIGCHLD;
		si.si_pid = c->pid;
		si.si_uid = c->cred.uid;
		if (WIFSTOPPED(st)) {
			si.si_code = CLD_STOPPED;
			si.si_status = WSTOPSIG(st);
		} else if (WIFCONTINUED(st)) {
			si.si_code = CLD_CONTINUED;
			si.si_status = SIGCONT;
		} else {
			si.si_code = WIFEXITED(st) ? CLD_EXITED
						   : (WCOREDUMP(st) ? CLD_DUMPED : CLD_KILLED);
			si.si_status = WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st);
		}
	}
	if (ret >= 0 && a->a[2] && copy_to_user(t->tg->mm, a->a[2], &si, sizeof(si)))
		return -EFAULT;
	/* the raw call's fifth argument, which libc's waitid leaves NULL */
	if (ret > 0 && a->a[4] && copy_to_user(t->tg->mm, a->a[4], &ru, sizeof(ru)))
		return -EFAULT;
	return ret > 0 ? 0 : ret;
}
