/* nanosleep(2) sleeps at least as long as asked and validates input. */
#include <time.h>
#include "check.h"

static long long now(void)
{
	struct timespec t;
	CHECK(syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &t) == 0, "clock");
	return t.tv_sec * 1000000000LL + t.tv_nsec;
}

int main(void)
{
	struct timespec req = { 0, 30000000 }, rem = { 9, 9 }; /* 30 ms */

	long long t0 = now();
	CHECK(syscall(SYS_nanosleep, &req, &rem) == 0, "nanosleep: %s", strerror(errno));
	long long d = now() - t0;
	CHECK(d >= 30000000, "slept only %lld ns", d);
	CHECK(d < 5000000000LL, "slept %lld ns for a 30 ms request", d);

	req.tv_sec = 0;
	req.tv_nsec = 0;
	CHECK(syscall(SYS_nanosleep, &req, NULL) == 0, "zero sleep");

	/* Whole seconds are honoured too, not just tv_nsec. */
	req.tv_sec = 1;
	req.tv_nsec = 0;
	t0 = now();
	CHECK(syscall(SYS_nanosleep, &req, NULL) == 0, "1 s sleep");
	CHECK(now() - t0 >= 1000000000LL, "1 s sleep too short");

	struct timespec bad = { 0, 1000000000 };
	CHECK_ERRNO(syscall(SYS_nanosleep, &bad, NULL), EINVAL);
	bad.tv_nsec = -1;
	CHECK_ERRNO(syscall(SYS_nanosleep, &bad, NULL), EINVAL);
	bad.tv_sec = -1;
	bad.tv_nsec = 0;
	CHECK_ERRNO(syscall(SYS_nanosleep, &bad, NULL), EINVAL);
	CHECK_ERRNO(syscall(SYS_nanosleep, (void *)1, NULL), EFAULT);
	CHECK_ERRNO(syscall(SYS_nanosleep, KERNEL_PTR, NULL), EFAULT);
	return 0;
}
