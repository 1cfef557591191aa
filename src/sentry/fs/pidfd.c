/* SPDX-License-Identifier: MIT */
/*
 * pidfd: a file that names a process (Linux's kernel/pid.c pidfd_fops).
 * It holds the thread group, so the pid it names cannot be taken by
 * another process while the file is open (pids are not reused here, and a
 * held group stays what it was).  It polls readable once the process has
 * exited and, once reaped, hung up, as Linux's pidfd_poll; a wait on it
 * sleeps on the sandbox's child queue, which every exit wakes.  read and
 * write are EINVAL.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>

#include "kernel/kernel.h"
#include "vfs/vfs.h"

static ssize_t pidfd_read(struct task *t, struct file *f, void *buf, size_t len, off_t *pos)
{
	(void)t, (void)f, (void)buf, (void)len, (void)pos;
	return -EINVAL;
}

static ssize_t pidfd_write(struct task *t, struct file *f, const void *buf, size_t len,
			   off_t *pos)
{
	(void)t, (void)f, (void)buf, (void)len, (void)pos;
	return -EINVAL;
}

static short pidfd_poll(struct file *f, short events, struct poll_table *pt)
{
	struct thread_group *tg = f->priv;
	short r = 0;

	poll_wait(pt, &sandbox.child_wq, (uint32_t)events);
	pthread_mutex_lock(&sandbox.lock);
	if (tg->reaped)
		r = POLLIN | POLLRDNORM | POLLHUP;
	else if (tg->zombie)
		r = POLLIN | POLLRDNORM;
	pthread_mutex_unlock(&sandbox.lock);
	return r & (events | POLLHUP);
}

static void pidfd_release(struct file *f)
{
	tg_put(f->priv);
}

static const struct file_ops pidfd_ops = {
	.read = pidfd_read, .write = pidfd_write, .poll = pidfd_poll,
	.release = pidfd_release, .anon_name = "[pidfd]",
};

struct file *pidfd_file_new(struct thread_group *tg, int flags)
{
	struct file *f = file_new(&pidfd_ops, O_RDWR | (flags & O_NONBLOCK), tg_get(tg));

	if (!f)
		tg_put(tg);
	return f;
}

struct thread_group *pidfd_tg(struct file *f)
{
	return f && f->ops == &pidfd_ops ? tg_get(f->priv) : NULL;
}
