/* SPDX-License-Identifier: MIT */
/* Signal dispositions and masks: sentry state (see kernel/signal.c). */
#include <errno.h>

#include "mm/mm.h"
#include "syscalls/syscalls.h"

#define SA_RESTORER_FLAG 0x04000000
#define UNBLOCKABLE (SIGBIT(SIGKILL) | SIGBIT(SIGSTOP))

long sys_rt_sigaction(struct task *t, const struct syscall_args *a)
{
	struct thread_group *tg = t->tg;
	int sig = ARG_INT(a, 0);
	struct k_sigaction act, old;

	if (a->a[3] != 8)
		return -EINVAL;
	if (sig < 1 || sig > NSIG_LINUX)
		return -EINVAL;
	if (a->a[1] && copy_from_user(tg->mm, &act, a->a[1], sizeof(act)))
		return -EFAULT;
	if (a->a[1] && (sig == SIGKILL || sig == SIGSTOP))
		return -EINVAL;
	pthread_mutex_lock(&tg->lock);
	old = tg->sigaction[sig - 1];
	if (a->a[1]) {
		act.mask &= ~UNBLOCKABLE;
		tg->sigaction[sig - 1] = act;
		/* Setting SIG_IGN discards what is pending (POSIX). */
		if (act.handler == 1) {
			tg->shared_pending &= ~SIGBIT(sig);
			for (struct task *u = tg->tasks; u; u = u->next)
				u->pending &= ~SIGBIT(sig);
		}
	}
	pthread_mutex_unlock(&tg->lock);
	if (a->a[2] && copy_to_user(tg->mm, a->a[2], &old, sizeof(old)))
		return -EFAULT;
	return 0;
}

long sys_rt_sigprocmask(struct task *t, const struct syscall_args *a)
{
	struct thread_group *tg = t->tg;
	int how = ARG_INT(a, 0);
	uint64_t set, old = t->sigmask;

	if (a->a[3] != 8)
		return -EINVAL;
	if (a->a[1]) {
		if (copy_from_user(tg->mm, &set, a->a[1], sizeof(set)))
			return -EFAULT;
		set &= ~UNBLOCKABLE;
		switch (how) {
		case SIG_BLOCK: t->sigmask |= set; break;
		case SIG_UNBLOCK: t->sigmask &= ~set; break;
		case SIG_SETMASK: t->sigmask = set; break;
		default: return -EINVAL;
		}
	}
	if (a->a[2] && copy_to_user(tg->mm, a->a[2], &old, sizeof(old)))
		return -EFAULT;
	return 0;
}

/* kill, tkill, tgkill: inside the sandbox only, by virtual pid. */
static long signal_pid(struct task *t, pid_t pid, int sig)
{
	struct thread_group *tg;

	if (sig < 0 || sig > NSIG_LINUX)
		return -EINVAL;
	if (pid == 0 || pid == -1)
		pid = t->tg->pid;       /* one process group until the process model */
	tg = tg_find(pid < 0 ? -pid : pid);
	if (!tg)
		return -ESRCH;
	if (sig)
		send_signal_tg(tg, sig);
	tg_put(tg);
	return 0;
}

long sys_kill(struct task *t, const struct syscall_args *a)
{
	return signal_pid(t, ARG_INT(a, 0), ARG_INT(a, 1));
}

long sys_tgkill(struct task *t, const struct syscall_args *a)
{
	if (ARG_INT(a, 0) <= 0 || ARG_INT(a, 1) <= 0)
		return -EINVAL;
	return signal_pid(t, ARG_INT(a, 0), ARG_INT(a, 2));
}

long sys_tkill(struct task *t, const struct syscall_args *a)
{
	if (ARG_INT(a, 0) <= 0)
		return -EINVAL;
	return signal_pid(t, ARG_INT(a, 0), ARG_INT(a, 1));
}
