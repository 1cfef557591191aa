/* gettimeofday(2) and time(2), raw and via glibc/vDSO, agree with
 * clock_gettime(CLOCK_REALTIME) to within a second. */
#include <sys/time.h>
#include <time.h>
#include "check.h"

int main(void)
{
	struct timespec ts;
	struct timeval tv, tv2;

	CHECK(syscall(SYS_clock_gettime, CLOCK_REALTIME, &ts) == 0, "clock_gettime");
	CHECK(syscall(SYS_gettimeofday, &tv, NULL) == 0, "gettimeofday: %s",
	      strerror(errno));
	CHECK(tv.tv_usec >= 0 && tv.tv_usec < 1000000, "tv_usec %ld", tv.tv_usec);
	long long a = ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
	long long b = tv.tv_sec * 1000000LL + tv.tv_usec;
	CHECK(b >= a && b - a < 1000000, "gettimeofday off by %lld us", b - a);

	CHECK(gettimeofday(&tv2, NULL) == 0, "vDSO gettimeofday");
	long long c = tv2.tv_sec * 1000000LL + tv2.tv_usec;
	CHECK(c >= b && c - b < 1000000, "vDSO gettimeofday off by %lld us", c - b);

	time_t t1 = 0, t2 = syscall(SYS_time, &t1);
	CHECK(t2 == t1, "time() result %ld vs stored %ld", (long)t2, (long)t1);
	/* time() reads the coarse clock: it may trail CLOCK_REALTIME by a tick */
	CHECK(t2 + 1 >= ts.tv_sec && t2 - ts.tv_sec <= 1, "time() off: %ld vs %ld",
	      (long)t2, (long)ts.tv_sec);
	CHECK(syscall(SYS_time, NULL) >= t2, "time(NULL)");
	time_t t3 = time(NULL);
	CHECK(t3 + 1 >= t2 && t3 - t2 <= 1, "vDSO time() off");

	CHECK_ERRNO(syscall(SYS_gettimeofday, KERNEL_PTR, NULL), EFAULT);
	CHECK_ERRNO(syscall(SYS_time, KERNEL_PTR), EFAULT);
	return 0;
}
