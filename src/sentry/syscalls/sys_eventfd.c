/* SPDX-License-Identifier: MIT */
/*
 * eventfd, timerfd and signalfd: arguments and fds; the files themselves
 * are fs/eventfd.c's.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <time.h>

#include "kernel/kernel.h"
#include "mm/mm.h"
#include "syscalls/syscalls.h"
#include "vfs/vfs.h"

long sys_eventfd2(struct task *t, const struct syscall_args *a)
{
	int flags = ARG_INT(a, 1);

	if (flags & ~(EFD_CLOEXEC | EFD_NONBLOCK | EFD_SEMAPHORE))
		return -EINVAL;
	return fd_install_new(t, eventfd_file_new(ARG_UINT(a, 0), flags & EFD_SEMAPHORE, flags),
			      flags & EFD_CLOEXEC);
}

long sys_eventfd(struct task *t, const struct syscall_args *a)
{
	struct syscall_args b = { .nr = a->nr, .a = { a->a[0], 0 } };

	return sys_eventfd2(t, &b);
}

long sys_timerfd_create(struct task *t, const struct syscall_args *a)
{
	clockid_t c = ARG_INT(a, 0);
	int flags = ARG_INT(a, 1);

	if (c != CLOCK_REALTIME && c != CLOCK_MONOTONIC && c != CLOCK_BOOTTIME &&
	    c != CLOCK_REALTIME_ALARM && c != CLOCK_BOOTTIME_ALARM)
		return -EINVAL;
	if (flags & ~(TFD_CLOEXEC | TFD_NONBLOCK))
		return -EINVAL;
	return fd_install_new(t, timerfd_file_new(c, flags), flags & TFD_CLOEXEC);
}

/* The timerfd at fd, or NULL with *err: EBADF, or EINVAL for another file. */
static struct file *timerfd_get_fd(struct task *t, int fd, long *err)
{
	struct file *f = fget(t, fd);

	*err = f ? -EINVAL : -EBADF;
	if (f && !is_timerfd(f)) {
		file_put(f);
		return NULL;
	}
	return f;
}

static bool itimerspec_valid(const struct itimerspec *v)
{
	return v->it_value.tv_nsec >= 0 && v->it_value.tv_nsec < 1000000000L &&
	       v->it_interval.tv_nsec >= 0 && v->it_interval.tv_nsec < 1000000000L &&
	       v->it_value.tv_sec >= 0 && v->it_interval.tv_sec >= 0;
}

long sys_timerfd_settime(struct task *t, const struct syscall_args *a)
{
	struct itimerspec v, o;
	int flags = ARG_INT(a, 1);
	struct file *f;
	long err;

	if (flags & ~(TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET))
		return -EINVAL;
	if (copy_from_user(t->tg->mm, &v, a->a[2], sizeof(v)))
		return -EFAULT;
	if (!itimerspec_valid(&v))
		return -EINVAL;
	f = timerfd_get_fd(t, ARG_INT(a, 0), &err);
	if (!f)
		return err;
	timerfd_set(f, flags, &v, &o);
	file_put(f);
	if (a->a[3] && copy_to_user(t->tg->mm, a->a[3], &o, sizeof(o)))
		return -EFAULT;
	return 0;
}

long sys_timerfd_gettime(struct task *t, const struct syscall_args *a)
{
	struct itimerspec o;
	long err;
	struct file *f = timerfd_get_fd(t, ARG_INT(a, 0), &err);

	if (!f)
		return err;
	timerfd_get(f, &o);
	file_put(f);
	return copy_to_user(t->tg->mm, a->a[1], &o, sizeof(o));
}

long sys_signalfd4(struct task *t, const struct syscall_args *a)
{
	int fd = ARG_INT(a, 0), flags = ARG_INT(a, 3);
	uint64_t mask;
	struct file *f;

	if (flags & ~(SFD_CLOEXEC | SFD_NONBLOCK) || a->a[2] != 8)
		return -EINVAL;
	if (copy_from_user(t->tg->mm, &mask, a->a[1], sizeof(mask)))
		return -EFAULT;
	if (fd == -1)
		return fd_install_new(t, signalfd_file_new(mask, flags), flags & SFD_CLOEXEC);
	f = fget(t, fd);
	if (!f)
		return -EBADF;
	if (!is_signalfd(f)) {
		file_put(f);
		return -EINVAL;
	}
	signalfd_set_mask(f, mask);
	file_put(f);
	return fd;
}

long sys_signalfd(struct task *t, const struct syscall_args *a)
{
	struct syscall_args b = { .nr = a->nr, .a = { a->a[0], a->a[1], a->a[2], 0 } };

	return sys_signalfd4(t, &b);
}
