/* SPDX-License-Identifier: MIT */
/*
 * Files backed by a host fd that the sandbox was handed on purpose: the
 * standard streams of `cvisor do` (later, the engine's stdio).  The sentry
 * performs a fixed set of operations on its own fd; the application never
 * names a host fd.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "kernel/kernel.h"
#include "mm/mm.h"
#include "vfs/file.h"

struct hostfd {
	int fd;
};

static int host_fd(struct file *f)
{
	return ((struct hostfd *)f->priv)->fd;
}

static ssize_t hostfd_read(struct task *t, struct file *f, void *buf, size_t len,
			   off_t *pos)
{
	int fd = host_fd(f);

	(void)pos;      /* a stream: the host fd keeps its own offset */
	for (;;) {
		ssize_t n = read(fd, buf, len);

		if (n >= 0)
			return n;
		if (errno != EAGAIN || (f->flags & O_NONBLOCK))
			return -errno;
		/* The host fd is non-blocking but the file is not: wait for it. */
		int err = task_block_fd(t, fd, POLLIN, -1);
		if (err)
			return err;
	}
}

static ssize_t hostfd_write(struct task *t, struct file *f, const void *buf,
			    size_t len, off_t *pos)
{
	int fd = host_fd(f);

	(void)pos;
	for (;;) {
		ssize_t n = write(fd, buf, len);

		if (n >= 0)
			return n;
		if (errno == EPIPE)
			return -EPIPE;
		if (errno != EAGAIN || (f->flags & O_NONBLOCK))
			return -errno;
		int err = task_block_fd(t, fd, POLLOUT, -1);
		if (err)
			return err;
	}
}

static int hostfd_fstat(struct file *f, struct stat *st)
{
	return fstat(host_fd(f), st) ? -errno : 0;
}

/*
 * A host terminal (the container's pty, cvisor do's terminal): job control
 * is the sentry's (kernel/tty.c); the rest is the short list of
 * fs/host_ioctl.c, with buffers of the sentry's own.
 */
static long hostfd_ioctl(struct task *t, struct file *f, unsigned cmd, uint64_t arg)
{
	pid_t pgrp;
	long err;

	if (!isatty(host_fd(f)))
		return -ENOTTY;
	switch (cmd) {
	case TIOCGPGRP: case TIOCGSID:
		err = tty_get(t->tg, cmd == TIOCGSID, &pgrp);
		return err ? err : copy_to_user(t->tg->mm, arg, &pgrp, sizeof(pgrp));
	case TIOCSPGRP:
		if (copy_from_user(t->tg->mm, &pgrp, arg, sizeof(pgrp)))
			return -EFAULT;
		return tty_set_pgrp(t->tg, pgrp);
	case TIOCSCTTY:
		return tty_set_ctty(t->tg, arg == 1);
	case TIOCNOTTY:
		return tty_notty(t->tg);
	}
	return host_ioctl(t, host_fd(f), HOST_FD_TTY, cmd, arg);
}

static short hostfd_poll(struct file *f, short events, struct poll_table *pt)
{
	struct pollfd p = { .fd = host_fd(f), .events = events };

	(void)pt;                       /* no wait queue: callers sleep on ->wait_fd */
	return poll(&p, 1, 0) == 1 ? p.revents : 0;
}

static int hostfd_wait_fd(struct file *f)
{
	return host_fd(f);
}

static void hostfd_release(struct file *f)
{
	close(host_fd(f));
	free(f->priv);
}

static const struct file_ops hostfd_ops = {
	.read = hostfd_read,
	.write = hostfd_write,
	.fstat = hostfd_fstat,
	.ioctl = hostfd_ioctl,
	.poll = hostfd_poll,
	.wait_fd = hostfd_wait_fd,
	.release = hostfd_release,
};

int hostfd_attach(struct file *f, int host_fd)
{
	struct hostfd *h = malloc(sizeof(*h));

	if (!h) {
		close(host_fd);
		return -ENOMEM;
	}
	h->fd = host_fd;
	f->ops = &hostfd_ops;
	f->priv = h;
	return 0;
}

/* Takes ownership of host_fd. */
struct file *hostfd_file(int host_fd, int flags)
{
	struct hostfd *h = malloc(sizeof(*h));
	struct file *f;

	if (!h)
		return NULL;
	h->fd = host_fd;
	f = file_new(&hostfd_ops, flags, h);
	if (!f)
		free(h);
	return f;
}
