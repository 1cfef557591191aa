/* epoll's ready list: level-triggered items stay ready until drained,
 * edge-triggered ones are reported once per wake-up (a new write is a new
 * edge even if never drained), EPOLLONESHOT until EPOLL_CTL_MOD; an epoll
 * inside an epoll wakes its parent and poll(); a loop of epolls is ELOOP;
 * a closed fd leaves the set; EPOLLEXCLUSIVE is accepted on ADD only; a
 * write from another thread ends an epoll_wait with no timeout. */
#include <poll.h>
#include <pthread.h>
#include <sys/epoll.h>
#include "check.h"

static int p[2];

static void *write_later(void *a)
{
	(void)a;
	usleep(50000);
	CHECK(write(p[1], "x", 1) == 1, "write");
	return NULL;
}

static int add(int ep, int fd, uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.fd = fd };

	return epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
}

static int wait0(int ep)
{
	struct epoll_event ev;

	return epoll_wait(ep, &ev, 1, 0);
}

int main(void)
{
	struct epoll_event ev;
	pthread_t th;
	char c;
	int ep, inner, outer;

	CHECK_OK(pipe(p));
	/* level-triggered: reported while data is there */
	CHECK_OK(ep = epoll_create1(0));
	CHECK_OK(add(ep, p[0], EPOLLIN));
	CHECK(wait0(ep) == 0, "empty pipe ready");
	CHECK(write(p[1], "ab", 2) == 2, "write");
	CHECK(wait0(ep) == 1 && wait0(ep) == 1, "LT not reported twice");
	CHECK(read(p[0], &c, 1) == 1 && wait0(ep) == 1, "LT after partial read");
	CHECK(read(p[0], &c, 1) == 1 && wait0(ep) == 0, "LT after drain");

	/* edge-triggered: once per write */
	ev = (struct epoll_event){ .events = EPOLLIN | EPOLLET, .data.fd = p[0] };
	CHECK_OK(epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &ev));
	CHECK(write(p[1], "a", 1) == 1, "write");
	CHECK(wait0(ep) == 1 && wait0(ep) == 0, "ET reported other than once");
	CHECK(write(p[1], "b", 1) == 1, "write");
	CHECK(wait0(ep) == 1 && wait0(ep) == 0, "ET new write not a new edge");
	CHECK(read(p[0], &c, 1) == 1 && read(p[0], &c, 1) == 1, "drain");

	/* one-shot: disarmed until MOD */
	ev = (struct epoll_event){ .events = EPOLLIN | EPOLLONESHOT, .data.fd = p[0] };
	CHECK_OK(epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &ev));
	CHECK(write(p[1], "a", 1) == 1, "write");
	CHECK(wait0(ep) == 1 && wait0(ep) == 0, "ONESHOT fired twice");
	CHECK(write(p[1], "b", 1) == 1 && wait0(ep) == 0, "ONESHOT rearmed by a write");
	CHECK_OK(epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &ev));
	CHECK(wait0(ep) == 1, "MOD did not rearm");
	CHECK(read(p[0], &c, 1) == 1 && read(p[0], &c, 1) == 1, "drain");
	CHECK_OK(epoll_ctl(ep, EPOLL_CTL_DEL, p[0], NULL));

	/* nested: inner watches the pipe, outer watches inner */
	CHECK_OK(inner = epoll_create1(0));
	CHECK_OK(outer = epoll_create1(0));
	CHECK_OK(add(inner, p[0], EPOLLIN));
	CHECK_OK(add(outer, inner, EPOLLIN));
	CHECK(wait0(outer) == 0, "outer ready with nothing");
	CHECK_ERRNO(add(inner, outer, EPOLLIN), ELOOP);
	CHECK(pthread_create(&th, NULL, write_later, NULL) == 0, "thread");
	CHECK(epoll_wait(outer, &ev, 1, -1) == 1 && ev.data.fd == inner, "outer not woken");
	pthread_join(th, NULL);
	struct pollfd pf = { inner, POLLIN, 0 };
	CHECK(poll(&pf, 1, 0) == 1 && (pf.revents & POLLIN), "poll on an epoll fd");
	CHECK(epoll_wait(inner, &ev, 1, 0) == 1 && ev.data.fd == p[0], "inner");
	CHECK(read(p[0], &c, 1) == 1, "drain");
	CHECK(poll(&pf, 1, 0) == 0, "epoll fd still readable");

	/* a write from another thread ends a wait with no timeout */
	CHECK(pthread_create(&th, NULL, write_later, NULL) == 0, "thread");
	CHECK(epoll_wait(inner, &ev, 1, -1) == 1, "not woken");
	pthread_join(th, NULL);

	/* a closed fd (its last reference) leaves the set */
	int q[2];
	CHECK_OK(pipe(q));
	CHECK(write(q[1], "x", 1) == 1, "write");
	CHECK_OK(add(ep, q[0], EPOLLIN));
	CHECK(wait0(ep) == 1, "new pipe not ready");
	close(q[0]);
	CHECK(wait0(ep) == 0, "closed fd still reported");

	/* EPOLLEXCLUSIVE: on ADD, not with ONESHOT, never on MOD */
	CHECK_OK(ep = epoll_create1(0));
	CHECK_ERRNO(add(ep, p[0], EPOLLIN | EPOLLEXCLUSIVE | EPOLLONESHOT), EINVAL);
	CHECK_OK(add(ep, p[0], EPOLLIN | EPOLLEXCLUSIVE));
	CHECK(wait0(ep) == 1, "EXCLUSIVE item not ready");
	ev = (struct epoll_event){ .events = EPOLLIN, .data.fd = p[0] };
	CHECK_ERRNO(epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &ev), EINVAL);
	/* checked before the lookup: MOD with it of a fd not in the set is
	 * EINVAL, not ENOENT; an epoll target or a bit outside IN, OUT, ERR,
	 * HUP, ET, WAKEUP is EINVAL (stress-ng's epoll stressor relies on it) */
	ev = (struct epoll_event){ .events = EPOLLIN | EPOLLEXCLUSIVE, .data.fd = q[1] };
	CHECK_ERRNO(epoll_ctl(ep, EPOLL_CTL_MOD, q[1], &ev), EINVAL);
	int ep2 = epoll_create1(0);
	CHECK_OK(ep2);
	CHECK_ERRNO(add(ep, ep2, EPOLLIN | EPOLLEXCLUSIVE), EINVAL);
	CHECK_ERRNO(add(ep, q[1], EPOLLOUT | EPOLLRDHUP | EPOLLEXCLUSIVE), EINVAL);
	CHECK_ERRNO(add(ep, q[1], EPOLLPRI | EPOLLEXCLUSIVE), EINVAL);
	CHECK_OK(add(ep, q[1], EPOLLOUT | EPOLLET | EPOLLERR | EPOLLHUP | EPOLLEXCLUSIVE));
	CHECK_OK(add(ep, ep2, EPOLLIN));
	return 0;
}
