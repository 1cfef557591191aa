/* SPDX-License-Identifier: MIT */
/*
 * epoll_create, epoll_ctl, epoll_wait and their variants: fds and the
 * application's memory; the epoll object is fs/epoll.c's.
 */
#include <errno.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <time.h>

#include "mm/mm.h"
#include "syscalls/syscalls.h"
#include "vfs/vfs.h"

#define EP_MAX_EVENTS 1024              /* per call: the rest stay ready for the next */

long sys_epoll_create1(struct task *t, const struct syscall_args *a)
{
	int flags = ARG_INT(a, 0);

	if (flags & ~EPOLL_CLOEXEC)
		return -EINVAL;
	return fd_install_new(t, epoll_file_new(), flags & EPOLL_CLOEXEC);
}

long sys_epoll_create(struct task *t, const struct syscall_args *a)
{
	struct syscall_args b = { .nr = a->nr };

	if (ARG_INT(a, 0) <= 0)
		return -EINVAL;
	return sys_epoll_create1(t, &b);
}

long sys_epoll_ctl(struct task *t, const struct syscall_args *a)
{
	struct file *epf = fget(t, ARG_INT(a, 0));
	struct file *f = fget(t, ARG_INT(a, 2));
	int op = ARG_INT(a, 1);
	struct epoll_event ev = { 0, { 0 } };
	long err;

	if (!epf || !f)
		err = -EBADF;
	else if (!is_epoll(epf) || epf == f)
		err = -EINVAL;
	else if (op != EPOLL_CTL_DEL && copy_from_user(t->tg->mm, &ev, a->a[3], sizeof(ev)))
		err = -EFAULT;
	else
		err = epoll_ctl_file(epf, op, ARG_INT(a, 2), f, &ev);
	file_put(epf);
	file_put(f);
	return err;
}

static long ep_wait(struct task *t, int epfd, uint64_t uevs, int max, int ms)
{
	struct file *f = fget(t, epfd);
	struct epoll_event *evs;
	long n;

	if (!f)
		return -EBADF;
	if (!is_epoll(f) || max <= 0 || max > (1 << 20)) {
		file_put(f);
		return -EINVAL;
	}
	if (max > EP_MAX_EVENTS)
		max = EP_MAX_EVENTS;
	evs = calloc((size_t)max, sizeof(*evs));
	if (!evs) {
		file_put(f);
		return -ENOMEM;
	}
	n = epoll_wait_file(t, f, evs, max, ms);
	file_put(f);
	if (n > 0 && copy_to_user(t->tg->mm, uevs, evs, (size_t)n * sizeof(*evs)))
		n = -EFAULT;
	free(evs);
	return n;
}

long sys_epoll_wait(struct task *t, const struct syscall_args *a)
{
	return ep_wait(t, ARG_INT(a, 0), a->a[1], ARG_INT(a, 2), ARG_INT(a, 3));
}

long sys_epoll_pwait(struct task *t, const struct syscall_args *a)
{
	uint64_t saved;
	long ret = sigmask_enter(t, a->a[4], a->a[5], &saved);

	if (ret)
		return ret;
	ret = ep_wait(t, ARG_INT(a, 0), a->a[1], ARG_INT(a, 2), ARG_INT(a, 3));
	sigmask_leave(t, a->a[4], ret, saved);
	return ret;
}

long sys_epoll_pwait2(struct task *t, const struct syscall_args *a)
{
	struct timespec ts;
	struct syscall_args b = *a;

	if (a->a[3]) {
		if (copy_from_user(t->tg->mm, &ts, a->a[3], sizeof(ts)))
			return -EFAULT;
		if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= 1000000000L)
			return -EINVAL;
		b.a[3] = (uint64_t)(ts.tv_sec * 1000 + (ts.tv_nsec + 999999) / 1000000);
	} else {
		b.a[3] = (uint64_t)-1;
	}
	return sys_epoll_pwait(t, &b);
}
