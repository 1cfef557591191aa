/* SPDX-License-Identifier: MIT */
/*
 * seccomp(2) and prctl's PR_SET_SECCOMP: the arguments; the filters are
 * kernel/seccomp.c's.  What the sandbox cannot give: a user-notification
 * listener (SECCOMP_FILTER_FLAG_NEW_LISTENER: EINVAL, and
 * SECCOMP_GET_ACTION_AVAIL says USER_NOTIF is not there) and speculation
 * controls (SECCOMP_FILTER_FLAG_SPEC_ALLOW is accepted and means nothing:
 * the sentry sets no host mitigation for the application).
 */
#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdlib.h>

#include "mm/mm.h"
#include "syscalls/syscalls.h"

#define FILTER_FLAGS (SECCOMP_FILTER_FLAG_TSYNC | SECCOMP_FILTER_FLAG_LOG | \
		      SECCOMP_FILTER_FLAG_SPEC_ALLOW | SECCOMP_FILTER_FLAG_TSYNC_ESRCH)

/* A struct sock_fprog of the application, copied and installed. */
static long set_filter(struct task *t, unsigned flags, uint64_t ufprog)
{
	struct { uint16_t len; uint64_t filter; } fp;    /* struct sock_fprog */
	struct sock_filter *prog;
	long err;

	if (flags & ~FILTER_FLAGS)
		return -EINVAL;
	if (copy_from_user(t->tg->mm, &fp, ufprog, sizeof(fp)))
		return -EFAULT;
	if (!fp.len || fp.len > BPF_MAXINSNS)
		return -EINVAL;
	prog = malloc(fp.len * sizeof(*prog));
	if (!prog)
		return -ENOMEM;
	err = copy_from_user(t->tg->mm, prog, fp.filter, fp.len * sizeof(*prog)) ? -EFAULT
		: seccomp_set_filter(t, flags, prog, fp.len);
	free(prog);
	return err;
}

static long action_avail(struct task *t, uint64_t uaction)
{
	uint32_t action;

	if (copy_from_user(t->tg->mm, &action, uaction, sizeof(action)))
		return -EFAULT;
	switch (action) {
	case SECCOMP_RET_KILL_PROCESS: case SECCOMP_RET_KILL_THREAD: case SECCOMP_RET_TRAP:
	case SECCOMP_RET_ERRNO: case SECCOMP_RET_TRACE: case SECCOMP_RET_LOG:
	case SECCOMP_RET_ALLOW:
		return 0;
	default:
		return -EOPNOTSUPP;     /* and USER_NOTIF: no listener here */
	}
}

long sys_seccomp(struct task *t, const struct syscall_args *a)
{
	unsigned op = ARG_UINT(a, 0), flags = ARG_UINT(a, 1);

	switch (op) {
	case SECCOMP_SET_MODE_STRICT:
		return flags || a->a[2] ? -EINVAL : seccomp_set_strict(t);
	case SECCOMP_SET_MODE_FILTER:
		return set_filter(t, flags, a->a[2]);
	case SECCOMP_GET_ACTION_AVAIL:
		return flags ? -EINVAL : action_avail(t, a->a[2]);
	case SECCOMP_GET_NOTIF_SIZES: {
		struct seccomp_notif_sizes s = { sizeof(struct seccomp_notif),
						 sizeof(struct seccomp_notif_resp),
						 sizeof(struct seccomp_data) };

		if (flags)
			return -EINVAL;
		return copy_to_user(t->tg->mm, a->a[2], &s, sizeof(s)) ? -EFAULT : 0;
	}
	default:
		return -EINVAL;
	}
}

/* prctl(PR_SET_SECCOMP, mode, filter): the older door to the same. */
long seccomp_prctl(struct task *t, unsigned long mode, uint64_t ufprog)
{
	if (mode == SECCOMP_MODE_STRICT)
		return seccomp_set_strict(t);
	if (mode == SECCOMP_MODE_FILTER)
		return set_filter(t, 0, ufprog);
	return -EINVAL;
}
