/* futex timeouts: relative FUTEX_WAIT and absolute FUTEX_WAIT_BITSET end
 * with ETIMEDOUT no earlier than asked; a changed value gives EAGAIN. */
#include <linux/futex.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include "check.h"

static long ms_since(const struct timespec *a)
{
	struct timespec b;

	clock_gettime(CLOCK_MONOTONIC, &b);
	return (b.tv_sec - a->tv_sec) * 1000 + (b.tv_nsec - a->tv_nsec) / 1000000;
}

int main(void)
{
	uint32_t word = 5;
	struct timespec rel = { 0, 50000000 }, start, abs;

	clock_gettime(CLOCK_MONOTONIC, &start);
	CHECK_ERRNO(syscall(SYS_futex, &word, FUTEX_WAIT_PRIVATE, 5, &rel, NULL, 0), ETIMEDOUT);
	CHECK(ms_since(&start) >= 49, "relative timeout early: %ld ms", ms_since(&start));

	clock_gettime(CLOCK_MONOTONIC, &start);
	abs = start;
	abs.tv_nsec += 60000000;
	if (abs.tv_nsec >= 1000000000) {
		abs.tv_sec++;
		abs.tv_nsec -= 1000000000;
	}
	CHECK_ERRNO(syscall(SYS_futex, &word, FUTEX_WAIT_BITSET_PRIVATE, 5, &abs, NULL,
			    FUTEX_BITSET_MATCH_ANY), ETIMEDOUT);
	CHECK(ms_since(&start) >= 59, "absolute timeout early: %ld ms", ms_since(&start));

	CHECK_ERRNO(syscall(SYS_futex, &word, FUTEX_WAIT_PRIVATE, 6, &rel, NULL, 0), EAGAIN);
	CHECK(syscall(SYS_futex, &word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0) == 0, "wake none");
	CHECK_ERRNO(syscall(SYS_futex, (char *)&word + 1, FUTEX_WAIT_PRIVATE, 5, &rel, NULL, 0),
		    EINVAL);
	struct timespec bad = { 0, 1000000000 };
	CHECK_ERRNO(syscall(SYS_futex, &word, FUTEX_WAIT_PRIVATE, 5, &bad, NULL, 0), EINVAL);
	return 0;
}
