/* POSIX timers as Linux keeps them: an absolute time is read on the
 * timer's own clock (a CLOCK_MONOTONIC one fired at once, read as
 * CLOCK_REALTIME), an expiry while the timer's signal is pending counts
 * as an overrun of it (capped at INT_MAX, read by timer_getoverrun after
 * the signal is taken), SIGEV_THREAD is a signal to the kernel, a NULL
 * new setting is EINVAL, CLOCK_TAI has timers and a time, and
 * clock_nanosleep on a clock with no sleep is EOPNOTSUPP. */
#define _GNU_SOURCE
#include <limits.h>
#include <signal.h>
#include <time.h>
#include "check.h"

static int64_t ns(const struct timespec *t)
{
	return (int64_t)t->tv_sec * 1000000000 + t->tv_nsec;
}

static timer_t mk(clockid_t clock, int notify)
{
	struct sigevent ev = { .sigev_notify = notify, .sigev_signo = SIGUSR1 };
	timer_t id;

	CHECK(syscall(SYS_timer_create, clock, &ev, &id) == 0, "timer_create(%d, notify %d): %s",
	      (int)clock, notify, strerror(errno));
	return id;
}

static int take(int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	return sigtimedwait(&set, NULL, &ts);
}

/* an absolute time 200 ms ahead on clock must not fire before it */
static void absolute(clockid_t clock)
{
	struct itimerspec v = { { 0, 0 }, { 0, 0 } };
	struct timespec now, at;
	timer_t id = mk(clock, SIGEV_SIGNAL);

	CHECK_OK(clock_gettime(clock, &now));
	at = now;
	at.tv_nsec += 200000000;
	if (at.tv_nsec >= 1000000000) {
		at.tv_sec++;
		at.tv_nsec -= 1000000000;
	}
	v.it_value = at;
	CHECK_OK(syscall(SYS_timer_settime, id, TIMER_ABSTIME, &v, NULL));
	CHECK(take(5000) == SIGUSR1, "clock %d: no expiry", (int)clock);
	CHECK_OK(clock_gettime(clock, &now));
	CHECK(ns(&now) >= ns(&at), "clock %d: fired %lld ns early", (int)clock,
	      (long long)(ns(&at) - ns(&now)));
	CHECK_OK(timer_delete(id));
}

/* a 1 ns period that started 3 s ago: its overruns are capped at INT_MAX;
 * a 1 ms one whose signal stays blocked for 100 ms gathers overruns */
static void overruns(void)
{
	struct itimerspec v = { { 0, 1 }, { 0, 0 } }, off = { { 0, 0 }, { 0, 0 } };
	timer_t id = mk(CLOCK_REALTIME, SIGEV_SIGNAL);
	int n;

	CHECK(timer_getoverrun(id) == 0, "a fresh timer's overruns");
	CHECK_OK(clock_gettime(CLOCK_REALTIME, &v.it_value));
	v.it_value.tv_sec -= 3;
	CHECK_OK(syscall(SYS_timer_settime, id, TIMER_ABSTIME, &v, NULL));
	CHECK(take(5000) == SIGUSR1, "the 1 ns timer did not fire");
	CHECK((n = timer_getoverrun(id)) == INT_MAX, "overruns of 3 s of 1 ns periods: %d", n);
	CHECK_OK(syscall(SYS_timer_settime, id, 0, &off, NULL));
	CHECK((n = timer_getoverrun(id)) == 0, "overruns after timer_settime: %d", n);
	while (take(0) == SIGUSR1)      /* one the old setting may have left */
		;
	v = (struct itimerspec){ { 0, 1000000 }, { 0, 1000000 } };
	CHECK_OK(syscall(SYS_timer_settime, id, 0, &v, NULL));
	usleep(100000);
	CHECK(take(5000) == SIGUSR1, "the 1 ms timer did not fire");
	n = timer_getoverrun(id);
	CHECK(n >= 20 && n < INT_MAX, "overruns of 100 ms of 1 ms periods while pending: %d", n);
	CHECK_OK(syscall(SYS_timer_settime, id, 0, &off, NULL));
	CHECK_OK(timer_delete(id));
}

int main(void)
{
	struct timespec ts = { 0, 1000 };
	sigset_t set;
	timer_t id;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	CHECK_OK(sigprocmask(SIG_BLOCK, &set, NULL));
	absolute(CLOCK_MONOTONIC);
	absolute(CLOCK_REALTIME);
	absolute(CLOCK_BOOTTIME);
	absolute(CLOCK_TAI);
	overruns();
	/* the kernel takes SIGEV_THREAD as a signal; SIGEV_THREAD_ID alone no */
	id = mk(CLOCK_MONOTONIC, SIGEV_THREAD);
	CHECK_ERRNO(syscall(SYS_timer_settime, id, 0, NULL, NULL), EINVAL);
	CHECK_OK(timer_delete(id));
	CHECK_OK(clock_gettime(CLOCK_TAI, &ts));
	CHECK(syscall(SYS_clock_nanosleep, CLOCK_THREAD_CPUTIME_ID, 0, &ts, NULL) == EOPNOTSUPP ||
	      errno == EOPNOTSUPP, "clock_nanosleep(CLOCK_THREAD_CPUTIME_ID): %s",
	      strerror(errno));
	CHECK_ERRNO(syscall(SYS_clock_nanosleep, CLOCK_MONOTONIC_RAW, 0, &ts, NULL), EOPNOTSUPP);
	CHECK_ERRNO(syscall(SYS_clock_nanosleep, 77, 0, &ts, NULL), EINVAL);
	return 0;
}
