/* SPDX-License-Identifier: MIT */
/*
 * AF_UNIX, the family (Linux's af_unix.c; see unix.h for the files and the
 * locking): socket(), socketpair(), listen, connect, accept, shutdown,
 * release, poll, SOL_SOCKET options and the queue ioctls.
 *
 * A connection is made as Linux makes it: connect() creates the server's
 * side at once (an "embryo", a unix_sock without a socket), joins it to
 * the client and queues it on the listener; accept() gives it a socket.
 * The client is connected, and may send, before it is accepted.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/sockios.h>

#include "mm/mm.h"
#include "net/net.h"
#include "net/unix/unix.h"

#define SOMAXCONN_DEF 4096              /* net.core.somaxconn */

pthread_mutex_t unix_lock = PTHREAD_MUTEX_INITIALIZER;
struct unix_sock *unix_all;

static const struct proto_ops unix_ops;

/* ---------- sockets and their lifetime ---------- */

struct unix_sock *unix_sock_new(int type, const struct creds *c)
{
	struct unix_sock *u = calloc(1, sizeof(*u));

	(void)c;
	if (!u)
		return NULL;
	u->host.fd = -1;
	u->refs = 1;
	u->type = type;
	u->sndbuf = u->rcvbuf = UNIX_DEF_BUF;
	u->peercred = (struct ucred){ 0, (uid_t)-1, (gid_t)-1 };  /* overflow ids: no peer */
	pthread_mutex_init(&u->iolock, NULL);
	waitq_init(&u->wq);
	pthread_mutex_lock(&unix_lock);
	u->all_next = unix_all;
	if (unix_all)
		unix_all->all_prev = u;
	unix_all = u;
	pthread_mutex_unlock(&unix_lock);
	return u;
}

void unix_sock_put(struct unix_sock *u)
{
	if (--u->refs)
		return;
	if (u->all_prev)
		u->all_prev->all_next = u->all_next;
	else
		unix_all = u->all_next;
	if (u->all_next)
		u->all_next->all_prev = u->all_prev;
	waitq_release(&u->wq);
	pthread_mutex_destroy(&u->iolock);
	free(u->addr);
	free(u->host_peer);
	free(u);
}

/* The credentials a message carries (SCM_CREDENTIALS: the real ids) and
 * those SO_PEERCRED shows (the effective ones, mycred below). */
void unix_cred_of(struct task *t, struct ucred *uc)
{
	*uc = (struct ucred){ t->tg->pid, t->tg->cred.uid, t->tg->cred.gid };
}

static void peercred_of(struct task *t, struct ucred *uc)
{
	*uc = (struct ucred){ t->tg->pid, t->tg->cred.euid, t->tg->cred.egid };
}

void unix_wake(struct unix_sock *u, uint32_t events)
{
	waitq_wake(&u->wq, events);
}

int unix_sleep(struct task *t, struct unix_sock *u, const struct sock_wait *w, uint32_t events)
{
	const struct timespec *dl;
	struct wait_entry e;
	int err = sock_wait_deadline(w, &dl);

	if (err)
		return err;
	wait_entry_task(&e, t, events | POLLHUP | POLLERR);
	task_prepare_wait(t);
	waitq_add(&u->wq, &e);
	pthread_mutex_unlock(&unix_lock);
	err = task_block(t, dl, NULL, 0);
	wait_entry_detach(&e);
	pthread_mutex_lock(&unix_lock);
	if (err == -ETIMEDOUT)
		return -EAGAIN;
	if (err == -ERESTARTSYS && dl)
		return -EINTR;          /* sock_intr_errno: a timeout never restarts */
	return err < 0 ? err : 0;
}

/*
 * u goes away (its socket closed, or an embryo with its listener): its
 * name, its queue, its peer's link.  A stream peer sees the end (both
 * directions shut) and ECONNRESET if u left data unread, as
 * unix_release_sock().  unix_lock held; the queue to free goes to *q.
 */
static void unix_release_sock(struct unix_sock *u, bool embryo, struct unix_skb **q)
{
	struct unix_sock *peer = u->peer, *e;
	struct unix_skb *mine = unix_queue_take(u), **tail = q;
	bool unread = mine != NULL;

	u->dead = true;
	u->sock = NULL;
	unix_unbind(u);
	while (*tail)
		tail = &(*tail)->next;
	*tail = mine;
	while ((e = u->acc_head)) {             /* a listener's pending connections */
		u->acc_head = e->acc_next;
		unix_release_sock(e, true, q);
	}
	u->acc_tail = NULL;
	u->nacc = 0;
	u->rcv_shut = u->snd_shut = true;
	u->peer = NULL;
	if (peer) {
		if (u->type != SOCK_DGRAM) {
			peer->rcv_shut = peer->snd_shut = true;
			if (unread || embryo)
				peer->err = ECONNRESET;
		}
		unix_wake(peer, POLLIN | POLLOUT | POLLHUP | POLLERR | POLLRDHUP);
		unix_sock_put(peer);
	}
	unix_wake(u, POLLIN | POLLOUT | POLLHUP | POLLERR);
	unix_sock_put(u);
}

static void unix_release(struct socket *s)
{
	struct unix_skb *q = NULL;

	if (unix_host_fd(unix_sk(s)) >= 0)
		close(unix_host_fd(unix_sk(s)));
	pthread_mutex_lock(&unix_lock);
	unix_release_sock(unix_sk(s), false, &q);
	pthread_mutex_unlock(&unix_lock);
	unix_skb_free_list(q);
	unix_gc();              /* files in flight may have become unreachable */
}

/* ---------- socket(), socketpair() ---------- */

static int unix_attach(struct socket *s, struct unix_sock *u)
{
	if (!u)
		return -ENOMEM;
	u->sock = s;
	s->priv = u;
	s->ops = &unix_ops;
	return 0;
}

static int unix_create(struct task *t, struct socket *s, int type, int protocol)
{
	if (protocol && protocol != PF_UNIX)
		return -EPROTONOSUPPORT;
	if (type == SOCK_RAW)
		type = SOCK_DGRAM;      /* as Linux */
	if (type != SOCK_STREAM && type != SOCK_DGRAM && type != SOCK_SEQPACKET)
		return -ESOCKTNOSUPPORT;
	s->type = type;
	s->protocol = 0;                /* SO_PROTOCOL: Linux never keeps PF_UNIX */
	return unix_attach(s, unix_sock_new(type, &t->tg->cred));
}

static int unix_socketpair(struct task *t, struct socket *a, struct socket *b)
{
	struct unix_sock *ua = unix_sk(a), *ub = unix_sk(b);
	struct ucred c;

	peercred_of(t, &c);
	pthread_mutex_lock(&unix_lock);
	ua->peer = ub;
	ub->peer = ua;
	ua->refs++;
	ub->refs++;
	ua->state = ub->state = US_CONNECTED;
	ua->peercred = ub->peercred = ua->mycred = ub->mycred = c;
	ua->has_peercred = ub->has_peercred = true;
	pthread_mutex_unlock(&unix_lock);
	return 0;
}

/* ---------- listen, connect, accept ---------- */

static int unix_listen(struct task *t, struct socket *s, int backlog)
{
	struct unix_sock *u = unix_sk(s);
	int err = 0;

	if (s->type != SOCK_STREAM && s->type != SOCK_SEQPACKET)
		return -EOPNOTSUPP;
	if ((unsigned)backlog > SOMAXCONN_DEF)
		backlog = SOMAXCONN_DEF;
	pthread_mutex_lock(&unix_lock);
	if (!u->addr || (u->state != US_UNCONNECTED && u->state != US_LISTEN)) {
		err = -EINVAL;
	} else {
		if (backlog > u->backlog)
			unix_wake(u, POLLOUT);  /* connects waiting for room */
		u->backlog = backlog;
		u->state = US_LISTEN;
		peercred_of(t, &u->mycred);
	}
	pthread_mutex_unlock(&unix_lock);
	return err;
}

/* Join a new embryo to client u and queue it on listener l (unix_lock held). */
static int unix_join(struct task *t, struct unix_sock *u, struct unix_sock *l,
		     struct unix_sock *n)
{
	n->state = US_CONNECTED;
	n->peer = u;
	u->refs++;
	n->addr = l->addr ? unix_addr_dup(l->addr) : NULL;
	n->passcred = l->passcred;
	n->sndbuf = l->sndbuf;
	n->rcvbuf = l->rcvbuf;
	peercred_of(t, &n->peercred);
	n->mycred = l->mycred;
	n->has_peercred = true;
	u->peer = n;
	n->refs++;
	u->state = US_CONNECTED;
	u->peercred = l->mycred;
	peercred_of(t, &u->mycred);
	u->has_peercred = true;
	if (l->acc_tail)
		l->acc_tail->acc_next = n;
	else
		l->acc_head = n;
	l->acc_tail = n;
	l->nacc++;
	unix_wake(l, POLLIN | POLLRDNORM);
	return 0;
}

/*
 * Stream and seqpacket connect, in unix_stream_connect()'s order: the
 * address, the listener (ECONNREFUSED when it is none, EPROTOTYPE when of
 * another type), room in its backlog (EAGAIN without waiting, else for
 * SO_SNDTIMEO), then this socket's state (EISCONN).
 */
static int unix_stream_connect(struct task *t, struct socket *s,
			       const struct sockaddr_storage *ss, socklen_t len)
{
	struct unix_sock *u = unix_sk(s), *l = NULL, *n = NULL;
	struct sock_wait w = sock_wait_init(s, s->file->flags & O_NONBLOCK ? MSG_DONTWAIT : 0, SND);
	int err = unix_dest_check(u, ss, len), host_pfd = -1;

	if (!err)
		err = unix_find(t, ss, len, s->type, &l, &host_pfd);
	if (!err && !l)
		return unix_host_connect(s, ss, len, host_pfd);
	if (!err && !(n = unix_sock_new(s->type, &t->tg->cred)))
		err = -ENOMEM;
	pthread_mutex_lock(&unix_lock);
	while (!err) {
		if (l->state != US_LISTEN || l->rcv_shut || l->dead)
			err = -ECONNREFUSED;
		else if (l->nacc > l->backlog)
			err = unix_sleep(t, l, &w, POLLOUT);
		else if (u->state == US_CONNECTED)
			err = -EISCONN;
		else if (u->state != US_UNCONNECTED)
			err = -EINVAL;
		else
			break;
	}
	if (!err)
		unix_join(t, u, l, n);
	else if (n)
		unix_sock_put(n);
	if (l)
		unix_sock_put(l);
	pthread_mutex_unlock(&unix_lock);
	return err;
}

/* Datagram connect: a default destination (AF_UNSPEC: none), which must
 * accept this socket's messages (EPERM if it is connected elsewhere). */
static int unix_dgram_connect(struct task *t, struct socket *s,
			      const struct sockaddr_storage *ss, socklen_t len)
{
	struct unix_sock *u = unix_sk(s), *o = NULL, *old;
	int err;

	if (len >= sizeof(sa_family_t) && ss->ss_family == AF_UNSPEC) {
		pthread_mutex_lock(&unix_lock);
		old = u->peer;
		u->peer = NULL;
		u->state = US_UNCONNECTED;
		if (old)
			unix_sock_put(old);
		pthread_mutex_unlock(&unix_lock);
		return 0;
	}
	err = unix_dest_check(u, ss, len);
	if (!err)
		err = unix_find(t, ss, len, s->type, &o, NULL);
	if (err)
		return err;
	pthread_mutex_lock(&unix_lock);
	if (o->peer && o->peer != u) {
		err = -EPERM;
		unix_sock_put(o);
	} else {
		old = u->peer;
		u->peer = o;            /* takes unix_find's reference */
		u->state = US_CONNECTED;
		peercred_of(t, &u->mycred);
		if (old)
			unix_sock_put(old);
	}
	pthread_mutex_unlock(&unix_lock);
	return err;
}

static int unix_connect(struct task *t, struct socket *s, const struct sockaddr_storage *ss,
			socklen_t len)
{
	return s->type == SOCK_DGRAM ? unix_dgram_connect(t, s, ss, len)
				     : unix_stream_connect(t, s, ss, len);
}

static int unix_getname(struct task *t, struct socket *s, bool peer,
			struct sockaddr_storage *ss, socklen_t *len);

static int unix_accept(struct task *t, struct socket *s, int flags, struct socket **out,
		       struct sockaddr_storage *ss, socklen_t *len)
{
	struct unix_sock *u = unix_sk(s), *n = NULL;
	struct sock_wait w = sock_wait_init(s, s->file->flags & O_NONBLOCK ? MSG_DONTWAIT : 0, RCV);
	struct socket *ns;
	int err = 0;

	if (s->type != SOCK_STREAM && s->type != SOCK_SEQPACKET)
		return -EOPNOTSUPP;
	err = sock_alloc(AF_UNIX, s->type, 0, flags, &ns);
	if (err)
		return err;
	pthread_mutex_lock(&unix_lock);
	while (!err && !(n = u->acc_head))
		err = u->state != US_LISTEN ? -EINVAL : unix_sleep(t, u, &w, POLLIN);
	if (n) {
		u->acc_head = n->acc_next;
		if (!u->acc_head)
			u->acc_tail = NULL;
		n->acc_next = NULL;
		u->nacc--;
		unix_wake(u, POLLOUT);          /* room for a waiting connect */
		n->sock = ns;
		ns->priv = n;                   /* takes the queue's reference */
		ns->ops = &unix_ops;
	}
	pthread_mutex_unlock(&unix_lock);
	if (err) {
		file_put(ns->file);
		return err;
	}
	*len = sizeof(*ss);
	unix_getname(t, ns, true, ss, len);
	*out = ns;
	return 0;
}

/* ---------- names, shutdown ---------- */

static int unix_getname(struct task *t, struct socket *s, bool peer,
			struct sockaddr_storage *ss, socklen_t *len)
{
	struct unix_sock *u = unix_sk(s), *o;
	int err = 0;

	(void)t;
	pthread_mutex_lock(&unix_lock);
	o = peer ? u->peer : u;
	if (peer && u->host_peer) {
		memcpy(ss, &u->host_peer->sun, u->host_peer->len);
		*len = u->host_peer->len;
	} else if (!o) {
		err = -ENOTCONN;
	} else if (o->addr) {
		memcpy(ss, &o->addr->sun, o->addr->len);
		*len = o->addr->len;
	} else {
		ss->ss_family = AF_UNIX;
		*len = sizeof(sa_family_t);
	}
	pthread_mutex_unlock(&unix_lock);
	return err;
}

/* Linux's unix_shutdown: this side's bits, the mirror on a stream peer. */
static int unix_shutdown(struct task *t, struct socket *s, int how)
{
	struct unix_sock *u = unix_sk(s), *p;
	bool rd = how != SHUT_WR, wr = how != SHUT_RD;

	(void)t;
	if (unix_host_fd(u) >= 0)
		return shutdown(unix_host_fd(u), how) ? -errno : 0;
	pthread_mutex_lock(&unix_lock);
	u->rcv_shut |= rd;
	u->snd_shut |= wr;
	unix_wake(u, POLLIN | POLLOUT | POLLHUP | POLLRDHUP);
	p = u->peer;
	if (p && s->type != SOCK_DGRAM) {
		p->snd_shut |= rd;
		p->rcv_shut |= wr;
		unix_wake(p, POLLIN | POLLOUT | POLLHUP | POLLRDHUP);
	}
	pthread_mutex_unlock(&unix_lock);
	return 0;
}

/* ---------- poll ---------- */

/* unix_poll and unix_dgram_poll, in one. */
static short unix_poll(struct socket *s, short events, struct poll_table *pt)
{
	struct unix_sock *u = unix_sk(s), *o;
	short mask = 0;

	if (unix_host_fd(u) >= 0)
		return unix_host_poll(s, events);
	poll_wait(pt, &u->wq, (uint32_t)events | POLLHUP | POLLERR);
	pthread_mutex_lock(&unix_lock);
	o = u->peer;
	/* a datagram writer waits for room at its peer too */
	if (s->type != SOCK_STREAM && o && !o->dead && (events & POLLOUT))
		poll_wait(pt, &o->wq, POLLOUT);
	if (u->err)
		mask |= POLLERR;
	if (u->rcv_shut && u->snd_shut)
		mask |= POLLHUP;
	if (u->rcv_shut)
		mask |= POLLRDHUP | POLLIN | POLLRDNORM;
	if (u->head || u->acc_head)
		mask |= POLLIN | POLLRDNORM;
	if (s->type != SOCK_DGRAM && u->state == US_UNCONNECTED)
		mask |= POLLHUP;
	if (unix_writable(u))
		mask |= POLLOUT | POLLWRNORM | POLLWRBAND;
	pthread_mutex_unlock(&unix_lock);
	return mask & (events | POLLHUP | POLLERR);
}

/* ---------- ioctls ---------- */

static long unix_ioctl(struct task *t, struct socket *s, unsigned cmd, uint64_t arg)
{
	struct unix_sock *u = unix_sk(s);
	int n;

	if (cmd != SIOCINQ && cmd != SIOCOUTQ)
		return -ENOTTY;
	if (unix_host_fd(u) >= 0)
		return host_ioctl(t, unix_host_fd(u), HOST_FD_SOCK, cmd, arg);
	pthread_mutex_lock(&unix_lock);
	if (u->state == US_LISTEN)
		n = -1;
	else
		n = (int)(cmd == SIOCINQ ? unix_inq(u) : u->wmem);
	pthread_mutex_unlock(&unix_lock);
	if (n < 0)
		return -EINVAL;
	return copy_to_user(t->tg->mm, arg, &n, sizeof(n)) ? -EFAULT : 0;
}

/* ---------- options ---------- */

static int opt_int_in(struct task *t, uint64_t uval, int len, int *v)
{
	if (len < (int)sizeof(int))
		return -EINVAL;
	return copy_from_user(t->tg->mm, v, uval, sizeof(*v)) ? -EFAULT : 0;
}

/* SO_SNDBUF, SO_RCVBUF: doubled, between Linux's floor and net.core.*mem_max */
static int buf_size(int v, int min)
{
	unsigned val = (unsigned)v < UNIX_MAX_BUF ? (unsigned)v : UNIX_MAX_BUF;

	return (int)(val * 2) > min ? (int)(val * 2) : min;
}

static int unix_setsockopt(struct task *t, struct socket *s, int level, int name, uint64_t uval,
			   int len)
{
	struct unix_sock *u = unix_sk(s);
	int v, err;

	if (level != SOL_SOCKET)
		return -EOPNOTSUPP;
	switch (name) {
	case SO_RCVTIMEO:
	case SO_SNDTIMEO:
		return sock_setsockopt_timeo(t, s, name, uval, len);
	case SO_LINGER:
		if (len < (int)sizeof(u->linger))
			return -EINVAL;
		return copy_from_user(t->tg->mm, &u->linger, uval, sizeof(u->linger)) ? -EFAULT : 0;
	case SO_SNDBUF:
	case SO_RCVBUF:
	case SO_PASSCRED:
	case SO_REUSEADDR:
	case SO_REUSEPORT:
	case SO_KEEPALIVE:
	case SO_BROADCAST:
	case SO_DONTROUTE:
	case SO_OOBINLINE:
	case SO_PRIORITY:
	case SO_RCVLOWAT:
	case SO_PASSSEC:
	case SO_TIMESTAMP:
	case SO_ZEROCOPY:
		break;
	default:
		return -ENOPROTOOPT;
	}
	err = opt_int_in(t, uval, len, &v);
	if (err)
		return err;
	pthread_mutex_lock(&unix_lock);
	if (name == SO_SNDBUF) {
		u->sndbuf = buf_size(v, UNIX_MIN_SNDBUF);
		unix_wake(u, POLLOUT);
	} else if (name == SO_RCVBUF) {
		u->rcvbuf = buf_size(v, UNIX_MIN_RCVBUF);
	} else if (name == SO_PASSCRED) {
		u->passcred = v != 0;
	} else if (name == SO_RCVLOWAT) {
		u->opt_int[name] = v < 1 ? 1 : v;
	} else {
		u->opt_int[name] = name == SO_PRIORITY ? v : v != 0;
	}
	pthread_mutex_unlock(&unix_lock);
	return 0;
}

/* An option's value as getsockopt gives it: cut to the room, the length
 * written back (sk_getsockopt's tail). */
static int opt_out(struct task *t, const void *val, int size, uint64_t uval, uint64_t ulen)
{
	int room;

	if (copy_from_user(t->tg->mm, &room, ulen, sizeof(room)))
		return -EFAULT;
	if (room < 0)
		return -EINVAL;
	if (room > size)
		room = size;
	if (copy_to_user(t->tg->mm, uval, val, (size_t)room) ||
	    copy_to_user(t->tg->mm, ulen, &room, sizeof(room)))
		return -EFAULT;
	return 0;
}

static int unix_get_timeo(struct task *t, struct socket *s, int name, uint64_t uval,
			  uint64_t ulen)
{
	int64_t ns = __atomic_load_n(&s->timeo[name == SO_RCVTIMEO ? RCV : SND], __ATOMIC_RELAXED);
	struct timeval tv = { 0, 0 };

	if (ns > 0)
		tv = (struct timeval){ ns / 1000000000, ns % 1000000000 / 1000 };
	return opt_out(t, &tv, sizeof(tv), uval, ulen);
}

static int unix_getsockopt(struct task *t, struct socket *s, int level, int name, uint64_t uval,
			   uint64_t ulen)
{
	struct unix_sock *u = unix_sk(s);
	struct ucred cred;
	struct linger lg;
	int v;

	if (level != SOL_SOCKET)
		return -EOPNOTSUPP;
	pthread_mutex_lock(&unix_lock);
	switch (name) {
	case SO_TYPE: v = s->type; break;
	case SO_DOMAIN: v = AF_UNIX; break;
	case SO_PROTOCOL: v = s->protocol; break;
	case SO_ERROR: v = u->err; u->err = 0; break;
	case SO_ACCEPTCONN: v = u->state == US_LISTEN; break;
	case SO_SNDBUF: v = u->sndbuf; break;
	case SO_RCVBUF: v = u->rcvbuf; break;
	case SO_PASSCRED: v = u->passcred; break;
	case SO_RCVLOWAT: v = u->opt_int[name] ? u->opt_int[name] : 1; break;
	case SO_PEERCRED: cred = u->peercred; break;
	case SO_LINGER: lg = u->linger; break;
	case SO_REUSEADDR: case SO_REUSEPORT: case SO_KEEPALIVE: case SO_BROADCAST:
	case SO_DONTROUTE: case SO_OOBINLINE: case SO_PRIORITY: case SO_PASSSEC:
	case SO_TIMESTAMP: case SO_ZEROCOPY:
		v = u->opt_int[name];
		break;
	case SO_RCVTIMEO: case SO_SNDTIMEO:
		break;
	default:
		pthread_mutex_unlock(&unix_lock);
		return -ENOPROTOOPT;
	}
	pthread_mutex_unlock(&unix_lock);
	if (name == SO_PEERCRED)
		return opt_out(t, &cred, sizeof(cred), uval, ulen);
	if (name == SO_LINGER)
		return opt_out(t, &lg, sizeof(lg), uval, ulen);
	if (name == SO_RCVTIMEO || name == SO_SNDTIMEO)
		return unix_get_timeo(t, s, name, uval, ulen);
	return opt_out(t, &v, sizeof(v), uval, ulen);
}

/* ---------- the family ---------- */

/* -1 (wait queues) but for a socket connected to a host socket (host.c). */
static int unix_wait_fd(struct socket *s)
{
	return unix_host_fd(unix_sk(s));
}

static const struct proto_ops unix_ops = {
	.family = AF_UNIX,
	.bind = unix_bind,
	.listen = unix_listen,
	.connect = unix_connect,
	.accept = unix_accept,
	.socketpair = unix_socketpair,
	.getname = unix_getname,
	.shutdown = unix_shutdown,
	.setsockopt = unix_setsockopt,
	.getsockopt = unix_getsockopt,
	.sendmsg = unix_sendmsg,
	.recvmsg = unix_recvmsg,
	.poll = unix_poll,
	.wait_fd = unix_wait_fd,
	.ioctl = unix_ioctl,
	.release = unix_release,
};

static const struct net_proto_family unix_family = { AF_UNIX, unix_create };

static void __attribute__((constructor)) unix_register(void)
{
	sock_register(&unix_family);
}

/* ---------- the collector's view (net/unix/scm.h) ---------- */

struct socket *unix_sock_of(struct file *f)
{
	struct socket *s = sock_of(f);

	return s && s->family == AF_UNIX ? s : NULL;
}

/* unix_lock is taken: fn must not drop files. */
void unix_for_each_scm(struct socket *s, void (*fn)(struct scm *scm, void *arg), void *arg)
{
	struct unix_sock *u = unix_sk(s);

	pthread_mutex_lock(&unix_lock);
	for (struct unix_skb *k = u->head; k; k = k->next)
		if (k->scm)
			fn(k->scm, arg);
	for (struct unix_sock *e = u->acc_head; e; e = e->acc_next)
		for (struct unix_skb *k = e->head; k; k = k->next)
			if (k->scm)
				fn(k->scm, arg);
	pthread_mutex_unlock(&unix_lock);
}

void unix_purge_queue(struct socket *s)
{
	struct unix_sock *u = unix_sk(s);
	struct unix_skb *q;

	pthread_mutex_lock(&unix_lock);
	q = unix_queue_take(u);
	for (struct unix_sock *e = u->acc_head; e; e = e->acc_next) {
		struct unix_skb **tail = &q;

		while (*tail)
			tail = &(*tail)->next;
		*tail = unix_queue_take(e);
	}
	pthread_mutex_unlock(&unix_lock);
	unix_skb_free_list(q);
}
