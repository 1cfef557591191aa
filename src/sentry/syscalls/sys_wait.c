/* SPDX-License-Identifier: MIT */
/* wait4 and waitid: the arguments and the answer; waiting is kernel/wait.c's. */
#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include "kernel/kernel.h"
#include "mm/mm.h"
#include "syscalls/syscalls.h"
#include "vfs/vfs.h"

#ifndef P_PIDFD
#define P_PIDFD 3
#endif

/* waitid(P_PIDFD): the pid the pidfd names; a nonblocking pidfd makes the
 * wait WNOHANG, and "nothing yet" EAGAIN (Linux 5.10). */
static int pidfd_pid(struct task *t, int fd, pid_t *pid, bool *nonblock)
{
	struct file *f = fget(t, fd);
	struct thread_group *tg = pidfd_tg(f);

	if (tg) {
		*pid = tg->pid;
		*nonblock = f->flags & O_NONBLOCK;
	}
	file_put(f);
	tg_put(tg);
	return tg ? 0 : -EBADF;
}

long sys_wait4(struct task *t, const struct syscall_args *a)
{
	pid_t pid = ARG_INT(a, 0);
	int options = ARG_INT(a, 2), by = CHILD_PID;
	struct thread_group *c;
	long ret;

	if (options & ~(WNOHANG | WUNTRACED | WCONTINUED | __WNOTHREAD | __WCLONE | __WALL))
		return -EINVAL;
	if (pid == INT_MIN)
		return -ESRCH;          /* no group -INT_MIN: Linux's kernel_wait4 */
	if (pid == -1)
		by = CHILD_ANY;
	else if (pid == 0) {
		by = CHILD_PGID;
		pid = t->tg->pgid;
	} else if (pid < -1) {
		by = CHILD_PGID;
		pid = -pid;
	}
	int status = 0;
	struct rusage ru;

	ret = wait_child(t, by, pid, options, options & WNOHANG, false, &c, &status, &ru);
	if (ret > 0) {
		tg_put(c);
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
	bool nonblock = false;
	long ret;

	if (options & ~(WNOHANG | WNOWAIT | WEXITED | WSTOPPED | WCONTINUED | __WNOTHREAD |
			__WCLONE | __WALL) || !(options & (WEXITED | WSTOPPED | WCONTINUED)))
		return -EINVAL;
	switch (idtype) {
	case P_ALL: by = CHILD_ANY; break;
	case P_PID: by = CHILD_PID; if (id <= 0) return -EINVAL; break;
	case P_PGID: by = CHILD_PGID; if (id < 0) return -EINVAL; if (!id) id = t->tg->pgid; break;
	case P_PIDFD:
		by = CHILD_PID;
		ret = pidfd_pid(t, id, &id, &nonblock);
		if (ret)
			return ret;
		break;
	default: return -EINVAL;
	}
	int st = 0;

	ret = wait_child(t, by, id, ((options & WSTOPPED) ? WUNTRACED : 0) |
			 (options & WCONTINUED), (options & WNOHANG) || nonblock, options & WNOWAIT,
			 &c, &st, &ru);
	if (ret == 0 && nonblock && !(options & WNOHANG))
		return -EAGAIN;
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
	if (ret > 0)
		tg_put(c);
	if (ret >= 0 && a->a[2] && copy_to_user(t->tg->mm, a->a[2], &si, sizeof(si)))
		return -EFAULT;
	/* the raw call's fifth argument, which libc's waitid leaves NULL */
	if (ret > 0 && a->a[4] && copy_to_user(t->tg->mm, a->a[4], &ru, sizeof(ru)))
		return -EFAULT;
	return ret > 0 ? 0 : ret;
}
