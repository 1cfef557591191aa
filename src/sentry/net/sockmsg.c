/* SPDX-License-Identifier: MIT */
/*
 * Data on host-mode inet sockets: send and recv in all their forms (to and
 * from, msg, mmsg), and the socket's read and write.
 *
 * The application's buffers, iovecs, addresses and control messages are
 * copied into the sentry (issue 12, finding 3): the host sends from and
 * receives into the sentry's buffers, with a msghdr the sentry built, and
 * never sees an application pointer.  A control message to send must be
 * one of common/hostnet.def's (values only); those the host delivers go
 * to the application as they are, but any that would carry a host fd or
 * host credentials (never on an inet socket) is dropped.
 */
#include <errno.h>
#include <limits.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <poll.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include "mm/mm.h"
#include "net/hostinet.h"
#include "net/net.h"

/* flags passed to the host; others are dropped */
#define SEND_FLAGS (MSG_DONTWAIT | MSG_NOSIGNAL | MSG_MORE | MSG_EOR | MSG_OOB | MSG_CONFIRM)
#define RECV_FLAGS (MSG_DONTWAIT | MSG_PEEK | MSG_TRUNC | MSG_WAITALL | MSG_OOB | MSG_ERRQUEUE)
#define CTL_MAX 1024            /* control bytes per message (gVisor's maxControlLen) */
#define MAX_RW 0x7ffff000L      /* MAX_RW_COUNT */

/* ---------- the host calls, with waiting ---------- */

/*
 * Send a message of sentry buffers (one iovec).  A blocking stream socket
 * takes all of it, as tcp_sendmsg waits for room, unless a signal or
 * SO_SNDTIMEO ends the wait (then what was sent counts).
 */
static ssize_t sock_send(struct task *t, struct file *f, struct msghdr m, int flags)
{
	struct hsock *s = f->priv;
	struct sock_wait w = wait_init(f, s, flags, SND);
	struct iovec *v = m.msg_iov;
	size_t len = v->iov_len, done = 0;

	for (;;) {
		ssize_t n = sendmsg(s->fd, &m, flags | MSG_DONTWAIT | MSG_NOSIGNAL);
		int err;

		if (n >= 0) {
			done += (size_t)n;
			if (done == len || s->type != SOCK_STREAM || !w.wait)
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
static ssize_t sock_recv(struct task *t, struct file *f, struct msghdr *hdr, int flags)
{
	struct hsock *s = f->priv;
	struct sock_wait w = wait_init(f, s, flags & MSG_ERRQUEUE ? MSG_DONTWAIT : flags, RCV);
	bool all = (flags & MSG_WAITALL) && s->type == SOCK_STREAM && !(flags & MSG_PEEK);
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

/* Copy len bytes at offset off of the application's iovecs to or from buf. */
static int iov_copy(struct task *t, const struct iovec *iov, size_t cnt, size_t off, char *buf,
		    size_t len, bool to_user)
{
	for (size_t i = 0; i < cnt && len; i++) {
		size_t n;

		if (off >= iov[i].iov_len) {
			off -= iov[i].iov_len;
			continue;
		}
		n = iov[i].iov_len - off < len ? iov[i].iov_len - off : len;
		if (to_user ? copy_to_user(t->tg->mm, (uint64_t)iov[i].iov_base + off, buf, n)
			    : copy_from_user(t->tg->mm, buf, (uint64_t)iov[i].iov_base + off, n))
			return -EFAULT;
		buf += n;
		len -= n;
		off = 0;
	}
	return 0;
}

/* Send len bytes of the application's iovecs: a stream in pieces of
 * MAX_IO, a datagram whole (past MAX_IO the host says EMSGSIZE).  The
 * control messages go with the first piece. */
static long send_iov(struct task *t, struct file *f, const struct iovec *iov, size_t cnt,
		     size_t len, int flags, struct sockaddr_storage *to, socklen_t tolen,
		     void *ctl, size_t ctllen)
{
	struct hsock *s = f->priv;
	char *buf = malloc(len < MAX_IO ? (len ? len : 1) : MAX_IO);
	size_t done = 0;
	long err = buf ? 0 : -ENOMEM;

	while (buf) {
		size_t n = len - done < MAX_IO ? len - done : MAX_IO;
		struct iovec v = { buf, n };
		struct msghdr m = { .msg_name = to, .msg_namelen = to ? tolen : 0,
				    .msg_iov = &v, .msg_iovlen = 1,
				    .msg_control = done ? NULL : ctl,
				    .msg_controllen = done ? 0 : ctllen };
		ssize_t r = iov_copy(t, iov, cnt, done, buf, n, false) ? -EFAULT
								       : sock_send(t, f, m, flags);

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

/* What a receive brought besides the data. */
struct recv_info {
	struct sockaddr_storage from;
	socklen_t fromlen;
	_Alignas(struct cmsghdr) char ctl[CTL_MAX];
	size_t ctllen;                  /* in: room; out: bytes */
	int flags;                      /* msg_flags */
};

/* Receive into the application's iovecs (at most MAX_IO bytes). */
static long recv_iov(struct task *t, struct file *f, const struct iovec *iov, size_t cnt,
		     size_t len, int flags, struct recv_info *ri)
{
	size_t n = len < MAX_IO ? len : MAX_IO;
	char *buf = malloc(n ? n : 1);
	struct iovec v = { buf, n };
	struct msghdr m = { .msg_name = &ri->from, .msg_namelen = sizeof(ri->from),
			    .msg_iov = &v, .msg_iovlen = 1,
			    .msg_control = ri->ctllen ? ri->ctl : NULL,
			    .msg_controllen = ri->ctllen };
	ssize_t r = buf ? sock_recv(t, f, &m, flags) : -ENOMEM;

	/* MSG_TRUNC: the datagram's length, more than was copied */
	if (r > 0 && iov_copy(t, iov, cnt, 0, buf, (size_t)r < n ? (size_t)r : n, true))
		r = -EFAULT;
	ri->fromlen = m.msg_namelen;
	ri->ctllen = m.msg_controllen;
	ri->flags = m.msg_flags;
	free(buf);
	return r;
}

long sock_sendto(struct task *t, struct file *f, uint64_t buf, size_t len, int flags,
		 struct sockaddr_storage *to, socklen_t tolen)
{
	struct iovec iov = { (void *)buf, len < MAX_RW ? len : MAX_RW };

	return send_iov(t, f, &iov, 1, iov.iov_len, flags & SEND_FLAGS, to, tolen, NULL, 0);
}

long sock_recvfrom(struct task *t, struct file *f, uint64_t buf, size_t len, int flags,
		   struct sockaddr_storage *from, socklen_t *fromlen)
{
	struct iovec iov = { (void *)buf, len };
	struct recv_info ri = { .ctllen = 0 };
	long ret = recv_iov(t, f, &iov, 1, iov.iov_len, flags & RECV_FLAGS, &ri);

	*from = ri.from;
	*fromlen = ri.fromlen;
	return ret;
}

/* ---------- sendmsg, recvmsg ---------- */

/* The application's msghdr, and its iovec array, copied. */
struct umsg {
	struct msghdr h;        /* its pointers are the application's: read, never passed */
	struct iovec *iov;
	size_t len;             /* all the iovecs' bytes, at most MAX_RW */
};

/* Copy and check a msghdr and its iovecs, as copy_msghdr_from_user and
 * import_iovec do: EMSGSIZE past UIO_MAXIOV iovecs, EINVAL for a negative
 * length, EFAULT for a range outside the application's memory. */
static long msg_in(struct task *t, uint64_t umsg, struct umsg *m)
{
	size_t cnt;

	m->iov = NULL;
	m->len = 0;
	if (copy_from_user(t->tg->mm, &m->h, umsg, sizeof(m->h)))
		return -EFAULT;
	cnt = m->h.msg_iovlen;
	if (cnt > IOV_MAX)
		return -EMSGSIZE;
	m->iov = calloc(cnt ? cnt : 1, sizeof(*m->iov));
	if (!m->iov)
		return -ENOMEM;
	if (copy_from_user(t->tg->mm, m->iov, (uint64_t)m->h.msg_iov, cnt * sizeof(*m->iov)))
		return -EFAULT;
	for (size_t i = 0; i < cnt; i++) {
		if ((ssize_t)m->iov[i].iov_len < 0)
			return -EINVAL;
		if (!access_ok((uint64_t)m->iov[i].iov_base, m->iov[i].iov_len))
			return -EFAULT;
		if (m->iov[i].iov_len > (size_t)MAX_RW - m->len)
			m->iov[i].iov_len = (size_t)MAX_RW - m->len;
		m->len += m->iov[i].iov_len;
	}
	return 0;
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

/* The control messages of a message to send: copied, well formed
 * (CMSG_OK), each of the list; the host checks their sizes and values. */
static long ctl_in(struct task *t, uint64_t uctl, size_t ulen, char *ctl, size_t *len)
{
	size_t off;

	*len = ulen;
	if (!*len)
		return 0;
	if (*len > CTL_MAX)
		return -ENOBUFS;
	if (copy_from_user(t->tg->mm, ctl, uctl, *len))
		return -EFAULT;
	for (off = 0; off + sizeof(struct cmsghdr) <= *len;) {
		struct cmsghdr *c = (struct cmsghdr *)(ctl + off);

		if (c->cmsg_len < sizeof(*c) || c->cmsg_len > *len - off ||
		    !cmsg_listed(c->cmsg_level, c->cmsg_type))
			return -EINVAL;
		off += CMSG_ALIGN(c->cmsg_len);
	}
	return 0;
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

/* One sendmsg: the count sent. */
long sock_sendmsg(struct task *t, struct file *f, uint64_t umsg, int flags)
{
	_Alignas(struct cmsghdr) char ctl[CTL_MAX];
	struct sockaddr_storage ss;
	size_t ctllen = 0;
	socklen_t namelen;
	struct umsg m;
	long err = msg_in(t, umsg, &m);

	/* Linux cuts a long name to a sockaddr_storage */
	namelen = m.h.msg_namelen < sizeof(ss) ? m.h.msg_namelen : sizeof(ss);
	if (!err && m.h.msg_name && namelen)
		err = addr_in(t, (uint64_t)m.h.msg_name, namelen, &ss);
	if (!err)
		err = ctl_in(t, (uint64_t)m.h.msg_control, m.h.msg_controllen, ctl, &ctllen);
	if (!err)
		err = send_iov(t, f, m.iov, m.h.msg_iovlen, m.len, flags & SEND_FLAGS,
			       m.h.msg_name && namelen ? &ss : NULL, namelen, ctl, ctllen);
	free(m.iov);
	return err;
}

/* Give the application what a recvmsg brought: the address (cut to its
 * room, its length whole, as move_addr_to_user), the control messages,
 * the flags. */
static long msg_out(struct task *t, uint64_t umsg, const struct umsg *m, struct recv_info *ri)
{
	struct mm *mm = t->tg->mm;
	size_t ctllen = ctl_filter(ri->ctl, ri->ctllen);

	if (m->h.msg_name &&
	    (copy_to_user(mm, (uint64_t)m->h.msg_name, &ri->from,
			  m->h.msg_namelen < ri->fromlen ? m->h.msg_namelen : ri->fromlen) ||
	     copy_to_user(mm, umsg + offsetof(struct msghdr, msg_namelen), &ri->fromlen,
			  sizeof(ri->fromlen))))
		return -EFAULT;
	if (ctllen && copy_to_user(mm, (uint64_t)m->h.msg_control, ri->ctl, ctllen))
		return -EFAULT;
	if (copy_to_user(mm, umsg + offsetof(struct msghdr, msg_controllen), &ctllen,
			 sizeof(ctllen)) ||
	    copy_to_user(mm, umsg + offsetof(struct msghdr, msg_flags), &ri->flags,
			 sizeof(ri->flags)))
		return -EFAULT;
	return 0;
}

/* One recvmsg: the count received. */
long sock_recvmsg(struct task *t, struct file *f, uint64_t umsg, int flags)
{
	struct recv_info *ri = malloc(sizeof(*ri));
	struct umsg m = { .iov = NULL };
	long ret = ri ? msg_in(t, umsg, &m) : -ENOMEM;

	if (!ret) {
		ri->ctllen = m.h.msg_controllen < CTL_MAX ? m.h.msg_controllen : CTL_MAX;
		ret = recv_iov(t, f, m.iov, m.h.msg_iovlen, m.len, flags & RECV_FLAGS, ri);
	}
	if (ret >= 0) {
		long err = msg_out(t, umsg, &m, ri);

		ret = err ? err : ret;
	}
	free(m.iov);
	free(ri);
	return ret;
}

/* ---------- the socket as a file ---------- */

ssize_t sock_read(struct task *t, struct file *f, void *buf, size_t len, off_t *pos)
{
	struct iovec v = { buf, len };
	struct msghdr m = { .msg_iov = &v, .msg_iovlen = 1 };

	(void)pos;
	return sock_recv(t, f, &m, 0);
}

ssize_t sock_write(struct task *t, struct file *f, const void *buf, size_t len, off_t *pos)
{
	struct iovec v = { (void *)buf, len };
	struct msghdr m = { .msg_iov = &v, .msg_iovlen = 1 };

	(void)pos;
	return sock_send(t, f, m, 0);
}

/* readv and writev: one message, as recvmsg and sendmsg without flags */
long sock_rw_iov(struct task *t, struct file *f, const struct iovec *iov, size_t cnt, bool write)
{
	struct recv_info ri = { .ctllen = 0 };
	size_t len = 0;

	for (size_t i = 0; i < cnt; i++)
		len += iov[i].iov_len < (size_t)MAX_RW - len ? iov[i].iov_len : (size_t)MAX_RW - len;
	return write ? send_iov(t, f, iov, cnt, len, 0, NULL, 0, NULL, 0)
		     : recv_iov(t, f, iov, cnt, len, 0, &ri);
}
