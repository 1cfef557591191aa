/* SPDX-License-Identifier: MIT */
/*
 * poll and ppoll.  Files served by the sentry report readiness through
 * ->poll (files without it are always ready, as regular files are);
 * files backed by a host stream lend their host fd to sleep on.  Wait
 * queues for sentry-side pipes and sockets come with the process model.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <time.h>

#include "mm/mm.h"
#include "syscalls/syscalls.h"
#include "vfs/vfs.h"

#define POLL_MAX 4096

static short readiness(struct file *f, short events)
{
	short always = POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM;

	return (f->ops->poll ? f->ops->poll(f, events) : always) &
	       (events | POLLERR | POLLHUP | POLLNVAL);
}

/* One pass: fill revents; returns the number of ready entries. */
static int scan(struct task *t, struct pollfd *p, unsigned n, struct pollfd *host,
		unsigned *nhost, bool *sentry_side)
{
	int ready = 0;

	*nhost = 0;
	*sentry_side = false;
	for (unsigned i = 0; i < n; i++) {
		struct file *f;

		p[i].revents = 0;
		if (p[i].fd < 0)
			continue;
		f = fdt_get(t->tg->fdt, p[i].fd);
		if (!f) {
			p[i].revents = POLLNVAL;
		} else {
			p[i].revents = readiness(f, p[i].events);
			if (!p[i].revents && f->ops->wait_fd)
				host[(*nhost)++] = (struct pollfd){ f->ops->wait_fd(f),
								   p[i].events, 0 };
			else if (!p[i].revents)
				*sentry_side = true;
			file_put(f);
		}
		if (p[i].revents)
			ready++;
	}
	return ready;
}

static long do_poll(struct task *t, uint64_t ufds, unsigned n, const struct timespec *to)
{
	struct pollfd *p, *host;
	struct timespec deadline, now, left;
	unsigned nhost;
	bool sentry_side;
	long ret;

	if (n > POLL_MAX)
		return -EINVAL;
	p = calloc(n ? n : 1, sizeof(*p));
	host = calloc(n ? n : 1, sizeof(*host));
	if (!p || !host) {
		free(p);
		free(host);
		return -ENOMEM;
	}
	ret = copy_from_user(t->tg->mm, p, ufds, n * sizeof(*p));
	clock_gettime(CLOCK_MONOTONIC, &deadline);
	if (to) {
		deadline.tv_sec += to->tv_sec;
		deadline.tv_nsec += to->tv_nsec;
		if (deadline.tv_nsec >= 1000000000L) {
			deadline.tv_sec++;
			deadline.tv_nsec -= 1000000000L;
		}
	}
	while (!ret) {
		int ready = scan(t, p, n, host, &nhost, &sentry_side);

		if (ready) {
			ret = ready;
			break;
		}
		clock_gettime(CLOCK_MONOTONIC, &now);
		left.tv_sec = deadline.tv_sec - now.tv_sec;
		left.tv_nsec = deadline.tv_nsec - now.tv_nsec;
		if (left.tv_nsec < 0) {
			left.tv_sec--;
			left.tv_nsec += 1000000000L;
		}
		if (to && left.tv_sec < 0)
			break;          /* timed out: 0 */
		/*
		 * Sentry-side files (pipes) have no host fd to sleep on: look
		 * again every millisecond.  Wait queues replace this later.
		 */
		struct timespec slice = { 0, 1000000 };

		if (sentry_side && (!to || left.tv_sec > 0 || left.tv_nsec > slice.tv_nsec))
			ret = task_block_fds(t, host, nhost, &slice);
		else
			ret = task_block_fds(t, host, nhost, to ? &left : NULL);
		if (ret == -EINTR)
			break;
		ret = 0;
	}
	if (ret >= 0 && copy_to_user(t->tg->mm, ufds, p, n * sizeof(*p)))
		ret = -EFAULT;
	free(p);
	free(host);
	return ret;
}

long sys_poll(struct task *t, const struct syscall_args *a)
{
	int ms = ARG_INT(a, 2);
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	return do_poll(t, a->a[0], ARG_UINT(a, 1), ms < 0 ? NULL : &ts);
}

long sys_ppoll(struct task *t, const struct syscall_args *a)
{
	struct timespec ts;

	if (a->a[2]) {
		if (copy_from_user(t->tg->mm, &ts, a->a[2], sizeof(ts)))
			return -EFAULT;
		if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= 1000000000L)
			return -EINVAL;
	}
	/* the signal mask argument waits for signal delivery (process model) */
	return do_poll(t, a->a[0], ARG_UINT(a, 1), a->a[2] ? &ts : NULL);
}
