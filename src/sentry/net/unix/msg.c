/* SPDX-License-Identifier: MIT */
/*
 * AF_UNIX data (Linux's unix_stream_sendmsg, unix_stream_read_generic,
 * unix_dgram_sendmsg, unix_dgram_recvmsg): each message is a unix_skb on
 * the receiver's queue, charged to its sender's send buffer (SIOCOUTQ)
 * until it is read, with the struct scm of its ancillary data.
 *
 *  - stream: a send is cut into messages of at most half the send buffer;
 *    a read takes bytes across them, but never glues bytes that came with
 *    files (SCM_RIGHTS) to the next, nor, with SO_PASSCRED, bytes of other
 *    credentials (Linux's rules).
 *  - datagram and seqpacket: one message per send, record boundaries kept;
 *    a datagram receiver holds at most net.unix.max_dgram_qlen messages
 *    from senders it is not connected to.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>

#include "net/unix/unix.h"

#define STREAM_SKB_MAX 36864            /* SKB_MAX_HEAD(0) + UNIX_SKB_FRAGS_SZ */

/* ---------- messages and their charge ---------- */

static struct unix_skb *skb_new(struct unix_sock *from, size_t len, const struct ucred *cred)
{
	struct unix_skb *k = malloc(sizeof(*k) + len);

	if (!k)
		return NULL;
	memset(k, 0, sizeof(*k));
	k->len = len;
	k->truesize = len + UNIX_SKB_OVERHEAD;
	k->cred = *cred;
	(void)from;
	return k;
}

/* Queue k on o's receive queue, charged to u (unix_lock held). */
static void skb_queue(struct unix_sock *o, struct unix_skb *k, struct unix_sock *u)
{
	k->from = u;
	u->refs++;
	u->wmem += k->truesize;
	if (u->addr) {
		k->has_addr = true;
		k->addr = *u->addr;
	}
	if (o->tail)
		o->tail->next = k;
	else
		o->head = k;
	o->tail = k;
	o->qbytes += k->len;
	o->qcount++;
	unix_wake(o, POLLIN | POLLRDNORM);
}

bool unix_writable(struct unix_sock *u)
{
	return u->state != US_LISTEN && (u->wmem << 2) <= (size_t)u->sndbuf;
}

/* The sender gets its buffer back (unix_lock held). */
static void skb_uncharge(struct unix_skb *k)
{
	struct unix_sock *from = k->from;

	if (!from)
		return;
	from->wmem -= k->truesize;
	if (unix_writable(from))
		unix_wake(from, POLLOUT | POLLWRNORM | POLLWRBAND);
	k->from = NULL;
	unix_sock_put(from);
}

/* Unlink the head of u's queue (unix_lock held). */
static struct unix_skb *skb_dequeue(struct unix_sock *u)
{
	struct unix_skb *k = u->head;

	u->head = k->next;
	if (!u->head)
		u->tail = NULL;
	k->next = NULL;
	u->qcount--;
	u->qbytes -= k->len - k->off;
	skb_uncharge(k);
	unix_wake(u, POLLOUT);          /* datagram senders wait for room here */
	return k;
}

struct unix_skb *unix_queue_take(struct unix_sock *u)
{
	struct unix_skb *q = u->head;

	u->head = u->tail = NULL;
	u->qbytes = u->qcount = 0;
	return q;
}

static void skb_free(struct unix_skb *k)
{
	if (k->scm) {
		scm_destroy(k->scm);
		free(k->scm);
	}
	free(k);
}

void unix_skb_free_list(struct unix_skb *list)
{
	struct unix_skb *k, *next;

	if (!list)
		return;
	pthread_mutex_lock(&unix_lock);
	for (k = list; k; k = k->next)
		skb_uncharge(k);
	pthread_mutex_unlock(&unix_lock);
	for (k = list; k; k = next) {
		next = k->next;
		skb_free(k);
	}
}

size_t unix_inq(struct unix_sock *u)
{
	if (u->type == SOCK_DGRAM)
		return u->head ? u->head->len : 0;
	return u->qbytes;
}

/* The ancillary data of a send, if it has any: *out NULL if none. */
static int scm_get(struct task *t, struct socket *s, const struct sock_msg *m, struct scm **out)
{
	int err;

	*out = NULL;
	if (!m->ctllen)
		return 0;
	*out = calloc(1, sizeof(**out));
	if (!*out)
		return -ENOMEM;
	err = scm_send(t, s, m, *out);
	if (err) {
		free(*out);
		*out = NULL;
	}
	return err;
}

static void scm_put(struct scm *scm)
{
	if (scm) {
		scm_destroy(scm);
		free(scm);
	}
}

/*
 * A receive's ancillary data: the message's scm (SCM_RIGHTS and the
 * credentials it carried), or with SO_PASSCRED the sender's credentials
 * alone; nothing at all leaves the room unused (m->ctllen 0).
 */
static void deliver_scm(struct task *t, struct socket *s, struct sock_msg *m, int flags,
			struct scm *scm, const struct ucred *cred, bool passcred)
{
	struct scm creds = { .has_creds = true };

	if (!scm && !(passcred && cred)) {
		m->ctllen = 0;
		return;
	}
	if (!scm) {
		creds.creds = *cred;
		scm = &creds;
	} else if (!scm->has_creds && cred) {
		scm->has_creds = true;
		scm->creds = *cred;
	}
	scm_recv(t, s, scm, m, flags, passcred);
}

/* Sleep for a reader: iolock and unix_lock held, both dropped meanwhile,
 * taken again in their order. */
static int reader_sleep(struct task *t, struct unix_sock *u, const struct sock_wait *w)
{
	int err;

	pthread_mutex_unlock(&u->iolock);
	err = unix_sleep(t, u, w, POLLIN | POLLRDNORM);
	pthread_mutex_unlock(&unix_lock);
	pthread_mutex_lock(&u->iolock);
	pthread_mutex_lock(&unix_lock);
	return err;
}

/* Nothing to read (unix_lock and iolock held): the socket's error, once;
 * 1 at the end (shut for reading, the peer gone); else a sleep (0: woken). */
static int reader_idle(struct task *t, struct unix_sock *u, const struct sock_wait *w)
{
	int err = u->err;

	if (err) {
		u->err = 0;
		return -err;
	}
	return u->rcv_shut ? 1 : reader_sleep(t, u, w);
}

/* ---------- stream ---------- */

static void pipe_signal(struct task *t, long err, size_t sent, int flags)
{
	if (err == -EPIPE && !sent && !(flags & MSG_NOSIGNAL))
		send_signal_tg(t->tg, SIGPIPE);
}

/* Wait for room in u's send buffer, the peer still there; unix_lock held. */
static int stream_room(struct task *t, struct unix_sock *u, const struct sock_wait *w)
{
	for (;;) {
		if (u->snd_shut || !u->peer || u->peer->dead || u->peer->rcv_shut)
			return u->peer ? -EPIPE : -ENOTCONN;
		if (u->wmem < (size_t)u->sndbuf)
			return 0;
		int err = unix_sleep(t, u, w, POLLOUT);

		if (err)
			return err;
	}
}

static long stream_send(struct task *t, struct socket *s, struct sock_msg *m, int flags)
{
	struct unix_sock *u = unix_sk(s);
	struct sock_wait w = sock_wait_init(s, flags, SND);
	struct scm *scm;
	struct ucred cred;
	size_t sent = 0;
	long err;

	if (flags & MSG_OOB)
		return -EOPNOTSUPP;
	if (m->name && m->namelen)
		return u->state == US_CONNECTED ? -EISCONN : -EOPNOTSUPP;
	err = scm_get(t, s, m, &scm);
	if (err)
		return err;
	unix_cred_of(t, &cred);
	pthread_mutex_lock(&unix_lock);
	err = u->peer ? 0 : -ENOTCONN;
	if (!err && u->snd_shut)
		err = -EPIPE;
	while (!err && sent < m->len) {
		size_t size = m->len - sent, half = (size_t)u->sndbuf / 2 - 64;
		struct unix_skb *k;

		size = size < half ? size : half;
		size = size < STREAM_SKB_MAX ? size : STREAM_SKB_MAX;
		err = stream_room(t, u, &w);
		if (err)
			break;
		k = skb_new(u, size, &cred);
		if (!k) {
			err = -ENOMEM;
			break;
		}
		if (sock_msg_copy(t, m, sent, k->data, size, false)) {
			free(k);
			err = -EFAULT;
			break;
		}
		k->scm = scm;           /* the files go with the first part */
		scm = NULL;
		skb_queue(u->peer, k, u);
		sent += size;
	}
	pthread_mutex_unlock(&unix_lock);
	scm_put(scm);
	pipe_signal(t, err, sent, flags);
	return sent ? (long)sent : err;
}

static bool cred_eq(const struct ucred *a, const struct ucred *b)
{
	return a->pid == b->pid && a->uid == b->uid && a->gid == b->gid;
}

/* What one stream read takes, and what it found besides bytes. */
struct stream_rd {
	size_t copied;
	struct scm *scm;                /* detached (or, peeking, borrowed) */
	struct ucred cred;
	bool has_cred;
	struct unix_skb *done;          /* read whole: freed after unlocking */
};

/* Take bytes from the queue into m (unix_lock held); false: stop here. */
static bool stream_take(struct task *t, struct unix_sock *u, struct sock_msg *m, int flags,
			struct stream_rd *r, struct unix_skb **pos, size_t *skip, long *err)
{
	bool peek = flags & MSG_PEEK;
	struct unix_skb *k = *pos;
	size_t avail = k->len - k->off - *skip;
	size_t n = m->len - r->copied < avail ? m->len - r->copied : avail;

	if (u->passcred) {
		if (r->has_cred && !cred_eq(&r->cred, &k->cred))
			return false;   /* never glue other writers' bytes */
		r->cred = k->cred;
		r->has_cred = true;
	}
	if (r->scm && k->scm)
		return false;
	if (sock_msg_copy(t, m, r->copied, k->data + k->off + *skip, n, true)) {
		*err = -EFAULT;
		return false;
	}
	r->copied += n;
	if (k->scm && !r->scm) {
		r->scm = k->scm;
		if (!peek)
			k->scm = NULL;
	}
	if (peek) {
		*skip += n;
		if (*skip == k->len - k->off) {
			*pos = k->next;
			*skip = 0;
		}
	} else {
		k->off += n;
		u->qbytes -= n;
		if (k->off == k->len) {
			k = skb_dequeue(u);
			k->next = r->done;
			r->done = k;
			*pos = u->head;
		}
	}
	return !(r->scm && r->scm->nfp) && r->copied < m->len;
}

static long stream_recv(struct task *t, struct socket *s, struct sock_msg *m, int flags)
{
	struct unix_sock *u = unix_sk(s);
	struct sock_wait w = sock_wait_init(s, flags, RCV);
	size_t target = flags & MSG_WAITALL ? m->len : 1, skip = 0;
	struct stream_rd r = { .copied = 0 };
	struct unix_skb *pos;
	long err = 0;

	if (flags & MSG_OOB)
		return -EOPNOTSUPP;
	if (u->state != US_CONNECTED)
		return -EINVAL;
	pthread_mutex_lock(&u->iolock);
	pthread_mutex_lock(&unix_lock);
	pos = u->head;
	while (!err && m->len) {
		if (pos) {
			if (!stream_take(t, u, m, flags, &r, &pos, &skip, &err))
				break;
			continue;
		}
		if (r.copied >= target)
			break;
		err = reader_idle(t, u, &w);
		if (err)
			break;
		pos = u->head;
		skip = 0;
		if (flags & MSG_PEEK && r.copied)
			break;          /* the queue may have changed under a peek */
	}
	err = err == 1 ? 0 : err;
	pthread_mutex_unlock(&unix_lock);
	m->namelen = 0;
	deliver_scm(t, s, m, flags, r.scm, r.has_cred ? &r.cred : NULL, u->passcred);
	if (r.scm && !(flags & MSG_PEEK))
		scm_put(r.scm);
	pthread_mutex_unlock(&u->iolock);
	unix_skb_free_list(r.done);
	return r.copied ? (long)r.copied : err;
}

/* ---------- datagram and seqpacket ---------- */

/* The destination of a datagram: the address given, else the peer. */
static int dgram_dest(struct task *t, struct socket *s, struct sock_msg *m,
		      struct unix_sock **o)
{
	struct unix_sock *u = unix_sk(s);
	int err;

	if (s->type == SOCK_DGRAM && m->name && m->namelen) {
		err = unix_dest_check(u, m->name, m->namelen);
		return err ? err : unix_find(t, m->name, m->namelen, s->type, o, NULL);
	}
	pthread_mutex_lock(&unix_lock);
	*o = u->peer;
	if (*o)
		(*o)->refs++;
	pthread_mutex_unlock(&unix_lock);
	return *o ? 0 : -ENOTCONN;
}

/* May u queue a message at o now? 0, an error, or 1: wait (on *q). */
static int dgram_room(struct unix_sock *u, struct unix_sock *o, bool seqpacket,
		      struct unix_sock **q)
{
	if (o->dead) {
		if (seqpacket)
			return -EPIPE;
		if (u->peer == o) {     /* a dead peer disconnects a datagram socket */
			u->peer = NULL;
			u->state = US_UNCONNECTED;
			unix_sock_put(o);
		}
		return -ECONNREFUSED;
	}
	if (o->peer && o->peer != u)
		return -EPERM;
	if (o->rcv_shut)
		return -EPIPE;
	*q = u;
	if (u->wmem >= (size_t)u->sndbuf)
		return 1;
	*q = o;
	return o->peer != u && o->qcount > UNIX_DGRAM_QLEN ? 1 : 0;
}

static long dgram_send(struct task *t, struct socket *s, struct sock_msg *m, int flags)
{
	struct unix_sock *u = unix_sk(s), *o = NULL, *q;
	struct sock_wait w = sock_wait_init(s, flags, SND);
	bool seqpacket = s->type == SOCK_SEQPACKET;
	struct unix_skb *k = NULL;
	struct ucred cred;
	long err = 0;
	int room;

	if (flags & MSG_OOB)
		return -EOPNOTSUPP;
	if (seqpacket) {
		pthread_mutex_lock(&unix_lock);
		err = u->err ? -u->err : u->state != US_CONNECTED ? -ENOTCONN : 0;
		u->err = 0;
		pthread_mutex_unlock(&unix_lock);
		if (err)
			return err;
	}
	if (m->len > (size_t)u->sndbuf - 32)
		return -EMSGSIZE;
	err = dgram_dest(t, s, m, &o);
	if (!err && u->passcred && !u->addr) {
		pthread_mutex_lock(&unix_lock);
		err = unix_autobind(u);
		pthread_mutex_unlock(&unix_lock);
	}
	unix_cred_of(t, &cred);
	if (!err && !(k = skb_new(u, m->len, &cred)))
		err = -ENOMEM;
	if (!err && sock_msg_copy(t, m, 0, k->data, m->len, false))
		err = -EFAULT;
	if (!err)
		err = scm_get(t, s, m, &k->scm);
	pthread_mutex_lock(&unix_lock);
	while (!err && (room = dgram_room(u, o, seqpacket, &q)) > 0)
		err = unix_sleep(t, q, &w, POLLOUT);
	if (!err && room < 0)
		err = room;
	if (!err) {
		skb_queue(o, k, u);
		k = NULL;
	}
	if (o)
		unix_sock_put(o);
	pthread_mutex_unlock(&unix_lock);
	if (k)
		skb_free(k);
	return err ? err : (long)m->len;
}

static long dgram_recv(struct task *t, struct socket *s, struct sock_msg *m, int flags)
{
	struct unix_sock *u = unix_sk(s);
	struct sock_wait w = sock_wait_init(s, flags, RCV);
	bool peek = flags & MSG_PEEK;
	struct unix_skb *k = NULL;
	size_t n = 0;
	long err = 0;

	if (flags & MSG_OOB)
		return -EOPNOTSUPP;
	if (s->type == SOCK_SEQPACKET && u->state != US_CONNECTED)
		return -ENOTCONN;
	pthread_mutex_lock(&u->iolock);
	pthread_mutex_lock(&unix_lock);
	while (!err && !(k = u->head))
		err = reader_idle(t, u, &w);
	err = err == 1 ? 0 : err;
	if (k && !peek)
		skb_dequeue(u);
	pthread_mutex_unlock(&unix_lock);
	m->namelen = 0;
	m->ctllen = k ? m->ctllen : 0;
	if (k) {
		n = m->len < k->len ? m->len : k->len;
		if (k->len > m->len)
			m->rflags |= MSG_TRUNC;
		if (sock_msg_copy(t, m, 0, k->data, n, true))
			err = -EFAULT;
		if (k->has_addr && m->name) {
			memcpy(m->name, &k->addr.sun, k->addr.len);
			m->namelen = k->addr.len;
		}
		if (!err)
			deliver_scm(t, s, m, flags, k->scm, &k->cred, u->passcred);
		else
			m->ctllen = 0;
	}
	pthread_mutex_unlock(&u->iolock);
	if (err || !k) {
		if (k && !peek)
			unix_skb_free_list(k);
		return err;
	}
	n = flags & MSG_TRUNC ? k->len : n;
	if (!peek)
		unix_skb_free_list(k);
	return (long)n;
}

long unix_sendmsg(struct task *t, struct socket *s, struct sock_msg *m, int flags)
{
	if (unix_host_fd(unix_sk(s)) >= 0)
		return unix_host_sendmsg(t, s, m, flags);
	return s->type == SOCK_STREAM ? stream_send(t, s, m, flags) : dgram_send(t, s, m, flags);
}

long unix_recvmsg(struct task *t, struct socket *s, struct sock_msg *m, int flags)
{
	if (unix_host_fd(unix_sk(s)) >= 0)
		return unix_host_recvmsg(t, s, m, flags);
	return s->type == SOCK_STREAM ? stream_recv(t, s, m, flags) : dgram_recv(t, s, m, flags);
}
