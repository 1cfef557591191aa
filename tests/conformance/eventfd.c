/* eventfd2: a read returns and resets the counter (8 bytes), writes add;
 * EFD_SEMAPHORE reads 1 at a time; EFD_NONBLOCK gives EAGAIN at 0 and on
 * overflow; short buffers and the value 2^64-1 are EINVAL; poll reports
 * POLLIN when non-zero; a blocked read wakes on a write from a thread. */
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <sys/eventfd.h>
#include "check.h"

static int efd;

static void *adder(void *a)
{
	(void)a;
	usleep(50000);
	uint64_t v = 5;
	CHECK(write(efd, &v, 8) == 8, "thread write");
	return NULL;
}

int main(void)
{
	uint64_t v;
	int fd = eventfd(3, EFD_NONBLOCK | EFD_CLOEXEC);
	CHECK(fd >= 0, "eventfd: %s", strerror(errno));
	CHECK(fcntl(fd, F_GETFD) == FD_CLOEXEC, "EFD_CLOEXEC");
	CHECK(read(fd, &v, 8) == 8 && v == 3, "initial value %llu", (unsigned long long)v);
	CHECK_ERRNO(read(fd, &v, 8), EAGAIN);

	v = 2;
	CHECK(write(fd, &v, 8) == 8, "write");
	v = 40;
	CHECK(write(fd, &v, 8) == 8, "write");
	struct pollfd pfd = { fd, POLLIN | POLLOUT, 0 };
	CHECK(poll(&pfd, 1, 0) == 1 && pfd.revents == (POLLIN | POLLOUT), "revents %#x", pfd.revents);
	uint64_t two[2] = { 0, 0 }; /* a bigger buffer still gets 8 bytes */
	CHECK(read(fd, two, 16) == 8 && two[0] == 42, "sum %llu, want 42", (unsigned long long)two[0]);
	CHECK(poll(&pfd, 1, 0) == 1 && pfd.revents == POLLOUT, "revents %#x at 0", pfd.revents);

	CHECK_ERRNO(read(fd, &v, 7), EINVAL);
	CHECK_ERRNO(write(fd, &v, 4), EINVAL);
	v = UINT64_MAX;
	CHECK_ERRNO(write(fd, &v, 8), EINVAL);
	/* The counter holds at most 2^64-2: one more would block. */
	v = UINT64_MAX - 1;
	CHECK(write(fd, &v, 8) == 8, "write max");
	v = 1;
	CHECK_ERRNO(write(fd, &v, 8), EAGAIN);
	pfd.events = POLLOUT;
	CHECK(poll(&pfd, 1, 0) == 0, "POLLOUT with a full counter");
	CHECK(read(fd, &v, 8) == 8 && v == UINT64_MAX - 1, "read max");
	close(fd);

	fd = eventfd(2, EFD_SEMAPHORE | EFD_NONBLOCK);
	CHECK(fd >= 0, "eventfd semaphore");
	CHECK(read(fd, &v, 8) == 8 && v == 1, "semaphore read 1: %llu", (unsigned long long)v);
	CHECK(read(fd, &v, 8) == 8 && v == 1, "semaphore read 2: %llu", (unsigned long long)v);
	CHECK_ERRNO(read(fd, &v, 8), EAGAIN);
	close(fd);

	/* Blocking read, woken by another thread. */
	efd = eventfd(0, 0);
	CHECK(efd >= 0, "eventfd blocking");
	pthread_t t;
	CHECK(pthread_create(&t, NULL, adder, NULL) == 0, "create");
	CHECK(read(efd, &v, 8) == 8 && v == 5, "blocking read got %llu", (unsigned long long)v);
	pthread_join(t, NULL);

	CHECK_ERRNO(eventfd(0, 0x12345), EINVAL);
	return 0;
}
