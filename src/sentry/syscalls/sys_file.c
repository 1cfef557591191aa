/* SPDX-License-Identifier: MIT */
/*
 * File system calls on the fd table.  Until the VFS lands (issue 3) the
 * sandbox's only files are the streams `cvisor do` handed it, and its
 * name space is empty: path lookups find nothing.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/uio.h>

#include "mm/mm.h"
#include "syscalls/syscalls.h"
#include "vfs/file.h"

#define IO_CHUNK (64 << 10)
#define MAX_RW 0x7ffff000L              /* MAX_RW_COUNT */

long sys_read(struct task *t, const struct syscall_args *a)
{
	struct file *f = fdt_get(t->tg->fdt, ARG_INT(a, 0));
	size_t len = a->a[2] < (uint64_t)MAX_RW ? a->a[2] : MAX_RW;
	char buf[IO_CHUNK];
	ssize_t n;

	if (!f)
		return -EBADF;
	if ((f->flags & O_ACCMODE) == O_WRONLY || !f->ops->read) {
		file_put(f);
		return -EBADF;
	}
	if (!access_ok(a->a[1], len)) {
		file_put(f);
		return -EFAULT;
	}
	if (len > sizeof(buf))
		len = sizeof(buf);      /* a short read, as pipes and ttys give */
	n = f->ops->read(t, f, buf, len);
	file_put(f);
	if (n > 0 && copy_to_user(t->tg->mm, a->a[1], buf, (size_t)n))
		return -EFAULT;
	return n;
}

/* Write len bytes from application memory at addr, chunk by chunk. */
static ssize_t write_from_user(struct task *t, struct file *f, uint64_t addr,
			       size_t len)
{
	char buf[IO_CHUNK];
	size_t done = 0;

	while (done < len) {
		size_t n = len - done < sizeof(buf) ? len - done : sizeof(buf);
		ssize_t w;

		if (copy_from_user(t->tg->mm, buf, addr + done, n))
			return done ? (ssize_t)done : -EFAULT;
		w = f->ops->write(t, f, buf, n);
		if (w < 0)
			return done ? (ssize_t)done : w;
		done += (size_t)w;
		if ((size_t)w < n)
			break;
	}
	return (ssize_t)done;
}

static struct file *writable(struct task *t, int fd)
{
	struct file *f = fdt_get(t->tg->fdt, fd);

	if (f && ((f->flags & O_ACCMODE) == O_RDONLY || !f->ops->write)) {
		file_put(f);
		return NULL;
	}
	return f;
}

long sys_write(struct task *t, const struct syscall_args *a)
{
	struct file *f = writable(t, ARG_INT(a, 0));
	ssize_t n;

	if (!f)
		return -EBADF;
	n = access_ok(a->a[1], a->a[2])
		    ? write_from_user(t, f, a->a[1], a->a[2] < (uint64_t)MAX_RW ? a->a[2] : MAX_RW)
		    : -EFAULT;
	file_put(f);
	return n;
}

long sys_writev(struct task *t, const struct syscall_args *a)
{
	struct file *f = writable(t, ARG_INT(a, 0));
	unsigned long cnt = a->a[2];
	struct iovec *iov;
	ssize_t total = 0;
	long ret = 0;

	if (!f)
		return -EBADF;
	if (cnt > IOV_MAX) {
		ret = -EINVAL;
		goto out;
	}
	iov = calloc(cnt ? cnt : 1, sizeof(*iov));
	if (!iov) {
		ret = -ENOMEM;
		goto out;
	}
	if (copy_from_user(t->tg->mm, iov, a->a[1], cnt * sizeof(*iov))) {
		ret = -EFAULT;
	} else {
		for (unsigned long i = 0; i < cnt; i++) {
			if ((ssize_t)iov[i].iov_len < 0) {
				ret = -EINVAL;
				break;
			}
			if (!access_ok((uint64_t)iov[i].iov_base, iov[i].iov_len)) {
				ret = -EFAULT;
				break;
			}
		}
		for (unsigned long i = 0; !ret && i < cnt; i++) {
			ssize_t n = write_from_user(t, f, (uint64_t)iov[i].iov_base,
						    iov[i].iov_len);

			if (n < 0) {
				ret = total ? 0 : n;
				break;
			}
			total += n;
			if ((size_t)n < iov[i].iov_len)
				break;
		}
	}
	free(iov);
	if (!ret)
		ret = total;
out:
	file_put(f);
	return ret;
}

long sys_close(struct task *t, const struct syscall_args *a)
{
	return fdt_close(t->tg->fdt, ARG_INT(a, 0));
}

static long stat_fd(struct task *t, int fd, uint64_t addr)
{
	struct file *f = fdt_get(t->tg->fdt, fd);
	struct stat st;
	int err;

	if (!f)
		return -EBADF;
	memset(&st, 0, sizeof(st));
	err = f->ops->fstat ? f->ops->fstat(f, &st) : -EINVAL;
	file_put(f);
	if (err)
		return err;
	return copy_to_user(t->tg->mm, addr, &st, sizeof(st));
}

long sys_fstat(struct task *t, const struct syscall_args *a)
{
	return stat_fd(t, ARG_INT(a, 0), a->a[1]);
}

/* The name space is empty until the VFS: every lookup fails with ENOENT. */
static long lookup_empty(struct task *t, uint64_t path)
{
	char name[PATH_MAX];
	long n = strncpy_from_user(t->tg->mm, name, path, sizeof(name));

	if (n < 0)
		return n;
	return n == 0 ? -ENOENT : -ENOENT;
}

long sys_newfstatat(struct task *t, const struct syscall_args *a)
{
	char c;
	long n;

	if (a->a[3] & ~(AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT))
		return -EINVAL;
	n = strncpy_from_user(t->tg->mm, &c, a->a[1], 1);
	if (n == -EFAULT)
		return -EFAULT;
	if (n == 0 && (a->a[3] & AT_EMPTY_PATH))
		return stat_fd(t, ARG_INT(a, 0), a->a[2]);
	return lookup_empty(t, a->a[1]);
}

long sys_readlink(struct task *t, const struct syscall_args *a)
{
	if ((long)a->a[2] <= 0)
		return -EINVAL;
	return lookup_empty(t, a->a[0]);
}

long sys_ioctl(struct task *t, const struct syscall_args *a)
{
	struct file *f = fdt_get(t->tg->fdt, ARG_INT(a, 0));
	unsigned cmd = ARG_UINT(a, 1);
	long ret;

	if (!f)
		return -EBADF;
	switch (cmd) {
	case FIOCLEX: case FIONCLEX:
		pthread_mutex_lock(&t->tg->fdt->lock);
		t->tg->fdt->cloexec[ARG_INT(a, 0)] = cmd == FIOCLEX;
		pthread_mutex_unlock(&t->tg->fdt->lock);
		ret = 0;
		break;
	default:
		ret = f->ops->ioctl ? f->ops->ioctl(t, f, cmd, a->a[2]) : -ENOTTY;
	}
	file_put(f);
	return ret;
}
