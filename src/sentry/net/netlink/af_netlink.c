/* SPDX-License-Identifier: MIT */
/*
 * AF_NETLINK sockets in the sentry (issue 14, item 3), as Linux's
 * net/netlink/af_netlink.c and gVisor's pkg/sentry/socket/netlink: the
 * application talks to a kernel that is the sentry.  A request is
 * processed whole in sendmsg, as Linux's netlink_rcv_skb does (the
 * dump is built at once, not as the reader drains it), and its replies
 * wait on the socket's queue as datagrams of whole messages for recvmsg,
 * read or poll.  Only NETLINK_ROUTE is served (route.c); other protocols
 * are EPROTONOSUPPORT.  Messages between user sockets and multicast
 * groups are not: a group may be joined and nothing is ever sent to it.
 */
#include <errno.h>
#include <linux/rtnetlink.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>

#include "kernel/waitq.h"
#include "mm/mm.h"
#include "net/netlink/netlink.h"
#include "net/socket.h"

#define CAP_NET_ADMIN 12
/* net.core.rmem_default / wmem_default / rmem_max on Linux */
#define NL_BUF_DEFAULT 212992
#define NL_BUF_MAX 212992
#define NL_RCVBUF_MIN 2304      /* SOCK_MIN_RCVBUF */
#define NL_SNDBUF_MIN 4608      /* SOCK_MIN_SNDBUF */

/* The NETLINK_* options an application may set, as Linux's NETLINK_F_* */
enum {
	NLF_PKTINFO = 1 << 0,
	NLF_BROADCAST_ERROR = 1 << 1,
	NLF_NO_ENOBUFS = 1 << 2,
	NLF_CAP_ACK = 1 << 3,
	NLF_EXT_ACK = 1 << 4,
	NLF_STRICT_CHK = 1 << 5,
};

struct nl_sock {
	pthread_mutex_t lock;
	struct waitq wq;                /* readers, poll and epoll: POLLIN, POLLERR */
	struct nl_dgram *head, *tail;   /* replies not yet read */
	size_t qbytes;
	int err;                        /* reported once by the next recv: ENOBUFS */
	struct socket *sock;
	uint32_t portid, groups;        /* bound address; portid 0: not bound */
	uint32_t dst_portid, dst_group; /* connect()ed */
	unsigned flags;                 /* NLF_* */
	int rcvbuf, sndbuf;
	bool passcred;
	struct nl_sock *next_bound;     /* in bound_socks */
};

/*
 * The port ids in use: one namespace of them per sandbox (the sentry), as
 * one per network namespace in Linux.
 */
static pthread_mutex_t bound_lock = PTHREAD_MUTEX_INITIALIZER;
static struct nl_sock *bound_socks;
static uint32_t rover = (uint32_t)-4096; /* netlink_autobind's, counting down */

static bool portid_used(uint32_t portid)
{
	for (struct nl_sock *n = bound_socks; n; n = n->next_bound)
		if (n->portid == portid)
			return true;
	return false;
}

/* Bind n to portid, or (0) to the process's pid if free, else to a
 * negative number, as netlink_autobind().  n->lock held. */
static int nl_insert(struct task *t, struct nl_sock *n, uint32_t portid)
{
	int err = 0;

	pthread_mutex_lock(&bound_lock);
	if (portid && portid_used(portid)) {
		err = -EADDRINUSE;
	} else if (!portid) {
		portid = (uint32_t)t->tg->pid;
		while (portid_used(portid)) {
			portid = rover--;
			if ((int32_t)rover > -4096)
				rover = (uint32_t)-4096;
		}
	}
	if (!err) {
		n->portid = portid;
		n->next_bound = bound_socks;
		bound_socks = n;
	}
	pthread_mutex_unlock(&bound_lock);
	return err;
}

static void nl_unbind(struct nl_sock *n)
{
	pthread_mutex_lock(&bound_lock);
	for (struct nl_sock **p = &bound_socks; *p; p = &(*p)->next_bound)
		if (*p == n) {
			*p = n->next_bound;
			break;
		}
	pthread_mutex_unlock(&bound_lock);
}

static int nl_autobind(struct task *t, struct nl_sock *n)
{
	return n->portid ? 0 : nl_insert(t, n, 0);
}

/* ---------- addresses ---------- */

static int nl_addr(const struct sockaddr_storage *ss, socklen_t len)
{
	if (len < sizeof(struct sockaddr_nl))
		return -EINVAL;
	return ss->ss_family == AF_NETLINK ? 0 : -EINVAL;
}

static int nl_bind(struct task *t, struct socket *s, const struct sockaddr_storage *ss,
		   socklen_t len)
{
	const struct sockaddr_nl *a = (const struct sockaddr_nl *)ss;
	struct nl_sock *n = s->priv;
	int err = nl_addr(ss, len);

	if (err)
		return err;
	pthread_mutex_lock(&n->lock);
	if (n->portid && a->nl_pid != n->portid)
		err = -EINVAL;          /* bound already, to another port id */
	else if (!n->portid)
		err = nl_insert(t, n, a->nl_pid);
	if (!err)
		n->groups = a->nl_groups;       /* joined; nothing is ever sent there */
	pthread_mutex_unlock(&n->lock);
	return err;
}

/* The kernel (port 0) is the only peer served; AF_UNSPEC disconnects.
 * Sending to a group needs CAP_NET_ADMIN for NETLINK_ROUTE. */
static int nl_connect(struct task *t, struct socket *s, const struct sockaddr_storage *ss,
		      socklen_t len)
{
	const struct sockaddr_nl *a = (const struct sockaddr_nl *)ss;
	struct nl_sock *n = s->priv;
	int err;

	if (len < sizeof(sa_family_t))
		return -EINVAL;
	if (ss->ss_family == AF_UNSPEC) {
		pthread_mutex_lock(&n->lock);
		n->dst_portid = n->dst_group = 0;
		pthread_mutex_unlock(&n->lock);
		return 0;
	}
	err = nl_addr(ss, len);
	if (!err && a->nl_groups && !capable(&t->tg->cred, CAP_NET_ADMIN))
		err = -EPERM;
	pthread_mutex_lock(&n->lock);
	if (!err)
		err = nl_autobind(t, n);
	if (!err) {
		n->dst_portid = a->nl_pid;
		n->dst_group = a->nl_groups;
	}
	pthread_mutex_unlock(&n->lock);
	return err;
}

static int nl_getname(struct task *t, struct socket *s, bool peer, struct sockaddr_storage *ss,
		      socklen_t *len)
{
	struct nl_sock *n = s->priv;
	struct sockaddr_nl *a = (struct sockaddr_nl *)ss;

	(void)t;
	memset(a, 0, sizeof(*a));
	a->nl_family = AF_NETLINK;
	pthread_mutex_lock(&n->lock);
	a->nl_pid = peer ? n->dst_portid : n->portid;
	a->nl_groups = peer ? n->dst_group : n->groups;
	pthread_mutex_unlock(&n->lock);
	*len = sizeof(*a);
	return 0;
}

/* ---------- options ---------- */

static int opt_int_in(struct task *t, uint64_t uval, int len, int *val)
{
	if (len < (int)sizeof(int))
		return -EINVAL;
	return copy_from_user(t->tg->mm, val, uval, sizeof(*val)) ? -EFAULT : 0;
}

/* SO_RCVBUF / SO_SNDBUF: doubled for the kernel's overhead, within limits,
 * as sock_setsockopt() keeps them. */
static int buf_size(int val, int min)
{
	int64_t v = val < 0 ? 0 : val > NL_BUF_MAX ? NL_BUF_MAX : val;

	return v * 2 < min ? min : (int)(v * 2);
}

static int nl_flag_of(int name)
{
	switch (name) {
	case NETLINK_PKTINFO:
		return NLF_PKTINFO;
	case NETLINK_BROADCAST_ERROR:
		return NLF_BROADCAST_ERROR;
	case NETLINK_NO_ENOBUFS:
		return NLF_NO_ENOBUFS;
	case NETLINK_CAP_ACK:
		return NLF_CAP_ACK;
	case NETLINK_EXT_ACK:
		return NLF_EXT_ACK;
	case NETLINK_GET_STRICT_CHK:
		return NLF_STRICT_CHK;
	}
	return 0;
}

static int sol_netlink_set(struct task *t, struct nl_sock *n, int name, int val)
{
	int flag = nl_flag_of(name);

	switch (name) {
	case NETLINK_ADD_MEMBERSHIP:
	case NETLINK_DROP_MEMBERSHIP:
		/* RTNLGRP_MAX groups; joining needs nothing for NETLINK_ROUTE */
		if (val <= 0 || val > RTNLGRP_MAX)
			return -EINVAL;
		if (val <= 32)
			n->groups = name == NETLINK_ADD_MEMBERSHIP ? n->groups | 1u << (val - 1)
								   : n->groups & ~(1u << (val - 1));
		return nl_autobind(t, n);
	case NETLINK_LISTEN_ALL_NSID:
		return -EPERM;          /* CAP_NET_BROADCAST, which the sandbox never has */
	}
	if (!flag)
		return -ENOPROTOOPT;
	n->flags = val ? n->flags | (unsigned)flag : n->flags & ~(unsigned)flag;
	return 0;
}

static int sol_socket_set(struct task *t, struct nl_sock *n, int name, int val)
{
	switch (name) {
	case SO_RCVBUF:
		n->rcvbuf = buf_size(val, NL_RCVBUF_MIN);
		return 0;
	case SO_SNDBUF:
		n->sndbuf = buf_size(val, NL_SNDBUF_MIN);
		return 0;
	case SO_RCVBUFFORCE:
	case SO_SNDBUFFORCE:
		if (!capable(&t->tg->cred, CAP_NET_ADMIN))
			return -EPERM;
		return sol_socket_set(t, n, name == SO_RCVBUFFORCE ? SO_RCVBUF : SO_SNDBUF, val);
	case SO_PASSCRED:
		n->passcred = val != 0;
		return 0;
	}
	return -ENOPROTOOPT;
}

static int nl_setsockopt(struct task *t, struct socket *s, int level, int name, uint64_t uval,
			 int len)
{
	struct nl_sock *n = s->priv;
	int val, err;

	if (level == SOL_SOCKET && (name == SO_RCVTIMEO || name == SO_SNDTIMEO))
		return sock_setsockopt_timeo(t, s, name, uval, len);  /* a send never waits here */
	if (level != SOL_SOCKET && level != SOL_NETLINK)
		return -ENOPROTOOPT;
	/* netlink_setsockopt() takes a short value as 0; sock_setsockopt() not */
	val = 0;
	err = level == SOL_NETLINK && len < (int)sizeof(int) ? 0 : opt_int_in(t, uval, len, &val);
	if (err)
		return err;
	pthread_mutex_lock(&n->lock);
	err = level == SOL_SOCKET ? sol_socket_set(t, n, name, val)
				  : sol_netlink_set(t, n, name, val);
	pthread_mutex_unlock(&n->lock);
	return err;
}

/* The value of an int option, -ENOPROTOOPT if it is not one. */
static int sol_get(struct nl_sock *n, int level, int name, int *val)
{
	if (level == SOL_NETLINK) {
		int flag = nl_flag_of(name);

		*val = !!(n->flags & (unsigned)flag);
		return flag ? 0 : -ENOPROTOOPT;
	}
	switch (level == SOL_SOCKET ? name : -1) {
	case SO_TYPE:
		*val = n->sock->type;
		return 0;
	case SO_DOMAIN:
		*val = AF_NETLINK;
		return 0;
	case SO_PROTOCOL:
		*val = n->sock->protocol;
		return 0;
	case SO_RCVBUF:
		*val = n->rcvbuf;
		return 0;
	case SO_SNDBUF:
		*val = n->sndbuf;
		return 0;
	case SO_PASSCRED:
		*val = n->passcred;
		return 0;
	case SO_ACCEPTCONN:
		*val = 0;
		return 0;
	case SO_ERROR:
		*val = n->err;
		n->err = 0;
		return 0;
	}
	return -ENOPROTOOPT;
}

static int nl_getsockopt(struct task *t, struct socket *s, int level, int name, uint64_t uval,
			 uint64_t ulen)
{
	struct nl_sock *n = s->priv;
	int room, val = 0, err;
	socklen_t len = sizeof(val);

	if (copy_from_user(t->tg->mm, &room, ulen, sizeof(room)))
		return -EFAULT;
	if (room < 0)
		return -EINVAL;
	if (level == SOL_SOCKET && (name == SO_RCVTIMEO || name == SO_SNDTIMEO)) {
		int64_t ns = __atomic_load_n(&s->timeo[name == SO_RCVTIMEO ? RCV : SND],
					     __ATOMIC_RELAXED);
		struct timeval tv = { ns > 0 ? ns / 1000000000 : 0,
				      ns > 0 ? ns % 1000000000 / 1000 : 0 };

		len = (socklen_t)room < sizeof(tv) ? (socklen_t)room : sizeof(tv);
		return copy_to_user(t->tg->mm, uval, &tv, len) ||
		       copy_to_user(t->tg->mm, ulen, &len, sizeof(len)) ? -EFAULT : 0;
	}
	pthread_mutex_lock(&n->lock);
	err = sol_get(n, level, name, &val);
	pthread_mutex_unlock(&n->lock);
	if (err)
		return err;
	/* a NETLINK_* option needs room for an int, as netlink_getsockopt */
	if (level == SOL_NETLINK && room < (int)sizeof(int))
		return -EINVAL;
	len = (socklen_t)room < len ? (socklen_t)room : len;
	return copy_to_user(t->tg->mm, uval, &val, len) ||
	       copy_to_user(t->tg->mm, ulen, &len, sizeof(len)) ? -EFAULT : 0;
}

/* ---------- requests ---------- */

/*
 * The messages of one datagram, as netlink_rcv_skb(): a message that is
 * shorter than its header or longer than what is left ends the datagram
 * unanswered; one that is not a request, or is a control message, is only
 * acknowledged if asked; each request's error, or its NLM_F_ACK, is
 * answered with an NLMSG_ERROR.
 */
static void nl_process(struct task *t, struct nl_sock *n, const char *buf, size_t len,
		       struct nl_reply *r)
{
	bool strict = n->flags & NLF_STRICT_CHK, cap_ack = n->flags & NLF_CAP_ACK;

	while (len >= NLMSG_HDRLEN) {
		const struct nlmsghdr *h = (const struct nlmsghdr *)buf;
		size_t step = NLMSG_ALIGN(h->nlmsg_len);
		int err = 0;

		if (h->nlmsg_len < NLMSG_HDRLEN || h->nlmsg_len > len)
			return;
		if ((h->nlmsg_flags & NLM_F_REQUEST) && h->nlmsg_type >= NLMSG_MIN_TYPE)
			err = rtnl_request(t, h, strict, r);
		if (err != NL_DUMPED && (err || (h->nlmsg_flags & NLM_F_ACK)))
			nl_ack(r, h, err, cap_ack);
		step = step < len ? step : len;
		buf += step;
		len -= step;
	}
}

/*
 * The replies to the queue.  A full queue drops them, as netlink_overrun()
 * does, and the next receive says ENOBUFS (unless NETLINK_NO_ENOBUFS); an
 * empty queue takes any size, as a dump always goes on once read.
 */
static void nl_queue(struct nl_sock *n, struct nl_reply *r)
{
	bool woke = false;

	pthread_mutex_lock(&n->lock);
	if (r->err || (n->qbytes && n->qbytes + r->bytes > (size_t)n->rcvbuf)) {
		if (!(n->flags & NLF_NO_ENOBUFS)) {
			n->err = ENOBUFS;
			woke = true;
		}
	} else if (r->first) {
		if (n->tail)
			n->tail->next = r->first;
		else
			n->head = r->first;
		n->tail = r->last;
		n->qbytes += r->bytes;
		r->first = r->last = NULL;
		woke = true;
	}
	pthread_mutex_unlock(&n->lock);
	if (woke)
		waitq_wake(&n->wq, POLLIN | POLLRDNORM | POLLERR);
	nl_reply_free(r);
}

/* The message's bytes into one sentry buffer. */
static char *msg_copy_in(struct task *t, const struct sock_msg *m, long *err)
{
	char *buf = malloc(m->len ? m->len : 1);

	*err = buf ? sock_msg_copy(t, m, 0, buf, m->len, false) : -ENOMEM;
	if (*err) {
		free(buf);
		return NULL;
	}
	return buf;
}

/* Where a message goes: the kernel, unless named otherwise. */
static long nl_dest(struct task *t, struct nl_sock *n, const struct sock_msg *m)
{
	const struct sockaddr_nl *a = (const struct sockaddr_nl *)m->name;
	uint32_t portid = n->dst_portid, group = n->dst_group;

	if (m->name && m->namelen) {
		if (nl_addr(m->name, m->namelen))
			return -EINVAL;
		portid = a->nl_pid;
		group = a->nl_groups;
	}
	if (group && !capable(&t->tg->cred, CAP_NET_ADMIN))
		return -EPERM;
	/* no other socket in the sandbox is a netlink server */
	return portid ? -ECONNREFUSED : 0;
}

static long nl_sendmsg(struct task *t, struct socket *s, struct sock_msg *m, int flags)
{
	struct nl_sock *n = s->priv;
	struct nl_reply r = { .portid = 0 };
	long err = flags & MSG_OOB ? -EOPNOTSUPP : nl_dest(t, n, m);
	char *buf;

	if (err)
		return err;
	pthread_mutex_lock(&n->lock);
	if (m->len > (size_t)n->sndbuf - 32)
		err = -EMSGSIZE;
	else
		err = nl_autobind(t, n);
	r.portid = n->portid;
	pthread_mutex_unlock(&n->lock);
	if (err)
		return err;
	buf = msg_copy_in(t, m, &err);
	if (!buf)
		return err;
	nl_process(t, n, buf, m->len, &r);
	free(buf);
	nl_queue(n, &r);
	return (long)m->len;
}

/* ---------- replies ---------- */

/* A control message into m->ctl (room in m->ctllen); MSG_CTRUNC if none left. */
static void put_cmsg(struct sock_msg *m, size_t *used, int level, int type, const void *data,
		     size_t len)
{
	struct cmsghdr c = { .cmsg_len = CMSG_LEN(len), .cmsg_level = level, .cmsg_type = type };

	if (!m->ctl || m->ctllen - *used < CMSG_SPACE(len)) {
		m->rflags |= MSG_CTRUNC;
		return;
	}
	memcpy(m->ctl + *used, &c, sizeof(c));
	memcpy(m->ctl + *used + CMSG_LEN(0), data, len);
	*used += CMSG_SPACE(len);
}

/* What Linux adds to a message the kernel sent: its pid and ids are 0. */
static void nl_cmsgs(struct nl_sock *n, struct sock_msg *m)
{
	size_t used = 0;

	if (n->flags & NLF_PKTINFO) {
		struct nl_pktinfo info = { .group = 0 };

		put_cmsg(m, &used, SOL_NETLINK, NETLINK_PKTINFO, &info, sizeof(info));
	}
	if (n->passcred) {
		struct ucred cred = { 0, 0, 0 };

		put_cmsg(m, &used, SOL_SOCKET, SCM_CREDENTIALS, &cred, sizeof(cred));
	}
	m->ctllen = used;
}

/*
 * Sleep (n->lock held, dropped meanwhile) until the queue changes: a
 * signal restarts a call that waits for ever and interrupts one that
 * SO_RCVTIMEO bounds (sock_intr_errno); its time out is EAGAIN.
 */
static int nl_sleep(struct task *t, struct nl_sock *n, const struct timespec *end)
{
	struct wait_entry e;
	int err;

	wait_entry_task(&e, t, POLLIN | POLLERR);
	task_prepare_wait(t);
	waitq_add(&n->wq, &e);
	pthread_mutex_unlock(&n->lock);
	err = task_block(t, end, NULL, 0);
	waitq_remove(&n->wq, &e);
	pthread_mutex_lock(&n->lock);
	if (err == -ETIMEDOUT)
		return -EAGAIN;
	if (err == -ERESTARTSYS && end)
		return -EINTR;
	return err < 0 ? err : 0;
}

/* The first datagram, n->lock held: waiting for one unless told not to
 * (MSG_DONTWAIT, which the socket layer adds for O_NONBLOCK). */
static int nl_wait_dgram(struct task *t, struct nl_sock *n, int flags)
{
	struct sock_wait w = sock_wait_init(n->sock, flags, RCV);

	for (;;) {
		const struct timespec *end;
		int err = -n->err;      /* first, as __skb_try_recv_datagram() */

		n->err = 0;
		if (err || n->head)
			return err;
		err = sock_wait_deadline(&w, &end);
		if (!err)
			err = nl_sleep(t, n, end);
		if (err)
			return err;
	}
}

static long nl_recvmsg(struct task *t, struct socket *s, struct sock_msg *m, int flags)
{
	struct nl_sock *n = s->priv;
	struct sockaddr_nl *from = (struct sockaddr_nl *)m->name;
	struct nl_dgram *d;
	size_t len;
	long ret;

	if (flags & MSG_OOB)
		return -EOPNOTSUPP;
	pthread_mutex_lock(&n->lock);
	ret = nl_wait_dgram(t, n, flags);
	if (ret) {
		pthread_mutex_unlock(&n->lock);
		return ret;
	}
	d = n->head;
	len = d->len < m->len ? d->len : m->len;
	/* a failed copy keeps the datagram: bad input loses nothing */
	ret = sock_msg_copy(t, m, 0, d->data, len, true);
	if (!ret && !(flags & MSG_PEEK)) {
		n->head = d->next;
		if (!n->head)
			n->tail = NULL;
		n->qbytes -= d->len;
	}
	if (!ret) {
		m->rflags = d->len > m->len ? MSG_TRUNC : 0;
		ret = (long)(flags & MSG_TRUNC ? d->len : len);
		if (!(flags & MSG_PEEK))
			free(d);
		nl_cmsgs(n, m);
	}
	pthread_mutex_unlock(&n->lock);
	if (from) {
		memset(from, 0, sizeof(*from));
		from->nl_family = AF_NETLINK;   /* from the kernel: port 0, no group */
		m->namelen = sizeof(*from);
	}
	return ret;
}

/* ---------- the socket as a file ---------- */

static short nl_poll(struct socket *s, short events, struct poll_table *pt)
{
	struct nl_sock *n = s->priv;
	short mask = POLLOUT | POLLWRNORM;

	poll_wait(pt, &n->wq, (uint32_t)events | POLLERR);
	pthread_mutex_lock(&n->lock);
	if (n->head)
		mask |= POLLIN | POLLRDNORM;
	if (n->err)
		mask |= POLLERR;
	pthread_mutex_unlock(&n->lock);
	return mask & (events | POLLERR | POLLHUP);
}

static void nl_release(struct socket *s)
{
	struct nl_sock *n = s->priv;
	struct nl_reply r = { .first = n->head };

	nl_unbind(n);
	waitq_release(&n->wq);
	nl_reply_free(&r);
	pthread_mutex_destroy(&n->lock);
	free(n);
}

static const struct proto_ops netlink_ops = {
	.family = AF_NETLINK,
	.bind = nl_bind,
	.connect = nl_connect,
	.getname = nl_getname,
	.setsockopt = nl_setsockopt,
	.getsockopt = nl_getsockopt,
	.sendmsg = nl_sendmsg,
	.recvmsg = nl_recvmsg,
	.poll = nl_poll,
	.release = nl_release,
};

/* socket(AF_NETLINK, SOCK_RAW or SOCK_DGRAM, NETLINK_ROUTE), as
 * netlink_create(): another type is ESOCKTNOSUPPORT, another protocol
 * EPROTONOSUPPORT (Linux would load a module for some). */
static int netlink_create(struct task *t, struct socket *s, int type, int protocol)
{
	struct nl_sock *n;

	(void)t;
	if (type != SOCK_RAW && type != SOCK_DGRAM)
		return -ESOCKTNOSUPPORT;
	if (protocol != NETLINK_ROUTE)
		return -EPROTONOSUPPORT;
	n = calloc(1, sizeof(*n));
	if (!n)
		return -ENOMEM;
	pthread_mutex_init(&n->lock, NULL);
	waitq_init(&n->wq);
	n->sock = s;
	n->rcvbuf = n->sndbuf = NL_BUF_DEFAULT;
	s->ops = &netlink_ops;
	s->priv = n;
	return 0;
}

static const struct net_proto_family netlink_family = {
	.family = AF_NETLINK,
	.create = netlink_create,
};

__attribute__((constructor)) static void netlink_register(void)
{
	sock_register(&netlink_family);
}
