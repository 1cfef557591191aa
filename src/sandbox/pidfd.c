/* SPDX-License-Identifier: MIT */
/* Waiting for host processes on pidfds (see pidfd.h). */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/pidfd.h>
#include <time.h>

#include "sandbox/pidfd.h"

int pidfd_of(pid_t pid)
{
	int fd = pid > 0 ? pidfd_open(pid, 0) : -1;

	return fd >= 0 ? fd : pid > 0 ? -errno : -ESRCH;
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000;
}

int pidfd_wait_any(const int *fds, int n, long ms)
{
	struct pollfd *p = calloc((size_t)n, sizeof(*p));
	long deadline = ms < 0 ? 0 : now_ms() + ms, left = ms;
	int r;

	if (!p)
		return -ENOMEM;
	for (int i = 0; i < n; i++)
		p[i] = (struct pollfd){ .fd = fds[i], .events = POLLIN };
	/* an interrupted poll goes on for what is left of the time */
	while ((r = poll(p, (nfds_t)n, ms < 0 ? -1 : (int)left)) < 0 && errno == EINTR)
		if (ms >= 0 && (left = deadline - now_ms()) < 0)
			left = 0;
	r = r < 0 ? -errno : r > 0;
	free(p);
	return r;
}
