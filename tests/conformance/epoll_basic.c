/* epoll: level-triggered readiness of a pipe with the user data handed
 * back; CTL_ADD twice is EEXIST, MOD/DEL of an unknown fd ENOENT, a
 * regular file EPERM, the epoll fd itself EINVAL; maxevents <= 0 EINVAL;
 * a blocked epoll_wait wakes on a write from a thread; a closed fd drops
 * out of the set. */
#include <fcntl.h>
#include <pthread.h>
#include <sys/epoll.h>
#include "check.h"

static int p[2];

static void *late_write(void *a)
{
	(void)a;
	usleep(50000);
	CHECK(write(p[1], "x", 1) == 1, "thread write");
	return NULL;
}

int main(void)
{
	int ep = epoll_create1(EPOLL_CLOEXEC);
	CHECK(ep >= 0, "epoll_create1: %s", strerror(errno));
	CHECK(fcntl(ep, F_GETFD) == FD_CLOEXEC, "EPOLL_CLOEXEC");
	CHECK_OK(pipe(p));

	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = 0x1122334455667788ULL }, out[4];
	CHECK_OK(epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev));
	CHECK_ERRNO(epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev), EEXIST);
	CHECK(epoll_wait(ep, out, 4, 0) == 0, "empty pipe ready");
	CHECK(epoll_wait(ep, out, 4, 30) == 0, "timeout");

	CHECK(write(p[1], "ab", 2) == 2, "write");
	CHECK(epoll_wait(ep, out, 4, 0) == 1, "not ready after write");
	CHECK(out[0].events == EPOLLIN, "events %#x", out[0].events);
	CHECK(out[0].data.u64 == 0x1122334455667788ULL, "data %#llx",
	      (unsigned long long)out[0].data.u64);
	/* Level-triggered: still ready until read. */
	CHECK(epoll_wait(ep, out, 4, 0) == 1, "level-triggered: not ready again");
	char b[2];
	CHECK(read(p[0], b, 2) == 2, "read");
	CHECK(epoll_wait(ep, out, 4, 0) == 0, "ready after draining");

	/* MOD replaces the events and data; a second fd joins the set. */
	ev.events = EPOLLIN;
	ev.data.u64 = 7;
	CHECK_OK(epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &ev));
	ev.events = EPOLLOUT;
	ev.data.u64 = 8;
	CHECK_OK(epoll_ctl(ep, EPOLL_CTL_ADD, p[1], &ev));
	CHECK(epoll_wait(ep, out, 4, 0) == 1 && out[0].data.u64 == 8 && out[0].events == EPOLLOUT,
	      "write end: n events, data %llu events %#x", (unsigned long long)out[0].data.u64,
	      out[0].events);
	CHECK_OK(epoll_ctl(ep, EPOLL_CTL_DEL, p[1], NULL));
	CHECK_ERRNO(epoll_ctl(ep, EPOLL_CTL_DEL, p[1], NULL), ENOENT);
	CHECK_ERRNO(epoll_ctl(ep, EPOLL_CTL_MOD, p[1], &ev), ENOENT);

	pthread_t t;
	CHECK(pthread_create(&t, NULL, late_write, NULL) == 0, "create");
	CHECK(epoll_wait(ep, out, 4, 5000) == 1 && out[0].data.u64 == 7, "blocking wait");
	pthread_join(t, NULL);

	/* Writer gone: EPOLLHUP, reported even though not asked for. */
	close(p[1]);
	CHECK(epoll_wait(ep, out, 4, 0) == 1, "after close");
	CHECK(out[0].events == (EPOLLIN | EPOLLHUP), "events %#x, want IN|HUP", out[0].events);

	char path[64];
	snprintf(path, sizeof(path), "/tmp/epoll_basic.%d", getpid());
	int f = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	CHECK(f >= 0, "create %s: %s", path, strerror(errno));
	unlink(path);
	CHECK_ERRNO(epoll_ctl(ep, EPOLL_CTL_ADD, f, &ev), EPERM);
	CHECK_ERRNO(epoll_ctl(ep, EPOLL_CTL_ADD, ep, &ev), EINVAL);
	CHECK_ERRNO(epoll_ctl(ep, EPOLL_CTL_ADD, 999, &ev), EBADF);
	CHECK_ERRNO(epoll_ctl(f, EPOLL_CTL_ADD, p[0], &ev), EINVAL);
	CHECK_ERRNO(epoll_wait(ep, out, 0, 0), EINVAL);
	CHECK_ERRNO(epoll_wait(f, out, 4, 0), EINVAL);
	CHECK_ERRNO(epoll_create1(0x1234), EINVAL);

	/* Closing the last reference to p[0] removes it from the set. */
	close(p[0]);
	CHECK(epoll_wait(ep, out, 4, 0) == 0, "closed fd still reported");
	return 0;
}
