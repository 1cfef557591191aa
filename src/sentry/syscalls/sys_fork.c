/* SPDX-License-Identifier: MIT */
/*
 * fork, vfork, clone and clone3: their arguments, decoded into one
 * do_clone() (kernel/fork.c).
 */
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <string.h>

#include "ipc/ipc.h"
#include "mm/mm.h"
#include "syscalls/syscalls.h"
#include "vfs/vfs.h"

/*
 * do_clone() and, with CLONE_PIDFD, the new process's pidfd (close-on-exec,
 * as Linux) in the parent, its number stored at upidfd.  The address is
 * tried first, so that a bad one fails the clone before there is a child.
 */
static long clone_pidfd(struct task *t, uint64_t flags, uint64_t stack, uint64_t ptid,
			uint64_t ctid, uint64_t tls, uint64_t upidfd)
{
	struct thread_group *child = NULL;
	int fd = -1;
	long pid;

	if (!(flags & CLONE_PIDFD) || (flags & CLONE_THREAD))   /* the latter: EINVAL */
		return do_clone(t, flags, stack, ptid, ctid, tls, NULL);
	if (copy_to_user(t->tg->mm, upidfd, &fd, sizeof(fd)))
		return -EFAULT;
	pid = do_clone(t, flags, stack, ptid, ctid, tls, &child);
	if (child) {
		long r = fd_install_new(t, pidfd_file_new(child, 0), true);

		tg_put(child);
		fd = (int)r;
		if (r < 0 || copy_to_user(t->tg->mm, upidfd, &fd, sizeof(fd))) {
			/* the child runs already: Linux fails before it exists;
			 * here the caller learns of it by the error, the child
			 * lives on as if CLONE_PIDFD had not been asked */
			pid = r < 0 ? r : -EFAULT;
		}
	}
	return pid;
}

long sys_clone(struct task *t, const struct syscall_args *a)
{
	/* x86_64 order: flags, stack, parent_tid, child_tid, tls; with
	 * CLONE_PIDFD the pidfd goes where parent_tid would */
	if ((a->a[0] & CLONE_PIDFD) && (a->a[0] & CLONE_PARENT_SETTID))
		return -EINVAL;
	return clone_pidfd(t, a->a[0], a->a[1], a->a[2], a->a[3], a->a[4], a->a[2]);
}

long sys_fork(struct task *t, const struct syscall_args *a)
{
	(void)a;
	return do_clone(t, SIGCHLD, 0, 0, 0, 0, NULL);
}

long sys_vfork(struct task *t, const struct syscall_args *a)
{
	(void)a;
	return do_clone(t, CLONE_VM | CLONE_VFORK | SIGCHLD, 0, 0, 0, 0, NULL);
}

long sys_clone3(struct task *t, const struct syscall_args *a)
{
	struct {
		uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack,
			stack_size, tls, set_tid, set_tid_size, cgroup;
	} ca;
	size_t size = a->a[1];

	memset(&ca, 0, sizeof(ca));
	if (size > 4096)                        /* a page: Linux's E2BIG */
		return -E2BIG;
	if (size < 64)
		return -EINVAL;
	if (copy_from_user(t->tg->mm, &ca, a->a[0], size < sizeof(ca) ? size : sizeof(ca)))
		return -EFAULT;
	/* a newer caller's larger struct: what we do not know must be zero
	 * (copy_struct_from_user) */
	for (size_t off = sizeof(ca); off < size; off += 8) {
		uint64_t w = 0;
		size_t n = size - off < 8 ? size - off : 8;

		if (copy_from_user(t->tg->mm, &w, a->a[0] + off, n))
			return -EFAULT;
		if (w)
			return -E2BIG;
	}
	if (ca.exit_signal > 64 || (ca.flags & 0xff) || ca.set_tid || ca.cgroup)
		return -EINVAL;
	if (!ca.stack != !ca.stack_size)        /* clone3_stack_valid */
		return -EINVAL;
	return clone_pidfd(t, ca.flags | ca.exit_signal,
			   ca.stack ? ca.stack + ca.stack_size : 0, ca.parent_tid,
			   ca.child_tid, ca.tls, ca.pidfd);
}

long sys_unshare(struct task *t, const struct syscall_args *a)
{
	long err = do_unshare(t, a->a[0]);

	/* the process's own SEM_UNDO list (do_unshare() checked it is not
	 * shared with a thread): applied, as Linux's exit_sem() at the last
	 * reference, and a new empty one begins */
	if (!err && (a->a[0] & CLONE_SYSVSEM))
		sem_exit(t->tg);
	return err;
}
