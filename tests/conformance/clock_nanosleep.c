/* clock_nanosleep(2): relative and TIMER_ABSTIME sleeps, validation. The
 * raw syscall is used so failures come back as -1/errno. */
#include <time.h>
#include "check.h"

static long long ns(struct timespec t) { return t.tv_sec * 1000000000LL + t.tv_nsec; }

static struct timespec now(clockid_t c)
{
	struct timespec t;
	CHECK(syscall(SYS_clock_gettime, c, &t) == 0, "clock_gettime");
	return t;
}

static long cns(clockid_t c, int flags, const struct timespec *req)
{
	return syscall(SYS_clock_nanosleep, c, flags, req, NULL);
}

int main(void)
{
	struct timespec rel = { 0, 20000000 }; /* 20 ms */

	long long t0 = ns(now(CLOCK_MONOTONIC));
	CHECK(cns(CLOCK_MONOTONIC, 0, &rel) == 0, "relative: %s", strerror(errno));
	CHECK(ns(now(CLOCK_MONOTONIC)) - t0 >= 20000000, "relative sleep too short");

	t0 = ns(now(CLOCK_MONOTONIC));
	CHECK(cns(CLOCK_REALTIME, 0, &rel) == 0, "relative REALTIME");
	CHECK(ns(now(CLOCK_MONOTONIC)) - t0 >= 20000000, "REALTIME sleep too short");

	/* Absolute: wake no earlier than the deadline. */
	struct timespec dl = now(CLOCK_MONOTONIC);
	dl.tv_nsec += 30000000;
	if (dl.tv_nsec >= 1000000000) {
		dl.tv_sec++;
		dl.tv_nsec -= 1000000000;
	}
	CHECK(cns(CLOCK_MONOTONIC, TIMER_ABSTIME, &dl) == 0, "abs: %s", strerror(errno));
	CHECK(ns(now(CLOCK_MONOTONIC)) >= ns(dl), "woke before absolute deadline");

	/* A deadline in the past returns at once. */
	struct timespec past = { 1, 0 };
	t0 = ns(now(CLOCK_MONOTONIC));
	CHECK(cns(CLOCK_MONOTONIC, TIMER_ABSTIME, &past) == 0, "past deadline");
	CHECK(ns(now(CLOCK_MONOTONIC)) - t0 < 1000000000LL, "past deadline slept");

	struct timespec bad = { 0, 1000000000 };
	CHECK_ERRNO(cns(CLOCK_MONOTONIC, 0, &bad), EINVAL);
	CHECK_ERRNO(cns(100, 0, &rel), EINVAL);
	/* Sleeping on the own thread's CPU clock: EINVAL on older kernels,
	 * EOPNOTSUPP on current ones. */
	errno = 0;
	CHECK(cns(CLOCK_THREAD_CPUTIME_ID, 0, &rel) == -1 &&
		      (errno == EINVAL || errno == EOPNOTSUPP),
	      "THREAD_CPUTIME_ID sleep: errno %d", errno);
	CHECK_ERRNO(cns(CLOCK_MONOTONIC, 0, KERNEL_PTR), EFAULT);
	/* glibc's wrapper returns the error number instead of setting errno. */
	CHECK(clock_nanosleep(CLOCK_MONOTONIC, 0, &bad, NULL) == EINVAL, "glibc wrapper");
	return 0;
}
