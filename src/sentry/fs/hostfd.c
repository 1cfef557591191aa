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
#include <termios.h>
#include <unistd.h>

#include "kernel/tty.h"
#include "mm/mm.h"
#include "vfs/file.h"

struct hostfd {
	int fd;
	bool tty;                       /* the sandbox's terminal (job control) */
};

static struct hostfd *hostfd_new(int fd)
{
	struct hostfd *h = malloc(sizeof(*h));

	if (h) {
		h->fd = fd;
		h->tty = isatty(fd);
	}
	return h;
}

static int host_fd(struct file *f)
{
	return ((struct hostfd *)f->priv)->fd;
}

static bool is_console(struct file *f)
{
	return ((struct hostfd *)f->priv)->tty;
}

/* A write from the background with TOSTOP set: SIGTTOU (n_tty_write). */
static long console_check_write(struct task *t, struct file *f)
{
	struct termios tio;

	if (!is_console(f) || !tty_background(t, tty_console()))
		return 0;
	if (tcgetattr(host_fd(f), &tio) || !(tio.c_lflag & TOSTOP))
		return 0;
	return tty_check_change(t, tty_console(), SIGTTOU);
}

static ssize_t hostfd_read(struct task *t, struct file *f, void *buf, size_t len,
			   off_t *pos)
{
	int fd = host_fd(f);

	(void)pos;      /* a stream: the host fd keeps its own offset */
	if (is_console(f)) {
		long err = tty_check_change(t, tty_console(), SIGTTIN);

		if (err)
			return err;
	}
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
	long err = console_check_write(t, f);

	(void)pos;
	if (err)
		return err;
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
 * is the sentry's (kernel/tty.c), and changing the terminal from the
 * background is SIGTTOU, as tty_check_change() makes it; the rest is the
 * short list of fs/host_ioctl.c, with buffers of the sentry's own.
 */
static long hostfd_ioctl(struct task *t, struct file *f, unsigned cmd, uint64_t arg)
{
	long err;

	if (!is_console(f))
		return -ENOTTY;
	err = tty_job_ioctl(t, tty_console(), false, cmd, arg);
	if (err != -ENOIOCTLCMD)
		return err;
	switch (cmd) {
	case TCSETS: case TCSETSW: case TCSETSF: case TCFLSH: case TCXONC:
		if ((err = tty_check_change(t, tty_console(), SIGTTOU)))
			return err;
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
	struct hostfd *h = hostfd_new(host_fd);

	if (!h) {
		close(host_fd);
		return -ENOMEM;
	}
	f->ops = &hostfd_ops;
	f->priv = h;
	return 0;
}

/* Takes ownership of host_fd. */
struct file *hostfd_file(int host_fd, int flags)
{
	struct hostfd *h = hostfd_new(host_fd);
	struct file *f;

	if (!h)
		return NULL;
	f = file_new(&hostfd_ops, flags, h);
	if (!f)
		free(h);
	return f;
}
