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
 * SO_RCVTIMEO / SO_SNDTIMEO allow.
 *
 * This file: the family (hostinet_ops, behind net/socket.c's dispatch):
 * creating sockets, addresses, connect and accept, the socket as a file.
 * Options are in sockopt.c, data in sockmsg.c.
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

static const struct proto_ops hostinet_ops;

/* ---------- waiting, as a blocking socket waits ---------- */

/*
 * Sleep until the host socket is ready for events: -EAGAIN if this call
 * may not wait or its time ran out.  A signal restarts a call that may wait
 * for ever (-ERESTARTSYS) and ends one that a timeout bounds with EINTR,
 * never a restart (Linux's sock_intr_errno()).
 */
int sock_wait(struct task *t, struct hsock *h, short events, const struct sock_wait *w)
{
	struct pollfd p = { .fd = h->fd, .events = events };
	const struct timespec *end;
	struct timespec left;
	int n = sock_wait_deadline(w, &end);

	if (n)
		return n;
	if (!end)
		return task_block_fd(t, h->fd, events, -1);
	left = ts_left(end);
	n = task_block_fds(t, &p, 1, &left);
	if (n == -ERESTARTSYS)
		return -EINTR;
	return n < 0 ? n : n ? 0 : -EAGAIN;
}

/* ---------- socket() ---------- */

static const struct { int domain, type, protocol; } sock_types[] = {
#define HOST_SOCKET(domain, type, protocol) { domain, type, protocol },
#include "hostnet.def"
};

/*
 * Linux's inet_create() lookup over the list: protocol 0 is the first
 * listed for the type; a type listed with other protocols is
 * EPROTONOSUPPORT; a raw socket names its protocol (0 matches none of
 * Linux's raw entries: EPROTONOSUPPORT), needs CAP_NET_RAW (EPERM) and
 * then is not supported, like every type not listed (ESOCKTNOSUPPORT).
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
	if (type_known || (type == SOCK_RAW && *protocol == 0))
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

/* Socket s takes host socket h (closed on failure); 0 or -ENOMEM. */
static int hsock_attach(struct socket *s, int h)
{
	struct hsock *hs = calloc(1, sizeof(*hs));

	if (!hs) {
		close(h);
		return -ENOMEM;
	}
	hs->fd = h;
	s->priv = hs;
	s->ops = &hostinet_ops;
	return 0;
}

static int hostinet_create(struct task *t, struct socket *s, int type, int protocol)
{
	int err, h;

	/* Linux makes (AF_INET, SOCK_PACKET) a packet socket: not here either */
	if (s->family == AF_INET && type == SOCK_PACKET)
		return -EAFNOSUPPORT;
	if (protocol < 0 || protocol >= IPPROTO_MAX)
		return -EINVAL;
	err = sock_lookup(&t->tg->cred, s->family, type, &protocol);
	if (err)
		return err;
	if ((protocol == IPPROTO_ICMP || protocol == IPPROTO_ICMPV6) &&
	    !ping_allowed(&t->tg->cred))
		return -EACCES;
	h = host_fd_admit(socket(s->family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, protocol));
	if (h < 0)
		return h;
	s->protocol = protocol;
	return hsock_attach(s, h);
}

/* ---------- addresses ---------- */

int inet_addr_check(const struct sockaddr_storage *ss, socklen_t len)
{
	if (len < sizeof(sa_family_t))
		return -EINVAL;
	if (ss->ss_family != AF_INET && ss->ss_family != AF_INET6 && ss->ss_family != AF_UNSPEC)
		return -EAFNOSUPPORT;
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

static int hostinet_bind(struct task *t, struct socket *s, const struct sockaddr_storage *ss,
			 socklen_t len)
{
	struct hsock *h = s->priv;
	int err = inet_addr_check(ss, len);

	if (err)
		return err;
	if (low_port(ss) && !capable(&t->tg->cred, 10 /* CAP_NET_BIND_SERVICE */))
		return -EACCES;
	return bind(h->fd, (const struct sockaddr *)ss, len) ? -errno : 0;
}

static int hostinet_listen(struct task *t, struct socket *s, int backlog)
{
	(void)t;
	return listen(((struct hsock *)s->priv)->fd, backlog) ? -errno : 0;
}

static int hostinet_shutdown(struct task *t, struct socket *s, int how)
{
	(void)t;
	return shutdown(((struct hsock *)s->priv)->fd, how) ? -errno : 0;
}

/* A blocking connect: wait for the host's, for SO_SNDTIMEO at most. */
static long connect_wait(struct task *t, struct socket *s, struct hsock *h)
{
	struct sock_wait w = sock_wait_init(s, 0, SND);
	socklen_t len = sizeof(int);
	int err = sock_wait(t, h, POLLOUT, &w), so;

	if (err)
		return err == -EAGAIN ? -EINPROGRESS : err;
	if (getsockopt(h->fd, SOL_SOCKET, SO_ERROR, &so, &len))
		return -errno;
	return -so;
}

static int hostinet_connect(struct task *t, struct socket *s, const struct sockaddr_storage *ss,
			    socklen_t len)
{
	struct hsock *h = s->priv;
	int err = inet_addr_check(ss, len);

	if (!err)
		err = connect(h->fd, (const struct sockaddr *)ss, len) ? -errno : 0;
	/* blocking: wait for the handshake, also in a connect run again after a signal */
	if ((err == -EINPROGRESS || err == -EALREADY) && !(s->file->flags & O_NONBLOCK))
		err = (int)connect_wait(t, s, h);
	/* the host socket is non-blocking: its connect finished in the
	 * background, and only one more connect makes the host call it
	 * connected (Linux's SS_CONNECTING -> SS_CONNECTED), so that the
	 * application's next connect is EISCONN, as after a blocking one */
	if (!err && connect(h->fd, (const struct sockaddr *)ss, len) && errno != EISCONN)
		err = -errno;
	return err;
}

static int hostinet_accept(struct task *t, struct socket *s, int flags, struct socket **out,
			   struct sockaddr_storage *ss, socklen_t *len)
{
	struct hsock *h = s->priv;
	struct sock_wait w = sock_wait_init(s, s->file->flags & O_NONBLOCK ? MSG_DONTWAIT : 0, RCV);
	socklen_t room = *len;
	struct socket *ns;
	int n, err;

	while ((n = accept4(h->fd, (struct sockaddr *)ss, len, SOCK_NONBLOCK | SOCK_CLOEXEC)) < 0) {
		/* the host's EMFILE is the sentry's budget: the system's table
		 * is full (the application's own limit is checked on install) */
		err = errno == EAGAIN ? sock_wait(t, h, POLLIN, &w) : errno == EMFILE ? -ENFILE : -errno;
		if (err)
			return err;
		*len = room;
	}
	err = sock_alloc(s->family, s->type, s->protocol, flags, &ns);
	if (err) {
		close(n);
		return err;
	}
	err = hsock_attach(ns, n);
	if (err) {
		file_put(ns->file);
		return err;
	}
	*out = ns;
	return 0;
}

static int hostinet_getname(struct task *t, struct socket *s, bool peer,
			    struct sockaddr_storage *ss, socklen_t *len)
{
	int fd = ((struct hsock *)s->priv)->fd;

	(void)t;
	return (peer ? getpeername : getsockname)(fd, (struct sockaddr *)ss, len) ? -errno : 0;
}

/* ---------- the socket as a file ---------- */

static int hostinet_fstat(struct socket *s, struct stat *st)
{
	return fstat(((struct hsock *)s->priv)->fd, st) ? -errno : 0;
}

static long hostinet_ioctl(struct task *t, struct socket *s, unsigned cmd, uint64_t arg)
{
	return host_ioctl(t, ((struct hsock *)s->priv)->fd, HOST_FD_SOCK, cmd, arg);
}

static short hostinet_poll(struct socket *s, short events, struct poll_table *pt)
{
	struct pollfd p = { .fd = ((struct hsock *)s->priv)->fd, .events = events };

	(void)pt;                       /* no wait queue: callers sleep on ->wait_fd */
	return poll(&p, 1, 0) == 1 ? p.revents : 0;
}

static int hostinet_wait_fd(struct socket *s)
{
	return ((struct hsock *)s->priv)->fd;
}

static void hostinet_release(struct socket *s)
{
	close(((struct hsock *)s->priv)->fd);
	free(s->priv);
}

static const struct proto_ops hostinet_ops = {
	.family = AF_INET,
	.bind = hostinet_bind,
	.listen = hostinet_listen,
	.connect = hostinet_connect,
	.accept = hostinet_accept,
	.getname = hostinet_getname,
	.shutdown = hostinet_shutdown,
	.setsockopt = hostinet_setsockopt,
	.getsockopt = hostinet_getsockopt,
	.sendmsg = hostinet_sendmsg,
	.recvmsg = hostinet_recvmsg,
	.poll = hostinet_poll,
	.wait_fd = hostinet_wait_fd,
	.ioctl = hostinet_ioctl,
	.fstat = hostinet_fstat,
	.release = hostinet_release,
};

static const struct net_proto_family inet_family = { AF_INET, hostinet_create };
static const struct net_proto_family inet6_family = { AF_INET6, hostinet_create };

static void __attribute__((constructor)) hostinet_register(void)
{
	sock_register(&inet_family);
	sock_register(&inet6_family);
}
