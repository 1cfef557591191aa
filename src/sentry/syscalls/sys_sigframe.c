/* SPDX-License-Identifier: MIT */
/*
 * The system calls of signal frames and stacks, over kernel/sigframe.c.
 */
#include <errno.h>

#include "mm/mm.h"
#include "syscalls/syscalls.h"

long sys_rt_sigreturn(struct task *t, const struct syscall_args *a)
{
	(void)a;
	return restore_sigframe(t);
}

long sys_sigaltstack(struct task *t, const struct syscall_args *a)
{
	struct k_stack ss, old;
	int err;

	if (a->a[0] && copy_from_user(t->tg->mm, &ss, a->a[0], sizeof(ss)))
		return -EFAULT;
	err = do_sigaltstack(t, a->a[0] ? &ss : NULL, &old);
	if (err)
		return err;
	if (a->a[1] && copy_to_user(t->tg->mm, a->a[1], &old, sizeof(old)))
		return -EFAULT;
	return 0;
}
