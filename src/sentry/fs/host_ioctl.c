/* SPDX-License-Identifier: MIT */
/*
 * ioctls on host fds (a terminal handed to the sandbox, the sentry's inet
 * sockets): an explicit list, common/hostnet.def, which the sentry's own
 * seccomp filter allows and nothing more.  Each argument is copied into
 * the sentry before the host sees it and copied back after, so the host
 * never reads or writes through a pointer the application chose; an ioctl
 * off the list is ENOTTY and never reaches the host.
 */
#include <errno.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <linux/sockios.h>

#include "fs/tty.h"          /* struct k_termios */
#include "kernel/kernel.h"
#include "mm/mm.h"
#include "vfs/vfs.h"


/* What the argument is, and which way it is copied. */
enum io_kind {
	IO_INT_OUT, IO_TERMIOS_IN, IO_TERMIOS_OUT, IO_WINSIZE_IN, IO_WINSIZE_OUT,
	IO_IFREQ,               /* in and out: the name (or index) in, the answer out */
	IO_IFCONF,              /* struct ifconf: its buffer goes through the sentry */
};

static const struct {
	size_t size;
	bool in, out;
} kinds[] = {
	[IO_INT_OUT] = { sizeof(int), false, true },
	[IO_TERMIOS_IN] = { sizeof(struct k_termios), true, false },
	[IO_TERMIOS_OUT] = { sizeof(struct k_termios), false, true },
	[IO_WINSIZE_IN] = { sizeof(struct winsize), true, false },
	[IO_WINSIZE_OUT] = { sizeof(struct winsize), false, true },
	[IO_IFREQ] = { sizeof(struct ifreq), true, true },
};

#define TTY HOST_FD_TTY
#define SOCK HOST_FD_SOCK
static const struct {
	unsigned cmd;
	enum io_kind kind;
	unsigned on;
} ioctls[] = {
#define HOST_IOCTL(cmd, kind, on) { cmd, IO_##kind, on },
#include "hostnet.def"
};
#undef TTY
#undef SOCK

#define IFCONF_MAX (64 << 10)   /* 1638 interfaces: more are left out */

/* SIOCGIFCONF: the host fills a sentry buffer, which goes to ifc_buf. */
static long ifconf(struct task *t, int fd, uint64_t arg)
{
	struct ifconf ic;
	uint64_t ubuf;
	char *buf = NULL;
	long err = 0;

	if (copy_from_user(t->tg->mm, &ic, arg, sizeof(ic)))
		return -EFAULT;
	ubuf = (uint64_t)ic.ifc_buf;
	if (ubuf) {     /* NULL asks only for the length, as in Linux */
		ic.ifc_len = ic.ifc_len < 0 ? 0 : ic.ifc_len > IFCONF_MAX ? IFCONF_MAX : ic.ifc_len;
		buf = malloc(ic.ifc_len ? (size_t)ic.ifc_len : 1);
		if (!buf)
			return -ENOMEM;
		ic.ifc_buf = buf;
	}
	if (ioctl(fd, SIOCGIFCONF, &ic))
		err = -errno;
	else if (ubuf && copy_to_user(t->tg->mm, ubuf, buf, (size_t)ic.ifc_len))
		err = -EFAULT;
	free(buf);
	ic.ifc_buf = (char *)ubuf;
	if (!err && copy_to_user(t->tg->mm, arg, &ic, sizeof(ic)))
		err = -EFAULT;
	return err;
}

long host_ioctl(struct task *t, int fd, unsigned on, unsigned cmd, uint64_t arg)
{
	union {
		int i;
		struct k_termios tio;
		struct winsize ws;
		struct ifreq ifr;
	} v;
	size_t i;

	for (i = 0; i < sizeof(ioctls) / sizeof(ioctls[0]); i++)
		if (ioctls[i].cmd == cmd && (ioctls[i].on & on))
			break;
	if (i == sizeof(ioctls) / sizeof(ioctls[0]))
		return -ENOTTY;
	if (ioctls[i].kind == IO_IFCONF)
		return ifconf(t, fd, arg);
	memset(&v, 0, sizeof(v));
	if (kinds[ioctls[i].kind].in &&
	    copy_from_user(t->tg->mm, &v, arg, kinds[ioctls[i].kind].size))
		return -EFAULT;
	if (ioctl(fd, cmd, &v))
		return -errno;
	if (kinds[ioctls[i].kind].out &&
	    copy_to_user(t->tg->mm, arg, &v, kinds[ioctls[i].kind].size))
		return -EFAULT;
	return 0;
}
