/* SPDX-License-Identifier: MIT */
/*
 * Host-mode inet sockets, the family of net/hostinet.c (the socket calls),
 * net/sockopt.c (options) and net/sockmsg.c (data): inside net/ only; the
 * rest of the sentry asks through net/net.h, and net/socket.c calls these
 * through hostinet_ops.  See hostinet.c.
 */
#ifndef CVISOR_NET_HOSTINET_H
#define CVISOR_NET_HOSTINET_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/time.h>

#include "kernel/kernel.h"
#include "net/socket.h"
#include "vfs/vfs.h"

#define MAX_IO (1 << 20)        /* bytes moved per host send/recv call */

struct hsock {
	int fd;                         /* the host socket, O_NONBLOCK */
};

/* Wait (sock_wait_init's w) for the host socket's events. */
int sock_wait(struct task *t, struct hsock *h, short events, const struct sock_wait *w);

/* An address for the host: an inet family (or AF_UNSPEC), else EAFNOSUPPORT
 * before the host sees it. */
int inet_addr_check(const struct sockaddr_storage *ss, socklen_t len);

/* sockopt.c */
int hostinet_setsockopt(struct task *t, struct socket *s, int level, int name, uint64_t uval,
			int len);
int hostinet_getsockopt(struct task *t, struct socket *s, int level, int name, uint64_t uval,
			uint64_t ulen);
/* sockmsg.c: flags here include MSG_DONTWAIT for an O_NONBLOCK file */
long hostinet_sendmsg(struct task *t, struct socket *s, struct sock_msg *m, int flags);
long hostinet_recvmsg(struct task *t, struct socket *s, struct sock_msg *m, int flags);
/* m's bytes and control messages, as they are, to the host socket of
 * s->priv (a struct hsock first): for a family that checked them itself */
long hostsock_send(struct task *t, struct socket *s, struct sock_msg *m, int flags);

#endif
