/* SPDX-License-Identifier: MIT */
/*
 * Timers: alarm/setitimer(ITIMER_REAL) and POSIX timers, kept in one list
 * served by one sentry thread that sleeps until the next expiry and then
 * queues the signal (SIGALRM, or the timer's sigevent).  Expiries are
 * measured on CLOCK_MONOTONIC; absolute CLOCK_REALTIME times are converted
 * when armed.  The system calls are syscalls/sys_timer.c.
 */
#include <errno.h>
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
	int overrun;
	/* A wake timer (timerfd): fn(arg) at expiry instead of a signal */
	void (*fn)(void *arg);
	void *arg;
	struct ktimer *next_t;
};

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

static void fire(struct ktimer *k, int64_t now)
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
	if (ns_of(k->interval)) {
		int64_t next = ns_of(k->next) + ns_of(k->interval);

		if (next <= now) {      /* missed periods count as overruns */
			k->overrun = (int)((now - next) / ns_of(k->interval)) + 1;
			next += (int64_t)k->overrun * ns_of(k->interval);
		}
		k->next = ts_of(next);
	} else {
		k->next = ts_of(0);
	}
	if (k->fn)
		k->fn(k->arg);
	else if (k->notify != SIGEV_NONE && !k->tg->exiting)
		send_signal_info(k->tg, NULL, &si);
}

static void *timer_main(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&tlock);
	for (;;) {
		int64_t now = mono_now(), soonest = INT64_MAX;

		for (struct ktimer *k = timers; k; k = k->next_t) {
			if (!ns_of(k->next))
				continue;
			if (ns_of(k->next) <= now)
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
	int64_t left = ns_of(k->next) ? ns_of(k->next) - mono_now() : 0;

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
	if (!ns_of(v->it_value)) {
		k->next = ts_of(0);
	} else if (abs) {
		struct timespec now;

		clock_gettime(clock, &now);
		int64_t rel = ns_of(v->it_value) - ns_of(now);
		k->next = ts_of(mono_now() + (rel > 0 ? rel : 1));
	} else {
		k->next = ts_of(mono_now() + ns_of(v->it_value));
	}
	pthread_cond_signal(&tcv);
}

static struct ktimer *itimer_real(struct thread_group *tg)
{
	struct ktimer *k = find(tg, -1);

	if (!k && (k = calloc(1, sizeof(*k)))) {
		k->id = -1;
		k->tg = tg;
		k->signo = SIGALRM;
		k->notify = SIGEV_SIGNAL;
		k->next_t = timers;
		timers = k;
	}
	return k;
}

/* ITIMER_REAL (setitimer, alarm): arm it, the old value in *o. */
int itimer_real_set(struct thread_group *tg, const struct itimerspec *v, struct itimerspec *o)
{
	struct ktimer *k;

	pthread_once(&tonce, timers_init);
	pthread_mutex_lock(&tlock);
	k = itimer_real(tg);
	if (k)
		arm(k, v, false, CLOCK_MONOTONIC, o);
	pthread_mutex_unlock(&tlock);
	return k ? 0 : -ENOMEM;
}

void itimer_real_get(struct thread_group *tg, struct itimerspec *cur)
{
	struct ktimer *k;

	*cur = (struct itimerspec){ { 0, 0 }, { 0, 0 } };
	pthread_mutex_lock(&tlock);
	k = find(tg, -1);
	if (k)
		current(k, cur);
	pthread_mutex_unlock(&tlock);
}

int posix_timer_create(struct thread_group *tg, clockid_t clock, const struct timer_event *ev,
		       int *idp)
{
	struct ktimer *k;
	int id;

	if (clock != CLOCK_REALTIME && clock != CLOCK_MONOTONIC && clock != CLOCK_BOOTTIME)
		return clock == CLOCK_PROCESS_CPUTIME_ID || clock == CLOCK_THREAD_CPUTIME_ID
			       ? -ENOTSUP : -EINVAL;
	if (ev && ev->notify != SIGEV_NONE && ev->notify != SIGEV_SIGNAL &&
	    ev->notify != (SIGEV_SIGNAL | SIGEV_THREAD_ID))
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
	/* no sigevent: SIGALRM with the timer's id as its value */
	k->signo = ev ? ev->signo : SIGALRM;
	k->notify = ev ? ev->notify : SIGEV_SIGNAL;
	k->value = ev ? ev->value : (uint64_t)id;
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
		arm(k, v, flags & TIMER_ABSTIME, CLOCK_REALTIME, old);
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

int posix_timer_getoverrun(struct thread_group *tg, int id)
{
	struct ktimer *k;
	int ret;

	pthread_mutex_lock(&tlock);
	k = id >= 0 ? find(tg, id) : NULL;
	ret = k ? k->overrun : -EINVAL;
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
