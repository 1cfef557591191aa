/* clock_gettime(2), via both glibc (vDSO) and the raw syscall: all the
 * basic clocks work, MONOTONIC never goes back, bad clocks fail. */
#include <time.h>
#include "check.h"

static long long ns(struct timespec t) { return t.tv_sec * 1000000000LL + t.tv_nsec; }

static struct timespec raw(clockid_t c)
{
	struct timespec t = { -1, -1 };
	CHECK(syscall(SYS_clock_gettime, c, &t) == 0, "clock %d: %s", c, strerror(errno));
	CHECK(t.tv_nsec >= 0 && t.tv_nsec < 1000000000, "clock %d: nsec %ld", c, t.tv_nsec);
	return t;
}

int main(void)
{
	/* 2020-01-01 as a floor: a zero or tiny REALTIME is clearly wrong. */
	CHECK(raw(CLOCK_REALTIME).tv_sec > 1577836800, "REALTIME too small");
	struct timespec m = raw(CLOCK_MONOTONIC);
	CHECK(ns(raw(CLOCK_BOOTTIME)) >= ns(m), "BOOTTIME < MONOTONIC");

	/* Interleave vDSO and syscall reads: one non-decreasing timeline. */
	long long prev = ns(m);
	for (int i = 0; i < 2000; i++) {
		struct timespec t;
		if (i & 1)
			t = raw(CLOCK_MONOTONIC);
		else
			CHECK(clock_gettime(CLOCK_MONOTONIC, &t) == 0, "vDSO");
		CHECK(ns(t) >= prev, "MONOTONIC went back by %lld ns", prev - ns(t));
		prev = ns(t);
	}

	/* Burning CPU advances the process CPU clock. */
	long long c0 = ns(raw(CLOCK_PROCESS_CPUTIME_ID));
	long long w0 = ns(raw(CLOCK_MONOTONIC));
	volatile unsigned long spin = 0;
	while (ns(raw(CLOCK_MONOTONIC)) - w0 < 50000000) /* 50 ms */
		for (int k = 0; k < 100000; k++)
			spin++;
	long long c1 = ns(raw(CLOCK_PROCESS_CPUTIME_ID));
	CHECK(c1 > c0, "PROCESS_CPUTIME_ID did not advance (%lld -> %lld)", c0, c1);
	CHECK(c1 - c0 < 10000000000LL, "PROCESS_CPUTIME_ID jumped by %lld ns", c1 - c0);

	struct timespec t;
	CHECK_ERRNO(syscall(SYS_clock_gettime, 100, &t), EINVAL);
	CHECK_ERRNO(clock_gettime(100, &t), EINVAL);
	return 0;
}
