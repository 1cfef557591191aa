/* SPDX-License-Identifier: MIT */
/* Signal dispositions and masks: sentry state (see kernel/signal.c). */
#include <errno.h>
#include <string.h>
#include <time.h>

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
	pthread_mutex_lock(&tg->sighand->lock);
	old = tg->sighand->action[sig - 1];
	if (a->a[1]) {
		act.mask &= ~UNBLOCKABLE;
		tg->sighand->action[sig - 1] = act;
	}
	pthread_mutex_unlock(&tg->sighand->lock);
	if (a->a[1]) {
		/*
		 * Setting SIG_IGN discards what is pending (POSIX), and so does
		 * SIG_DFL for a signal whose default is to do nothing (Linux).
		 */
		if (act.handler == 1 || (act.handler == 0 && sig_default_ignored(sig))) {
			sigpend_discard(&tg->shared_pending, &tg->shared_rtq, sig);
			for (struct task *u = tg->tasks; u; u = u->next)
				sigpend_discard(&u->pending, &u->rtq, sig);
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
		switch (how) {
		case SIG_BLOCK: set_sigmask(t, old | set); break;
		case SIG_UNBLOCK: set_sigmask(t, old & ~set); break;
		case SIG_SETMASK: set_sigmask(t, set); break;
		default: return -EINVAL;
		}
	}
	if (a->a[2] && copy_to_user(tg->mm, a->a[2], &old, sizeof(old)))
		return -EFAULT;
	return 0;
}

static void user_info(struct task *t, int sig, int code, siginfo_t *si)
{
	memset(si, 0, sizeof(*si));
	si->si_signo = sig;
	si->si_code = code;
	si->si_pid = t->tg->pid;
	si->si_uid = t->tg->cred.uid;
}

/* whom kill(pid) reaches, from the sender's process */
struct kill_target {
	pid_t pid;
	const struct thread_group *from;
};

/* Does tg have a thread tid? (sandbox.lock held, as tg_find_tid) */
static bool has_thread(struct thread_group *tg, pid_t tid)
{
	bool found = false;

	pthread_mutex_lock(&tg->lock);
	for (struct task *x = tg->tasks; x && !found; x = x->next)
		found = x->tid == tid;
	pthread_mutex_unlock(&tg->lock);
	return found;
}

/* kill(pid > 0) names a process by any of its threads' ids, as Linux's
 * kill_pid_info finds the task and signals its group */
static bool kill_match(struct thread_group *tg, const void *arg)
{
	const struct kill_target *k = arg;

	if (k->pid > 0)
		return tg->pid == k->pid || (!tg->zombie && has_thread(tg, k->pid));
	return (k->pid == 0 && tg->pgid == k->from->pgid) ||
	       (k->pid < -1 && tg->pgid == -k->pid) ||
	       (k->pid == -1 && tg->pid != 1 && tg != k->from);
}

/* kill: a pid, a process group (0, -pgid) or everyone (-1), in the sandbox. */
static long signal_pid(struct task *t, pid_t pid, int sig)
{
	struct kill_target k = { pid, t->tg };
	struct thread_group **found;
	siginfo_t si;
	int n, err = 0;
	bool sent = false;

	if (sig < 0 || sig > NSIG_LINUX)
		return -EINVAL;
	user_info(t, sig, SI_USER, &si);
	/* a zombie takes (and drops) signals; a reaped one is gone */
	found = tgs_collect(kill_match, &k, &n);
	if (!n)
		return -ESRCH;
	for (int i = 0; i < n; i++) {
		if (!may_signal(t->tg, found[i], sig)) {
			err = -EPERM;
		} else {
			sent = true;
			if (sig)
				send_signal_info(found[i], NULL, &si);
		}
	}
	tgs_put(found, n);
	/* kill(-1) fails only if there is no one to signal */
	return sent || pid == -1 ? 0 : err;
}

/* tgkill/tkill/rt_tgsigqueueinfo: one thread; si->si_signo 0 only checks. */
static long signal_tid(struct task *t, pid_t tgid, pid_t tid, const siginfo_t *si)
{
	struct task *to = NULL;
	struct thread_group *owner = NULL;

	if (si->si_signo < 0 || si->si_signo > NSIG_LINUX)
		return -EINVAL;
	pthread_mutex_lock(&sandbox.lock);
	for (struct thread_group *tg = sandbox.tgs; tg && !to; tg = tg->next_tg) {
		if (tg->zombie || (tgid > 0 && tg->pid != tgid))
			continue;
		pthread_mutex_lock(&tg->lock);
		for (struct task *x = tg->tasks; x && !to; x = x->next)
			if (x->tid == tid) {
				to = x;
				owner = tg_get(tg);
			}
		pthread_mutex_unlock(&tg->lock);
	}
	pthread_mutex_unlock(&sandbox.lock);
	if (!to)
		return -ESRCH;
	long err = 0;

	if (!may_signal(t->tg, owner, si->si_signo))
		err = -EPERM;
	else if (si->si_signo)
		err = send_signal_info(owner, to, si);
	tg_put(owner);
	return err;
}

static long tkill(struct task *t, pid_t tgid, pid_t tid, int sig)
{
	siginfo_t si;

	user_info(t, sig, SI_TKILL, &si);
	return signal_tid(t, tgid, tid, &si);
}

long sys_kill(struct task *t, const struct syscall_args *a)
{
	return signal_pid(t, ARG_INT(a, 0), ARG_INT(a, 1));
}

long sys_tgkill(struct task *t, const struct syscall_args *a)
{
	if (ARG_INT(a, 0) <= 0 || ARG_INT(a, 1) <= 0)
		return -EINVAL;
	return tkill(t, ARG_INT(a, 0), ARG_INT(a, 1), ARG_INT(a, 2));
}

long sys_tkill(struct task *t, const struct syscall_args *a)
{
	if (ARG_INT(a, 0) <= 0)
		return -EINVAL;
	return tkill(t, 0, ARG_INT(a, 0), ARG_INT(a, 1));
}

/*
 * pause and rt_sigsuspend: sleep until a signal can be delivered (the
 * sleep ends at once for one already pending but blocked before the
 * caller's new mask: sigsuspend's race).  They return EINTR once a
 * handler has run; a signal that runs none (ignored, a stop and a
 * continue) sends them back to sleep, as in Linux.
 */
static long sleep_for_signal(struct task *t)
{
	task_block_fds(t, NULL, 0, NULL);
	return -ERESTARTNOHAND;
}

long sys_pause(struct task *t, const struct syscall_args *a)
{
	(void)a;
	return sleep_for_signal(t);
}

long sys_rt_sigsuspend(struct task *t, const struct syscall_args *a)
{
	uint64_t mask;

	if (a->a[1] != 8)
		return -EINVAL;
	if (copy_from_user(t->tg->mm, &mask, a->a[0], sizeof(mask)))
		return -EFAULT;
	t->saved_mask = t->sigmask;
	t->restore_mask = true;
	set_sigmask(t, mask);
	return sleep_for_signal(t);
}

long sys_rt_sigpending(struct task *t, const struct syscall_args *a)
{
	uint64_t set;

	if (a->a[1] > 8)
		return -EINVAL;
	pthread_mutex_lock(&t->tg->lock);
	set = (t->pending | t->tg->shared_pending) & t->sigmask;
	pthread_mutex_unlock(&t->tg->lock);
	return copy_to_user(t->tg->mm, a->a[0], &set, a->a[1]);
}

/* rt_sigtimedwait: take a signal of set without running its handler. */
long sys_rt_sigtimedwait(struct task *t, const struct syscall_args *a)
{
	struct thread_group *tg = t->tg;
	struct timespec ts;
	uint64_t set;
	siginfo_t si;
	int sig;

	if (a->a[3] != 8)
		return -EINVAL;
	if (copy_from_user(tg->mm, &set, a->a[0], sizeof(set)))
		return -EFAULT;
	set &= ~UNBLOCKABLE;
	if (a->a[2]) {
		if (copy_from_user(tg->mm, &ts, a->a[2], sizeof(ts)))
			return -EFAULT;
		if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= 1000000000L)
			return -EINVAL;
	}
	sig = dequeue_signal(t, set, &si);
	if (!sig && (!a->a[2] || ts.tv_sec || ts.tv_nsec))
		sig = sigwait_take(t, set, a->a[2] ? &ts : NULL, &si);
	if (sig <= 0)
		return sig ? sig : -EAGAIN;     /* EINTR, never restarted, as in Linux */
	si.si_signo = sig;
	if (a->a[1] && copy_to_user(tg->mm, a->a[1], &si, sizeof(si)))
		return -EFAULT;
	return sig;
}

/* restart_syscall: go on with the call a signal with no handler stopped. */
long sys_restart_syscall(struct task *t, const struct syscall_args *a)
{
	long (*fn)(struct task *) = t->restart.fn;

	(void)a;
	t->restart.fn = NULL;
	return fn ? fn(t) : -EINTR;
}

static long queue_info(struct task *t, pid_t tgid, pid_t tid, int sig, uint64_t uinfo)
{
	const struct fs_struct *fs;
	siginfo_t si;
	struct thread_group *tg;
	long err;

	if (sig < 1 || sig > NSIG_LINUX)
		return -EINVAL;
	if (copy_from_user(t->tg->mm, &si, uinfo, sizeof(si)))
		return -EFAULT;
	/* only negative codes may be sent to another (SI_QUEUE...): Linux
	 * compares the target with the calling thread's own id */
	if ((si.si_code >= 0 || si.si_code == SI_TKILL) && tgid != t->tid)
		return -EPERM;
	si.si_signo = sig;
	if (tid)
		return signal_tid(t, tgid, tid, &si);
	/* a thread's id names its process here too (kill_proc_info) */
	tg = tg_find(tgid);
	if (!tg && !(tg = tg_find_tid(tgid, &fs)))
		return -ESRCH;
	if (!may_signal(t->tg, tg, sig)) {
		tg_put(tg);
		return -EPERM;
	}
	err = send_signal_info(tg, NULL, &si);
	tg_put(tg);
	return err;
}

long sys_rt_sigqueueinfo(struct task *t, const struct syscall_args *a)
{
	return queue_info(t, ARG_INT(a, 0), 0, ARG_INT(a, 1), a->a[2]);
}

long sys_rt_tgsigqueueinfo(struct task *t, const struct syscall_args *a)
{
	return queue_info(t, ARG_INT(a, 0), ARG_INT(a, 1), ARG_INT(a, 2), a->a[3]);
}
