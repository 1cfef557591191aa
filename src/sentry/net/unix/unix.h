/* SPDX-License-Identifier: MIT */
/*
 * AF_UNIX inside the sentry (Linux's net/unix/af_unix.c, gVisor's
 * pkg/sentry/socket/unix): inside net/unix/ only.
 *
 *   unix.c    the family: create, socketpair, listen, connect, accept,
 *             shutdown, release, poll, options, ioctls
 *   names.c   addresses: path names (socket inodes in the sentry's VFS),
 *             abstract names (one namespace per sandbox), autobind
 *   msg.c     data: the queues, stream, datagram and seqpacket send and
 *             receive, their waits
 *   proc.c    /proc/net/unix
 *   host.c    --host-uds: a socket connected to a host socket file
 *
 * Locking: one mutex, unix_lock, guards every AF_UNIX socket's state,
 * queues and the name tables (the sockets of a sandbox talk to each other
 * in any pattern, and a single lock has no order to get wrong; it is held
 * for short copies only, never across a sleep).  A socket's iolock
 * serializes its readers, as Linux's u->iolock, so that a reader copying
 * out of the head of the queue keeps it.  Files are never dropped under
 * unix_lock (a dropped file may be an AF_UNIX socket whose release takes
 * it): messages to free are collected and freed after unlocking.
 */
#ifndef CVISOR_NET_UNIX_UNIX_H
#define CVISOR_NET_UNIX_UNIX_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "kernel/waitq.h"
#include "net/hostinet.h"
#include "net/socket.h"
#include "net/unix/scm.h"

#define UNIX_DEF_BUF 212992             /* net.core.wmem_default, rmem_default */
#define UNIX_MAX_BUF 212992             /* net.core.wmem_max, rmem_max */
#define UNIX_MIN_SNDBUF 4608            /* SOCK_MIN_SNDBUF on x86_64 */
#define UNIX_MIN_RCVBUF 2304            /* SOCK_MIN_RCVBUF */
#define UNIX_DGRAM_QLEN 10              /* net.unix.max_dgram_qlen */
#define UNIX_SKB_OVERHEAD 768           /* what Linux charges a message beyond its bytes */

enum unix_state { US_UNCONNECTED, US_LISTEN, US_CONNECTED };

/* A bound name: the address as bound, and for a path, its inode's identity. */
struct unix_addr {
	struct sockaddr_un sun;
	socklen_t len;
	bool path;
	uint64_t dev, ino;
};

/* One queued message (Linux's sk_buff on a receive queue). */
struct unix_skb {
	struct unix_skb *next;
	struct unix_sock *from;         /* the sender, charged for it (a reference) */
	bool has_addr;
	struct unix_addr addr;          /* the sender's name at send, if it had one */
	struct scm *scm;                /* ancillary data, or NULL */
	struct ucred cred;              /* the sender's, for SO_PASSCRED */
	size_t len, off;                /* off: bytes a stream reader took */
	size_t truesize;
	char data[];
};

struct unix_sock {
	/* first, so that the host-socket calls of net/sockmsg.c, which take
	 * s->priv as a struct hsock, serve a socket connected to a host
	 * socket (host.c); fd -1 otherwise, set once under unix_lock */
	struct hsock host;
	struct unix_addr *host_peer;    /* what it connected to, for getpeername */
	struct socket *sock;            /* NULL for a connection not yet accepted */
	int refs;
	int type;
	enum unix_state state;
	bool dead;                      /* released */
	bool bound;                     /* addr is its own binding (not an accepted copy) */
	struct unix_sock *peer;         /* a reference */
	struct unix_addr *addr;         /* bound name, or NULL */
	/* the receive queue; a listener's holds not yet accepted connections */
	struct unix_skb *head, *tail;
	size_t qbytes, qcount;
	struct unix_sock *acc_head, *acc_tail, *acc_next;  /* listener; acc_next: in one */
	int backlog, nacc;
	size_t wmem;                    /* bytes of mine queued at a peer (truesize) */
	int sndbuf, rcvbuf;
	bool rcv_shut, snd_shut;        /* this side's: no more to read / to send */
	bool passcred;
	int err;                        /* SO_ERROR */
	struct ucred peercred;          /* SO_PEERCRED: the peer's at connect/socketpair */
	struct ucred mycred;            /* mine at listen/connect, for a peer's SO_PEERCRED */
	bool has_peercred;
	int opt_int[64];                /* generic SOL_SOCKET options kept for getsockopt */
	struct linger linger;
	pthread_mutex_t iolock;
	struct waitq wq;
	struct unix_sock *all_next, *all_prev;  /* every AF_UNIX socket, for /proc/net/unix */
};

extern pthread_mutex_t unix_lock;
extern struct unix_sock *unix_all;

static inline struct unix_sock *unix_sk(struct socket *s)
{
	return s->priv;
}

/* host.c: with --host-uds (net/net.h) a stream or seqpacket socket
 * connects to a host socket file that no sentry socket is bound to; a
 * host fd then serves it.  pfd: hostfs_sock_fd's, taken. */
int unix_host_connect(struct socket *s, const struct sockaddr_storage *ss, socklen_t len,
		      int pfd);
static inline int unix_host_fd(struct unix_sock *u)
{
	return __atomic_load_n(&u->host.fd, __ATOMIC_ACQUIRE);
}
long unix_host_sendmsg(struct task *t, struct socket *s, struct sock_msg *m, int flags);
long unix_host_recvmsg(struct task *t, struct socket *s, struct sock_msg *m, int flags);
short unix_host_poll(struct socket *s, short events);

/* unix.c */
struct unix_sock *unix_sock_new(int type, const struct creds *c);
void unix_sock_put(struct unix_sock *u);        /* unix_lock held */
void unix_cred_of(struct task *t, struct ucred *uc);
/* Sleep on u->wq (unix_lock held, dropped meanwhile) until a wake or the
 * deadline of w: 0 look again, -EAGAIN out of time, -ERESTARTSYS / -EINTR. */
int unix_sleep(struct task *t, struct unix_sock *u, const struct sock_wait *w, uint32_t events);
void unix_wake(struct unix_sock *u, uint32_t events);

/* names.c */
/* An address to connect or send to: valid and not empty; with SO_PASSCRED
 * u gets a name first (Linux autobinds it). */
int unix_dest_check(struct unix_sock *u, const struct sockaddr_storage *ss, socklen_t len);
int unix_bind(struct task *t, struct socket *s, const struct sockaddr_storage *ss,
	      socklen_t len);
int unix_autobind(struct unix_sock *u);         /* unix_lock held */
/* The socket bound at the address (a reference, unix_lock held by the
 * caller afterwards), of type; ECONNREFUSED, EPROTOTYPE, ENOENT, EACCES... */
int unix_find(struct task *t, const struct sockaddr_storage *ss, socklen_t len, int type,
	      struct unix_sock **out, int *host_pfd);
/* host_pfd: NULL for a caller that cannot use a host socket; else, for a
 * host socket file that --host-uds lets it connect to, 0 with *out NULL
 * and the file's O_PATH fd (hostfs_sock_fd) in *host_pfd. */
void unix_unbind(struct unix_sock *u);          /* unix_lock held */
struct unix_addr *unix_addr_dup(const struct unix_addr *a);
/* /proc/net/unix's path column */
size_t unix_addr_show(const struct unix_addr *a, char *buf, size_t len);

/* msg.c */
long unix_sendmsg(struct task *t, struct socket *s, struct sock_msg *m, int flags);
long unix_recvmsg(struct task *t, struct socket *s, struct sock_msg *m, int flags);
void unix_skb_free_list(struct unix_skb *list); /* unix_lock not held */
/* Take the queue off u (unix_lock held); free it after unlocking. */
struct unix_skb *unix_queue_take(struct unix_sock *u);
size_t unix_inq(struct unix_sock *u);           /* FIONREAD */
bool unix_writable(struct unix_sock *u);        /* unix_lock held */

#endif
