/* SPDX-License-Identifier: MIT */
/*
 * The socket system calls: each decodes its arguments, finds the socket by
 * its fd and calls net/ (net/net.h), as Linux's net/socket.c calls the
 * socket's ops.  What may reach the host, and how, is net/'s concern.
 */
#include <errno.h>
#include <stddef.h>
#include <sys/socket.h>

#include "mm/mm.h"
#include "net/net.h"
#include "syscalls/syscalls.h"

long sys_socket(struct task *t, const struct syscall_args *a)
{
	int type = ARG_INT(a, 1);
	struct file *f;
	int err = sock_create(t, ARG_INT(a, 0), type, ARG_INT(a, 2), &f);

	if (err)
		return err;
	return fd_install_new(t, f, type & SOCK_CLOEXEC);
}

/* socketpair(2): both files made first, then both fds, then the answer:
 * a bad sv pointer closes the two again (Linux's order, without its
 * fd reservation: the fds were briefly visible, as pipe2's are). */
long sys_socketpair(struct task *t, const struct syscall_args *a)
{
	int type = ARG_INT(a, 1), fds[2];
	bool cloexec = type & SOCK_CLOEXEC;
	struct file *f[2];
	int err = sock_socketpair(t, ARG_INT(a, 0), type, ARG_INT(a, 2), f);

	if (err)
		return err;
	fds[0] = fd_alloc_install(t, 0, f[0], cloexec);
	if (fds[0] < 0) {
		file_put(f[0]);
		file_put(f[1]);
		return fds[0];
	}
	fds[1] = (int)fd_install_new(t, f[1], cloexec);
	if (fds[1] < 0) {
		fdt_close(t->tg->fdt, fds[0]);
		return fds[1];
	}
	if (copy_to_user(t->tg->mm, a->a[3], fds, sizeof(fds))) {
		fdt_close(t->tg->fdt, fds[0]);
		fdt_close(t->tg->fdt, fds[1]);
		return -EFAULT;
	}
	return 0;
}

/*
 * The frame of every call on a socket fd: the socket of argument 0 (EBADF,
 * ENOTSOCK), op on it, its reference dropped.
 */
static long on_sock(struct task *t, const struct syscall_args *a,
		    long (*op)(struct task *t, struct file *f, const struct syscall_args *a))
{
	long ret;
	struct file *f = sock_fget(t, ARG_INT(a, 0), &ret);

	if (!f)
		return ret;
	ret = op(t, f, a);
	file_put(f);
	return ret;
}

static long bind_op(struct task *t, struct file *f, const struct syscall_args *a)
{
	struct sockaddr_storage ss;
	long err = addr_in(t, a->a[1], a->a[2], &ss);

	return err ? err : sock_bind(t, f, &ss, (socklen_t)a->a[2]);
}

long sys_bind(struct task *t, const struct syscall_args *a)
{
	return on_sock(t, a, bind_op);
}

static long listen_op(struct task *t, struct file *f, const struct syscall_args *a)
{
	return sock_listen(t, f, ARG_INT(a, 1));
}

long sys_listen(struct task *t, const struct syscall_args *a)
{
	return on_sock(t, a, listen_op);
}

static long connect_op(struct task *t, struct file *f, const struct syscall_args *a)
{
	struct sockaddr_storage ss;
	long err = addr_in(t, a->a[1], a->a[2], &ss);

	return err ? err : sock_connect(t, f, &ss, (socklen_t)a->a[2]);
}

long sys_connect(struct task *t, const struct syscall_args *a)
{
	return on_sock(t, a, connect_op);
}

/* The peer's address goes to the application before the new fd exists:
 * a bad address pointer loses the connection, never leaks an fd. */
static long do_accept(struct task *t, struct file *f, const struct syscall_args *a, int flags)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	struct file *nf;
	long ret = sock_accept(t, f, flags, &ss, &len, &nf);

	if (ret)
		return ret;
	ret = a->a[1] ? addr_out(t, a->a[1], a->a[2], &ss, len) : 0;
	if (ret) {
		file_put(nf);
		return ret;
	}
	return fd_install_new(t, nf, flags & SOCK_CLOEXEC);
}

static long accept_op(struct task *t, struct file *f, const struct syscall_args *a)
{
	return do_accept(t, f, a, 0);
}

static long accept4_op(struct task *t, struct file *f, const struct syscall_args *a)
{
	return do_accept(t, f, a, ARG_INT(a, 3));
}

long sys_accept(struct task *t, const struct syscall_args *a)
{
	return on_sock(t, a, accept_op);
}

long sys_accept4(struct task *t, const struct syscall_args *a)
{
	if (ARG_INT(a, 3) & ~(SOCK_NONBLOCK | SOCK_CLOEXEC))
		return -EINVAL;         /* before the fd, as Linux */
	return on_sock(t, a, accept4_op);
}

static long do_name(struct task *t, struct file *f, const struct syscall_args *a, bool peer)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	long err = sock_getname(t, f, peer, &ss, &len);

	return err ? err : addr_out(t, a->a[1], a->a[2], &ss, len);
}

static long sockname_op(struct task *t, struct file *f, const struct syscall_args *a)
{
	return do_name(t, f, a, false);
}

static long peername_op(struct task *t, struct file *f, const struct syscall_args *a)
{
	return do_name(t, f, a, true);
}

long sys_getsockname(struct task *t, const struct syscall_args *a)
{
	return on_sock(t, a, sockname_op);
}

long sys_getpeername(struct task *t, const struct syscall_args *a)
{
	return on_sock(t, a, peername_op);
}

static long shutdown_op(struct task *t, struct file *f, const struct syscall_args *a)
{
	return sock_shutdown(t, f, ARG_INT(a, 1));
}

long sys_shutdown(struct task *t, const struct syscall_args *a)
{
	return on_sock(t, a, shutdown_op);
}

static long setsockopt_op(struct task *t, struct file *f, const struct syscall_args *a)
{
	return sock_setsockopt(t, f, ARG_INT(a, 1), ARG_INT(a, 2), a->a[3], ARG_INT(a, 4));
}

long sys_setsockopt(struct task *t, const struct syscall_args *a)
{
	return on_sock(t, a, setsockopt_op);
}

static long getsockopt_op(struct task *t, struct file *f, const struct syscall_args *a)
{
	return sock_getsockopt(t, f, ARG_INT(a, 1), ARG_INT(a, 2), a->a[3], a->a[4]);
}

long sys_getsockopt(struct task *t, const struct syscall_args *a)
{
	return on_sock(t, a, getsockopt_op);
}

static long sendto_op(struct task *t, struct file *f, const struct syscall_args *a)
{
	struct sockaddr_storage ss;
	long err = a->a[4] ? addr_in(t, a->a[4], a->a[5], &ss) : 0;

	return err ? err : sock_sendto(t, f, a->a[1], ARG_UINT(a, 2), ARG_INT(a, 3),
				       a->a[4] ? &ss : NULL, (socklen_t)a->a[5]);
}

long sys_sendto(struct task *t, const struct syscall_args *a)
{
	return on_sock(t, a, sendto_op);
}

static long recvfrom_op(struct task *t, struct file *f, const struct syscall_args *a)
{
	struct sockaddr_storage ss;
	socklen_t len = 0;
	long ret = sock_recvfrom(t, f, a->a[1], ARG_UINT(a, 2), ARG_INT(a, 3), &ss, &len);

	long err = ret >= 0 && a->a[4] ? addr_out(t, a->a[4], a->a[5], &ss, len) : 0;

	return err ? err : ret;
}

long sys_recvfrom(struct task *t, const struct syscall_args *a)
{
	return on_sock(t, a, recvfrom_op);
}

static long sendmsg_op(struct task *t, struct file *f, const struct syscall_args *a)
{
	return sock_sendmsg(t, f, a->a[1], ARG_INT(a, 2));
}

long sys_sendmsg(struct task *t, const struct syscall_args *a)
{
	return on_sock(t, a, sendmsg_op);
}

static long recvmsg_op(struct task *t, struct file *f, const struct syscall_args *a)
{
	return sock_recvmsg(t, f, a->a[1], ARG_INT(a, 2));
}

long sys_recvmsg(struct task *t, const struct syscall_args *a)
{
	return on_sock(t, a, recvmsg_op);
}

/* ---------- sendmmsg, recvmmsg ---------- */

#define MMSG_MAX 1024           /* UIO_MAXIOV: Linux cuts vlen there */

/* Each message's count into its msg_len. */
static int mmsg_len(struct task *t, uint64_t entry, long n)
{
	unsigned len = (unsigned)n;

	return copy_to_user(t->tg->mm, entry + offsetof(struct mmsghdr, msg_len), &len,
			    sizeof(len));
}

static long sendmmsg_op(struct task *t, struct file *f, const struct syscall_args *a)
{
	unsigned vlen = ARG_UINT(a, 2) < MMSG_MAX ? ARG_UINT(a, 2) : MMSG_MAX, i;
	long ret = 0;

	for (i = 0; i < vlen; i++) {
		uint64_t entry = a->a[1] + i * sizeof(struct mmsghdr);

		ret = sock_sendmsg(t, f, entry, ARG_INT(a, 3));
		if (ret >= 0 && mmsg_len(t, entry, ret))
			ret = -EFAULT;
		if (ret < 0)
			break;
	}
	return i ? (long)i : ret;
}

long sys_sendmmsg(struct task *t, const struct syscall_args *a)
{
	return on_sock(t, a, sendmmsg_op);
}

/* recvmmsg's timeout: when it runs out */
static long timeout_in(struct task *t, uint64_t uts, struct timespec *end)
{
	struct timespec ts;

	if (copy_from_user(t->tg->mm, &ts, uts, sizeof(ts)))
		return -EFAULT;
	if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= 1000000000L)
		return -EINVAL;
	*end = ts_deadline(&ts);
	return 0;
}

/* recvmmsg: MSG_WAITFORONE waits for the first message only; the timeout
 * is looked at after each message, as Linux does, and gets what is left. */
static long recvmmsg_op(struct task *t, struct file *f, const struct syscall_args *a)
{
	unsigned vlen = ARG_UINT(a, 2) < MMSG_MAX ? ARG_UINT(a, 2) : MMSG_MAX, i;
	int flags = ARG_INT(a, 3);
	struct timespec ts = { 0, 0 }, end;
	long ret = 0;

	if (a->a[4])
		ret = timeout_in(t, a->a[4], &end);
	for (i = 0; !ret && i < vlen;) {
		uint64_t entry = a->a[1] + i * sizeof(struct mmsghdr);
		long n = sock_recvmsg(t, f, entry, flags);

		if (n >= 0 && mmsg_len(t, entry, n))
			n = -EFAULT;
		if (n < 0) {
			ret = n;        /* reported only if nothing came */
			break;
		}
		i++;
		if (flags & MSG_WAITFORONE)
			flags |= MSG_DONTWAIT;
		if (a->a[4]) {
			ts = ts_left(&end);
			if (ts.tv_sec < 0 || (!ts.tv_sec && !ts.tv_nsec))
				break;
		}
	}
	if (i && a->a[4]) {
		if (ts.tv_sec < 0)
			ts = (struct timespec){ 0, 0 };
		if (copy_to_user(t->tg->mm, a->a[4], &ts, sizeof(ts)))
			i = 0, ret = -EFAULT;
	}
	return i ? (long)i : ret;
}

long sys_recvmmsg(struct task *t, const struct syscall_args *a)
{
	return on_sock(t, a, recvmmsg_op);
}
