/* SPDX-License-Identifier: MIT */
/*
 * splice, tee, vmsplice (docs/syscalls.md): data moves through a sentry
 * buffer, not page references, but with Linux's rules: one end a pipe,
 * at most what the pipe holds per call, SPLICE_F_NONBLOCK for the pipe
 * ends, and data leaves a pipe only once the other side took it (it is
 * looked at first, then consumed by what was written).  Also the file
 * hints sync_file_range and readahead.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/uio.h>

#include "mm/mm.h"
#include "syscalls/syscalls.h"
#include "vfs/vfs.h"

#ifndef SPLICE_F_MOVE
#define SPLICE_F_MOVE 1
#define SPLICE_F_NONBLOCK 2
#define SPLICE_F_MORE 4
#define SPLICE_F_GIFT 8
#endif
#define SPLICE_F_ALL (SPLICE_F_MOVE | SPLICE_F_NONBLOCK | SPLICE_F_MORE | SPLICE_F_GIFT)
#define SPLICE_MAX (1UL << 20)          /* the largest pipe (pipe-max-size) */
#ifndef UIO_MAXIOV
#define UIO_MAXIOV 1024
#endif

static bool can_read(struct file *f)
{
	return (f->flags & O_ACCMODE) != O_WRONLY && f->ops->read;
}

static bool can_write(struct file *f)
{
	return (f->flags & O_ACCMODE) != O_RDONLY && f->ops->write;
}

/* Write all of buf to a file at *pos (or its position); what was taken. */
static ssize_t write_file(struct task *t, struct file *out, const char *buf, size_t n,
			  off_t *pos)
{
	size_t w = 0;
	int err = vfs_fsize_write(t, out, pos ? *pos : out->pos, &n);

	if (err)
		return err;
	while (w < n) {
		ssize_t k = out->ops->write(t, out, buf + w, n - w, pos ? pos : &out->pos);

		if (k <= 0)
			return w ? (ssize_t)w : (k ? k : -EIO);
		w += (size_t)k;
	}
	return (ssize_t)w;
}

/*
 * From a pipe: look at up to len bytes, give them to out (a pipe, or a
 * file at *pos), then take from the pipe only what out took.
 */
static long from_pipe(struct task *t, struct file *in, struct file *out, off_t *pos,
		      size_t len, int how)
{
	char *buf = malloc(len);
	ssize_t n, w;

	if (!buf)
		return -ENOMEM;
	n = pipe_read_ext(t, in, buf, len, how | PIPE_PEEK);
	if (n > 0 && is_pipe(out))
		w = pipe_write_ext(t, out, buf, (size_t)n, how);
	else if (n > 0)
		w = write_file(t, out, buf, (size_t)n, pos);
	else
		w = n;
	if (w > 0)
		pipe_read_ext(t, in, buf, (size_t)w, PIPE_NOWAIT);
	free(buf);
	return w;
}

/* From a file at *pos into a pipe; what the pipe did not take is read
 * again next time (the position goes back), as far as the file can seek. */
static long to_pipe(struct task *t, struct file *in, off_t *pos, struct file *out, size_t len,
		    int how)
{
	off_t *p = pos ? pos : &in->pos;
	char *buf = malloc(len);
	ssize_t n, w;

	if (!buf)
		return -ENOMEM;
	n = in->ops->read(t, in, buf, len, p);
	w = n > 0 ? pipe_write_ext(t, out, buf, (size_t)n, how) : n;
	if (n > 0 && w < n)
		*p -= n - (w > 0 ? w : 0);
	free(buf);
	return w;
}

/* An offset argument: NULL, or a non-negative value read from the application. */
static long get_off(struct task *t, uint64_t uaddr, off_t *off)
{
	if (!uaddr)
		return 0;
	if (copy_from_user(t->tg->mm, off, uaddr, sizeof(*off)))
		return -EFAULT;
	return *off < 0 ? -EINVAL : 0;
}

static long do_splice(struct task *t, struct file *in, uint64_t uoff_in, struct file *out,
		      uint64_t uoff_out, size_t len, int how)
{
	bool pin = is_pipe(in), pout = is_pipe(out);
	off_t off = 0;
	long ret;

	if (!can_read(in) || !can_write(out))
		return -EBADF;
	if (!pin && !pout)
		return -EINVAL;
	if ((pin && uoff_in) || (pout && uoff_out))
		return -ESPIPE;
	if (pin && pout && pipe_same(in, out))
		return -EINVAL;
	if (!pout && (out->flags & O_APPEND))
		return -EINVAL;
	ret = get_off(t, pin ? uoff_out : uoff_in, &off);
	if (ret)
		return ret;
	if (!pin && !in->ops->llseek && uoff_in)
		return -ESPIPE;
	if (!pout && !out->ops->llseek && uoff_out)
		return -ESPIPE;
	if (len > SPLICE_MAX)
		len = SPLICE_MAX;
	if (pin) {
		pthread_mutex_lock(&out->pos_lock);
		ret = from_pipe(t, in, out, uoff_out ? &off : NULL, len, how);
		pthread_mutex_unlock(&out->pos_lock);
	} else {
		pthread_mutex_lock(&in->pos_lock);
		ret = to_pipe(t, in, uoff_in ? &off : NULL, out, len, how);
		pthread_mutex_unlock(&in->pos_lock);
	}
	if (ret >= 0 && (uoff_in || uoff_out) &&
	    copy_to_user(t->tg->mm, uoff_in ? uoff_in : uoff_out, &off, sizeof(off)))
		ret = -EFAULT;
	return ret;
}

long sys_splice(struct task *t, const struct syscall_args *a)
{
	unsigned flags = ARG_UINT(a, 5);
	struct file *in, *out;
	long ret;

	if (flags & ~SPLICE_F_ALL)
		return -EINVAL;
	if (!a->a[4])
		return 0;
	in = fget(t, ARG_INT(a, 0));
	out = fget(t, ARG_INT(a, 2));
	ret = in && out ? do_splice(t, in, a->a[1], out, a->a[3], a->a[4],
				    flags & SPLICE_F_NONBLOCK ? PIPE_NOWAIT : 0) : -EBADF;
	if (in)
		file_put(in);
	if (out)
		file_put(out);
	return ret;
}

/* tee: what is in one pipe is copied to another, and stays in the first. */
long sys_tee(struct task *t, const struct syscall_args *a)
{
	unsigned flags = ARG_UINT(a, 3);
	int how = flags & SPLICE_F_NONBLOCK ? PIPE_NOWAIT : 0;
	size_t len = a->a[2] < SPLICE_MAX ? a->a[2] : SPLICE_MAX;
	struct file *in, *out;
	char *buf = NULL;
	long ret;

	if (flags & ~SPLICE_F_ALL)
		return -EINVAL;
	if (!len)
		return 0;
	in = fget(t, ARG_INT(a, 0));
	out = fget(t, ARG_INT(a, 1));
	if (!in || !out || !can_read(in) || !can_write(out))
		ret = -EBADF;
	else if (!is_pipe(in) || !is_pipe(out) || pipe_same(in, out))
		ret = -EINVAL;
	else if (!(buf = malloc(len)))
		ret = -ENOMEM;
	else if ((ret = pipe_read_ext(t, in, buf, len, how | PIPE_PEEK)) > 0)
		ret = pipe_write_ext(t, out, buf, (size_t)ret, how);
	free(buf);
	if (in)
		file_put(in);
	if (out)
		file_put(out);
	return ret;
}

/* vmsplice: the application's buffers into a pipe (its write end), or out
 * of it (its read end): a writev or readv of the pipe. */
static long vmsplice_iov(struct task *t, struct file *f, const struct iovec *iov,
			 unsigned long cnt, int how)
{
	bool to_pipe = (f->flags & O_ACCMODE) != O_RDONLY;
	size_t done = 0;
	long ret = 0;

	for (unsigned long i = 0; i < cnt && !ret; i++) {
		size_t len = iov[i].iov_len < SPLICE_MAX ? iov[i].iov_len : SPLICE_MAX;
		char *buf = len ? malloc(len) : NULL;
		ssize_t n;

		if (!len)
			continue;
		if (!buf)
			return done ? (long)done : -ENOMEM;
		if (to_pipe && copy_from_user(t->tg->mm, buf, (uint64_t)iov[i].iov_base, len))
			n = -EFAULT;
		else if (to_pipe)
			n = pipe_write_ext(t, f, buf, len, how);
		else if ((n = pipe_read_ext(t, f, buf, len, how)) > 0 &&
			 copy_to_user(t->tg->mm, (uint64_t)iov[i].iov_base, buf, (size_t)n))
			n = -EFAULT;    /* the data is gone, as after a failed readv */
		free(buf);
		if (n < 0)
			return done ? (long)done : n;
		done += (size_t)n;
		/* stop at a short transfer, and after the first read-side one
		 * that emptied the pipe (a readv does not wait for more) */
		if ((size_t)n < len || (!to_pipe && done))
			ret = 1;
		how |= PIPE_NOWAIT;     /* only the first segment may wait */
	}
	return (long)done;
}

long sys_vmsplice(struct task *t, const struct syscall_args *a)
{
	unsigned long cnt = a->a[2];
	unsigned flags = ARG_UINT(a, 3);
	struct iovec *iov;
	struct file *f;
	long ret;

	if (flags & ~SPLICE_F_ALL || cnt > UIO_MAXIOV)
		return -EINVAL;
	f = fget(t, ARG_INT(a, 0));
	if (!f)
		return -EBADF;
	if (!is_pipe(f)) {
		file_put(f);
		return -EBADF;
	}
	iov = cnt ? calloc(cnt, sizeof(*iov)) : NULL;
	if (cnt && !iov)
		ret = -ENOMEM;
	else if (cnt && copy_from_user(t->tg->mm, iov, a->a[1], cnt * sizeof(*iov)))
		ret = -EFAULT;
	else
		ret = vmsplice_iov(t, f, iov, cnt, flags & SPLICE_F_NONBLOCK ? PIPE_NOWAIT : 0);
	free(iov);
	file_put(f);
	return ret;
}

/* --- file hints --- */

#define SYNC_FILE_RANGE_ALL 7           /* WAIT_BEFORE | WRITE | WAIT_AFTER */

/* sync_file_range: a write asked for is an fdatasync of the whole file. */
long sys_sync_file_range(struct task *t, const struct syscall_args *a)
{
	int64_t off = (int64_t)a->a[1], n = (int64_t)a->a[2];
	unsigned flags = ARG_UINT(a, 3);
	struct file *f;
	long ret = 0;

	if (flags & ~SYNC_FILE_RANGE_ALL || off < 0 || n < 0 || off + n < off)
		return -EINVAL;
	f = fget(t, ARG_INT(a, 0));
	if (!f)
		return -EBADF;
	if (!f->inode || !(S_ISREG(f->inode->mode) || S_ISDIR(f->inode->mode) ||
			   S_ISLNK(f->inode->mode) || S_ISBLK(f->inode->mode)))
		ret = -ESPIPE;
	else if ((flags & 2) && f->ops->fsync)  /* SYNC_FILE_RANGE_WRITE */
		ret = f->ops->fsync(f, true);
	file_put(f);
	return ret;
}

/* readahead: a hint; the file must be open for reading and regular. */
long sys_readahead(struct task *t, const struct syscall_args *a)
{
	struct file *f = fget(t, ARG_INT(a, 0));
	long ret = 0;

	if (!f)
		return -EBADF;
	if ((f->flags & O_ACCMODE) == O_WRONLY || (f->flags & O_PATH))
		ret = -EBADF;
	else if (!f->inode || !S_ISREG(f->inode->mode))
		ret = -EINVAL;
	file_put(f);
	return ret;
}
