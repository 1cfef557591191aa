/* SPDX-License-Identifier: MIT */
/*
 * Data on host-mode inet sockets: the family's sendmsg and recvmsg, which
 * net/socket.c calls for every form (send, to, msg, mmsg, read, write).
 *
 * The application's buffers, iovecs, addresses and control messages are
 * copied into the sentry (issue 12, finding 3; net/socket.c copies the
 * msghdr, the address and the control bytes): the host sends from and
 * receives into the sentry's buffers, with a msghdr the sentry built, and
 * never sees an application pointer.  A control message to send must be
 * one of common/hostnet.def's (values only); those the host delivers go
 * to the application as they are, but any that would carry a host fd or
 * host credentials (never on an inet socket) is dropped.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <poll.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include "mm/mm.h"
#include "net/hostinet.h"
#include "net/net.h"

/* flags passed to the host; others are dropped */
#define SEND_FLAGS (MSG_DONTWAIT | MSG_NOSIGNAL | MSG_MORE | MSG_EOR | MSG_OOB | MSG_CONFIRM)
#define RECV_FLAGS (MSG_DONTWAIT | MSG_PEEK | MSG_TRUNC | MSG_WAITALL | MSG_OOB | MSG_ERRQUEUE)
#define CTL_MAX 1024            /* control bytes per message (gVisor's maxControlLen) */

/* ---------- the host calls, with waiting ---------- */

/*
 * Send a message of sentry buffers (one iovec).  A blocking stream socket
 * takes all of it, as tcp_sendmsg waits for room, unless a signal or
 * SO_SNDTIMEO ends the wait (then what was sent counts).
 */
static ssize_t sock_send(struct task *t, struct socket *so, struct msghdr m, int flags)
{
	struct hsock *s = so->priv;
	struct sock_wait w = sock_wait_init(so, flags, SND);
	struct iovec *v = m.msg_iov;
	size_t len = v->iov_len, done = 0;

	for (;;) {
		ssize_t n = sendmsg(s->fd, &m, flags | MSG_DONTWAIT | MSG_NOSIGNAL);
		int err;

		if (n >= 0) {
			done += (size_t)n;
			if (done == len || so->type != SOCK_STREAM || !w.wait)
				return (ssize_t)done;
			v->iov_base = (char *)v->iov_base + n;
			v->iov_len -= (size_t)n;
			m.msg_control = NULL;   /* it went with the first part */
			m.msg_controllen = 0;
			continue;
		}
		err = errno == EAGAIN ? sock_wait(t, s, POLLOUT, &w) : -errno;
		if (!err)
			continue;
		if (done)
			return (ssize_t)done;
		if (err == -EPIPE && !(flags & MSG_NOSIGNAL))
			send_signal_tg(t->tg, SIGPIPE);
		return err;
	}
}

/* Receive into a message of sentry buffers (one iovec), waiting as a
 * blocking socket does; MSG_WAITALL on a stream waits for all of it, and
 * MSG_ERRQUEUE never waits. */
static ssize_t sock_recv(struct task *t, struct socket *so, struct msghdr *hdr, int flags)
{
	struct hsock *s = so->priv;
	struct sock_wait w = sock_wait_init(so, flags & MSG_ERRQUEUE ? MSG_DONTWAIT : flags, RCV);
	bool all = (flags & MSG_WAITALL) && so->type == SOCK_STREAM && !(flags & MSG_PEEK);
	struct msghdr m = *hdr;         /* the host's answers go back to *hdr */
	struct iovec *v = m.msg_iov;
	size_t len = v->iov_len, done = 0;
	ssize_t ret;

	for (;;) {
		ssize_t n = recvmsg(s->fd, &m, (flags & ~MSG_WAITALL) | MSG_DONTWAIT);
		int err;

		if (n > 0 && all && done + (size_t)n < len) {
			done += (size_t)n;
			v->iov_base = (char *)v->iov_base + n;
			v->iov_len -= (size_t)n;
			continue;
		}
		if (n >= 0) {
			ret = (ssize_t)done + n;
			break;
		}
		err = errno == EAGAIN ? sock_wait(t, s, POLLIN, &w) : -errno;
		if (err) {
			ret = done ? (ssize_t)done : err;
			break;
		}
	}
	*hdr = m;
	return ret;
}

/* ---------- the application's side ---------- */

/* Send m's bytes: a stream in pieces of MAX_IO, a datagram whole (past
 * MAX_IO the host says EMSGSIZE).  The control messages go with the
 * first piece. */
static long send_iov(struct task *t, struct socket *s, const struct sock_msg *m, int flags)
{
	size_t len = m->len, done = 0;
	char *buf = malloc(len < MAX_IO ? (len ? len : 1) : MAX_IO);
	long err = buf ? 0 : -ENOMEM;

	while (buf) {
		size_t n = len - done < MAX_IO ? len - done : MAX_IO;
		struct iovec v = { buf, n };
		struct msghdr h = { .msg_name = m->name, .msg_namelen = m->name ? m->namelen : 0,
				    .msg_iov = &v, .msg_iovlen = 1,
				    .msg_control = done ? NULL : m->ctl,
				    .msg_controllen = done ? 0 : m->ctllen };
		ssize_t r = sock_msg_copy(t, m, done, buf, n, false) ? -EFAULT
								     : sock_send(t, s, h, flags);

		if (r < 0) {
			err = done ? 0 : r;     /* what was sent counts */
			break;
		}
		done += (size_t)r;
		if ((size_t)r < n || done == len || s->type != SOCK_STREAM)
			break;
	}
	free(buf);
	return err ? err : (long)done;
}

static bool cmsg_listed(int level, int type)
{
	static const struct { int level, type; } list[] = {
#define HOST_CMSG(level, type) { level, type },
#include "hostnet.def"
	};

	for (size_t i = 0; i < sizeof(list) / sizeof(list[0]); i++)
		if (list[i].level == level && list[i].type == type)
			return true;
	return false;
}

/* The control messages of a message to send (well formed: net/socket.c)
 * must each be of the list; the host checks their sizes and values. */
static long ctl_check(const struct sock_msg *m)
{
	size_t off;

	if (m->ctllen > CTL_MAX)
		return -ENOBUFS;
	for (off = 0; off + sizeof(struct cmsghdr) <= m->ctllen;) {
		const struct cmsghdr *c = (const struct cmsghdr *)(m->ctl + off);

		if (!cmsg_listed(c->cmsg_level, c->cmsg_type))
			return -EINVAL;
		off += CMSG_ALIGN(c->cmsg_len);
	}
	return 0;
}

long hostinet_sendmsg(struct task *t, struct socket *s, struct sock_msg *m, int flags)
{
	long err = m->name ? inet_addr_check(m->name, m->namelen) : 0;

	if (!err)
		err = ctl_check(m);
	return err ? err : send_iov(t, s, m, flags & SEND_FLAGS);
}

/*
 * sendfile(2) from a host file to a host TCP socket as host sendfiles: the
 * bytes go from the file to the socket inside the host kernel, not through
 * a sentry buffer (issue 16: nginx's body was a pread64 and a sendmsg).
 * It waits as sock_send does: a blocking socket takes all len (or up to
 * the end of the file) unless a signal or SO_SNDTIMEO ends the wait, a
 * non-blocking one what fits; what was sent counts, and *pos advances by
 * it.  EPIPE raises SIGPIPE, as Linux's sendfile does.
 */
long sock_sendfile(struct task *t, struct file *f, int in_fd, off_t *pos, size_t len)
{
	struct socket *so = sock_of(f);
	struct sock_wait w;
	struct hsock *s;
	size_t done = 0;

	if (!so || so->ops->sendmsg != hostinet_sendmsg || so->type != SOCK_STREAM)
		return -EOPNOTSUPP;
	s = so->priv;
	w = sock_wait_init(so, f->flags & O_NONBLOCK ? MSG_DONTWAIT : 0, SND);
	while (done < len) {
		ssize_t n = sendfile(s->fd, in_fd, pos, len - done);
		int err;

		if (n > 0) {
			done += (size_t)n;
			continue;
		}
		if (n == 0)
			break;          /* the end of the file */
		err = errno == EAGAIN ? sock_wait(t, s, POLLOUT, &w) : -errno;
		if (!err)
			continue;
		if (done)
			break;
		if (err == -EPIPE)
			send_signal_tg(t->tg, SIGPIPE);
		return err;
	}
	return (long)done;
}

long hostsock_send(struct task *t, struct socket *s, struct sock_msg *m, int flags)
{
	return send_iov(t, s, m, flags & SEND_FLAGS);
}

/* The control messages the host delivered, less any that would carry a
 * host fd or host credentials (SCM_RIGHTS, SCM_CREDENTIALS: never on an
 * inet socket, dropped if they were). */
static size_t ctl_filter(char *ctl, size_t len)
{
	size_t in = 0, out = 0;

	while (in + sizeof(struct cmsghdr) <= len) {
		struct cmsghdr *c = (struct cmsghdr *)(ctl + in);
		size_t step = CMSG_ALIGN(c->cmsg_len) < len - in ? CMSG_ALIGN(c->cmsg_len) : len - in;

		if (c->cmsg_len < sizeof(*c))
			break;
		if (c->cmsg_level != SOL_SOCKET ||
		    (c->cmsg_type != SCM_RIGHTS && c->cmsg_type != SCM_CREDENTIALS)) {
			memmove(ctl + out, c, step);
			out += step;
		}
		in += step;
	}
	return out;
}

/* Receive into m's iovecs (at most MAX_IO bytes), the source into
 * m->name, the host's control messages (filtered) into m->ctl. */
long hostinet_recvmsg(struct task *t, struct socket *s, struct sock_msg *m, int flags)
{
	size_t n = m->len < MAX_IO ? m->len : MAX_IO;
	char *buf = malloc(n ? n : 1);
	struct sockaddr_storage from;
	struct iovec v = { buf, n };
	size_t room = m->ctllen < CTL_MAX ? m->ctllen : CTL_MAX;
	struct msghdr h = { .msg_name = &from, .msg_namelen = sizeof(from),
			    .msg_iov = &v, .msg_iovlen = 1,
			    .msg_control = room ? m->ctl : NULL, .msg_controllen = room };
	ssize_t r = buf ? sock_recv(t, s, &h, flags & RECV_FLAGS) : -ENOMEM;

	/* MSG_TRUNC: the datagram's length, more than was copied */
	if (r > 0 && sock_msg_copy(t, m, 0, buf, (size_t)r < n ? (size_t)r : n, true))
		r = -EFAULT;
	if (m->name)
		memcpy(m->name, &from, sizeof(from));
	m->namelen = h.msg_namelen;
	m->ctllen = room ? ctl_filter(m->ctl, h.msg_controllen) : 0;
	m->rflags = h.msg_flags;
	free(buf);
	return r;
}
