/* SPDX-License-Identifier: MIT */
/*
 * Sockets, as the rest of the sentry asks for them: the socket system
 * calls (syscalls/sys_socket.c) decode their arguments and call these, as
 * Linux's __sys_*() call sock->ops.  net/socket.c decodes what is common
 * and calls the socket's family (net/socket.h); the calls name a socket by
 * its file.
 *
 * uaddr, uval, ulen, umsg and buf are application addresses: the calls copy
 * from and to them with the rules of each option or message.  Results are
 * 0 or a count, or a negative errno.
 */
#ifndef CVISOR_NET_NET_H
#define CVISOR_NET_NET_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "kernel/kernel.h"
#include "vfs/vfs.h"

/* --host-uds (docs/networking.md, "Host unix sockets"): an AF_UNIX stream
 * or seqpacket socket may connect to a host socket file on a host-backed
 * mount.  Set at boot, before any task runs; the sentry's cwd is then the
 * host's /proc (net/unix/host.c connects through self/fd/N). */
extern bool net_host_uds;

/* The socket file of fd, with a reference (-EBADF, -ENOTSOCK in *err). */
struct file *sock_fget(struct task *t, int fd, long *err);

/* A new socket's file, not yet in the fd table (type may hold SOCK_NONBLOCK). */
int sock_create(struct task *t, int domain, int type, int protocol, struct file **out);
/* accept(2): the new connection's file, not yet in the fd table, and its peer
 * (flags: SOCK_NONBLOCK, SOCK_CLOEXEC only, checked by the caller). */
/* socketpair(2): two joined sockets' files, not yet in the fd table. */
int sock_socketpair(struct task *t, int domain, int type, int protocol, struct file *out[2]);
int sock_accept(struct task *t, struct file *f, int flags, struct sockaddr_storage *ss,
		socklen_t *len, struct file **out);

/* An address from the application (its length checked; the family checks
 * the rest), and
 * one to it with the value-result length, the kernel's way. */
int addr_in(struct task *t, uint64_t uaddr, uint64_t len, struct sockaddr_storage *ss);
int addr_out(struct task *t, uint64_t uaddr, uint64_t ulen, const struct sockaddr_storage *ss,
	     socklen_t len);

int sock_bind(struct task *t, struct file *f, const struct sockaddr_storage *ss,
	      socklen_t len);
int sock_listen(struct task *t, struct file *f, int backlog);
int sock_connect(struct task *t, struct file *f, const struct sockaddr_storage *ss,
		 socklen_t len);
int sock_getname(struct task *t, struct file *f, bool peer, struct sockaddr_storage *ss, socklen_t *len);
int sock_shutdown(struct task *t, struct file *f, int how);

/* Options: the family's (host-mode inet: only those of common/hostnet.def). */
int sock_setsockopt(struct task *t, struct file *f, int level, int name, uint64_t uval,
		    int len);
int sock_getsockopt(struct task *t, struct file *f, int level, int name, uint64_t uval,
		    uint64_t ulen);

/* Data: one buffer, or one application msghdr at umsg. */
long sock_sendto(struct task *t, struct file *f, uint64_t buf, size_t len, int flags,
		 struct sockaddr_storage *to, socklen_t tolen);
long sock_recvfrom(struct task *t, struct file *f, uint64_t buf, size_t len, int flags,
		   struct sockaddr_storage *from, socklen_t *fromlen);
long sock_sendmsg(struct task *t, struct file *f, uint64_t umsg, int flags);
/* sendfile(2) to f from the host fd in_fd at *pos, by the host, if f is a
 * host inet stream socket (net/sockmsg.c); else -EOPNOTSUPP. */
long sock_sendfile(struct task *t, struct file *f, int in_fd, off_t *pos, size_t len);
long sock_recvmsg(struct task *t, struct file *f, uint64_t umsg, int flags);

/* /proc/net/unix (net/unix/proc.c) */
struct sbuf;
int proc_net_unix(struct sbuf *b);

#endif
