/* SPDX-License-Identifier: MIT */
/*
 * Host-mode inet sockets, shared by net/hostinet.c (the socket calls),
 * net/sockopt.c (options) and net/sockmsg.c (data): inside net/ only; the
 * rest of the sentry asks through net/net.h.  See hostinet.c.
 */
#ifndef CVISOR_NET_HOSTINET_H
#define CVISOR_NET_HOSTINET_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/time.h>

#include "kernel/kernel.h"
#include "vfs/vfs.h"

#define MAX_IO (1 << 20)        /* bytes moved per host send/recv call */

struct hsock {
	int fd;                         /* the host socket, O_NONBLOCK */
	int family, type, protocol;
	/* SO_RCVTIMEO, SO_SNDTIMEO in ns, for the sentry's waits:
	 * 0 waits for ever, < 0 not at all (a negative tv_sec in Linux) */
	int64_t timeo[2];
};

enum { RCV, SND };

/* How long a call may wait, and the wait (hostinet.c). */
struct sock_wait {
	bool wait, forever;
	struct timespec end;
};

struct sock_wait wait_init(struct file *f, struct hsock *s, int flags, int dir);
int sock_wait(struct task *t, struct hsock *s, short events, const struct sock_wait *w);

/* sockmsg.c: the socket's read and write */
ssize_t sock_read(struct task *t, struct file *f, void *buf, size_t len, off_t *pos);
ssize_t sock_write(struct task *t, struct file *f, const void *buf, size_t len, off_t *pos);
long sock_rw_iov(struct task *t, struct file *f, const struct iovec *iov, size_t cnt, bool write);

#endif
