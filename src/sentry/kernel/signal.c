/* SPDX-License-Identifier: MIT */
/*
 * Signals, all in the sentry (DESIGN.md §4): dispositions, masks, pending
 * sets per task and per thread group, and delivery before a task goes back
 * to application code: default actions, or a frame for the handler
 * (sigframe.c).  A syscall a signal interrupted returns one of Linux's
 * restart codes (kernel.h), which syscall_restart() turns into EINTR or a
 * restart by Linux's rules.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/kernel.h"
#include "mm/mm.h"

#define SIG_DFL_H 0
#define SIG_IGN_H 1
#define SA_RESTART_F 0x10000000
#define SA_RESETHAND_F 0x80000000

bool sig_default_ignored(int sig)
{
	return sig == SIGCHLD || sig == SIGURG || sig == SIGWINCH || sig == SIGCONT;
}

/* Does the default action of sig end the process (terminate or core)? */
bool sig_default_fatal(int sig)
{
	return !sig_default_ignored(sig) && sig != SIGSTOP && sig != SIGTSTP &&
	       sig != SIGTTIN && sig != SIGTTOU;
}

/* SIG_IGN, or SIG_DFL for a signal whose default is to do nothing. */
static bool handler_ignores(uint64_t h, int sig)
{
	return h == SIG_IGN_H || (h == SIG_DFL_H && sig_default_ignored(sig));
}

/* A handler table: a copy of from, or all SIG_DFL (from NULL). */
struct sighand *sighand_new(struct sighand *from)
{
	struct sighand *sh = calloc(1, sizeof(*sh));

	if (!sh)
		return NULL;
	sh->refs = 1;
	pthread_mutex_init(&sh->lock, NULL);
	if (from) {
		pthread_mutex_lock(&from->lock);
		memcpy(sh->action, from->action, sizeof(sh->action));
		pthread_mutex_unlock(&from->lock);
	}
	return sh;
}

void sighand_put(struct sighand *sh)
{
	if (!sh || __atomic_sub_fetch(&sh->refs, 1, __ATOMIC_ACQ_REL) > 0)
		return;
	pthread_mutex_destroy(&sh->lock);
	free(sh);
}

/* exec gives a process that shares its handlers a table of its own, as
 * Linux's de_thread(): the new program's resets must not reach the others. */
int sighand_unshare(struct thread_group *tg)
{
	struct sighand *old = tg->sighand, *sh;

	if (__atomic_load_n(&old->refs, __ATOMIC_ACQUIRE) == 1)
		return 0;
	sh = sighand_new(old);
	if (!sh)
		return -ENOMEM;
	pthread_mutex_lock(&tg->lock);
	tg->sighand = sh;
	pthread_mutex_unlock(&tg->lock);
	sighand_put(old);
	return 0;
}

/* The action for sig, read whole (another process may be changing it). */
struct k_sigaction sig_action(struct thread_group *tg, int sig)
{
	struct sighand *sh = tg->sighand;
	struct k_sigaction act;

	pthread_mutex_lock(&sh->lock);
	act = sh->action[sig - 1];
	pthread_mutex_unlock(&sh->lock);
	return act;
}

uint64_t sig_handler(struct thread_group *tg, int sig)
{
	return sig_action(tg, sig).handler;
}

/*
 * Linux's SIGNAL_UNKILLABLE: the init of a pid namespace (the sandbox's
 * pid 1) takes no signal whose action would be the default one, except
 * SIGKILL and SIGSTOP from outside its namespace.  Outside is what the
 * sentry sends for the engine, the CLI or the terminal: no sender pid
 * (Linux too shows si_pid 0 for an ancestor namespace's sender).  In
 * `cvisor do` the program stands for a host process: signals from
 * outside reach it as they would on the host (docs/processes.md).
 * tg->lock held.
 */
static bool init_ignores(struct thread_group *tg, const siginfo_t *info)
{
	int sig = info->si_signo;
	bool outside = info->si_pid == 0 &&
		       (info->si_code == SI_USER || info->si_code == SI_KERNEL);

	if (tg->pid != 1 || sig_handler(tg, sig) != SIG_DFL_H)
		return false;
	if (outside && (!sandbox.container || sig == SIGKILL || sig == SIGSTOP))
		return false;
	return true;
}

/*
 * May the signal be dropped as it is sent?  Not while the task it is
 * sent through blocks it (or blocked it before a sigtimedwait): its
 * disposition may change before it is unblocked, and sigtimedwait,
 * sigwaitinfo and signalfd take blocked signals whatever their
 * disposition (Linux's sig_ignored()).
 */
static bool sig_ignored(struct thread_group *tg, struct task *via, const siginfo_t *info)
{
	int sig = info->si_signo;

	if (via && ((via->sigmask | via->real_blocked) & SIGBIT(sig)))
		return false;
	if (init_ignores(tg, info))
		return true;
	return sig != SIGKILL && handler_ignores(sig_handler(tg, sig), sig);
}

/* The group's main thread (the one kill(2) names), or any if it is gone. */
static struct task *main_task(struct thread_group *tg)
{
	for (struct task *t = tg->tasks; t; t = t->next)
		if (t->tid == tg->pid)
			return t;
	return tg->tasks;
}

static bool wants_signal(struct task *t, int sig)
{
	return !(t->sigmask & SIGBIT(sig)) || sig == SIGKILL;
}

/*
 * The thread to wake for a signal sent to the whole group: via (the main
 * thread, or the parent thread of a SIGCHLD) if it does not block it,
 * else any thread that does not (Linux's complete_signal()).
 */
static struct task *group_target(struct thread_group *tg, struct task *via, int sig)
{
	if (via && wants_signal(via, sig))
		return via;
	for (struct task *t = tg->tasks; t; t = t->next)
		if (wants_signal(t, sig))
			return t;
	return NULL;
}

/*
 * Add a signal to a pending set.  A standard signal already pending is
 * merged (its first siginfo kept); a real-time one queues behind it, as
 * POSIX wants, up to a bound like RLIMIT_SIGPENDING's.
 */
#define MAX_QUEUED 1024

/*
 * A POSIX timer has one signal in flight at most: an expiry while its
 * signal is still pending counts as an overrun of that signal instead
 * (Linux's send_sigqueue on the timer's preallocated sigqueue).
 */
static bool timer_merge(siginfo_t *pending, const siginfo_t *info)
{
	int64_t n;

	if (info->si_code != SI_TIMER || pending->si_code != SI_TIMER ||
	    pending->si_timerid != info->si_timerid)
		return false;
	n = (int64_t)pending->si_overrun + info->si_overrun + 1;
	pending->si_overrun = n > INT_MAX ? INT_MAX : (int)n;
	return true;
}

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
	if (timer_merge(&slots[sig - 1], info) || sig < SIGRT_FIRST)
		return;
	for (pp = q; *pp; pp = &(*pp)->next) {
		if ((*pp)->info.si_signo == sig && timer_merge(&(*pp)->info, info))
			return;
		n++;
	}
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
	if (sig_handler(tg, sig) != SIG_DFL_H ||
	    ((target->sigmask | target->real_blocked) & SIGBIT(sig)))
		return false;
	/* a core is written by the thread that takes the signal, in its own
	 * context (its registers, its cwd): it was kicked above */
	if (sig_dumps_core(sig) && core_wanted(tg))
		return false;
	return sig_default_fatal(sig);
}

/* The signals queued in tg, its own and its threads' (tg->lock held). */
static uint64_t queued_in(struct thread_group *tg)
{
	uint64_t n = (uint64_t)__builtin_popcountll(tg->shared_pending);

	for (struct sigq *e = tg->shared_rtq; e; e = e->next)
		n++;
	for (struct task *t = tg->tasks; t; t = t->next) {
		n += (uint64_t)__builtin_popcountll(t->pending);
		for (struct sigq *e = t->rtq; e; e = e->next)
			n++;
	}
	return n;
}

/*
 * A real-time signal a process sends with its own siginfo (sigqueue,
 * tgkill; not kill, not the kernel's) is refused with EAGAIN once the
 * receiver's RLIMIT_SIGPENDING is used up, as Linux's __send_signal.
 * Linux counts the signals of the receiver's user; the sentry those
 * queued to the receiving process.  tg->lock held.
 */
static bool over_sigpending(struct thread_group *tg, const siginfo_t *info)
{
	return info->si_signo >= SIGRT_FIRST && info->si_code < 0 &&
	       info->si_code != SI_TIMER &&
	       queued_in(tg) >= tg->rlim[RLIMIT_SIGPENDING].rlim_cur;
}

/*
 * Queue a signal on the group (to == NULL) or one task, and kick a taker.
 * A group's signal is sent through the task via_tid names (if alive) or
 * its main thread: that task's mask decides whether it is ignored.
 */
static int send_signal_via(struct thread_group *tg, struct task *to, pid_t via_tid,
			   const siginfo_t *info)
{
	int sig = info->si_signo;
	struct task *target = to, *via;
	bool fatal;

	if (sig < 1 || sig > NSIG_LINUX)
		return 0;
	if (sig == SIGCONT)
		job_continue(tg);       /* even when SIGCONT is ignored or blocked */
	pthread_mutex_lock(&tg->lock);
	if (sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU) {
		/* a stop discards a pending continue, and the reverse */
		tg->shared_pending &= ~SIGBIT(SIGCONT);
		tg->stop_cont = tg->cont_count;
	}
	via = to;
	for (struct task *t = tg->tasks; t && !via && via_tid; t = t->next)
		if (t->tid == via_tid)
			via = t;
	if (!via)
		via = main_task(tg);
	if (sig_ignored(tg, via, info) || tg->exiting) {
		pthread_mutex_unlock(&tg->lock);
		return 0;
	}
	if (over_sigpending(tg, info)) {
		pthread_mutex_unlock(&tg->lock);
		return -EAGAIN;
	}
	if (to) {
		sigpend_add(&to->pending, to->pending_info, &to->rtq, info);
	} else {
		sigpend_add(&tg->shared_pending, tg->shared_info, &tg->shared_rtq, info);
		target = group_target(tg, via, sig);
	}
	if (target && wants_signal(target, sig))
		task_kick(target);
	fatal = target && kills_now(tg, target, sig);
	pthread_mutex_unlock(&tg->lock);
	waitq_wake(&tg->signalfd_wq, POLLIN | POLLRDNORM);
	if (fatal)
		tg_exit_group(tg, W_EXITCODE(0, sig), NULL);
	return 0;
}

int send_signal_info(struct thread_group *tg, struct task *to, const siginfo_t *info)
{
	return send_signal_via(tg, to, 0, info);
}

#define SA_NOCLDSTOP_F 1

/*
 * A child's exit signal, or SIGCHLD for its stop or continue (cldstop):
 * sent through the parent thread that made the child, as Linux does.  A
 * parent that ignores SIGCHLD gets none (its children reap themselves),
 * and with SA_NOCLDSTOP none for stops and continues.
 */
void signal_parent(struct thread_group *child, struct thread_group *parent,
		   const siginfo_t *info, bool cldstop)
{
	struct k_sigaction act;

	act = sig_action(parent, SIGCHLD);
	if (info->si_signo == SIGCHLD &&
	    (act.handler == SIG_IGN_H || (cldstop && (act.flags & SA_NOCLDSTOP_F))))
		return;
	send_signal_via(parent, NULL, child->parent_tid, info);
}

/* Tell the parent about a stop or a continue (SIGCHLD, and its waiters). */
static void notify_parent(struct thread_group *tg, int code, int sig)
{
	struct thread_group *parent = tg_find(tg->ppid);
	siginfo_t si;

	if (parent) {
		memset(&si, 0, sizeof(si));
		si.si_signo = SIGCHLD;
		si.si_code = code;
		si.si_pid = tg->pid;
		si.si_uid = tg->cred.uid;
		si.si_status = sig;
		signal_parent(tg, parent, &si, true);
		tg_put(parent);
	}
	/* then wake wait(2) (WUNTRACED, WCONTINUED): the signal is pending by then */
	waitq_wake(&sandbox.child_wq, 0);
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
	for (struct task *o = tg->tasks; was && o; o = o->next)
		task_wake(o);           /* out of stop_wait() */
	pthread_mutex_unlock(&tg->lock);
	if (was)
		notify_parent(tg, CLD_CONTINUED, SIGCONT);
}

/*
 * A stopped task waits here, in the sentry, until SIGCONT (job_continue()
 * wakes it) or SIGKILL or a group exit (a kick).  A signal does not end
 * this sleep: only those do.
 */
void stop_wait(struct task *t)
{
	for (;;) {
		task_prepare_wait(t);
		__atomic_store_n(&t->kicked, false, __ATOMIC_SEQ_CST);
		if (!__atomic_load_n(&t->tg->stopped, __ATOMIC_ACQUIRE) || t->tg->exiting)
			return;
		pthread_mutex_lock(&t->tg->lock);
		bool killed = (t->pending | t->tg->shared_pending) & SIGBIT(SIGKILL);
		pthread_mutex_unlock(&t->tg->lock);
		if (killed)
			return;
		task_block_nosig(t, NULL);
	}
}

/*
 * Is there something the task must leave a blocking call for: a signal it
 * can take, SIGKILL, a group exit or stop, or another thread's exec?  The
 * group's signals count only if it was woken for them (t->sigpending):
 * each goes to the one thread it was meant for (send_signal_via()).
 * Read without the lock: a sender kicks after queueing, so a change made
 * after this check still ends the sleep.
 */
bool signal_pending(struct task *t)
{
	struct thread_group *tg = t->tg;
	uint64_t p = __atomic_load_n(&t->pending, __ATOMIC_ACQUIRE);

	if (__atomic_load_n(&t->sigpending, __ATOMIC_ACQUIRE))
		p |= __atomic_load_n(&tg->shared_pending, __ATOMIC_ACQUIRE);
	return (p & (~t->sigmask | SIGBIT(SIGKILL))) || tg->exiting ||
	       __atomic_load_n(&tg->stopped, __ATOMIC_ACQUIRE) || t->zap;
}

/* Wake other threads to take the group's signals of sigs that t will not. */
static void retarget_locked(struct task *t, uint64_t sigs)
{
	for (struct task *o = t->tg->tasks; o && sigs; o = o->next) {
		uint64_t take = sigs & ~o->sigmask;

		if (o == t || !take)
			continue;
		sigs &= ~take;
		task_kick(o);
	}
}

/*
 * Set the task's mask (Linux's set_current_blocked()).  A group signal it
 * was woken for and now blocks goes to another thread; one pending that it
 * now unblocks is its to take.  tg->lock held.
 */
static void set_sigmask_locked(struct task *t, uint64_t mask)
{
	struct thread_group *tg = t->tg;
	uint64_t old = t->sigmask;

	t->sigmask = mask & ~(SIGBIT(SIGKILL) | SIGBIT(SIGSTOP));
	if (t->sigpending)
		retarget_locked(t, t->sigmask & ~old & tg->shared_pending);
	if ((t->pending | tg->shared_pending) & old & ~t->sigmask)
		__atomic_store_n(&t->sigpending, true, __ATOMIC_SEQ_CST);
}

void set_sigmask(struct task *t, uint64_t mask)
{
	pthread_mutex_lock(&t->tg->lock);
	set_sigmask_locked(t, mask);
	pthread_mutex_unlock(&t->tg->lock);
}

/* An exiting task leaves the group's signals it was woken for to others. */
void signal_retarget_exit(struct task *t)
{
	if (t->sigpending)
		retarget_locked(t, ~t->sigmask & t->tg->shared_pending);
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
	set_sigmask(t, mask);
	return 0;
}

void sigmask_leave(struct task *t, uint64_t umask, long ret, uint64_t saved)
{
	if (!umask)
		return;
	if (ret == -EINTR || ret == -ERESTARTNOHAND) {
		t->saved_mask = saved;  /* the handler's frame restores it */
		t->restore_mask = true;
	} else {
		set_sigmask(t, saved);
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

/* The default action of a fatal signal: the thread group dies of it,
 * with a core file and WCOREDUMP (0x80) in its status where one is written. */
static void die_of(struct task *t, int sig)
{
	bool core = sig_dumps_core(sig) && !t->tg->exiting && !do_coredump(t, sig);

	do_exit_group(t, W_EXITCODE(0, sig) | (core ? 0x80 : 0));
}

#define NR_restart_syscall 219

/*
 * The syscall just serviced may have been interrupted: its restart code
 * and the handler about to run (act; NULL if none) decide between EINTR
 * and running it again, as Linux's handle_signal() and
 * arch_do_signal_or_restart() do.  orig_rax is -1 after rt_sigreturn,
 * whose rax is the application's own.
 */
static void syscall_restart(struct task *t, const struct k_sigaction *act)
{
	long ret = (long)t->regs.rax;

	if (t->last_event != EV_SYSCALL || (long)t->regs.orig_rax < 0)
		return;
	switch (ret) {
	case -ERESTART_RESTARTBLOCK:
	case -ERESTARTNOHAND:
		if (act) {
			t->regs.rax = (uint64_t)-EINTR;
			return;
		}
		break;
	case -ERESTARTSYS:
		if (act && !(act->flags & SA_RESTART_F)) {
			t->regs.rax = (uint64_t)-EINTR;
			return;
		}
		break;
	case -ERESTARTNOINTR:
		break;
	default:
		return;
	}
	/* run the syscall instruction again: the same call, or restart_syscall */
	t->regs.rax = ret == -ERESTART_RESTARTBLOCK ? NR_restart_syscall : t->regs.orig_rax;
	t->regs.rip -= 2;
}

/*
 * Take the lowest pending signal in mask, the thread's own first, the
 * group's only if in group_mask; 0 if none.  tg->lock held.
 */
static int dequeue_locked(struct task *t, uint64_t mask, uint64_t group_mask, siginfo_t *info)
{
	struct thread_group *tg = t->tg;
	uint64_t ready = (t->pending & mask) | (tg->shared_pending & mask & group_mask);
	int sig = 0;

	if (ready) {
		sig = __builtin_ctzll(ready) + 1;
		if (t->pending & SIGBIT(sig))
			sigpend_take(&t->pending, t->pending_info, &t->rtq, sig, info);
		else
			sigpend_take(&tg->shared_pending, tg->shared_info,
				     &tg->shared_rtq, sig, info);
	}
	return sig;
}

/* A signal taken (no lock held): a timer's tells timer_getoverrun its
 * overruns, as Linux's posixtimer_deliver_signal sets it_overrun_last. */
static void signal_taken(struct task *t, int sig, const siginfo_t *info)
{
	if (sig && info->si_code == SI_TIMER)
		posix_timer_delivered(t->tg, info->si_timerid, info->si_overrun);
}

/* Take the lowest pending signal in mask, the thread's or the group's. */
int dequeue_signal(struct task *t, uint64_t mask, siginfo_t *info)
{
	int sig;

	pthread_mutex_lock(&t->tg->lock);
	sig = dequeue_locked(t, mask, ~0ULL, info);
	pthread_mutex_unlock(&t->tg->lock);
	signal_taken(t, sig, info);
	return sig;
}

/*
 * rt_sigtimedwait's sleep: wait for a signal of set and take it, with set
 * unblocked meanwhile, as in Linux: a sender then picks this task and
 * wakes it, and real_blocked keeps them counted as blocked, so that one
 * ignored by default (SIGCHLD) is still queued.  Returns the signal, 0
 * when the timeout (NULL: none) ran out, -EINTR when anything else
 * (another signal, a stop) ended the sleep.
 */
int sigwait_take(struct task *t, uint64_t set, const struct timespec *ts, siginfo_t *info)
{
	struct thread_group *tg = t->tg;
	int sig, ret;

	pthread_mutex_lock(&tg->lock);
	t->real_blocked = t->sigmask;
	set_sigmask_locked(t, t->sigmask & ~set);
	pthread_mutex_unlock(&tg->lock);
	ret = task_block_fds(t, NULL, 0, ts);
	pthread_mutex_lock(&tg->lock);
	sig = dequeue_locked(t, set, ~0ULL, info);
	set_sigmask_locked(t, t->real_blocked);
	t->real_blocked = 0;
	pthread_mutex_unlock(&tg->lock);
	signal_taken(t, sig, info);
	return sig ? sig : ret ? -EINTR : 0;
}

/*
 * Act on pending, unblocked signals before returning to the application.
 * Returns false when the task must not run again.
 */
bool handle_signals(struct task *t)
{
	struct thread_group *tg = t->tg;
	/* the group's signals are for the thread woken for them (signal_pending()) */
	bool group = __atomic_exchange_n(&t->sigpending, false, __ATOMIC_SEQ_CST);
	siginfo_t info;
	int sig;

	for (;;) {
		struct k_sigaction act;

		pthread_mutex_lock(&tg->lock);
		sig = dequeue_locked(t, ~t->sigmask | SIGBIT(SIGKILL), group ? ~0ULL : 0, &info);
		if (sig) {
			struct sighand *sh = tg->sighand;

			pthread_mutex_lock(&sh->lock);
			act = sh->action[sig - 1];
			/* SA_RESETHAND resets the handler only: the flags
			 * and mask stay, as Linux's get_signal (SA_ONESHOT) */
			if (act.handler > SIG_IGN_H && (act.flags & SA_RESETHAND_F) &&
			    sig != SIGKILL)
				sh->action[sig - 1].handler = SIG_DFL_H;
			pthread_mutex_unlock(&sh->lock);
		}
		pthread_mutex_unlock(&tg->lock);
		if (!sig)
			break;
		signal_taken(t, sig, &info);
		if (sig == SIGKILL) {
			die_of(t, sig);
			return false;
		}
		if (act.handler == SIG_IGN_H)
			continue;
		if (act.handler != SIG_DFL_H) {
			/* one frame at a time: the group's others on the next return */
			if (group)
				__atomic_store_n(&t->sigpending, true, __ATOMIC_SEQ_CST);
			syscall_restart(t, &act);
			if (setup_sigframe(t, sig, &act, &info)) {
				die_of(t, SIGSEGV);     /* no room for the frame */
				return false;
			}
			return !tg->exiting;
		}
		if (sig_default_ignored(sig))
			continue;
		pthread_mutex_lock(&tg->lock);
		bool unkillable = init_ignores(tg, &info);      /* it was blocked when sent */
		pthread_mutex_unlock(&tg->lock);
		if (unkillable)
			continue;
		if (sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU) {
			/* no shell is left to continue an orphaned group: the
			 * terminal's stops are dropped (Linux's get_signal) */
			if (sig != SIGSTOP && pgrp_orphaned(tg->pgid))
				continue;
			job_stop(t, sig);
			continue;
		}
		die_of(t, sig);
		return false;
	}
	if (tg->stopped)
		stop_wait(t);
	/* no handler runs: the call goes on, with the mask it was called with */
	syscall_restart(t, NULL);
	if (t->restore_mask) {
		t->restore_mask = false;
		set_sigmask(t, t->saved_mask);
	}
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
	stub_thread_fault_info(t->st, &info);
	info.si_signo = sig;
	pthread_mutex_lock(&tg->lock);
	bool caught = sig_handler(tg, sig) > SIG_IGN_H && !(t->sigmask & SIGBIT(sig));
	pthread_mutex_unlock(&tg->lock);
	/* A fault inside the stub region is the stub's own bug, never the
	 * application's to catch; the vDSO lies above that region and a
	 * fault there (clock_gettime on a bad pointer) is the application's. */
	bool in_stub = t->regs.rip >= STUB_BASE && t->regs.rip < STUB_END;
	if (caught && !in_stub) {
		pthread_mutex_lock(&tg->lock);
		t->pending |= SIGBIT(sig);
		t->pending_info[sig - 1] = info;
		pthread_mutex_unlock(&tg->lock);
		return;                 /* handle_signals() builds the frame */
	}
	die_of(t, sig);
}
