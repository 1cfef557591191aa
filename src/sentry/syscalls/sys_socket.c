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
	int type = ARG_INT(a, 1), fd;
	struct file *f;
	int err = sock_create(t, ARG_INT(a, 0), type, ARG_INT(a, 2), &f);

	if (err)
		return err;
	fd = fdt_install(t->tg->fdt, -1, f, type & SOCK_CLOEXEC);
	if (fd < 0)
		file_put(f);
	return fd;
}

long sys_bind(struct task *t, const struct syscall_args *a)
{
	struct sockaddr_storage ss;
	long err;
	struct file *f = sock_fget(t, ARG_INT(a, 0), &err);

	if (!f)
		return err;
	err = addr_in(t, a->a[1], a->a[2], &ss);
	if (!err)
		err = sock_bind(t, f, &ss, (socklen_t)a->a[2]);
	file_put(f);
	return err;
}

long sys_listen(struct task *t, const struct syscall_args *a)
{
	long err;
	struct file *f = sock_fget(t, ARG_INT(a, 0), &err);

	if (!f)
		return err;
	err = sock_listen(f, ARG_INT(a, 1));
	file_put(f);
	return err;
}

long sys_connect(struct task *t, const struct syscall_args *a)
{
	struct sockaddr_storage ss;
	long err;
	struct file *f = sock_fget(t, ARG_INT(a, 0), &err);

	if (!f)
		return err;
	err = addr_in(t, a->a[1], a->a[2], &ss);
	if (!err)
		err = sock_connect(t, f, &ss, (socklen_t)a->a[2]);
	file_put(f);
	return err;
}

/* The peer's address goes to the application before the new fd exists:
 * a bad address pointer loses the connection, never leaks an fd. */
static long do_accept(struct task *t, const struct syscall_args *a, int flags)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	struct file *nf;
	struct file *f;
	long ret;

	if (flags & ~(SOCK_NONBLOCK | SOCK_CLOEXEC))
		return -EINVAL;
	f = sock_fget(t, ARG_INT(a, 0), &ret);
	if (!f)
		return ret;
	ret = sock_accept(t, f, flags, &ss, &len, &nf);
	file_put(f);
	if (ret)
		return ret;
	ret = addr_out(t, a->a[1], a->a[2], &ss, len);
	if (!ret)
		ret = fdt_install(t->tg->fdt, -1, nf, flags & SOCK_CLOEXEC);
	if (ret < 0)
		file_put(nf);
	return ret;
}

long sys_accept(struct task *t, const struct syscall_args *a)
{
	return do_accept(t, a, 0);
}

long sys_accept4(struct task *t, const struct syscall_args *a)
{
	return do_accept(t, a, ARG_INT(a, 3));
}

static long sock_name(struct task *t, const struct syscall_args *a, bool peer)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	long err;
	struct file *f = sock_fget(t, ARG_INT(a, 0), &err);

	if (!f)
		return err;
	err = sock_getname(f, peer, &ss, &len);
	file_put(f);
	return err ? err : addr_out(t, a->a[1], a->a[2], &ss, len);
}

long sys_getsockname(struct task *t, const struct syscall_args *a)
{
	return sock_name(t, a, false);
}

long sys_getpeername(struct task *t, const struct syscall_args *a)
{
	return sock_name(t, a, true);
}

long sys_shutdown(struct task *t, const struct syscall_args *a)
{
	long err;
	struct file *f = sock_fget(t, ARG_INT(a, 0), &err);

	if (!f)
		return err;
	err = sock_shutdown(f, ARG_INT(a, 1));
	file_put(f);
	return err;
}

long sys_setsockopt(struct task *t, const struct syscall_args *a)
{
	long err;
	struct file *f = sock_fget(t, ARG_INT(a, 0), &err);

	if (!f)
		return err;
	err = sock_setsockopt(t, f, ARG_INT(a, 1), ARG_INT(a, 2), a->a[3], ARG_INT(a, 4));
	file_put(f);
	return err;
}

long sys_getsockopt(struct task *t, const struct syscall_args *a)
{
	long err;
	struct file *f = sock_fget(t, ARG_INT(a, 0), &err);

	if (!f)
		return err;
	err = sock_getsockopt(t, f, ARG_INT(a, 1), ARG_INT(a, 2), a->a[3], a->a[4]);
	file_put(f);
	return err;
}

long sys_sendto(struct task *t, const struct syscall_args *a)
{
	struct sockaddr_storage ss;
	long err;
	struct file *f = sock_fget(t, ARG_INT(a, 0), &err);

	if (!f)
		return err;
	if (a->a[4])
		err = addr_in(t, a->a[4], a->a[5], &ss);
	if (!err)
		err = sock_sendto(t, f, a->a[1], ARG_UINT(a, 2), ARG_INT(a, 3),
				  a->a[4] ? &ss : NULL, (socklen_t)a->a[5]);
	file_put(f);
	return err;
}

long sys_recvfrom(struct task *t, const struct syscall_args *a)
{
	struct sockaddr_storage ss;
	socklen_t len = 0;
	long ret;
	struct file *f = sock_fget(t, ARG_INT(a, 0), &ret);

	if (!f)
		return ret;
	ret = sock_recvfrom(t, f, a->a[1], ARG_UINT(a, 2), ARG_INT(a, 3), &ss, &len);
	if (ret >= 0 && a->a[4] && addr_out(t, a->a[4], a->a[5], &ss, len))
		ret = -EFAULT;
	file_put(f);
	return ret;
}

/* sendmsg(2), recvmsg(2): one message */
static long sock_msg(struct task *t, const struct syscall_args *a,
		     long (*op)(struct task *t, struct file *f, uint64_t umsg, int flags))
{
	long ret;
	struct file *f = sock_fget(t, ARG_INT(a, 0), &ret);

	if (!f)
		return ret;
	ret = op(t, f, a->a[1], ARG_INT(a, 2));
	file_put(f);
	return ret;
}

long sys_sendmsg(struct task *t, const struct syscall_args *a)
{
	return sock_msg(t, a, sock_sendmsg);
}

long sys_recvmsg(struct task *t, const struct syscall_args *a)
{
	return sock_msg(t, a, sock_recvmsg);
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

long sys_sendmmsg(struct task *t, const struct syscall_args *a)
{
	unsigned vlen = ARG_UINT(a, 2) < MMSG_MAX ? ARG_UINT(a, 2) : MMSG_MAX, i;
	long ret;
	struct file *f = sock_fget(t, ARG_INT(a, 0), &ret);

	if (!f)
		return ret;
	for (i = 0; i < vlen; i++) {
		uint64_t entry = a->a[1] + i * sizeof(struct mmsghdr);

		ret = sock_sendmsg(t, f, entry, ARG_INT(a, 3));
		if (ret >= 0 && mmsg_len(t, entry, ret))
			ret = -EFAULT;
		if (ret < 0)
			break;
	}
	file_put(f);
	return i ? (long)i : ret;
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
long sys_recvmmsg(struct task *t, const struct syscall_args *a)
{
	unsigned vlen = ARG_UINT(a, 2) < MMSG_MAX ? ARG_UINT(a, 2) : MMSG_MAX, i;
	int flags = ARG_INT(a, 3);
	struct timespec ts = { 0, 0 }, end;
	long ret;
	struct file *f = sock_fget(t, ARG_INT(a, 0), &ret);

	if (!f)
		return ret;
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
	file_put(f);
	return i ? (long)i : ret;
}
