/* clock_getres(2): sane resolutions, NULL result allowed, bad clock. */
#include <time.h>
#include "check.h"

int main(void)
{
	static const clockid_t clocks[] = { CLOCK_REALTIME, CLOCK_MONOTONIC,
					    CLOCK_BOOTTIME, CLOCK_PROCESS_CPUTIME_ID };

	for (size_t i = 0; i < sizeof(clocks) / sizeof(clocks[0]); i++) {
		struct timespec r = { -1, -1 };
		CHECK(syscall(SYS_clock_getres, clocks[i], &r) == 0, "clock %d: %s",
		      clocks[i], strerror(errno));
		/* Positive, and no coarser than 10 ms for these clocks. */
		CHECK(r.tv_sec == 0 && r.tv_nsec > 0 && r.tv_nsec <= 10000000,
		      "clock %d: res %ld.%09ld", clocks[i], (long)r.tv_sec, r.tv_nsec);
		struct timespec v;
		CHECK(clock_getres(clocks[i], &v) == 0 && v.tv_nsec == r.tv_nsec,
		      "clock %d: vDSO and syscall disagree", clocks[i]);
	}
	CHECK(syscall(SYS_clock_getres, CLOCK_MONOTONIC, NULL) == 0, "NULL res");
	struct timespec r;
	CHECK_ERRNO(syscall(SYS_clock_getres, 100, &r), EINVAL);
	CHECK_ERRNO(syscall(SYS_clock_getres, CLOCK_MONOTONIC, KERNEL_PTR), EFAULT);
	return 0;
}
