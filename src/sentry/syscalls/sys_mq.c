/* SPDX-License-Identifier: MIT */
/* POSIX message queue system calls: argument decoding; the queues are ipc/mqueue.c's. */
#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <signal.h>
#include <time.h>

#include "ipc/ipc.h"
#include "mm/mm.h"
#include "syscalls/syscalls.h"

long sys_mq_open(struct task *t, const struct syscall_args *a)
{
	int oflag = ARG_INT(a, 1);
	struct mq_attr attr;

	if ((oflag & O_CREAT) && a->a[3]) {
		if (copy_from_user(t->tg->mm, &attr, a->a[3], sizeof(attr)))
			return -EFAULT;
		return mq_open_name(t, a->a[0], oflag, (mode_t)a->a[2], &attr);
	}
	return mq_open_name(t, a->a[0], oflag, (mode_t)a->a[2], NULL);
}

long sys_mq_unlink(struct task *t, const struct syscall_args *a)
{
	return mq_unlink_name(t, a->a[0]);
}

/*
 * An absolute CLOCK_REALTIME timeout as the monotonic deadline the sentry
 * sleeps to; NULL if none.  Linux checks it before anything else.
 */
static int mq_deadline(struct task *t, uint64_t uts, struct timespec *out, bool *set)
{
	struct timespec ts, now;

	*set = false;
	if (!uts)
		return 0;
	if (copy_from_user(t->tg->mm, &ts, uts, sizeof(ts)))
		return -EFAULT;
	if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= 1000000000L)
		return -EINVAL;
	clock_gettime(CLOCK_REALTIME, &now);
	ts = ts_sub(ts, now);
	if (ts.tv_sec < 0)
		ts.tv_sec = ts.tv_nsec = 0;     /* past: expired at once */
	*out = ts_deadline(&ts);
	*set = true;
	return 0;
}

long sys_mq_timedsend(struct task *t, const struct syscall_args *a)
{
	struct timespec d;
	bool set;
	int err = mq_deadline(t, a->a[4], &d, &set);

	if (err)
		return err;
	return mq_do_send(t, ARG_INT(a, 0), a->a[1], a->a[2], ARG_UINT(a, 3), set ? &d : NULL);
}

long sys_mq_timedreceive(struct task *t, const struct syscall_args *a)
{
	struct timespec d;
	bool set;
	int err = mq_deadline(t, a->a[4], &d, &set);

	if (err)
		return err;
	return mq_do_receive(t, ARG_INT(a, 0), a->a[1], a->a[2], a->a[3], set ? &d : NULL);
}

long sys_mq_notify(struct task *t, const struct syscall_args *a)
{
	struct sigevent ev;

	if (!a->a[1])
		return mq_notify_set(t, ARG_INT(a, 0), NULL);
	if (copy_from_user(t->tg->mm, &ev, a->a[1], sizeof(ev)))
		return -EFAULT;
	return mq_notify_set(t, ARG_INT(a, 0), &ev);
}

long sys_mq_getsetattr(struct task *t, const struct syscall_args *a)
{
	struct mq_attr set, old;
	long err;

	if (a->a[1] && copy_from_user(t->tg->mm, &set, a->a[1], sizeof(set)))
		return -EFAULT;
	err = mq_getsetattr_fd(t, ARG_INT(a, 0), a->a[1] ? &set : NULL, &old);
	if (!err && a->a[2] && copy_to_user(t->tg->mm, a->a[2], &old, sizeof(old)))
		return -EFAULT;
	return err;
}
