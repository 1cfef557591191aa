/* SPDX-License-Identifier: MIT */
/*
 * Inside net/: a socket and the operations of its family, as Linux's
 * struct socket and struct proto_ops.  The rest of the sentry asks through
 * net/net.h; net/socket.c decodes what is common to every family (the
 * msghdr, its iovecs, the control bytes copied into the sentry, the
 * value-result address lengths) and calls s->ops.
 *
 * Families: host-mode inet (net/hostinet.c), AF_UNIX (net/unix/),
 * AF_NETLINK NETLINK_ROUTE (net/netlink/).  A family registers with
 * sock_register() from a constructor, as a file system registers
 * (vfs/fstype.c); socket(2) finds it by domain.
 */
#ifndef CVISOR_NET_SOCKET_H
#define CVISOR_NET_SOCKET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/uio.h>

#include "kernel/kernel.h"
#include "vfs/vfs.h"

struct socket;
struct poll_table;

/*
 * One sendmsg or recvmsg, decoded into the sentry by net/socket.c.
 * iov holds the application's iovecs (addresses of its memory, each range
 * checked with access_ok, the total cut to MAX_RW_COUNT in len): a family
 * copies the bytes itself (copy_from_user / copy_to_user), once.
 *
 * send: name/namelen the destination (NULL/0 for none), checked only for
 *       its length; ctl/ctllen the control messages, copied and well formed
 *       (every cmsg_len within the buffer); the family checks levels, types
 *       and values (SCM_RIGHTS: fds of the sender).
 * recv: name points to room for the source (namelen: the source's length,
 *       set by the family, 0 for none); ctl/ctllen: room in, bytes written
 *       out; rflags out, the msghdr's msg_flags (MSG_TRUNC, MSG_CTRUNC, MSG_EOR, ...).
 */
struct sock_msg {
	const struct iovec *iov;
	size_t iovcnt, len;
	struct sockaddr_storage *name;
	socklen_t namelen;
	char *ctl;
	size_t ctllen;
	int rflags;
	/* added: iov holds sentry addresses (read(2), write(2), sendfile:
	 * sys_rw's buffer), not the application's; sock_msg_copy knows */
	bool kernel;
};

/*
 * Copy len bytes at offset off of m's iovecs to (to_msg) or from buf:
 * copy_to_user / copy_from_user, or memcpy for a kernel message.  -EFAULT
 * if a range is not the application's.  (Added with the dispatch.)
 */
int sock_msg_copy(struct task *t, const struct sock_msg *m, size_t off, void *buf, size_t len,
		  bool to_msg);

struct proto_ops {
	int family;
	/* optional ones may be NULL: the call then fails as Linux's sock_no_*()
	 * do (EOPNOTSUPP), except poll (always ready) and release (nothing). */
	int (*bind)(struct task *t, struct socket *s, const struct sockaddr_storage *ss,
		    socklen_t len);
	int (*listen)(struct task *t, struct socket *s, int backlog);
	int (*connect)(struct task *t, struct socket *s, const struct sockaddr_storage *ss,
		       socklen_t len);
	/* the new socket (flags: SOCK_NONBLOCK only), and its peer's address */
	int (*accept)(struct task *t, struct socket *s, int flags, struct socket **out,
		      struct sockaddr_storage *ss, socklen_t *len);
	int (*socketpair)(struct task *t, struct socket *a, struct socket *b);
	int (*getname)(struct task *t, struct socket *s, bool peer, struct sockaddr_storage *ss,
		       socklen_t *len);
	int (*shutdown)(struct task *t, struct socket *s, int how);
	int (*setsockopt)(struct task *t, struct socket *s, int level, int name, uint64_t uval,
			  int len);
	int (*getsockopt)(struct task *t, struct socket *s, int level, int name, uint64_t uval,
			  uint64_t ulen);
	long (*sendmsg)(struct task *t, struct socket *s, struct sock_msg *m, int flags);
	long (*recvmsg)(struct task *t, struct socket *s, struct sock_msg *m, int flags);
	short (*poll)(struct socket *s, short events, struct poll_table *pt);
	/* a host fd to sleep on, for host-backed sockets; -1 or NULL: wait queues */
	int (*wait_fd)(struct socket *s);
	long (*ioctl)(struct task *t, struct socket *s, unsigned cmd, uint64_t arg);
	int (*fstat)(struct socket *s, struct stat *st);
	void (*release)(struct socket *s);
};

struct socket {
	const struct proto_ops *ops;
	int family, type, protocol;     /* type: the base type, no flags */
	struct file *file;              /* the file that holds this socket (no reference) */
	void *priv;                     /* the family's state */
	uint64_t ino;                   /* added: sockfs's inode number, 0 until asked */
	/* added: SO_RCVTIMEO, SO_SNDTIMEO in ns, for the sentry's waits:
	 * 0 waits for ever, < 0 not at all (a negative tv_sec in Linux) */
	int64_t timeo[2];
};

/* added: how long one call on a socket may wait (sock_wait_init), counted
 * across its waits: not at all with MSG_DONTWAIT (net/socket.c adds it for
 * an O_NONBLOCK file), else for SO_RCVTIMEO / SO_SNDTIMEO from now. */
enum { RCV, SND };
struct sock_wait {
	bool wait, forever;
	struct timespec end;
};
struct sock_wait sock_wait_init(struct socket *s, int flags, int dir);
/* The deadline of w (NULL: none); -EAGAIN if it may not wait or its
 * time ran out. */
int sock_wait_deadline(const struct sock_wait *w, const struct timespec **deadline);
/* SO_RCVTIMEO / SO_SNDTIMEO (a checked timeval), as sock_set_timeout(). */
void sock_set_timeo(struct socket *s, int name, const struct timeval *tv);
int sock_setsockopt_timeo(struct task *t, struct socket *s, int name, uint64_t uval, int len);

/* The socket's inode number (fstat, /proc/PID/fd, /proc/net/unix). */
uint64_t sock_ino(struct socket *s);

/* A family: socket(2) with its domain calls create (type without flags,
 * protocol as given: the family checks both), which sets s->ops and
 * s->priv. */
struct net_proto_family {
	int family;
	int (*create)(struct task *t, struct socket *s, int type, int protocol);
};

void sock_register(const struct net_proto_family *fam);

/* A socket of a wait-queue family that a host fd serves from now on (an
 * AF_UNIX socket connected to a host socket, net/unix/host.c): its file
 * takes the host table, so poll and epoll sleep on ->wait_fd.  The two
 * tables have the same functions, so a thread that read the old one
 * still reaches the family. */
void sock_now_host(struct socket *s);

/* The socket held by a socket file (NULL if f is not a socket). */
struct socket *sock_of(struct file *f);

/* A new socket and its file, not yet in any fd table (what accept needs
 * for its new socket, before the family fills it). */
int sock_alloc(int family, int type, int protocol, int fflags, struct socket **out);

#endif
