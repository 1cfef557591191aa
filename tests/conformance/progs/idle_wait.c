/* SPDX-License-Identifier: MIT */
/*
 * Block for ever in one wait, for tests/integration/idle_wait.bats to
 * count the sentry's context switches meanwhile: "ready" on stdout just
 * before the call.  usage: idle_wait pipe|epoll|sigsuspend|futex|poll|eventfd
 * or compute: no call at all, a loop on the CPU after "ready" (the sentry
 * thread waits for the next event, and must not yield to it for ever).
 */
#include <linux/futex.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <unistd.h>

static void ready(void)
{
	if (write(1, "ready\n", 6) != 6)
		_exit(2);
}

int main(int argc, char **argv)
{
	const char *m = argc > 1 ? argv[1] : "";
	int p[2];
	char c;

	if (pipe(p))
		return 2;
	if (!strcmp(m, "pipe")) {
		ready();
		return read(p[0], &c, 1) < 0 ? 1 : 0;
	}
	if (!strcmp(m, "epoll")) {
		struct epoll_event ev = { .events = EPOLLIN }, out;
		int ep = epoll_create1(0);

		if (ep < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev))
			return 2;
		ready();
		return epoll_wait(ep, &out, 1, -1) < 0;
	}
	if (!strcmp(m, "poll")) {
		struct pollfd pf = { .fd = p[0], .events = POLLIN };

		ready();
		return poll(&pf, 1, -1) < 0;
	}
	if (!strcmp(m, "eventfd")) {
		uint64_t v;
		int fd = eventfd(0, 0);

		ready();
		return read(fd, &v, sizeof(v)) < 0;
	}
	if (!strcmp(m, "sigsuspend")) {
		sigset_t none;

		sigemptyset(&none);
		ready();
		sigsuspend(&none);
		return 0;
	}
	if (!strcmp(m, "futex")) {
		static uint32_t word;

		ready();
		return syscall(SYS_futex, &word, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0) < 0;
	}
	if (!strcmp(m, "compute")) {
		ready();
		for (volatile unsigned long i = 0;; i++)
			;
	}
	fprintf(stderr, "usage: %s pipe|epoll|poll|eventfd|sigsuspend|futex|compute\n", argv[0]);
	return 2;
}
