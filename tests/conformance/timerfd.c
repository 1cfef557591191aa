/* timerfd: unarmed it never becomes readable; a one-shot arm makes it
 * readable once with count 1; an interval timer counts the expirations
 * between reads; gettime shows the time left and the interval; disarming
 * works; reads shorter than 8 bytes and bad flags are EINVAL. */
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <sys/timerfd.h>
#include <time.h>
#include "check.h"

int main(void)
{
	uint64_t n;
	int fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	CHECK(fd >= 0, "timerfd_create: %s", strerror(errno));
	CHECK(fcntl(fd, F_GETFD) == FD_CLOEXEC, "TFD_CLOEXEC");
	CHECK_ERRNO(read(fd, &n, 8), EAGAIN);

	struct itimerspec its = { .it_value = { 0, 50000000 } }, cur; /* 50 ms once */
	CHECK_OK(timerfd_settime(fd, 0, &its, NULL));
	CHECK_OK(timerfd_gettime(fd, &cur));
	CHECK(cur.it_value.tv_sec == 0 && cur.it_value.tv_nsec > 0 &&
	      cur.it_value.tv_nsec <= 50000000, "left %ld.%09ld", (long)cur.it_value.tv_sec,
	      cur.it_value.tv_nsec);
	struct pollfd pfd = { fd, POLLIN, 0 };
	CHECK(poll(&pfd, 1, 5000) == 1 && pfd.revents == POLLIN, "never became readable");
	CHECK_ERRNO(read(fd, &n, 4), EINVAL);
	CHECK(read(fd, &n, 8) == 8 && n == 1, "one-shot count %llu", (unsigned long long)n);
	CHECK_ERRNO(read(fd, &n, 8), EAGAIN);
	CHECK_OK(timerfd_gettime(fd, &cur));
	CHECK(cur.it_value.tv_sec == 0 && cur.it_value.tv_nsec == 0, "one-shot still armed");

	/* 10 ms interval; after ~65 ms at least 4 expirations are counted. */
	its.it_value = (struct timespec){ 0, 10000000 };
	its.it_interval = (struct timespec){ 0, 10000000 };
	CHECK_OK(timerfd_settime(fd, 0, &its, NULL));
	usleep(65000);
	CHECK(read(fd, &n, 8) == 8, "interval read: %s", strerror(errno));
	CHECK(n >= 4 && n < 100, "%llu expirations in 65 ms of a 10 ms timer", (unsigned long long)n);
	CHECK_OK(timerfd_gettime(fd, &cur));
	CHECK(cur.it_interval.tv_nsec == 10000000, "interval %ld", cur.it_interval.tv_nsec);

	struct itimerspec off = { 0 }, old;
	CHECK_OK(timerfd_settime(fd, 0, &off, &old));
	CHECK(old.it_interval.tv_nsec == 10000000, "old interval %ld", old.it_interval.tv_nsec);
	(void)!read(fd, &n, 8);
	usleep(30000);
	CHECK_ERRNO(read(fd, &n, 8), EAGAIN);
	close(fd);

	/* Blocking read with an absolute deadline. */
	fd = timerfd_create(CLOCK_MONOTONIC, 0);
	CHECK(fd >= 0, "blocking timerfd");
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	its = (struct itimerspec){ .it_value = t0 };
	its.it_value.tv_nsec += 30000000;
	if (its.it_value.tv_nsec >= 1000000000) {
		its.it_value.tv_sec++;
		its.it_value.tv_nsec -= 1000000000;
	}
	CHECK_OK(timerfd_settime(fd, TFD_TIMER_ABSTIME, &its, NULL));
	CHECK(read(fd, &n, 8) == 8 && n == 1, "blocking read");
	clock_gettime(CLOCK_MONOTONIC, &t1);
	long long ns = (t1.tv_sec - t0.tv_sec) * 1000000000LL + t1.tv_nsec - t0.tv_nsec;
	CHECK(ns >= 29000000, "woke after %lld ns, deadline 30 ms", ns);
	close(fd);

	CHECK_ERRNO(timerfd_create(CLOCK_MONOTONIC, 0x4321), EINVAL);
	CHECK_ERRNO(timerfd_create(12345, 0), EINVAL);
	its.it_value.tv_nsec = 1000000000;
	CHECK_ERRNO(timerfd_settime(0 /* not a timerfd */, 0, &its, NULL), EINVAL);
	return 0;
}
