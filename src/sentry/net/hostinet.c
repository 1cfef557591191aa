/* SPDX-License-Identifier: MIT */
/*
 * Host-mode AF_INET/AF_INET6 sockets (DESIGN.md §4 "Network"): the sentry
 * owns a host socket in the sandbox's network namespace for each socket of
 * the application and performs validated calls on it.  Every address,
 * option and buffer is copied through the sentry with its length checked;
 * the application never names a host fd, and the host socket is always
 * non-blocking so that a blocked call waits in task_block_fd(), where
 * signals reach it.  AF_UNIX is not here yet (EAFNOSUPPORT).
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "kernel/kernel.h"
#include "mm/mm.h"
#include "syscalls/syscalls.h"
#include "vfs/vfs.h"

#define MAX_IO (1 << 20)        /* bytes moved per send/recv call */
#define MAX_OPT 256

int hostfd_host(struct file *f);

/* The host socket behind fd, with a reference on its file in *fp. */
static int sock_get(struct task *t, int fd, struct file **fp)
{
	struct file *f = fdt_get(t->tg->fdt, fd);
	struct stat st;
	int h;

	if (!f)
		return -EBADF;
	h = hostfd_host(f);
	if (h < 0 || fstat(h, &st) || !S_ISSOCK(st.st_mode)) {
		file_put(f);
		return -ENOTSOCK;
	}
	*fp = f;
	return h;
}

/*
 * Wait until the host socket is ready for events, unless the file is
 * O_NONBLOCK.  A timeout set with SO_RCVTIMEO or SO_SNDTIMEO (the host
 * socket keeps it) bounds the wait: EAGAIN when it runs out, and EINTR,
 * never a restart, when a signal comes (Linux's sock_intr_errno()).
 */
static int sock_wait(struct task *t, struct file *f, int h, short events)
{
	struct pollfd pfd = { .fd = h, .events = events };
	struct timeval tv = { 0, 0 };
	socklen_t len = sizeof(tv);
	int ret;

	if (f->flags & O_NONBLOCK)
		return -EAGAIN;
	if (getsockopt(h, SOL_SOCKET, (events & POLLOUT) ? SO_SNDTIMEO : SO_RCVTIMEO, &tv, &len))
		tv = (struct timeval){ 0, 0 };
	if (!tv.tv_sec && !tv.tv_usec)
		return task_block_fd(t, h, events, -1);
	ret = task_block_fds(t, &pfd, 1, &(struct timespec){ tv.tv_sec, tv.tv_usec * 1000 });
	if (ret == -ERESTARTSYS)
		return -EINTR;
	return ret < 0 ? ret : ret ? 0 : -EAGAIN;
}

static int install(struct task *t, int h, int type)
{
	struct file *f = hostfd_file(h, O_RDWR | ((type & SOCK_NONBLOCK) ? O_NONBLOCK : 0));
	int fd;

	if (!f) {
		close(h);
		return -ENOMEM;
	}
	fd = fdt_install(t->tg->fdt, -1, f, type & SOCK_CLOEXEC);
	if (fd < 0)
		file_put(f);
	return fd;
}

long sys_socket(struct task *t, const struct syscall_args *a)
{
	int domain = ARG_INT(a, 0), type = ARG_INT(a, 1), base = type & 0xf, h;

	if (domain != AF_INET && domain != AF_INET6)
		return -EAFNOSUPPORT;
	if (base != SOCK_STREAM && base != SOCK_DGRAM)
		return -ESOCKTNOSUPPORT;
	if (type & ~(0xf | SOCK_NONBLOCK | SOCK_CLOEXEC))
		return -EINVAL;
	h = socket(domain, base | SOCK_NONBLOCK | SOCK_CLOEXEC, ARG_INT(a, 2));
	return h < 0 ? -errno : install(t, h, type);
}

/* An address from the application: its length checked, its family an inet one. */
static int addr_in(struct task *t, uint64_t uaddr, uint64_t len, struct sockaddr_storage *ss)
{
	if (len > sizeof(*ss) || len < sizeof(sa_family_t))
		return -EINVAL;
	memset(ss, 0, sizeof(*ss));
	if (copy_from_user(t->tg->mm, ss, uaddr, len))
		return -EFAULT;
	if (ss->ss_family != AF_INET && ss->ss_family != AF_INET6 && ss->ss_family != AF_UNSPEC)
		return -EAFNOSUPPORT;
	return 0;
}

/* An address to the application, with the value-result length the kernel's way. */
static int addr_out(struct task *t, uint64_t uaddr, uint64_t ulen,
		    const struct sockaddr_storage *ss, socklen_t len)
{
	uint32_t room;

	if (!uaddr)
		return 0;
	if (copy_from_user(t->tg->mm, &room, ulen, sizeof(room)))
		return -EFAULT;
	if ((int32_t)room < 0)
		return -EINVAL;
	if (copy_to_user(t->tg->mm, uaddr, ss, room < len ? room : len) ||
	    copy_to_user(t->tg->mm, ulen, &len, sizeof(len)))
		return -EFAULT;
	return 0;
}

static bool low_port(const struct sockaddr_storage *ss)
{
	uint16_t port = ss->ss_family == AF_INET ? ((const struct sockaddr_in *)ss)->sin_port :
			ss->ss_family == AF_INET6 ? ((const struct sockaddr_in6 *)ss)->sin6_port : 0;

	port = ntohs(port);
	return port && port < 1024;
}

long sys_bind(struct task *t, const struct syscall_args *a)
{
	struct sockaddr_storage ss;
	struct file *f;
	int h = sock_get(t, ARG_INT(a, 0), &f), err;

	if (h < 0)
		return h;
	err = addr_in(t, a->a[1], a->a[2], &ss);
	if (!err && low_port(&ss) && !capable(&t->tg->cred, 10 /* CAP_NET_BIND_SERVICE */))
		err = -EACCES;
	if (!err && bind(h, (struct sockaddr *)&ss, (socklen_t)a->a[2]))
		err = -errno;
	file_put(f);
	return err;
}

long sys_listen(struct task *t, const struct syscall_args *a)
{
	struct file *f;
	int h = sock_get(t, ARG_INT(a, 0), &f), err;

	if (h < 0)
		return h;
	err = listen(h, ARG_INT(a, 1)) ? -errno : 0;
	file_put(f);
	return err;
}

long sys_connect(struct task *t, const struct syscall_args *a)
{
	struct sockaddr_storage ss;
	struct file *f;
	int h = sock_get(t, ARG_INT(a, 0), &f), err, so;
	socklen_t len = sizeof(so);

	if (h < 0)
		return h;
	err = addr_in(t, a->a[1], a->a[2], &ss);
	if (!err && connect(h, (struct sockaddr *)&ss, (socklen_t)a->a[2]))
		err = -errno;
	/* blocking: wait for the handshake, also in a connect run again after a signal */
	if ((err == -EINPROGRESS || err == -EALREADY) && !(f->flags & O_NONBLOCK)) {
		err = sock_wait(t, f, h, POLLOUT);
		if (err == -EAGAIN)
			err = -EINPROGRESS;     /* SO_SNDTIMEO ran out, as in Linux */
		if (!err && !getsockopt(h, SOL_SOCKET, SO_ERROR, &so, &len))
			err = -so;
	}
	file_put(f);
	return err;
}

static long do_accept(struct task *t, const struct syscall_args *a, int flags)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	struct file *f;
	int h = sock_get(t, ARG_INT(a, 0), &f), n;
	long ret;

	if (h < 0)
		return h;
	if (flags & ~(SOCK_NONBLOCK | SOCK_CLOEXEC)) {
		file_put(f);
		return -EINVAL;
	}
	while ((n = accept4(h, (struct sockaddr *)&ss, &len, SOCK_NONBLOCK | SOCK_CLOEXEC)) < 0) {
		ret = errno == EAGAIN ? sock_wait(t, f, h, POLLIN) : -errno;
		if (ret) {
			file_put(f);
			return ret;
		}
		len = sizeof(ss);
	}
	file_put(f);
	ret = addr_out(t, a->a[1], a->a[2], &ss, len);
	if (ret) {
		close(n);
		return ret;
	}
	return install(t, n, flags);
}

long sys_accept(struct task *t, const struct syscall_args *a)
{
	return do_accept(t, a, 0);
}

long sys_accept4(struct task *t, const struct syscall_args *a)
{
	return do_accept(t, a, ARG_INT(a, 3));
}

static long sock_name(struct task *t, const struct syscall_args *a, bool peer)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	struct file *f;
	int h = sock_get(t, ARG_INT(a, 0), &f), err;

	if (h < 0)
		return h;
	err = (peer ? getpeername : getsockname)(h, (struct sockaddr *)&ss, &len) ? -errno : 0;
	file_put(f);
	return err ? err : addr_out(t, a->a[1], a->a[2], &ss, len);
}

long sys_getsockname(struct task *t, const struct syscall_args *a)
{
	return sock_name(t, a, false);
}

long sys_getpeername(struct task *t, const struct syscall_args *a)
{
	return sock_name(t, a, true);
}

/* Options of the levels an inet socket has; SO_BINDTODEVICE and the like
 * act only in the sandbox's own network namespace. */
static bool level_ok(int level)
{
	return level == SOL_SOCKET || level == IPPROTO_IP || level == IPPROTO_IPV6 ||
	       level == IPPROTO_TCP || level == IPPROTO_UDP;
}

long sys_setsockopt(struct task *t, const struct syscall_args *a)
{
	char opt[MAX_OPT];
	struct file *f;
	int h = sock_get(t, ARG_INT(a, 0), &f), err = 0;
	uint64_t len = ARG_UINT(a, 4);

	if (h < 0)
		return h;
	if (!level_ok(ARG_INT(a, 1)) || len > sizeof(opt))
		err = -ENOPROTOOPT;
	else if (copy_from_user(t->tg->mm, opt, a->a[3], len))
		err = -EFAULT;
	else if (setsockopt(h, ARG_INT(a, 1), ARG_INT(a, 2), opt, (socklen_t)len))
		err = -errno;
	file_put(f);
	return err;
}

long sys_getsockopt(struct task *t, const struct syscall_args *a)
{
	char opt[MAX_OPT];
	uint32_t room;
	socklen_t len = sizeof(opt);
	struct file *f;
	int h = sock_get(t, ARG_INT(a, 0), &f), err = 0;

	if (h < 0)
		return h;
	if (!level_ok(ARG_INT(a, 1)))
		err = -ENOPROTOOPT;
	else if (copy_from_user(t->tg->mm, &room, a->a[4], sizeof(room)))
		err = -EFAULT;
	else if (getsockopt(h, ARG_INT(a, 1), ARG_INT(a, 2), opt, &len))
		err = -errno;
	else if (copy_to_user(t->tg->mm, a->a[3], opt, room < len ? room : len) ||
		 copy_to_user(t->tg->mm, a->a[4], &len, sizeof(len)))
		err = -EFAULT;
	file_put(f);
	return err;
}

long sys_shutdown(struct task *t, const struct syscall_args *a)
{
	struct file *f;
	int h = sock_get(t, ARG_INT(a, 0), &f), err;

	if (h < 0)
		return h;
	err = shutdown(h, ARG_INT(a, 1)) ? -errno : 0;
	file_put(f);
	return err;
}

/* send/recv through a sentry buffer; flags limited to the harmless ones. */
#define SEND_FLAGS (MSG_DONTWAIT | MSG_NOSIGNAL | MSG_MORE | MSG_EOR | MSG_OOB)
#define RECV_FLAGS (MSG_DONTWAIT | MSG_PEEK | MSG_TRUNC | MSG_WAITALL | MSG_OOB)

static long xfer(struct task *t, int fd, void *buf, size_t len, int flags, bool send,
		 struct sockaddr_storage *ss, socklen_t *slen)
{
	struct file *f;
	int h = sock_get(t, fd, &f);
	ssize_t n;

	if (h < 0)
		return h;
	for (;;) {
		int w;

		n = send ? sendto(h, buf, len, flags | MSG_NOSIGNAL | MSG_DONTWAIT,
				  ss && *slen ? (struct sockaddr *)ss : NULL, ss ? *slen : 0)
			 : recvfrom(h, buf, len, (flags & ~MSG_WAITALL) | MSG_DONTWAIT,
				    (struct sockaddr *)ss, slen);
		if (n >= 0)
			break;
		if (errno != EAGAIN || (flags & MSG_DONTWAIT)) {
			n = -errno;
			break;
		}
		w = sock_wait(t, f, h, send ? POLLOUT : POLLIN);
		if (w) {
			n = w;
			break;
		}
	}
	if (send && n == -EPIPE && !(flags & MSG_NOSIGNAL))
		send_signal_tg(t->tg, SIGPIPE);
	file_put(f);
	return n;
}

long sys_sendto(struct task *t, const struct syscall_args *a)
{
	size_t len = ARG_UINT(a, 2) < MAX_IO ? ARG_UINT(a, 2) : MAX_IO;
	struct sockaddr_storage ss;
	socklen_t slen = (socklen_t)a->a[5];
	void *buf = malloc(len ? len : 1);
	long ret;

	if (!buf)
		return -ENOMEM;
	ret = copy_from_user(t->tg->mm, buf, a->a[1], len);
	if (!ret && a->a[4])
		ret = addr_in(t, a->a[4], a->a[5], &ss);
	if (!ret)
		ret = xfer(t, ARG_INT(a, 0), buf, len, ARG_INT(a, 3) & SEND_FLAGS, true,
			   a->a[4] ? &ss : NULL, &slen);
	free(buf);
	return ret;
}

long sys_recvfrom(struct task *t, const struct syscall_args *a)
{
	size_t len = ARG_UINT(a, 2) < MAX_IO ? ARG_UINT(a, 2) : MAX_IO;
	struct sockaddr_storage ss;
	socklen_t slen = sizeof(ss);
	void *buf = malloc(len ? len : 1);
	long ret;

	if (!buf)
		return -ENOMEM;
	ret = xfer(t, ARG_INT(a, 0), buf, len, ARG_INT(a, 3) & RECV_FLAGS, false, &ss, &slen);
	if (ret > 0 && copy_to_user(t->tg->mm, a->a[1], buf, (size_t)ret < len ? (size_t)ret : len))
		ret = -EFAULT;
	if (ret >= 0 && a->a[4] && addr_out(t, a->a[4], a->a[5], &ss, slen))
		ret = -EFAULT;
	free(buf);
	return ret;
}
