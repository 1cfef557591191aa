/* SPDX-License-Identifier: MIT */
/*
 * fork, vfork, clone and clone3: their arguments, decoded into one
 * do_clone() (kernel/fork.c).
 */
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <string.h>

#include "mm/mm.h"
#include "syscalls/syscalls.h"

long sys_clone(struct task *t, const struct syscall_args *a)
{
	/* x86_64 order: flags, stack, parent_tid, child_tid, tls */
	return do_clone(t, a->a[0], a->a[1], a->a[2], a->a[3], a->a[4]);
}

long sys_fork(struct task *t, const struct syscall_args *a)
{
	(void)a;
	return do_clone(t, SIGCHLD, 0, 0, 0, 0);
}

long sys_vfork(struct task *t, const struct syscall_args *a)
{
	(void)a;
	return do_clone(t, CLONE_VM | CLONE_VFORK | SIGCHLD, 0, 0, 0, 0);
}

long sys_clone3(struct task *t, const struct syscall_args *a)
{
	struct {
		uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack,
			stack_size, tls, set_tid, set_tid_size, cgroup;
	} ca;
	size_t size = a->a[1];

	memset(&ca, 0, sizeof(ca));
	if (size < 64 || size > 4096)
		return -EINVAL;
	if (copy_from_user(t->tg->mm, &ca, a->a[0], size < sizeof(ca) ? size : sizeof(ca)))
		return -EFAULT;
	if (ca.exit_signal > 64 || (ca.flags & 0xff) || ca.set_tid || ca.cgroup)
		return -EINVAL;
	return do_clone(t, ca.flags | ca.exit_signal,
			ca.stack ? ca.stack + ca.stack_size : 0, ca.parent_tid,
			ca.child_tid, ca.tls);
}
