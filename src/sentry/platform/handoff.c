/* SPDX-License-Identifier: MIT */
/*
 * The hand-off policy: how a sentry thread and its stub thread wait for
 * each other (docs/performance.md, "Hand-off on a busy host").
 *
 * Every system call is two hand-offs, stub -> sentry -> stub.  How they
 * should wait depends on the host, and only the host knows: on idle CPUs
 * both sides spin (~0.3 us a hand-off across CPUs); when every CPU is busy
 * a spinner holds a CPU its peer needs and a hand-off costs a scheduler
 * slice; when neither spins, a wake-up of a thread on an idle CPU costs
 * 12-40 us on this VM, one on the waker's own CPU a few.  So each pair
 * chooses, from what it measures, between four ways to wait:
 *
 *   SPIN   both spin for a bounded time, then sleep (the old policy);
 *   SLEEP  neither spins: futex at once, the host places the woken thread;
 *   MEET   neither spins, and the sentry thread moves to the CPU its stub
 *          thread last ran on, so that each wake-up is a same-CPU one;
 *   YIELD  only in a sandbox confined to one CPU (taskset, a cpuset):
 *          each side yields the CPU a bounded number of times before it
 *          sleeps; the peer is runnable on that CPU, so a yield runs it
 *          with no futex call on either side (a round trip of two threads
 *          on one CPU here: 2.8-3.1 us by yield, 5.3 us by futex wait and
 *          wake).  With two CPUs, placed as MEET, it measured cheaper per
 *          round trip and yet made two computing threads 20-50 % slower
 *          (docs/performance.md, "The hand-off on one CPU"): a yield there
 *          may run the other pair's thread, not the peer, and the round
 *          trip's stamps do not see that cost, so it is not a candidate.
 *
 * The cost of a round trip is measured on the TSC, both hand-offs but not
 * the sentry's own work: stub post -> sentry sees it, and sentry answer ->
 * stub sees it (the stub writes the two stamps in its sysmsg page).  The
 * pair stays in the cheapest mode and, at growing intervals, tries the
 * others for a few round trips; it tries them again at once when most
 * round trips of its mode cost four times what they did (the load
 * changed).  The stamps are the application's to forge: a liar changes
 * only how its own threads wait, within the sandbox's CPUs.
 */
#include <cpuid.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "platform/internal.h"

#define PROBE_EVENTS  16                /* round trips a trial lasts */
#define PROBE_SKIP    2                 /* its first ones pay for the switch */
#define PROBE_MIN_NS  4000000ULL        /* first retrial of the other modes */
#define PROBE_MAX_NS  256000000ULL      /* retrials back off to this */
#define CHANGE_WINDOW 32                /* round trips a change is judged on */
#define COST_JITTER   4096              /* TSC ticks, ~1.5 us: noise, not a change */
#define COST_MAX      (1ULL << 32)      /* TSC ticks: a sample above is bogus */

/*
 * Yields before a YIELD waiter sleeps.  With its peer runnable on the CPU
 * one yield is enough; the rest is for a peer that is busy a while.  When
 * nothing else can run there each yield returns at once (0.6-0.7 us here),
 * so 16 burn at most ~10 us before the futex sleep, half SPIN's 20 us
 * budget; when other work can run there, a yield gives it the CPU, never
 * takes it.  CVISOR_YIELDS sets it, for measurements.
 */
static unsigned yields = 16;
static int forced = -1;                 /* CVISOR_HANDOFF: one mode, to measure */
static bool one_cpu;                    /* the sandbox has one CPU: YIELD may be tried */
static cpu_set_t sandbox_cpus;          /* the sentry's affinity at start */
static __thread struct {
	int mode, cpu;                  /* what this sentry thread's affinity is for */
} placed = { -1, -1 };                  /* unknown: inherited from its creator */

static const char *const mode_names[HANDOFF_MODES] = { "spin", "sleep", "meet", "yield" };

/* For --stats: what the policy chose, summed over every thread. */
static struct {
	uint64_t trips[HANDOFF_MODES];  /* round trips in each mode */
	uint64_t won[HANDOFF_MODES], lost[HANDOFF_MODES];       /* trials */
	uint64_t changes;               /* the host changed under a best mode */
	uint64_t moves;                 /* a sentry thread pinned near or away from its stub */
} stats;

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* At platform_init (before the sentry confines itself): how the stub finds its CPU. */
uint32_t handoff_init(void)
{
	const char *e = getenv("CVISOR_HANDOFF"), *y = getenv("CVISOR_YIELDS");
	unsigned a, b, c, d;
	uint32_t insn = STUB_CPU_NONE;

	for (int m = 0; e && m < HANDOFF_MODES; m++)
		if (!strcmp(e, mode_names[m]))
			forced = m;
	if (y)
		yields = (unsigned)strtoul(y, NULL, 10) & ~STUB_SPIN_YIELD;
	if (sched_getaffinity(0, sizeof(sandbox_cpus), &sandbox_cpus))
		CPU_ZERO(&sandbox_cpus);
	if (__get_cpuid_count(7, 0, &a, &b, &c, &d) && (c & bit_RDPID))
		insn = STUB_CPU_RDPID;
	else if (__get_cpuid(0x80000001, &a, &b, &c, &d) && (d & (1u << 27))     /* RDTSCP */)
		insn = STUB_CPU_RDTSCP;
	one_cpu = CPU_COUNT(&sandbox_cpus) == 1;
	return insn;
}

/*
 * Where the calling sentry thread may run, for a mode and its stub
 * thread's CPU: MEET on that CPU, SPIN on any other (two spinners on one
 * CPU wait for each other's slice), SLEEP anywhere.  Only sentry threads
 * move, never the application's: its threads keep the host's placement,
 * and sched_getaffinity shows them the mask they set (kernel/sched
 * state), not this one.  A CPU outside the sandbox's mask (a forged
 * stamp) is not followed; a mask a cpuset refuses since (EINVAL) leaves
 * the thread where it is.
 */
static void place(int mode, int cpu)
{
	cpu_set_t set = sandbox_cpus;

	if (cpu < 0 || cpu >= CPU_SETSIZE || !CPU_ISSET(cpu, &sandbox_cpus) ||
	    CPU_COUNT(&sandbox_cpus) < 2 || mode == HANDOFF_SLEEP)
		mode = HANDOFF_SLEEP, cpu = -1;
	if (mode == placed.mode && cpu == placed.cpu)
		return;
	if (mode == HANDOFF_MEET) {
		CPU_ZERO(&set);
		CPU_SET(cpu, &set);
	} else if (mode == HANDOFF_SPIN) {
		CPU_CLR(cpu, &set);
	}
	if (sched_setaffinity(0, sizeof(set), &set) == 0) {
		placed.mode = mode;
		placed.cpu = cpu;
		if (mode != HANDOFF_SLEEP)
			__atomic_add_fetch(&stats.moves, 1, __ATOMIC_RELAXED);
	}
}

/*
 * A new sentry thread: on all the sandbox's CPUs.  A thread inherits its
 * creator's affinity, and the creator may be a task's thread that follows
 * its stub thread on one CPU.  (Not pthread_attr_setaffinity_np: glibc
 * sets it from the creator, by the new thread's id, which the sentry's
 * seccomp filter does not allow.)
 */
void platform_thread_init(void)
{
	placed.mode = -1;
	place(HANDOFF_SLEEP, -1);
}

/* The pair's round trips into --stats (counted per pair: no shared line per call). */
void handoff_flush(struct handoff *h)
{
	for (int m = 0; m < HANDOFF_MODES; m++) {
		__atomic_add_fetch(&stats.trips[m], h->trips[m], __ATOMIC_RELAXED);
		h->trips[m] = 0;
	}
}

static bool allowed(int mode)
{
	if (mode == HANDOFF_YIELD)
		return one_cpu;
	/* spinning pays only while every spinner has a CPU (kernel/task.c) */
	return mode != HANDOFF_SPIN || __atomic_load_n(&sentry_spin_ns, __ATOMIC_RELAXED);
}

static void enter(struct handoff *h, int mode)
{
	h->mode = (uint8_t)mode;
	h->seen = h->n = 0;
	h->sum = 0;
}

/* Try every other mode soon. */
static void retry_all(struct handoff *h, uint64_t now)
{
	for (int m = 0; m < HANDOFF_MODES; m++) {
		h->gap[m] = PROBE_MIN_NS;
		h->next[m] = now + PROBE_MIN_NS;
	}
}

/* The best mode is new and its cost not known yet. */
static void set_best(struct handoff *h, int mode, uint64_t now)
{
	h->best = (uint8_t)mode;
	h->cost = h->chosen = 0;
	h->window = h->slow = 0;
	retry_all(h, now);
	enter(h, mode);
}

/* The end of a trial: it wins if its mean cost is below the best mode's. */
static void judge(struct handoff *h, bool won, uint64_t now)
{
	int m = h->mode;

	__atomic_add_fetch(won ? &stats.won[m] : &stats.lost[m], 1, __ATOMIC_RELAXED);
	handoff_flush(h);

	if (won) {
		h->gap[h->best] = PROBE_MIN_NS;
		h->next[h->best] = now + PROBE_MIN_NS;
		h->best = (uint8_t)m;
		h->cost = h->chosen = h->sum / h->n;
		h->window = h->slow = 0;
	} else {
		if (h->gap[m] < PROBE_MAX_NS)
			h->gap[m] *= 2;
		h->next[m] = now + h->gap[m];
	}
	enter(h, h->best);
}

/*
 * One round trip in the current mode, and its cost in TSC ticks if the
 * stamps tell it (valid): a trial ends after PROBE_EVENTS round trips
 * even if they do not.
 */
static void learn(struct handoff *h, bool valid, uint64_t cost, uint64_t now)
{
	if (++h->seen <= PROBE_SKIP)
		return;
	if (h->mode != h->best) {
		if (valid)
			h->sum += cost, h->n++;
		/* a trial ends early once it cannot win: a bad mode costs a
		 * few round trips, not PROBE_EVENTS of them */
		if (h->sum >= h->cost * (PROBE_EVENTS - PROBE_SKIP))
			judge(h, false, now);
		else if (h->seen == PROBE_EVENTS)
			judge(h, h->n >= (PROBE_EVENTS - PROBE_SKIP) / 2 &&
				 h->sum / h->n < h->cost, now);
		return;
	}
	if (!valid)
		return;
	/* the best mode's cost: a moving average over ~16 round trips */
	if (!h->chosen) {
		h->cost = h->chosen = cost;
		return;
	}
	h->cost = h->cost - h->cost / 16 + cost / 16;
	/* the host changed (load came): most round trips of a window cost
	 * four times what they did when the mode was chosen, and more than
	 * a cache miss or two more.  One slow round trip is not a change (a
	 * preemption, a page fault) */
	h->slow += cost > 4 * h->chosen && cost > h->chosen + COST_JITTER;
	if (++h->window < CHANGE_WINDOW)
		return;
	if (h->slow > CHANGE_WINDOW / 2) {
		__atomic_add_fetch(&stats.changes, 1, __ATOMIC_RELAXED);
		h->chosen = h->cost;
		retry_all(h, now);
	}
	h->window = h->slow = 0;
}

static void choose(struct handoff *h, uint64_t now)
{
	int trial = -1;

	if (!allowed(h->best))          /* too many tasks to spin now */
		set_best(h, HANDOFF_MEET, now);
	if (!allowed(h->mode))
		enter(h, h->best);
	if (h->mode != h->best || !h->chosen)
		return;
	for (int m = 0; m < HANDOFF_MODES; m++)
		if (m != h->best && allowed(m) && h->next[m] <= now &&
		    (trial < 0 || h->next[m] < h->next[trial]))
			trial = m;
	if (trial >= 0)
		enter(h, trial);
}

/*
 * An event from the stub, seen by the task's own sentry thread: learn what
 * the last round trip cost, pick how to wait for the next one, and follow
 * the stub's CPU if the pair meets on one.
 */
void handoff_event(struct stub_thread *t)
{
	struct handoff *h = &t->handoff;
	struct sysmsg *m = t->msg;
	uint64_t seen = __builtin_ia32_rdtsc(), now;
	uint64_t post = __atomic_load_n(&m->tsc_post, __ATOMIC_RELAXED);
	uint64_t back = __atomic_load_n(&m->tsc_back, __ATOMIC_RELAXED);

	if (forced >= 0) {
		/* one mode, for comparison; spin past the task limit is sleep,
		 * as the old policy did */
		h->mode = (uint8_t)(allowed(forced) ? forced : HANDOFF_SLEEP);
	} else {
		now = mono_ns();
		if (!h->gap[0])
			set_best(h, allowed(HANDOFF_SPIN) ? HANDOFF_SPIN : HANDOFF_MEET, now);
		/* a round trip the sentry answered at h->resumed and the stub
		 * posted again after: both hand-offs are in the stamps */
		learn(h, h->resumed && back >= h->resumed && post >= back && seen >= post &&
			 seen - post + back - h->resumed < COST_MAX,
		      seen - post + back - h->resumed, now);
		choose(h, now);
	}
	h->resumed = 0;
	h->trips[h->mode]++;
	place(h->mode, (int)__atomic_load_n(&m->cpu, __ATOMIC_RELAXED));
}

/* The CPU the thread trapped on (a hint the application can forge), or -1. */
int stub_thread_cpu(const struct stub_thread *t)
{
	uint32_t cpu = __atomic_load_n(&t->msg->cpu, __ATOMIC_RELAXED);

	return cpu < CPU_SETSIZE && CPU_ISSET(cpu, &sandbox_cpus) ? (int)cpu : -1;
}

/* How long the sentry spins for the task's next event, in ns. */
unsigned handoff_sentry_spin(const struct stub_thread *t)
{
	return t->handoff.mode == HANDOFF_SPIN ? __atomic_load_n(&sentry_spin_ns, __ATOMIC_RELAXED)
					       : 0;
}

/* How often the sentry yields for the task's next event before it sleeps. */
unsigned handoff_sentry_yields(const struct stub_thread *t)
{
	return t->handoff.mode == HANDOFF_YIELD ? yields : 0;
}

/*
 * How long the stub waits for the answer before it sleeps (sysmsg.spin):
 * pauses, or yields; the answer is going out.
 */
uint32_t handoff_resume(struct stub_thread *t)
{
	t->handoff.resumed = __builtin_ia32_rdtsc();
	switch (t->handoff.mode) {
	case HANDOFF_SPIN:
		return __atomic_load_n(&stub_spin_iters, __ATOMIC_RELAXED);
	case HANDOFF_YIELD:
		return yields ? STUB_SPIN_YIELD | yields : 0;
	default:
		return 0;
	}
}

void handoff_print_stats(int fd)
{
	dprintf(fd, "%-20s %10s %10s %10s\n", "hand-off", "events", "trials won", "lost");
	for (int m = 0; m < HANDOFF_MODES; m++)
		dprintf(fd, "%-20s %10lu %10lu %10lu\n", mode_names[m], stats.trips[m],
			stats.won[m], stats.lost[m]);
	dprintf(fd, "%-20s %10lu\n%-20s %10lu\n", "load changes", stats.changes,
		"sentry placements", stats.moves);
}
