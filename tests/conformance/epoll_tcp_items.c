/*
 * epoll of TCP sockets, the cases where an item is more than "ready or
 * not": more ready items than maxevents (level-triggered, each reported
 * again until drained), EPOLLONESHOT and its re-arming by EPOLL_CTL_MOD,
 * one socket watched through two fds (dup), EPOLLRDHUP when the peer
 * shuts down, an item deleted and one whose fd is closed while ready.
 * cvisor watches host sockets with a host epoll per epoll (fs/epoll.c,
 * issue 16); these are the paths where its answer and Linux's could part.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "check.h"

#define N 3

static int listener(struct sockaddr_in *sa)
{
	socklen_t len = sizeof(*sa);
	int l = socket(AF_INET, SOCK_STREAM, 0);

	CHECK(l >= 0, "socket: %s", strerror(errno));
	*sa = (struct sockaddr_in){ .sin_family = AF_INET,
				    .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	CHECK_OK(bind(l, (struct sockaddr *)sa, sizeof(*sa)));
	CHECK_OK(getsockname(l, (struct sockaddr *)sa, &len));
	CHECK_OK(listen(l, N));
	return l;
}

/* A connected pair: *c the client end, the accepted end returned. */
static int pair(int l, const struct sockaddr_in *sa, int *c)
{
	int s;

	*c = socket(AF_INET, SOCK_STREAM, 0);
	CHECK(*c >= 0, "socket: %s", strerror(errno));
	CHECK_OK(connect(*c, (const struct sockaddr *)sa, sizeof(*sa)));
	s = accept4(l, NULL, NULL, SOCK_NONBLOCK);
	CHECK(s >= 0, "accept4: %s", strerror(errno));
	return s;
}

static void add(int ep, int op, int fd, uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.fd = fd };

	CHECK(epoll_ctl(ep, op, fd, &ev) == 0, "epoll_ctl(%d, %d): %s", op, fd, strerror(errno));
}

/* One epoll_wait with maxevents 1: the fd reported, or -1 (timeout ms). */
static int one(int ep, int ms, uint32_t *events)
{
	struct epoll_event ev;
	int n = epoll_wait(ep, &ev, 1, ms);

	CHECK(n >= 0, "epoll_wait: %s", strerror(errno));
	if (events)
		*events = n ? ev.events : 0;
	return n ? ev.data.fd : -1;
}

int main(void)
{
	struct sockaddr_in sa;
	int l = listener(&sa), s[N], c[N], ep = epoll_create1(0), seen = 0, fd, d;
	uint32_t ev;
	char buf[16];

	CHECK(ep >= 0, "epoll_create1: %s", strerror(errno));
	for (int i = 0; i < N; i++) {
		s[i] = pair(l, &sa, &c[i]);
		add(ep, EPOLL_CTL_ADD, s[i], EPOLLIN);
	}
	CHECK(one(ep, 0, NULL) == -1, "nothing sent: an item reported");

	/* level-triggered, maxevents 1: every ready socket is reported
	 * before one is reported a second time? Linux rotates the list */
	for (int i = 0; i < N; i++)
		CHECK(write(c[i], "x", 1) == 1, "write");
	for (int i = 0; i < N; i++) {
		fd = one(ep, 5000, &ev);
		CHECK(fd >= 0 && ev == EPOLLIN, "round %d: fd %d events %#x", i, fd, ev);
		for (int j = 0; j < N; j++)
			if (fd == s[j])
				seen |= 1 << j;
	}
	CHECK(seen == (1 << N) - 1, "maxevents 1: reported %#x of %#x", seen, (1 << N) - 1);
	fd = one(ep, 0, NULL);
	CHECK(fd >= 0, "level-triggered: undrained sockets not reported again");
	for (int i = 0; i < N; i++)
		CHECK(read(s[i], buf, sizeof(buf)) == 1, "read");
	CHECK(one(ep, 0, NULL) == -1, "all drained: an item reported");

	/* one-shot: reported once, then silent until MOD re-arms it */
	add(ep, EPOLL_CTL_MOD, s[0], EPOLLIN | EPOLLONESHOT);
	CHECK(write(c[0], "y", 1) == 1, "write");
	CHECK(one(ep, 5000, NULL) == s[0], "one-shot: not reported");
	CHECK(one(ep, 0, NULL) == -1, "one-shot: reported twice");
	CHECK(write(c[0], "z", 1) == 1, "write");
	CHECK(one(ep, 0, NULL) == -1, "one-shot: new data reported before MOD");
	add(ep, EPOLL_CTL_MOD, s[0], EPOLLIN);
	CHECK(one(ep, 5000, NULL) == s[0], "MOD: the ready socket not reported");
	CHECK(read(s[0], buf, sizeof(buf)) == 2, "read");

	/* the same socket through a second fd: two items, both reported */
	d = dup(s[1]);
	CHECK(d >= 0, "dup: %s", strerror(errno));
	add(ep, EPOLL_CTL_ADD, d, EPOLLIN);
	CHECK(write(c[1], "w", 1) == 1, "write");
	{
		struct epoll_event evs[4];
		int n = epoll_wait(ep, evs, 4, 5000), got = 0;

		for (int i = 0; i < n; i++)
			got |= (evs[i].data.fd == s[1]) | (evs[i].data.fd == d) << 1;
		CHECK(n == 2 && got == 3, "dup: %d events, fds %#x, want both", n, got);
	}
	add(ep, EPOLL_CTL_DEL, d, 0);
	CHECK(one(ep, 5000, NULL) == s[1], "after DEL of the dup: the socket not reported");
	CHECK(one(ep, 0, NULL) == s[1], "after DEL of the dup: reported once, not again");
	CHECK(read(s[1], buf, sizeof(buf)) == 1, "read");
	CHECK(one(ep, 0, NULL) == -1, "drained: an item reported");
	CHECK_OK(close(d));

	/* the peer shuts down its writing side: EPOLLIN | EPOLLRDHUP */
	add(ep, EPOLL_CTL_MOD, s[2], EPOLLIN | EPOLLRDHUP | EPOLLET);
	CHECK_OK(shutdown(c[2], SHUT_WR));
	fd = one(ep, 5000, &ev);
	CHECK(fd == s[2] && ev == (EPOLLIN | EPOLLRDHUP), "shutdown: fd %d events %#x", fd, ev);
	CHECK(one(ep, 0, NULL) == -1, "edge-triggered: the hang-up reported twice");

	/* deleted while ready, and closed while ready: neither reported */
	CHECK(write(c[0], "v", 1) == 1, "write");
	CHECK(write(c[1], "v", 1) == 1, "write");
	add(ep, EPOLL_CTL_DEL, s[0], 0);
	CHECK_OK(close(s[1]));
	CHECK(one(ep, 0, NULL) == -1, "a deleted or closed socket reported");
	/* a new socket on the closed one's fd number is a new item */
	fd = pair(l, &sa, &d);
	add(ep, EPOLL_CTL_ADD, fd, EPOLLIN);
	CHECK(one(ep, 0, NULL) == -1, "a new socket with no data reported");
	CHECK(write(d, "u", 1) == 1, "write");
	CHECK(one(ep, 5000, NULL) == fd, "the new socket's data not reported");
	return 0;
}
