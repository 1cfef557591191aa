/* SPDX-License-Identifier: MIT */
/*
 * --host-uds (gVisor's --host-uds=open): an AF_UNIX stream or seqpacket
 * socket of the application connects to a host socket file, one on a
 * host-backed mount that no sentry socket is bound to (names.c).
 *
 * The host never resolves a path the application wrote: the sentry's
 * walk found the node, hostfs opened it O_PATH|O_NOFOLLOW relative to its
 * parent's fd and checked it is the socket inode the walk saw
 * (hostfs_sock_fd), and the host socket connects through that fd's magic
 * link, "self/fd/N" relative to the sentry's cwd, which boot made the
 * host's /proc (the sentry's root is empty; nothing else in the sentry
 * resolves a relative path).  A symlink swapped in after the walk is
 * never followed: the fd is the inode itself.
 *
 * The socket then keeps its AF_UNIX ops, and each of them hands a host-
 * connected socket to the host-socket calls of net/sockmsg.c (the host fd
 * is the struct hsock at the head of unix_sock): data is copied through
 * sentry buffers, waits sleep on the host fd, and the file takes the host
 * table (sock_now_host) so that poll and epoll do too.  The fd is set
 * once, under unix_lock, while the socket is unconnected: no other call
 * can be using a connection it does not have yet.
 *
 * Sentry files cannot cross to the host: SCM_RIGHTS to send is EINVAL,
 * SCM_CREDENTIALS is dropped; the host's control messages never reach the
 * sentry (a receive gives the host no room for them, so it installs no
 * fd in the sentry).
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "net/net.h"
#include "net/unix/unix.h"

bool net_host_uds;

/* A new host socket of type, connected to the socket file pfd (closed). */
static int host_sock_connect(int pfd, int type)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int h = host_fd_admit(socket(AF_UNIX, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0)), err = 0;

	if (h < 0)
		err = h;
	snprintf(sun.sun_path, sizeof(sun.sun_path), "self/fd/%d", pfd);
	if (!err && connect(h, (struct sockaddr *)&sun, sizeof(sun)))
		err = -errno;
	close(pfd);
	if (err && h >= 0)
		close(h);
	/* a full backlog: the host socket cannot wait for room; EAGAIN */
	return err ? err : h;
}

static int connect_state(struct unix_sock *u)
{
	return u->state == US_CONNECTED ? -EISCONN : u->state != US_UNCONNECTED ? -EINVAL : 0;
}

int unix_host_connect(struct socket *s, const struct sockaddr_storage *ss, socklen_t len,
		      int pfd)
{
	struct unix_sock *u = unix_sk(s);
	struct unix_addr *a = calloc(1, sizeof(*a));
	int err, h;

	pthread_mutex_lock(&unix_lock);
	err = a ? connect_state(u) : -ENOMEM;
	pthread_mutex_unlock(&unix_lock);
	if (err) {
		close(pfd);
		free(a);
		return err;
	}
	h = host_sock_connect(pfd, s->type);
	if (h < 0) {
		free(a);
		return h;
	}
	memcpy(&a->sun, ss, len);
	a->len = len;
	pthread_mutex_lock(&unix_lock);
	err = connect_state(u);         /* another thread may have connected it meanwhile */
	if (!err) {
		u->host_peer = a;
		u->state = US_CONNECTED;
		__atomic_store_n(&u->host.fd, h, __ATOMIC_RELEASE);
		/* a poll that slept on the queue looks again, at the host fd */
		unix_wake(u, POLLIN | POLLOUT | POLLHUP);
	}
	pthread_mutex_unlock(&unix_lock);
	if (err) {
		close(h);
		free(a);
		return err;
	}
	sock_now_host(s);
	return 0;
}

/* SCM_RIGHTS: EINVAL; SCM_CREDENTIALS: dropped (the host sees the
 * sentry's own); the rest are not AF_UNIX's: EINVAL as Linux says. */
long unix_host_sendmsg(struct task *t, struct socket *s, struct sock_msg *m, int flags)
{
	struct sock_msg hm = *m;
	size_t off;

	if (m->name && s->type == SOCK_STREAM)
		return -EISCONN;        /* unix_stream_sendmsg; seqpacket ignores it */
	for (off = 0; off + sizeof(struct cmsghdr) <= m->ctllen;) {
		const struct cmsghdr *c = (const struct cmsghdr *)(m->ctl + off);

		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_CREDENTIALS)
			return -EINVAL;
		off += CMSG_ALIGN(c->cmsg_len);
	}
	hm.ctl = NULL;
	hm.ctllen = 0;
	hm.name = NULL;
	hm.namelen = 0;
	return hostsock_send(t, s, &hm, flags);
}

/* The source is the name it connected to (never the host's path). */
long unix_host_recvmsg(struct task *t, struct socket *s, struct sock_msg *m, int flags)
{
	struct unix_sock *u = unix_sk(s);
	long n;

	m->ctllen = 0;
	n = hostinet_recvmsg(t, s, m, flags);
	if (m->name && m->namelen) {
		memcpy(m->name, &u->host_peer->sun, u->host_peer->len);
		m->namelen = u->host_peer->len;
	}
	return n;
}

short unix_host_poll(struct socket *s, short events)
{
	struct pollfd p = { .fd = unix_host_fd(unix_sk(s)), .events = events };

	return poll(&p, 1, 0) == 1 ? p.revents : 0;
}
