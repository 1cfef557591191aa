/* SPDX-License-Identifier: MIT */
/*
 * Signals, all in the sentry (DESIGN.md §4): dispositions, masks, pending
 * sets per task and per thread group, and delivery before a task goes back
 * to application code: default actions, or a frame for the handler
 * (sigframe.c).  A syscall interrupted by a signal whose handler has
 * SA_RESTART is restarted; otherwise it returns EINTR.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/kernel.h"
#include "mm/mm.h"
#include "syscalls/syscalls.h"

#define SIG_DFL_H 0
#define SIG_IGN_H 1
#define SA_RESTART_F 0x10000000
#define SA_RESETHAND_F 0x80000000

bool sig_default_ignored(int sig)
{
	return sig == SIGCHLD || sig == SIGURG || sig == SIGWINCH || sig == SIGCONT;
}

static bool sig_ignored(struct thread_group *tg, int sig)
{
	uint64_t h = tg->sigaction[sig - 1].handler;

	return h == SIG_IGN_H || (h == SIG_DFL_H && sig_default_ignored(sig));
}

/*
 * Add a signal to a pending set.  A standard signal already pending is
 * merged (its first siginfo kept); a real-time one queues behind it, as
 * POSIX wants, up to a bound like RLIMIT_SIGPENDING's.
 */
#define MAX_QUEUED 1024

static void sigpend_add(uint64_t *set, siginfo_t *slots, struct sigq **q,
			const siginfo_t *info)
{
	int sig = info->si_signo, n = 0;
	struct sigq **pp, *e;

	if (!(*set & SIGBIT(sig))) {
		*set |= SIGBIT(sig);
		slots[sig - 1] = *info;
		return;
	}
	if (sig < SIGRT_FIRST)
		return;
	for (pp = q; *pp; pp = &(*pp)->next)
		n++;
	if (n >= MAX_QUEUED || !(e = malloc(sizeof(*e))))
		return;         /* Linux drops it too when over the limit */
	e->info = *info;
	e->next = NULL;
	*pp = e;
}

/* Take sig (pending in *set) with its siginfo; a queued one moves up. */
static void sigpend_take(uint64_t *set, siginfo_t *slots, struct sigq **q,
			 int sig, siginfo_t *info)
{
	*info = slots[sig - 1];
	for (struct sigq **pp = q; *pp; pp = &(*pp)->next) {
		struct sigq *e = *pp;

		if (e->info.si_signo != sig)
			continue;
		slots[sig - 1] = e->info;
		*pp = e->next;
		free(e);
		return;
	}
	*set &= ~SIGBIT(sig);
}

/* Forget every pending instance of sig (SIG_IGN, a stop/continue pair). */
void sigpend_discard(uint64_t *set, struct sigq **q, int sig)
{
	*set &= ~SIGBIT(sig);
	for (struct sigq **pp = q; *pp;) {
		struct sigq *e = *pp;

		if (e->info.si_signo == sig) {
			*pp = e->next;
			free(e);
		} else {
			pp = &e->next;
		}
	}
}

/*
 * Does sig kill the group the moment it is sent, as in Linux's
 * complete_signal(): SIGKILL, or a signal whose default action is to
 * terminate, neither caught nor blocked by the task that would take it.
 * The group then dies from here, not when one of its threads next enters
 * the sentry: a thread that never traps (one that blocked the host's
 * signals, or spins) cannot keep its process alive (tg->lock held).
 */
static bool kills_now(struct thread_group *tg, struct task *target, int sig)
{
	if (sig == SIGKILL)
		return true;
	if (tg->sigaction[sig - 1].handler != SIG_DFL_H || (target->sigmask & SIGBIT(sig)))
		return false;
	return !sig_default_ignored(sig) && sig != SIGSTOP && sig != SIGTSTP &&
	       sig != SIGTTIN && sig != SIGTTOU;
}

/* Queue a signal on the group (to == NULL) or one task, and kick a taker. */
void send_signal_info(struct thread_group *tg, struct task *to, const siginfo_t *info)
{
	int sig = info->si_signo;
	struct task *target = to;
	bool fatal;

	if (sig < 1 || sig > NSIG_LINUX)
		return;
	if (sig == SIGCONT)
		job_continue(tg);       /* even when SIGCONT is ignored or blocked */
	pthread_mutex_lock(&tg->lock);
	if (sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU) {
		/* a stop discards a pending continue, and the reverse */
		tg->shared_pending &= ~SIGBIT(SIGCONT);
		tg->stop_cont = tg->cont_count;
	}
	if ((sig_ignored(tg, sig) && sig != SIGKILL) || tg->exiting) {
		pthread_mutex_unlock(&tg->lock);
		return;
	}
	if (to) {
		sigpend_add(&to->pending, to->pending_info, &to->rtq, info);
	} else {
		sigpend_add(&tg->shared_pending, tg->shared_info, &tg->shared_rtq, info);
		for (struct task *t = tg->tasks; t && !target; t = t->next)
			if (!(t->sigmask & SIGBIT(sig)) || sig == SIGKILL)
				target = t;
	}
	if (target && (!(target->sigmask & SIGBIT(sig)) || sig == SIGKILL))
		task_kick(target);
	fatal = target && kills_now(tg, target, sig);
	pthread_mutex_unlock(&tg->lock);
	if (fatal)
		tg_exit_group(tg, W_EXITCODE(0, sig), NULL);
}

/* Tell the parent about a stop or a continue (SIGCHLD, and its waiters). */
static void notify_parent(struct thread_group *tg, int code, int sig)
{
	struct thread_group *parent = tg_find(tg->ppid);
	siginfo_t si;

	pthread_mutex_lock(&sandbox.lock);
	pthread_cond_broadcast(&sandbox.child_cv);
	pthread_mutex_unlock(&sandbox.lock);
	if (!parent)
		return;
	memset(&si, 0, sizeof(si));
	si.si_signo = SIGCHLD;
	si.si_code = code;
	si.si_pid = tg->pid;
	si.si_status = sig;
	send_signal_info(parent, NULL, &si);
	tg_put(parent);
}

/* Job control: the whole group stops; every task parks in stop_wait(). */
void job_stop(struct task *t, int sig)
{
	struct thread_group *tg = t->tg;

	pthread_mutex_lock(&tg->lock);
	if (tg->stopped || tg->stop_cont != tg->cont_count) {
		pthread_mutex_unlock(&tg->lock);
		return;         /* already stopped, or continued since */
	}
	tg->stopped = true;
	tg->stop_sig = sig;
	tg->wait_report = 1;
	tg->shared_pending &= ~SIGBIT(SIGCONT);
	for (struct task *o = tg->tasks; o; o = o->next)
		if (o != t)
			task_kick(o);
	pthread_mutex_unlock(&tg->lock);
	notify_parent(tg, CLD_STOPPED, sig);
}

void job_continue(struct thread_group *tg)
{
	bool was;

	pthread_mutex_lock(&tg->lock);
	was = tg->stopped;
	tg->stopped = false;
	tg->cont_count++;
	for (int s = SIGTSTP; s <= SIGTTOU; s++)
		tg->shared_pending &= ~SIGBIT(s);
	tg->shared_pending &= ~SIGBIT(SIGSTOP);
	if (was)
		tg->wait_report = 2;
	pthread_mutex_unlock(&tg->lock);
	if (was)
		notify_parent(tg, CLD_CONTINUED, SIGCONT);
}

/* A stopped task waits here, in the sentry, until SIGCONT or SIGKILL. */
void stop_wait(struct task *t)
{
	struct timespec slice = { 0, 20000000 };
	/* the sleep below uses the kick flag; the restart logic needs it after */
	bool interrupted = __atomic_load_n(&t->kicked, __ATOMIC_SEQ_CST);

	while (__atomic_load_n(&t->tg->stopped, __ATOMIC_ACQUIRE) && !t->tg->exiting) {
		__atomic_store_n(&t->kicked, false, __ATOMIC_SEQ_CST);
		pthread_mutex_lock(&t->tg->lock);
		bool killed = (t->pending | t->tg->shared_pending) & SIGBIT(SIGKILL);
		pthread_mutex_unlock(&t->tg->lock);
		if (killed)
			return;
		task_block_stopped(t, &slice);
	}
	__atomic_store_n(&t->kicked, interrupted, __ATOMIC_SEQ_CST);
}

/*
 * Is there something the task must leave a blocking call for: a signal it
 * can take, SIGKILL, a group exit or stop, or another thread's exec?
 * Read without the lock: a sender kicks after queueing, so a change made
 * after this check still ends the sleep.
 */
bool signal_pending(struct task *t)
{
	struct thread_group *tg = t->tg;
	uint64_t p = __atomic_load_n(&t->pending, __ATOMIC_ACQUIRE) |
		     __atomic_load_n(&tg->shared_pending, __ATOMIC_ACQUIRE);

	return (p & (~t->sigmask | SIGBIT(SIGKILL))) || tg->exiting ||
	       __atomic_load_n(&tg->stopped, __ATOMIC_ACQUIRE) || t->zap;
}

/*
 * The mask argument of ppoll, pselect6 and epoll_pwait: in force while
 * waiting only, or until the handler of the signal that ended the wait
 * returns (its frame holds the old mask).
 */
int sigmask_enter(struct task *t, uint64_t umask, size_t size, uint64_t *saved)
{
	uint64_t mask;

	*saved = t->sigmask;
	if (!umask)
		return 0;
	if (size != 8)
		return -EINVAL;
	if (copy_from_user(t->tg->mm, &mask, umask, sizeof(mask)))
		return -EFAULT;
	t->sigmask = mask & ~(SIGBIT(SIGKILL) | SIGBIT(SIGSTOP));
	return 0;
}

void sigmask_leave(struct task *t, uint64_t umask, long ret, uint64_t saved)
{
	if (!umask)
		return;
	if (ret == -EINTR) {
		t->saved_mask = saved;  /* the handler's frame restores it */
		t->restore_mask = true;
	} else {
		t->sigmask = saved;
	}
}

/* A signal from the sandbox's outside or the kernel itself: SI_KERNEL. */
void send_signal_tg(struct thread_group *tg, int sig)
{
	siginfo_t si;

	memset(&si, 0, sizeof(si));
	si.si_signo = sig;
	si.si_code = SI_KERNEL;
	send_signal_info(tg, NULL, &si);
}

/* The default action of a fatal signal: the thread group dies of it. */
static void die_of(struct task *t, int sig)
{
	/* no core file is written, so no core flag (as Linux with RLIMIT_CORE 0) */
	do_exit_group(t, W_EXITCODE(0, sig));
}

/* Calls that SA_RESTART restarts (the rest always report EINTR). */
static bool restartable(long nr)
{
	switch (nr) {
	case 0: case 1: case 16: case 17: case 18: case 19: case 20: /* read ... pwritev */
	case 2: case 257: case 61: case 247: case 202: case 72: case 73: /* open wait fcntl futex flock */
		return true;
	}
	return false;
}

/* The syscall just serviced returned EINTR because of this signal. */
static void fix_interrupted(struct task *t, const struct k_sigaction *act)
{
	if (t->last_event != EV_SYSCALL || (long)t->regs.rax != -EINTR ||
	    !t->kicked)
		return;
	if (act && !(act->flags & SA_RESTART_F))
		return;                 /* the handler sees EINTR */
	if (!restartable(t->args.nr))
		return;
	/* restart: run the syscall instruction again with the same arguments */
	t->regs.rax = t->regs.orig_rax;
	t->regs.rip -= 2;
}

/* Take the lowest pending signal in mask (thread's first); 0 if none. */
int dequeue_signal(struct task *t, uint64_t mask, siginfo_t *info)
{
	struct thread_group *tg = t->tg;
	uint64_t ready;
	int sig = 0;

	pthread_mutex_lock(&tg->lock);
	ready = (t->pending | tg->shared_pending) & mask;
	if (ready) {
		sig = __builtin_ctzll(ready) + 1;
		if (t->pending & SIGBIT(sig))
			sigpend_take(&t->pending, t->pending_info, &t->rtq, sig, info);
		else
			sigpend_take(&tg->shared_pending, tg->shared_info,
				     &tg->shared_rtq, sig, info);
	}
	pthread_mutex_unlock(&tg->lock);
	return sig;
}

/*
 * Act on pending, unblocked signals before returning to the application.
 * Returns false when the task must not run again.
 */
bool handle_signals(struct task *t)
{
	struct thread_group *tg = t->tg;
	siginfo_t info;
	int sig;

	while ((sig = dequeue_signal(t, ~t->sigmask | SIGBIT(SIGKILL), &info))) {
		struct k_sigaction act;

		pthread_mutex_lock(&tg->lock);
		act = tg->sigaction[sig - 1];
		if (act.handler > SIG_IGN_H && (act.flags & SA_RESETHAND_F) && sig != SIGKILL)
			memset(&tg->sigaction[sig - 1], 0, sizeof(act));
		pthread_mutex_unlock(&tg->lock);
		if (sig == SIGKILL) {
			die_of(t, sig);
			return false;
		}
		if (act.handler == SIG_IGN_H)
			continue;
		if (act.handler != SIG_DFL_H) {
			fix_interrupted(t, &act);
			if (setup_sigframe(t, sig, &act, &info)) {
				die_of(t, SIGSEGV);     /* no room for the frame */
				return false;
			}
			return !tg->exiting;    /* one frame at a time */
		}
		if (sig_default_ignored(sig))
			continue;
		if (sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU) {
			job_stop(t, sig);
			continue;
		}
		die_of(t, sig);
		return false;
	}
	if (tg->stopped)
		stop_wait(t);
	fix_interrupted(t, NULL);       /* a kick with nothing to deliver: restart */
	return !tg->exiting;
}

/*
 * A synchronous fault in application code: delivered like any signal if
 * caught and not blocked; otherwise the process dies of it, as in Linux.
 */
void signal_fault(struct task *t, int sig)
{
	struct thread_group *tg = t->tg;
	siginfo_t info;

	switch (sig) {
	case SIGSEGV: case SIGBUS: case SIGFPE: case SIGILL: case SIGTRAP:
		break;
	default:
		sig = SIGSEGV;
	}
	memcpy(&info, t->st->msg->siginfo, sizeof(info));
	info.si_signo = sig;
	pthread_mutex_lock(&tg->lock);
	bool caught = tg->sigaction[sig - 1].handler > SIG_IGN_H && !(t->sigmask & SIGBIT(sig));
	pthread_mutex_unlock(&tg->lock);
	if (caught && t->regs.rip < STUB_BASE) {
		pthread_mutex_lock(&tg->lock);
		t->pending |= SIGBIT(sig);
		t->pending_info[sig - 1] = info;
		pthread_mutex_unlock(&tg->lock);
		return;                 /* handle_signals() builds the frame */
	}
	die_of(t, sig);
}
