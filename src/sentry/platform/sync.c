/* SPDX-License-Identifier: MIT */
/*
 * The hand-off between a sentry thread and a stub thread (DESIGN.md §3):
 * spin while it pays, then sleep on a futex in shared memory.  Measured
 * here: a spin hand-off across CPUs ~0.3 us, a futex wake-up ~20-40 us.
 */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <linux/futex.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "platform/internal.h"

/* Spin budgets (tunable with CVISOR_SPIN_NS / CVISOR_STUB_SPIN for measurements). */
/*
 * 20 us: measured on the 2-vCPU VM (docs/performance.md), longer spins
 * shave little off a syscall round trip but slow the application by up
 * to 40 % while it runs (the spinning CPU shares the core's resources).
 */
static unsigned spin_ns_default = 20000;
static uint32_t stub_spin_default = 20000;
unsigned sentry_spin_ns = 20000;
uint32_t stub_spin_iters = 20000;

void platform_set_spin(bool spin)
{
	static bool init;

	if (!init) {
		const char *a = getenv("CVISOR_SPIN_NS"), *b = getenv("CVISOR_STUB_SPIN");

		if (a)
			spin_ns_default = (unsigned)strtoul(a, NULL, 10);
		if (b)
			stub_spin_default = (uint32_t)strtoul(b, NULL, 10);
		init = true;
	}
	__atomic_store_n(&sentry_spin_ns, spin ? spin_ns_default : 0u, __ATOMIC_RELAXED);
	__atomic_store_n(&stub_spin_iters, spin ? stub_spin_default : 0u, __ATOMIC_RELAXED);
}

/*
 * After an answer the syscall thread spins this many pauses (~25 ns each
 * here: 100 us) for the next request before it sleeps, but only while a
 * CPU is free for it: every running task already has two spinners (its
 * stub thread and its sentry thread), and a third on their CPUs holds one
 * that the sentry thread needs right after the answer.  The sentry sets
 * it in each request (a read-only page for the stub).
 */
#define SYSCALL_SPIN_PAUSES 4000
static uint32_t syscall_spin = SYSCALL_SPIN_PAUSES;

void platform_set_syscall_spin(bool spin)
{
	__atomic_store_n(&syscall_spin, spin ? SYSCALL_SPIN_PAUSES : 0u, __ATOMIC_RELAXED);
}

/* Shared (not PRIVATE) futexes: the words live in memfds of two processes. */
void futex_wake_word(uint32_t *w)
{
	syscall(SYS_futex, w, FUTEX_WAKE, 1, NULL, NULL, 0);
}

void futex_wake_all(uint32_t *w)
{
	syscall(SYS_futex, w, FUTEX_WAKE, INT32_MAX, NULL, NULL, 0);
}

/* For words only the sentry writes (p->reaped): no bound needed. */
void futex_wait_word(uint32_t *w, uint32_t val)
{
	syscall(SYS_futex, w, FUTEX_WAIT, val, NULL, NULL, 0);
}

/*
 * The longest a sentry thread sleeps on a word of a stub page before it
 * looks again.  The word and the flags that say who must wake whom live in
 * memory the application can write: one of its threads can clear our flag
 * so that the stub never wakes us, or change the word between the peer's
 * check and its sleep so that the peer sleeps on a value nobody will wake.
 * No wake-up scheme survives a writer of the futex word itself; a bounded
 * sleep does (gVisor's systrap bounds its sleeps too).  An honest stub
 * always wakes us first: this costs one wake-up per interval while a thread
 * runs application code, and nothing on the path of a system call.
 */
#define RECHECK_NS 100000000L

/* false if the interval ran out */
static bool futex_wait_bounded(uint32_t *w, uint32_t val)
{
	const struct timespec ts = { 0, RECHECK_NS };

	return syscall(SYS_futex, w, FUTEX_WAIT, val, &ts, NULL, 0) == 0 ||
	       errno != ETIMEDOUT;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static bool changed(uint32_t *w, uint32_t val, bool *stop)
{
	return __atomic_load_n(w, __ATOMIC_ACQUIRE) != val ||
	       __atomic_load_n(stop, __ATOMIC_ACQUIRE);
}

/*
 * Wait until *w != val, or *stop becomes true: true then, false if a
 * sleep ran out (the caller looks for a lost wake-up).  Spin for spin ns
 * or yield the CPU up to yields times (the hand-off's YIELD: the peer is
 * runnable on this CPU), then sleep.
 *
 * No wake-up is lost, whichever way either side waited.  A waiter sleeps
 * only after a seq_cst store of *waiting = 1 and a seq_cst re-load of *w;
 * the waker stores *w with seq_cst, then loads *waiting.  In the single
 * total order of seq_cst accesses one of the two stores comes first: if
 * the waiter's flag, the waker sees it and calls FUTEX_WAKE, which either
 * wakes the sleeper or finds it not yet asleep, and then FUTEX_WAIT's own
 * check of *w (under the futex's lock) sees the new value and returns; if
 * the waker's store, the waiter's re-load sees it and does not sleep.  A
 * waiter that spins or yields keeps its flag clear, so the waker makes no
 * futex call at all; it sees the change by looking, and the futex stays
 * the fallback once the budget is spent.
 */
static bool wait_change(uint32_t *w, uint32_t val, uint32_t *waiting, bool *stop,
			unsigned spin, unsigned yields)
{
	uint64_t deadline = 0;
	bool woken = true;

	for (unsigned i = 0;; i++) {
		if (changed(w, val, stop))
			return true;
		if ((i & 63) == 0) {
			uint64_t t = now_ns();

			if (!deadline)
				deadline = t + spin;
			if (t >= deadline)
				break;
		}
		__builtin_ia32_pause();
	}
	for (unsigned i = 0; i < yields; i++) {
		sched_yield();
		if (changed(w, val, stop))
			return true;
	}
	__atomic_store_n(waiting, 1, __ATOMIC_SEQ_CST);
	if (__atomic_load_n(w, __ATOMIC_SEQ_CST) == val &&
	    !__atomic_load_n(stop, __ATOMIC_SEQ_CST))
		woken = futex_wait_bounded(w, val);
	__atomic_store_n(waiting, 0, __ATOMIC_RELAXED);
	return woken || __atomic_load_n(w, __ATOMIC_ACQUIRE) != val ||
	       __atomic_load_n(stop, __ATOMIC_ACQUIRE);
}

/*
 * The application wrote what the stub never writes into the page: it can
 * only hurt itself, and it dies for it, rather than leaving a thread that
 * never comes back.
 */
static int stub_broken(struct stub_thread *t)
{
	stub_proc_kill_broken(t->proc);
	return STUB_BROKEN;
}

/*
 * While we wait, the only change the stub makes is to EVENT; any other
 * value is the application's.  A sleep that ran out wakes the stub in case
 * it sleeps on a value changed under it, and sends an interrupt again in
 * case the application cleared the flag that makes the stub take it.
 */
int stub_thread_wait(struct stub_thread *t, struct stub_regs *regs)
{
	struct sysmsg *m = t->msg;
	bool slept = false;             /* a sleep ran out: the wait is long */

	for (;;) {
		uint32_t s = __atomic_load_n(&m->state, __ATOMIC_ACQUIRE);

		if (t->proc->dead)
			return t->proc->broken ? STUB_BROKEN : -1;
		if (s == SYSMSG_GONE) {
			/* The host thread left without the sentry (the stub's exit
			 * reached from application code, or a word the application
			 * wrote): the process may not go on without it. */
			stub_proc_kill(t->proc);
			return t->proc->broken ? STUB_BROKEN : -1;
		}
		if (s == SYSMSG_EVENT) {
			uint32_t ev = __atomic_load_n(&m->event, __ATOMIC_ACQUIRE);

			if (ev < EV_READY || ev > EV_INTERRUPT)
				return stub_broken(t);
			__atomic_store_n(&t->interrupting, false, __ATOMIC_RELAXED);
			if (regs) {
				/* the task's own thread: the pair's policy */
				handoff_event(t);
				/* a snapshot: the page is the application's too */
				memcpy(regs, &m->regs, sizeof(*regs));
				__atomic_store_n(&m->interrupt, 0, __ATOMIC_SEQ_CST);
			}
			return (int)ev;
		}
		if (s != t->posted)
			return stub_broken(t);
		/* a wait that outlived one sleep is not a hand-off: it looks
		 * again without spinning or yielding first */
		if (wait_change(&m->state, s, &m->sentry_waiting, &t->proc->dead,
				slept ? 0 : handoff_sentry_spin(t),
				slept ? 0 : handoff_sentry_yields(t)))
			continue;
		slept = true;
		futex_wake_word(&m->state);
		if (__atomic_load_n(&t->interrupting, __ATOMIC_RELAXED))
			stub_thread_interrupt(t);
	}
}

void stub_thread_resume(struct stub_thread *t, const struct stub_regs *regs)
{
	struct sysmsg *m = t->msg;

	memcpy(&m->regs, regs, sizeof(*regs));
	m->spin = handoff_resume(t);
	t->posted = SYSMSG_DONE;
	__atomic_store_n(&m->state, SYSMSG_DONE, __ATOMIC_SEQ_CST);
	if (__atomic_load_n(&m->stub_waiting, __ATOMIC_SEQ_CST))
		futex_wake_word(&m->state);
}

int stub_thread_fault_signo(const struct stub_thread *t)
{
	return (int)__atomic_load_n(&t->msg->signo, __ATOMIC_RELAXED);
}

void stub_thread_fault_info(const struct stub_thread *t, siginfo_t *info)
{
	_Static_assert(sizeof(*info) == sizeof(t->msg->siginfo), "siginfo size");
	memcpy(info, t->msg->siginfo, sizeof(*info));
}

void stub_thread_nospin(struct stub_thread *t)
{
	__atomic_store_n(&t->msg->spin, 0, __ATOMIC_RELAXED);
}

void stub_thread_interrupt(struct stub_thread *t)
{
	__atomic_store_n(&t->interrupting, true, __ATOMIC_RELAXED);
	__atomic_store_n(&t->msg->interrupt, 1, __ATOMIC_SEQ_CST);
	syscall(SYS_tgkill, t->proc->host_pid, t->host_tid, INTERRUPT_SIGNO);
}

/* --stats: how long a request to a syscall thread takes, post to answer,
 * split by whether the thread was asleep (a wake-up) or awake (spinning,
 * or still at work). */
static struct {
	uint64_t n, ns;
} rtt[2];

void hostcall_print_rtt(int fd)
{
	for (int w = 0; w < 2; w++) {
		uint64_t n = __atomic_load_n(&rtt[w].n, __ATOMIC_RELAXED);

		dprintf(fd, "sentry: %lu host calls found the syscall thread %s, mean %lu ns post to answer\n",
			n, w ? "asleep" : "awake",
			n ? __atomic_load_n(&rtt[w].ns, __ATOMIC_RELAXED) / n : 0);
	}
}

long hostcall_child(struct stub_proc *p, long nr, const uint64_t args[6],
		    uint64_t child)
{
	struct stub_req *rq = p->req;
	struct stub_resp *rs = p->resp;
	uint32_t seq, cur;
	uint64_t t0;
	bool woke;
	long ret;

	pthread_mutex_lock(&p->lock);
	if (p->dead) {
		pthread_mutex_unlock(&p->lock);
		return -ESRCH;
	}
	seq = ++p->seq;
	__atomic_add_fetch(&hostcall_requests, 1, __ATOMIC_RELAXED);
	rq->nr = (uint64_t)nr;
	for (int i = 0; i < 6; i++)
		rq->args[i] = args[i];
	rq->child_fd = child;
	rq->spin = __atomic_load_n(&syscall_spin, __ATOMIC_RELAXED);
	t0 = now_ns();
	__atomic_store_n(&rq->seq, seq, __ATOMIC_SEQ_CST);
	woke = __atomic_load_n(&rs->stub_waiting, __ATOMIC_SEQ_CST);
	if (woke)
		futex_wake_word(&rq->seq);
	/* wait for a change from the very value that was not the answer: a
	 * second load could already see the answer and sleep on it forever.
	 * No spinning: the stub's syscall thread needs a CPU, and the caller's
	 * stub already spins on one (mmap: 56-64 us spinning here, 13-20 us
	 * not; docs/performance.md).  The page is the application's too: a
	 * number that is neither the last answer nor this one is its doing */
	while ((cur = __atomic_load_n(&rs->seq, __ATOMIC_ACQUIRE)) != seq && !p->dead) {
		if (cur != seq - 1) {
			stub_proc_kill_broken(p);
			break;
		}
		if (!wait_change(&rs->seq, cur, &rs->sentry_waiting, &p->dead, 0, 0))
			futex_wake_word(&rq->seq);      /* our wake-up may be lost */
	}
	/* an answer stands even if the stub died since: the pid of a clone
	 * it made must not be lost, or that process outlives the sandbox */
	ret = !p->broken && __atomic_load_n(&rs->seq, __ATOMIC_ACQUIRE) == seq ? rs->ret : -ESRCH;
	pthread_mutex_unlock(&p->lock);
	__atomic_add_fetch(&rtt[woke].n, 1, __ATOMIC_RELAXED);
	__atomic_add_fetch(&rtt[woke].ns, now_ns() - t0, __ATOMIC_RELAXED);
	return ret;
}

long hostcall(struct stub_proc *p, long nr, uint64_t a0, uint64_t a1, uint64_t a2,
	      uint64_t a3, uint64_t a4, uint64_t a5)
{
	const uint64_t args[6] = { a0, a1, a2, a3, a4, a5 };
	long ret;

	if (p->batching && hostcall_batch(p, nr, args, &ret))
		return ret;
	return hostcall_child(p, nr, args, 0);
}
