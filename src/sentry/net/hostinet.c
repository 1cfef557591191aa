/* SPDX-License-Identifier: MIT */
/*
 * Host-mode AF_INET/AF_INET6 sockets (DESIGN.md §4 "Network"): the sentry
 * owns a host socket in the sandbox's network namespace for each socket of
 * the application and performs validated calls on it.
 *
 * The host never reads the application's memory: every address, option
 * value and buffer is copied into the sentry, its length checked, and the
 * host reads the copy.  What may reach the host is an explicit list,
 * common/hostnet.def: the (domain, type, protocol) triples of socket(),
 * the (level, name) pairs of get/setsockopt with the type of each value,
 * the ioctls.  Anything else is refused here (EPROTONOSUPPORT,
 * ENOPROTOOPT, ENOTTY) before any of it is read, and the sentry's own
 * seccomp filter allows the host calls of the list and nothing more.
 *
 * The host socket is always non-blocking: a call that would block waits
 * in the sentry (task_block_fd), where signals reach it, for as long as
 * SO_RCVTIMEO / SO_SNDTIMEO allow.  AF_UNIX is not here yet (EAFNOSUPPORT).
 *
 * This file: creating sockets, addresses, connect and accept, the socket
 * as a file.  Options are in sockopt.c, data in sockmsg.c.  The system
 * calls are syscalls/sys_socket.c, over the calls of net/net.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fs/proc/sysctl.h"
#include "mm/mm.h"
#include "net/hostinet.h"
#include "net/net.h"

static const struct file_ops sock_ops;

struct file *sock_fget(struct task *t, int fd, long *err)
{
	struct file *f = fget(t, fd);

	*err = !f ? -EBADF : f->ops != &sock_ops ? -ENOTSOCK : 0;
	if (*err) {
		file_put(f);
		return NULL;
	}
	return f;
}

/* ---------- waiting, as a blocking socket waits ---------- */

/* How long a call on s may wait: not at all for O_NONBLOCK or MSG_DONTWAIT,
 * else for SO_RCVTIMEO / SO_SNDTIMEO from now, counted across its waits. */
struct sock_wait wait_init(struct file *f, struct hsock *s, int flags, int dir)
{
	int64_t ns = __atomic_load_n(&s->timeo[dir], __ATOMIC_RELAXED);
	struct sock_wait w = { .wait = !(f->flags & O_NONBLOCK) && !(flags & MSG_DONTWAIT) &&
					ns >= 0,
			       .forever = ns == 0 };

	if (w.wait && !w.forever) {
		struct timespec rel = { ns / 1000000000, ns % 1000000000 };

		w.end = ts_deadline(&rel);
	}
	return w;
}

/*
 * Sleep until the host socket is ready for events: -EAGAIN if this call
 * may not wait or its time ran out.  A signal restarts a call that may wait
 * for ever (-ERESTARTSYS) and ends one that a timeout bounds with EINTR,
 * never a restart (Linux's sock_intr_errno()).
 */
int sock_wait(struct task *t, struct hsock *s, short events, const struct sock_wait *w)
{
	struct pollfd p = { .fd = s->fd, .events = events };
	struct timespec left;
	int n;

	if (!w->wait)
		return -EAGAIN;
	if (w->forever)
		return task_block_fd(t, s->fd, events, -1);
	left = ts_left(&w->end);
	if (left.tv_sec < 0)
		return -EAGAIN;
	n = task_block_fds(t, &p, 1, &left);
	if (n == -ERESTARTSYS)
		return -EINTR;
	return n < 0 ? n : n ? 0 : -EAGAIN;
}

/* ---------- socket() ---------- */

#define SOCK_TYPE_MASK 0xf
#define SOCK_TYPE_MAX 11        /* SOCK_MAX: past it, Linux says EINVAL */

static const struct { int domain, type, protocol; } sock_types[] = {
#define HOST_SOCKET(domain, type, protocol) { domain, type, protocol },
#include "hostnet.def"
};

/*
 * Linux's inet_create() lookup over the list: protocol 0 is the first
 * listed for the type; a type listed with other protocols is
 * EPROTONOSUPPORT; a raw socket needs CAP_NET_RAW (EPERM) and then is not
 * supported, like every type not listed (ESOCKTNOSUPPORT).
 */
static int sock_lookup(const struct creds *c, int domain, int type, int *protocol)
{
	bool type_known = false;

	for (size_t i = 0; i < sizeof(sock_types) / sizeof(sock_types[0]); i++) {
		if (sock_types[i].domain != domain || sock_types[i].type != type)
			continue;
		type_known = true;
		if (*protocol == 0 || *protocol == sock_types[i].protocol) {
			*protocol = sock_types[i].protocol;
			return 0;
		}
	}
	if (type_known)
		return -EPROTONOSUPPORT;
	if (type == SOCK_RAW && !capable(c, 13 /* CAP_NET_RAW */))
		return -EPERM;
	return -ESOCKTNOSUPPORT;
}

/*
 * ICMP echo sockets are for the groups in net.ipv4.ping_group_range
 * (ping_init_sock): the host checks the sentry's own group, the sentry
 * the application's.
 */
static bool ping_allowed(const struct creds *c)
{
	int fd = openat(host_proc_fd, "sys/net/ipv4/ping_group_range", O_RDONLY | O_CLOEXEC);
	unsigned long lo = 1, hi = 0;
	char buf[64];
	ssize_t n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;

	if (fd >= 0)
		close(fd);
	buf[n > 0 ? n : 0] = 0;
	if (sscanf(buf, "%lu %lu", &lo, &hi) != 2)
		return false;
	if (c->egid >= lo && c->egid <= hi)
		return true;
	for (uint32_t i = 0; i < c->ngroups; i++)
		if (c->groups[i] >= lo && c->groups[i] <= hi)
			return true;
	return false;
}

/* The file of host socket h (taken, closed on failure); 0 or -ENOMEM. */
static int sock_file(int h, int family, int type, int protocol, int flags,
		     struct file **out)
{
	struct hsock *s = calloc(1, sizeof(*s));
	struct file *f = s ? file_new(&sock_ops, O_RDWR | (flags & SOCK_NONBLOCK ? O_NONBLOCK : 0),
				      s) : NULL;

	if (!f) {
		free(s);
		close(h);
		return -ENOMEM;
	}
	*s = (struct hsock){ .fd = h, .family = family, .type = type, .protocol = protocol };
	*out = f;
	return 0;
}

int sock_create(struct task *t, int domain, int type, int protocol, struct file **out)
{
	int base = type & SOCK_TYPE_MASK, err, h;

	if (type & ~(SOCK_TYPE_MASK | SOCK_NONBLOCK | SOCK_CLOEXEC))
		return -EINVAL;
	/* Linux makes (AF_INET, SOCK_PACKET) a packet socket: not here either */
	if ((domain != AF_INET && domain != AF_INET6) ||
	    (domain == AF_INET && base == SOCK_PACKET))
		return -EAFNOSUPPORT;
	if (base >= SOCK_TYPE_MAX || protocol < 0 || protocol >= IPPROTO_MAX)
		return -EINVAL;
	err = sock_lookup(&t->tg->cred, domain, base, &protocol);
	if (err)
		return err;
	if ((protocol == IPPROTO_ICMP || protocol == IPPROTO_ICMPV6) &&
	    !ping_allowed(&t->tg->cred))
		return -EACCES;
	h = socket(domain, base | SOCK_NONBLOCK | SOCK_CLOEXEC, protocol);
	return h < 0 ? -errno : sock_file(h, domain, base, protocol, type, out);
}

/* ---------- addresses ---------- */

/* An address from the application: its length checked, its family an inet one. */
int addr_in(struct task *t, uint64_t uaddr, uint64_t len, struct sockaddr_storage *ss)
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
int addr_out(struct task *t, uint64_t uaddr, uint64_t ulen, const struct sockaddr_storage *ss,
	     socklen_t len)
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
	/* net.ipv4.ip_unprivileged_port_start: the sandbox's, kept by the
	 * sentry (its host namespace's is 0, for the sentry to bind) */
	return port && port < atoi(proc_sysctl_value("net.ipv4.ip_unprivileged_port_start"));
}

int sock_bind(struct task *t, struct file *f, const struct sockaddr_storage *ss,
	      socklen_t len)
{
	struct hsock *s = f->priv;

	if (low_port(ss) && !capable(&t->tg->cred, 10 /* CAP_NET_BIND_SERVICE */))
		return -EACCES;
	return bind(s->fd, (const struct sockaddr *)ss, len) ? -errno : 0;
}

int sock_listen(struct file *f, int backlog)
{
	return listen(((struct hsock *)f->priv)->fd, backlog) ? -errno : 0;
}

int sock_shutdown(struct file *f, int how)
{
	return shutdown(((struct hsock *)f->priv)->fd, how) ? -errno : 0;
}

/* A blocking connect: wait for the host's, for SO_SNDTIMEO at most. */
static long connect_wait(struct task *t, struct file *f, struct hsock *s)
{
	struct sock_wait w = wait_init(f, s, 0, SND);
	socklen_t len = sizeof(int);
	int err = sock_wait(t, s, POLLOUT, &w), so;

	if (err)
		return err == -EAGAIN ? -EINPROGRESS : err;
	if (getsockopt(s->fd, SOL_SOCKET, SO_ERROR, &so, &len))
		return -errno;
	return -so;
}

int sock_connect(struct task *t, struct file *f, const struct sockaddr_storage *ss,
		 socklen_t len)
{
	struct hsock *s = f->priv;
	int err = connect(s->fd, (const struct sockaddr *)ss, len) ? -errno : 0;

	/* blocking: wait for the handshake, also in a connect run again after a signal */
	if ((err == -EINPROGRESS || err == -EALREADY) && !(f->flags & O_NONBLOCK))
		err = (int)connect_wait(t, f, s);
	return err;
}

int sock_accept(struct task *t, struct file *f, int flags, struct sockaddr_storage *ss,
		socklen_t *len, struct file **out)
{
	struct hsock *s = f->priv;
	struct sock_wait w = wait_init(f, s, 0, RCV);
	socklen_t room = *len;
	int n, err;

	while ((n = accept4(s->fd, (struct sockaddr *)ss, len, SOCK_NONBLOCK | SOCK_CLOEXEC)) < 0) {
		err = errno == EAGAIN ? sock_wait(t, s, POLLIN, &w) : -errno;
		if (err)
			return err;
		*len = room;
	}
	return sock_file(n, s->family, s->type, s->protocol, flags, out);
}

int sock_getname(struct file *f, bool peer, struct sockaddr_storage *ss, socklen_t *len)
{
	int fd = ((struct hsock *)f->priv)->fd;

	return (peer ? getpeername : getsockname)(fd, (struct sockaddr *)ss, len) ? -errno : 0;
}

/* ---------- the socket as a file (read and write: sockmsg.c) ---------- */

static int sock_fstat(struct file *f, struct stat *st)
{
	return fstat(((struct hsock *)f->priv)->fd, st) ? -errno : 0;
}

static long sock_ioctl(struct task *t, struct file *f, unsigned cmd, uint64_t arg)
{
	return host_ioctl(t, ((struct hsock *)f->priv)->fd, HOST_FD_SOCK, cmd, arg);
}

static short sock_poll(struct file *f, short events, struct poll_table *pt)
{
	struct pollfd p = { .fd = ((struct hsock *)f->priv)->fd, .events = events };

	(void)pt;                       /* no wait queue: callers sleep on ->wait_fd */
	return poll(&p, 1, 0) == 1 ? p.revents : 0;
}

static int sock_wait_fd(struct file *f)
{
	return ((struct hsock *)f->priv)->fd;
}

static void sock_release(struct file *f)
{
	close(((struct hsock *)f->priv)->fd);
	free(f->priv);
}

static const struct file_ops sock_ops = {
	.read = sock_read,
	.write = sock_write,
	.fstat = sock_fstat,
	.ioctl = sock_ioctl,
	.poll = sock_poll,
	.wait_fd = sock_wait_fd,
	.rw_iov = sock_rw_iov,
	.release = sock_release,
};
