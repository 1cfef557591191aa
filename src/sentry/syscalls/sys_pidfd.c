/* SPDX-License-Identifier: MIT */
/*
 * pidfd_open, pidfd_send_signal, pidfd_getfd: process handles (Linux's
 * kernel/pid.c and kernel/signal.c); the file is fs/pidfd.c's, CLONE_PIDFD
 * kernel/fork.c's and waitid(P_PIDFD) sys_wait.c's.  Thread pidfds
 * (PIDFD_THREAD, Linux 6.9) are not made: EINVAL.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>

#include "kernel/kernel.h"
#include "mm/mm.h"
#include "syscalls/syscalls.h"
#include "vfs/vfs.h"

#define PIDFD_NONBLOCK O_NONBLOCK
#define PIDFD_SIGNAL_THREAD_GROUP (1U << 1)

long sys_pidfd_open(struct task *t, const struct syscall_args *a)
{
	pid_t pid = ARG_INT(a, 0);
	unsigned flags = ARG_UINT(a, 1);
	struct thread_group *tg;
	long fd;

	if (flags & ~PIDFD_NONBLOCK || pid <= 0)
		return -EINVAL;
	tg = tg_find(pid);
	if (!tg)
		return tid_alive(pid) ? -ENOENT : -ESRCH;     /* a thread: Linux 6.9 on */
	fd = fd_install_new(t, pidfd_file_new(tg, (int)flags), true);
	tg_put(tg);
	return fd;
}

/* The process the pidfd at fd names (held: tg_put it), or NULL (EBADF); with
 * proc_dir, a /proc/<pid> directory fd names its process too (Linux's
 * pidfd_to_pid, for pidfd_send_signal only). */
static struct thread_group *pidfd_get(struct task *t, int fd, bool proc_dir)
{
	struct file *f = fget(t, fd);
	struct thread_group *tg = pidfd_tg(f);

	if (!tg && proc_dir)
		tg = procfs_pid_dir_tg(f);
	file_put(f);
	return tg;
}

long sys_pidfd_send_signal(struct task *t, const struct syscall_args *a)
{
	int sig = ARG_INT(a, 1);
	unsigned flags = ARG_UINT(a, 3);
	struct thread_group *tg;
	siginfo_t si;
	long err = 0;

	if (flags & ~PIDFD_SIGNAL_THREAD_GROUP)
		return -EINVAL;
	if (sig < 0 || sig > NSIG_LINUX)
		return -EINVAL;
	tg = pidfd_get(t, ARG_INT(a, 0), true);
	if (!tg)
		return -EBADF;
	memset(&si, 0, sizeof(si));
	if (a->a[2]) {
		if (copy_from_user(t->tg->mm, &si, a->a[2], sizeof(si)))
			err = -EFAULT;
		else if (si.si_signo != sig)
			err = -EINVAL;
		/* only negative codes may be sent to another process, as sigqueue */
		else if (tg != t->tg && (si.si_code >= 0 || si.si_code == SI_TKILL))
			err = -EPERM;
	} else {
		si.si_signo = sig;
		si.si_code = SI_USER;
		si.si_pid = t->tg->pid;
		si.si_uid = t->tg->cred.uid;
	}
	if (!err && tg->reaped)
		err = -ESRCH;
	else if (!err && !may_signal(t->tg, tg, sig))
		err = -EPERM;
	else if (!err && sig && !tg->zombie)
		send_signal_info(tg, NULL, &si);
	tg_put(tg);
	return err;
}

long sys_pidfd_getfd(struct task *t, const struct syscall_args *a)
{
	struct thread_group *tg;
	struct file *f = NULL;
	long ret;

	if (a->a[2])
		return -EINVAL;
	tg = pidfd_get(t, ARG_INT(a, 0), false);
	if (!tg)
		return -EBADF;
	pthread_mutex_lock(&tg->lock);
	if (tg->fdt)
		f = fdt_get(tg->fdt, ARG_INT(a, 1));
	ret = tg->fdt ? -EBADF : -ESRCH;        /* exited: no files any more */
	pthread_mutex_unlock(&tg->lock);
	/* PTRACE_MODE_ATTACH_REALCREDS: the real ids, not the fs ones */
	if (!ptrace_may_access_real(t, tg))
		ret = -EPERM;
	else if (f)
		ret = fd_install_new(t, file_get(f), true);
	file_put(f);
	tg_put(tg);
	return ret;
}
