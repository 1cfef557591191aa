/* SPDX-License-Identifier: MIT */
/*
 * Timers: alarm/setitimer(ITIMER_REAL) and POSIX timers, kept in one list
 * served by one sentry thread that sleeps until the next expiry and then
 * queues the signal (SIGALRM, or the timer's sigevent).  Expiries are
 * measured on CLOCK_MONOTONIC; absolute CLOCK_REALTIME times are converted
 * when armed.  The system calls are syscalls/sys_timer.c.
 *
 * CPU-time timers (ITIMER_VIRTUAL, ITIMER_PROF, POSIX timers on a CPU
 * clock) count the stubs' CPU time, which the host keeps and tells nobody
 * about as it passes: such a timer is looked at when its CPU deadline
 * could be reached at the earliest (what is left, spread over every CPU
 * the sandbox has; all of it for a thread's clock), and again then until
 * it is.  Never early, and late by at most the time to the next look;
 * Linux too checks CPU timers at a tick, not at the instant.  Looks at a
 * clock that did not move (an idle process) back off, up to CPU_LOOK_MAX.
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

#include "kernel/kernel.h"
#include "vfs/vfs.h"

struct ktimer {
	int id;                         /* timer_create id; -1: ITIMER_REAL */
	struct thread_group *tg;
	pid_t tid;                      /* SIGEV_THREAD_ID target, or 0 */
	int signo, notify;
	uint64_t value;                 /* sigev_value */
	struct timespec next, interval; /* next: monotonic, 0 = disarmed */
	clockid_t clockid;              /* what an absolute time is read on */
	int overrun;                    /* of the expiry being told */
	int overrun_last;               /* of the signal last taken: timer_getoverrun */
	/* A wake timer (timerfd): fn(arg) at expiry instead of a signal */
	void (*fn)(void *arg);
	void *arg;
	/* A CPU-time timer: its clock, its deadline and period in CPU ns */
	bool cpu;
	struct cpu_clock clock;
	int64_t cpu_next, cpu_interval;
	int64_t cpu_last, look;         /* the clock at the last look, the pause since */
	struct ktimer *next_t;
};

#define ITIMER_VIRTUAL_ID (-3)          /* ids below 0: not a POSIX timer's */
#define ITIMER_PROF_ID (-4)
#define CPU_LOOK_MIN 4000000LL          /* ns: no closer looks than a tick (HZ 250) */
#define CPU_LOOK_MAX 100000000LL        /* ns: an idle clock's looks, at most this apart */

static struct ktimer *timers;
static pthread_mutex_t tlock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t tcv;
static pthread_once_t tonce = PTHREAD_ONCE_INIT;
static int next_id;

static int64_t ns_of(struct timespec ts)
{
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static struct timespec ts_of(int64_t ns)
{
	return (struct timespec){ ns / 1000000000LL, ns % 1000000000LL };
}

static int64_t mono_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ns_of(ts);
}

/* Tell the owner: a signal, or a wake timer's callback. */
static void notify(struct ktimer *k)
{
	siginfo_t si;

	memset(&si, 0, sizeof(si));
	si.si_signo = k->signo;
	si.si_code = k->id < 0 ? SI_KERNEL : SI_TIMER;
	if (k->id >= 0) {
		si.si_timerid = k->id;
		si.si_overrun = k->overrun;
		si.si_value.sival_ptr = (void *)(uintptr_t)k->value;
	}
	if (k->fn)
		k->fn(k->arg);
	else if (k->notify != SIGEV_NONE && !k->tg->exiting)
		send_signal_info(k->tg, NULL, &si);
}

/* Advance a periodic deadline past now; missed periods count as overruns,
 * at most DELAYTIMER_MAX (INT_MAX), as Linux caps them. */
static int64_t reload(int64_t next, int64_t interval, int64_t now, int *overrun)
{
	int64_t missed;

	next += interval;
	*overrun = 0;
	if (next <= now) {
		missed = (now - next) / interval + 1;
		*overrun = missed > INT_MAX ? INT_MAX : (int)missed;
		next += missed * interval;
	}
	return next;
}

static void fire(struct ktimer *k, int64_t now)
{
	if (ns_of(k->interval))
		k->next = ts_of(reload(ns_of(k->next), ns_of(k->interval), now, &k->overrun));
	else
		k->next = ts_of(0);
	notify(k);
}

/* When to look at a CPU timer next, its clock reading cpu now. */
static int64_t cpu_look(struct ktimer *k, int64_t cpu, int64_t now)
{
	int64_t wait = k->cpu_next - cpu;

	if (!k->clock.tid && sandbox.ncpus > 1)
		wait /= sandbox.ncpus;
	if (cpu == k->cpu_last && k->look)
		k->look = k->look * 2 < CPU_LOOK_MAX ? k->look * 2 : CPU_LOOK_MAX;
	else
		k->look = CPU_LOOK_MIN;
	k->cpu_last = cpu;
	return now + (wait > k->look ? wait : k->look);
}

/* A CPU timer's look: fire if its clock has passed the deadline. */
static void cpu_check(struct ktimer *k, int64_t now)
{
	int64_t cpu;

	if (cpu_clock_sample(&k->clock, &cpu)) {
		k->next = ts_of(0);     /* its thread or process is gone */
		return;
	}
	if (cpu >= k->cpu_next) {
		if (k->cpu_interval) {
			k->cpu_next = reload(k->cpu_next, k->cpu_interval, cpu, &k->overrun);
		} else {
			k->next = ts_of(0);
			notify(k);
			return;
		}
		notify(k);
	}
	k->next = ts_of(cpu_look(k, cpu, now));
}

static void *timer_main(void *arg)
{
	(void)arg;
	platform_thread_init();         /* not on its first user's CPU only */
	pthread_mutex_lock(&tlock);
	for (;;) {
		int64_t now = mono_now(), soonest = INT64_MAX;

		for (struct ktimer *k = timers; k; k = k->next_t) {
			if (!ns_of(k->next))
				continue;
			if (ns_of(k->next) <= now && k->cpu)
				cpu_check(k, now);
			else if (ns_of(k->next) <= now)
				fire(k, now);
			if (ns_of(k->next) && ns_of(k->next) < soonest)
				soonest = ns_of(k->next);
		}
		if (fasync_pending()) {         /* SIGIO owed by a timerfd's wake-up */
			pthread_mutex_unlock(&tlock);
			fasync_flush();
			pthread_mutex_lock(&tlock);
			continue;
		}
		if (soonest == INT64_MAX) {
			pthread_cond_wait(&tcv, &tlock);
		} else {
			struct timespec until = ts_of(soonest);

			pthread_cond_timedwait(&tcv, &tlock, &until);
		}
	}
	return NULL;
}

static void timers_init(void)
{
	pthread_condattr_t ca;
	pthread_t th;

	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&tcv, &ca);
	pthread_create(&th, NULL, timer_main, NULL);
	pthread_detach(th);
}

static struct ktimer *find(struct thread_group *tg, int id)
{
	for (struct ktimer *k = timers; k; k = k->next_t)
		if (k->tg == tg && k->id == id)
			return k;
	return NULL;
}

/* Remaining time and interval of a timer (tlock held). */
static void current(struct ktimer *k, struct itimerspec *cur)
{
	int64_t left = ns_of(k->next) ? ns_of(k->next) - mono_now() : 0, cpu;

	if (k->cpu) {
		left = ns_of(k->next) && !cpu_clock_sample(&k->clock, &cpu) ? k->cpu_next - cpu : 0;
		cur->it_value = ts_of(left > 0 ? left : (ns_of(k->next) ? 1 : 0));
		cur->it_interval = ts_of(k->cpu_interval);
		return;
	}

	cur->it_value = ts_of(left > 0 ? left : (ns_of(k->next) ? 1 : 0));
	cur->it_interval = k->interval;
}

/* Arm (or disarm, value 0) a timer; returns the old setting in *old. */
static void arm(struct ktimer *k, const struct itimerspec *v, bool abs, clockid_t clock,
		struct itimerspec *old)
{
	if (old)
		current(k, old);
	k->interval = v->it_interval;
	k->overrun = 0;
	k->overrun_last = 0;            /* as Linux's common_timer_set */
	if (k->cpu) {
		int64_t cpu;

		k->interval = ts_of(0);
		k->cpu_interval = ns_of(v->it_interval);
		k->look = 0;
		if (!ns_of(v->it_value) || cpu_clock_sample(&k->clock, &cpu)) {
			k->next = ts_of(0);
		} else {
			k->cpu_next = abs ? ns_of(v->it_value) : cpu + ns_of(v->it_value);
			k->next = ts_of(cpu_look(k, cpu, mono_now()));
		}
	} else if (!ns_of(v->it_value)) {
		k->next = ts_of(0);
	} else if (abs) {
		struct timespec now;

		clock_gettime(clock, &now);
		int64_t at = mono_now() + ns_of(v->it_value) - ns_of(now);

		/* a deadline in the past fires at once, and a periodic
		 * timer counts the periods missed since it as overruns */
		k->next = ts_of(at > 0 ? at : 1);
	} else {
		k->next = ts_of(mono_now() + ns_of(v->it_value));
	}
	pthread_cond_signal(&tcv);
}

/* The group's interval timer id (ITIMER_REAL -1, VIRTUAL, PROF), made on first use. */
static struct ktimer *itimer(struct thread_group *tg, int id)
{
	struct ktimer *k = find(tg, id);

	if (!k && (k = calloc(1, sizeof(*k)))) {
		k->id = id;
		k->tg = tg;
		k->signo = id == ITIMER_VIRTUAL_ID ? SIGVTALRM : id == ITIMER_PROF_ID ? SIGPROF
										       : SIGALRM;
		k->notify = SIGEV_SIGNAL;
		/* the process's user time, or user and system time */
		k->cpu = id != -1;
		k->clock = (struct cpu_clock){ .pid = tg->pid, .which = id == ITIMER_VIRTUAL_ID
									? CPUCLOCK_VIRT : CPUCLOCK_PROF };
		k->next_t = timers;
		timers = k;
	}
	return k;
}

static int itimer_id(int which)
{
	return which == ITIMER_VIRTUAL ? ITIMER_VIRTUAL_ID : which == ITIMER_PROF ? ITIMER_PROF_ID
										    : -1;
}

/* setitimer, alarm: arm interval timer which, the old value in *o. */
int itimer_set(struct thread_group *tg, int which, const struct itimerspec *v,
	       struct itimerspec *o)
{
	struct ktimer *k;

	pthread_once(&tonce, timers_init);
	pthread_mutex_lock(&tlock);
	k = itimer(tg, itimer_id(which));
	if (k)
		arm(k, v, false, CLOCK_MONOTONIC, o);
	pthread_mutex_unlock(&tlock);
	return k ? 0 : -ENOMEM;
}

void itimer_get(struct thread_group *tg, int which, struct itimerspec *cur)
{
	struct ktimer *k;

	*cur = (struct itimerspec){ { 0, 0 }, { 0, 0 } };
	pthread_mutex_lock(&tlock);
	k = find(tg, itimer_id(which));
	if (k)
		current(k, cur);
	pthread_mutex_unlock(&tlock);
}

int posix_timer_create(struct thread_group *tg, clockid_t clock, const struct cpu_clock *cpu,
		       const struct timer_event *ev, int *idp)
{
	struct ktimer *k;
	int id;

	if (!cpu && clock != CLOCK_REALTIME && clock != CLOCK_MONOTONIC &&
	    clock != CLOCK_BOOTTIME && clock != CLOCK_TAI)
		return -EINVAL;
	/* SIGEV_THREAD is the C library's; to the kernel it is a signal
	 * (Linux's good_sigevent) */
	if (ev && ev->notify != SIGEV_NONE && ev->notify != SIGEV_SIGNAL &&
	    ev->notify != SIGEV_THREAD && ev->notify != (SIGEV_SIGNAL | SIGEV_THREAD_ID))
		return -EINVAL;
	if (ev && ev->notify != SIGEV_NONE && (ev->signo < 1 || ev->signo > NSIG_LINUX))
		return -EINVAL;
	k = calloc(1, sizeof(*k));
	if (!k)
		return -ENOMEM;
	pthread_once(&tonce, timers_init);
	pthread_mutex_lock(&tlock);
	id = next_id++;
	k->id = id;
	k->tg = tg;
	k->clockid = clock;
	/* no sigevent: SIGALRM with the timer's id as its value */
	k->signo = ev ? ev->signo : SIGALRM;
	k->notify = ev ? ev->notify : SIGEV_SIGNAL;
	k->value = ev ? ev->value : (uint64_t)id;
	if (cpu) {
		k->cpu = true;
		k->clock = *cpu;
	}
	k->next_t = timers;
	timers = k;
	pthread_mutex_unlock(&tlock);
	*idp = id;
	return 0;
}

int posix_timer_settime(struct thread_group *tg, int id, int flags,
			const struct itimerspec *v, struct itimerspec *old)
{
	struct ktimer *k;

	if (flags & ~TIMER_ABSTIME)
		return -EINVAL;
	if (v->it_value.tv_nsec < 0 || v->it_value.tv_nsec >= 1000000000L ||
	    v->it_interval.tv_nsec < 0 || v->it_interval.tv_nsec >= 1000000000L ||
	    v->it_value.tv_sec < 0 || v->it_interval.tv_sec < 0)
		return -EINVAL;
	pthread_mutex_lock(&tlock);
	k = id >= 0 ? find(tg, id) : NULL;
	if (k)
		arm(k, v, flags & TIMER_ABSTIME, k->clockid, old);
	pthread_mutex_unlock(&tlock);
	return k ? 0 : -EINVAL;
}

int posix_timer_gettime(struct thread_group *tg, int id, struct itimerspec *cur)
{
	struct ktimer *k;

	pthread_mutex_lock(&tlock);
	k = id >= 0 ? find(tg, id) : NULL;
	if (k)
		current(k, cur);
	pthread_mutex_unlock(&tlock);
	return k ? 0 : -EINVAL;
}

/* The timer's signal was taken, with overrun overruns (signal.c). */
void posix_timer_delivered(struct thread_group *tg, int id, int overrun)
{
	struct ktimer *k;

	pthread_mutex_lock(&tlock);
	if ((k = id >= 0 ? find(tg, id) : NULL))
		k->overrun_last = overrun;
	pthread_mutex_unlock(&tlock);
}

int posix_timer_getoverrun(struct thread_group *tg, int id)
{
	struct ktimer *k;
	int ret;

	pthread_mutex_lock(&tlock);
	k = id >= 0 ? find(tg, id) : NULL;
	ret = k ? k->overrun_last : -EINVAL;
	pthread_mutex_unlock(&tlock);
	return ret;
}

int posix_timer_delete(struct thread_group *tg, int id)
{
	int ret = -EINVAL;

	pthread_mutex_lock(&tlock);
	for (struct ktimer **pp = &timers; *pp; pp = &(*pp)->next_t)
		if ((*pp)->tg == tg && (*pp)->id == id && id >= 0) {
			struct ktimer *k = *pp;

			*pp = k->next_t;
			free(k);
			ret = 0;
			break;
		}
	pthread_mutex_unlock(&tlock);
	return ret;
}

/* An exiting or exec'ing thread group's timers go (exec keeps POSIX ones? no:
 * Linux deletes POSIX timers at exec and keeps the alarm). */
void timers_exit(struct thread_group *tg, bool keep_alarm)
{
	pthread_mutex_lock(&tlock);
	for (struct ktimer **pp = &timers; *pp;) {
		struct ktimer *k = *pp;

		if (k->tg == tg && !(keep_alarm && k->id < 0)) {
			*pp = k->next_t;
			free(k);
		} else {
			pp = &k->next_t;
		}
	}
	pthread_mutex_unlock(&tlock);
}

/*
 * Wake timers: fn(arg) runs on the timer thread at each expiry (with the
 * timers' lock held: it must not arm or free a timer).  timerfd wakes its
 * readers with one, so that nothing looks at the clock in slices.
 */
struct ktimer *wake_timer_new(void (*fn)(void *arg), void *arg)
{
	struct ktimer *k = calloc(1, sizeof(*k));

	if (!k)
		return NULL;
	k->id = -2;
	k->fn = fn;
	k->arg = arg;
	pthread_once(&tonce, timers_init);
	pthread_mutex_lock(&tlock);
	k->next_t = timers;
	timers = k;
	pthread_mutex_unlock(&tlock);
	return k;
}

/* Expire in rel_ns (> 0; 0 disarms), then every interval_ns (0: once). */
void wake_timer_arm(struct ktimer *k, int64_t rel_ns, int64_t interval_ns)
{
	pthread_mutex_lock(&tlock);
	k->next = ts_of(rel_ns ? mono_now() + rel_ns : 0);
	k->interval = ts_of(interval_ns);
	pthread_cond_signal(&tcv);
	pthread_mutex_unlock(&tlock);
}

void wake_timer_free(struct ktimer *k)
{
	pthread_mutex_lock(&tlock);
	for (struct ktimer **pp = &timers; *pp; pp = &(*pp)->next_t)
		if (*pp == k) {
			*pp = k->next_t;
			break;
		}
	pthread_mutex_unlock(&tlock);
	free(k);
}
