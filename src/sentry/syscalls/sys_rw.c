/* SPDX-License-Identifier: MIT */
/*
 * Reading and writing.  Data moves through a sentry buffer in chunks:
 * copy_to_user/copy_from_user make a bad pointer an EFAULT, after whatever
 * was transferred before it (as Linux reports partial transfers).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <pthread.h>
#include <sys/uio.h>
#include <unistd.h>

#include "mm/mm.h"
#include "net/net.h"
#include "syscalls/syscalls.h"
#include "vfs/vfs.h"

#define IO_CHUNK (1 << 20)
#define MAPPED_READ_MIN (256 << 10)

/*
 * One bounce buffer per sentry thread, reused: a read moves through it in
 * 1 MiB steps (host read, then process_vm_writev), so large reads cost two
 * host calls per MiB and no allocation.  It goes with its thread (a key's
 * destructor): each task has a sentry thread of its own, and the buffers
 * of ended ones were kept, 1 MiB of address space and the pages touched
 * (8 KiB for ld.so's header reads) per process that ever read a file.
 */
static pthread_key_t io_key;
static pthread_once_t io_once = PTHREAD_ONCE_INIT;

static void io_key_make(void)
{
	pthread_key_create(&io_key, free);
}

static char *io_buf(void)
{
	static __thread char *buf;

	if (!buf) {
		pthread_once(&io_once, io_key_make);
		buf = malloc(IO_CHUNK);
		pthread_setspecific(io_key, buf);
	}
	return buf;
}
#define MAX_RW 0x7ffff000L              /* MAX_RW_COUNT */

static bool stream(struct file *f)
{
	return !f->ops->llseek;
}

/* The checks read(2) makes before reading. */
static long readable(struct file *f)
{
	if (!f)
		return -EBADF;
	if ((f->flags & O_ACCMODE) == O_WRONLY)
		return -EBADF;
	if (!f->ops->read)
		return f->inode && S_ISDIR(f->inode->mode) ? -EISDIR : -EINVAL;
	return 0;
}

static long writable(struct file *f)
{
	if (!f)
		return -EBADF;
	if ((f->flags & O_ACCMODE) == O_RDONLY)
		return -EBADF;
	return f->ops->write ? 0 : -EINVAL;
}

/*
 * Large reads of regular files: map the range into the sentry and copy it
 * to the application in one process_vm_writev: one copy instead of two.
 * Returns -ENODEV when the file has no host fd (the caller reads normally).
 */
static ssize_t read_mapped(struct task *t, struct file *f, uint64_t addr, size_t len,
			   off_t *pos)
{
	int hfd = f->ops->mmap_fd ? f->ops->mmap_fd(f, false) : -ENODEV;
	off_t start, end;
	struct stat st;
	char *map;
	int err;

	if (hfd < 0 || fstat(hfd, &st))
		return -ENODEV;
	if (*pos >= st.st_size)
		return 0;
	end = *pos + (off_t)len < st.st_size ? *pos + (off_t)len : st.st_size;
	start = *pos & ~(off_t)(PAGE_SIZE - 1);
	/* Private: a shared map of the O_RDWR memfd would count as writable and
	 * make a concurrent F_ADD_SEALS F_SEAL_WRITE fail with EBUSY. */
	map = mmap(NULL, (size_t)(end - start), PROT_READ, MAP_PRIVATE, hfd, start);
	if (map == MAP_FAILED)
		return -ENODEV;
	err = copy_to_user(t->tg->mm, addr, map + (*pos - start), (size_t)(end - *pos));
	munmap(map, (size_t)(end - start));
	if (err)
		return -ENODEV;         /* a bad buffer: the slow path finds how much fits */
	len = (size_t)(end - *pos);
	*pos = end;
	return (ssize_t)len;
}

/*
 * Regular files whose data is a host file (hostfs, tmpfs memfds: the ones
 * that can be mapped) read and write with a host pread/pwrite and touch no
 * address space, so they may run under mm->lock, straight to and from the
 * memory file (mm_direct): one copy, by the host, and no bounce buffer.
 */
struct direct_io {
	struct task *t;
	struct file *f;
	off_t *pos;
	bool write;
};

static bool direct_file(struct file *f)
{
	return f->inode && S_ISREG(f->inode->mode) && f->ops->mmap_fd;
}

static long direct_piece(void *p, size_t len, void *arg)
{
	struct direct_io *d = arg;

	return d->write ? d->f->ops->write(d->t, d->f, p, len, d->pos)
			: d->f->ops->read(d->t, d->f, p, len, d->pos);
}

/* -ENODEV: not memory-file memory, or a bad address (the caller's copy
 * loop then finds how much of it can be transferred) */
static ssize_t direct_io(struct task *t, struct file *f, uint64_t addr, size_t len,
			 off_t *pos, bool write)
{
	struct direct_io d = { t, f, pos, write };
	long r;

	if (!direct_file(f))
		return -ENODEV;
	r = mm_direct(t->tg->mm, addr, len, !write, direct_piece, &d);
	return r == -EFAULT ? -ENODEV : r;
}

/* Read up to len bytes at *pos into application memory at addr. */
static ssize_t read_to_user(struct task *t, struct file *f, uint64_t addr, size_t len,
			    off_t *pos)
{
	char *buf = io_buf();
	size_t done = 0;
	ssize_t r = direct_io(t, f, addr, len, pos, false);

	if (r != -ENODEV) {
		if (r > 0)
			fsnotify_access(f);
		return r;
	}
	if (len >= MAPPED_READ_MIN && f->inode && S_ISREG(f->inode->mode)) {
		ssize_t r = read_mapped(t, f, addr, len, pos);

		if (r != -ENODEV)
			return r;
	}
	if (!buf)
		return -ENOMEM;
	while (done < len) {
		size_t n = len - done < IO_CHUNK ? len - done : IO_CHUNK;
		ssize_t r;

		/* a stream's data is gone once read: take only what the
		 * buffer can hold, and none if it holds nothing (Linux) */
		if (stream(f) && !(n = mm_user_room(t->tg->mm, addr + done, n, true)))
			return done ? (ssize_t)done : -EFAULT;
		r = f->ops->read(t, f, buf, n, pos);

		if (r < 0)
			return done ? (ssize_t)done : r;
		if (r && copy_to_user(t->tg->mm, addr + done, buf, (size_t)r))
			return done ? (ssize_t)done : -EFAULT;
		done += (size_t)r;
		/* streams return what is there; files stop at a short read */
		if ((size_t)r < n || stream(f))
			break;
	}
	if (done)
		fsnotify_access(f);
	return (ssize_t)done;
}

static ssize_t write_from_user(struct task *t, struct file *f, uint64_t addr, size_t len,
			       off_t *pos)
{
	char *buf = io_buf();
	size_t done = 0;
	int err = vfs_fsize_write(t, f, *pos, &len);

	if (err)
		return err;
	if (!buf)
		return -ENOMEM;
	if (f->remove_privs && len)
		vfs_file_remove_privs(t, f);
	ssize_t r = direct_io(t, f, addr, len, pos, true);
	if (r != -ENODEV) {
		if (r > 0)
			fsnotify_modify(f);
		return r;
	}
	while (done < len) {
		size_t n = len - done < IO_CHUNK ? len - done : IO_CHUNK;
		ssize_t w;

		if (copy_from_user(t->tg->mm, buf, addr + done, n))
			return done ? (ssize_t)done : -EFAULT;
		w = f->ops->write(t, f, buf, n, pos);
		if (w < 0)
			return done ? (ssize_t)done : w;
		done += (size_t)w;
		if ((size_t)w < n)
			break;
	}
	if (done)
		fsnotify_modify(f);
	return (ssize_t)done;
}

/* read/write at the file position, which is locked for the duration */
static long rw_pos(struct task *t, struct file *f, uint64_t addr, size_t len, bool write)
{
	ssize_t n;

	if (!access_ok(addr, len))
		return -EFAULT;
	if (len > (size_t)MAX_RW)
		len = MAX_RW;
	/* streams have no position: a blocked reader must not stall a writer */
	if (stream(f))
		return write ? write_from_user(t, f, addr, len, &f->pos)
			     : read_to_user(t, f, addr, len, &f->pos);
	pthread_mutex_lock(&f->pos_lock);
	n = write ? write_from_user(t, f, addr, len, &f->pos)
		  : read_to_user(t, f, addr, len, &f->pos);
	pthread_mutex_unlock(&f->pos_lock);
	return n;
}

long sys_read(struct task *t, const struct syscall_args *a)
{
	struct file *f = fget(t, ARG_INT(a, 0));
	long err = readable(f);

	if (!err)
		err = rw_pos(t, f, a->a[1], a->a[2], false);
	file_put(f);
	return err;
}

long sys_write(struct task *t, const struct syscall_args *a)
{
	struct file *f = fget(t, ARG_INT(a, 0));
	long err = writable(f);

	if (!err)
		err = rw_pos(t, f, a->a[1], a->a[2], true);
	file_put(f);
	return err;
}

static long prw(struct task *t, const struct syscall_args *a, bool write)
{
	struct file *f = fget(t, ARG_INT(a, 0));
	off_t pos = (off_t)a->a[3];
	long err = write ? writable(f) : readable(f);

	if (!err && stream(f))
		err = -ESPIPE;
	if (!err && pos < 0)
		err = -EINVAL;
	if (!err && !access_ok(a->a[1], a->a[2]))
		err = -EFAULT;
	if (!err) {
		size_t len = a->a[2] < (size_t)MAX_RW ? a->a[2] : (size_t)MAX_RW;

		err = write ? write_from_user(t, f, a->a[1], len, &pos)
			    : read_to_user(t, f, a->a[1], len, &pos);
	}
	file_put(f);
	return err;
}

long sys_pread64(struct task *t, const struct syscall_args *a)
{
	return prw(t, a, false);
}

long sys_pwrite64(struct task *t, const struct syscall_args *a)
{
	return prw(t, a, true);
}

/* readv/writev/preadv/pwritev: pos NULL means the file position. */
static long rw_vec(struct task *t, int fd, uint64_t uiov, unsigned long cnt, off_t *pos,
		   bool write)
{
	struct file *f = fget(t, fd);
	struct iovec *iov = NULL;
	long err = write ? writable(f) : readable(f), total = 0;

	if (!err && cnt > IOV_MAX)
		err = -EINVAL;
	if (!err && pos && stream(f))
		err = -ESPIPE;
	if (!err && !(iov = calloc(cnt ? cnt : 1, sizeof(*iov))))
		err = -ENOMEM;
	if (!err && copy_from_user(t->tg->mm, iov, uiov, cnt * sizeof(*iov)))
		err = -EFAULT;
	for (unsigned long i = 0; !err && i < cnt; i++) {
		if ((ssize_t)iov[i].iov_len < 0)
			err = -EINVAL;
		else if (!access_ok((uint64_t)iov[i].iov_base, iov[i].iov_len))
			err = -EFAULT;
	}
	if (!err && !pos && f->ops->rw_iov) {
		total = f->ops->rw_iov(t, f, iov, cnt, write);
		free(iov);
		file_put(f);
		return total;
	}
	bool locked = !pos && !err && !stream(f);

	if (locked)
		pthread_mutex_lock(&f->pos_lock);
	for (unsigned long i = 0; !err && i < cnt; i++) {
		off_t *p = pos ? pos : &f->pos;
		ssize_t n = write ? write_from_user(t, f, (uint64_t)iov[i].iov_base,
						    iov[i].iov_len, p)
				  : read_to_user(t, f, (uint64_t)iov[i].iov_base,
						 iov[i].iov_len, p);

		if (n < 0) {
			if (!total)
				err = n;
			break;
		}
		total += n;
		if ((size_t)n < iov[i].iov_len)
			break;
	}
	if (locked)
		pthread_mutex_unlock(&f->pos_lock);
	free(iov);
	file_put(f);
	return err ? err : total;
}

long sys_readv(struct task *t, const struct syscall_args *a)
{
	return rw_vec(t, ARG_INT(a, 0), a->a[1], a->a[2], NULL, false);
}

long sys_writev(struct task *t, const struct syscall_args *a)
{
	return rw_vec(t, ARG_INT(a, 0), a->a[1], a->a[2], NULL, true);
}

long sys_preadv(struct task *t, const struct syscall_args *a)
{
	off_t pos = (off_t)a->a[3];

	return pos < 0 ? -EINVAL : rw_vec(t, ARG_INT(a, 0), a->a[1], a->a[2], &pos, false);
}

long sys_pwritev(struct task *t, const struct syscall_args *a)
{
	off_t pos = (off_t)a->a[3];

	return pos < 0 ? -EINVAL : rw_vec(t, ARG_INT(a, 0), a->a[1], a->a[2], &pos, true);
}

long sys_lseek(struct task *t, const struct syscall_args *a)
{
	struct file *f = fget(t, ARG_INT(a, 0));
	long ret;

	if (!f)
		return -EBADF;
	if (!f->ops->llseek) {
		file_put(f);
		return -ESPIPE;
	}
	pthread_mutex_lock(&f->pos_lock);
	ret = f->ops->llseek(f, (off_t)a->a[1], ARG_INT(a, 2));
	pthread_mutex_unlock(&f->pos_lock);
	file_put(f);
	return ret;
}

/*
 * sendfile and copy_file_range: through a sentry buffer; the count and the
 * input's position are what the output took.  At most MAX_RW bytes a call
 * as in Linux, and no further once a signal is pending (as splice stops):
 * a count of 2^63 from /dev/zero must neither fill memory nor outlive a
 * SIGKILL.
 */
static long copy_range(struct task *t, struct file *in, off_t *ipos, struct file *out,
		       off_t *opos, size_t len)
{
	char *buf = io_buf();
	size_t done = 0;
	int err;

	if (!buf)
		return -ENOMEM;
	if (len > (size_t)MAX_RW)
		len = MAX_RW;
	if ((err = vfs_fsize_write(t, out, *opos, &len)))
		return err;
	if (out->remove_privs && len)
		vfs_file_remove_privs(t, out);
	while (done < len) {
		size_t n = len - done < IO_CHUNK ? len - done : IO_CHUNK;
		ssize_t r, w;

		if (task_interrupted(t))
			return done ? (long)done : -EINTR;
		r = in->ops->read(t, in, buf, n, ipos);
		if (r <= 0) {
			if (r < 0 && !done)
				done = (size_t)r;
			break;
		}
		w = out->ops->write(t, out, buf, (size_t)r, opos);
		if (w < r) {
			/* a full output (non-blocking, or its SO_SNDTIMEO ran
			 * out) took w > 0 of the r bytes, or none: the call ends
			 * there, as splice_direct_to_actor stops at a short
			 * write, and the rest goes back to the input's position
			 * (a pipe's is lost, where Linux leaves it in the pipe) */
			*ipos -= r - (w > 0 ? w : 0);
			done += w > 0 ? (size_t)w : 0;
			return done ? (long)done : (w < 0 ? w : -EIO);
		}
		done += (size_t)r;
	}
	return (long)done;
}

/*
 * sendfile's host path: a host file to a host socket in host sendfiles
 * (net/sockmsg.c), with no copy through the sentry; -EOPNOTSUPP for any
 * other pair, which copy_range serves.
 */
static long sendfile_host(struct task *t, struct file *out, struct file *in, off_t *pos,
			  size_t len)
{
	int fd = in->ops->host_read_fd ? in->ops->host_read_fd(in) : -1;

	if (fd < 0)
		return -EOPNOTSUPP;
	return sock_sendfile(t, out, fd, pos, len < (size_t)MAX_RW ? len : (size_t)MAX_RW);
}

long sys_sendfile(struct task *t, const struct syscall_args *a)
{
	struct file *out = fget(t, ARG_INT(a, 0));
	struct file *in = fget(t, ARG_INT(a, 1));
	long err = writable(out);
	off_t off;

	if (!err)
		err = readable(in);
	if (!err && (out->flags & O_APPEND))
		err = -EINVAL;
	if (!err && a->a[2] && copy_from_user(t->tg->mm, &off, a->a[2], sizeof(off)))
		err = -EFAULT;
	if (!err && a->a[2] && off < 0)
		err = -EINVAL;
	if (!err) {
		pthread_mutex_lock(&out->pos_lock);
		err = sendfile_host(t, out, in, a->a[2] ? &off : &in->pos, a->a[3]);
		if (err == -EOPNOTSUPP)
			err = copy_range(t, in, a->a[2] ? &off : &in->pos, out, &out->pos, a->a[3]);
		pthread_mutex_unlock(&out->pos_lock);
		if (a->a[2] && err >= 0 && copy_to_user(t->tg->mm, a->a[2], &off, sizeof(off)))
			err = -EFAULT;
	}
	file_put(out);
	file_put(in);
	return err;
}

long sys_copy_file_range(struct task *t, const struct syscall_args *a)
{
	struct file *in = fget(t, ARG_INT(a, 0));
	struct file *out = fget(t, ARG_INT(a, 2));
	long err = readable(in);
	off_t ioff = 0, ooff = 0;

	if (!err)
		err = writable(out);
	if (!err && ARG_UINT(a, 5))
		err = -EINVAL;
	if (!err && (out->flags & O_APPEND))
		err = -EBADF;
	if (!err && ((in->inode && S_ISDIR(in->inode->mode)) ||
		     (out->inode && S_ISDIR(out->inode->mode))))
		err = -EISDIR;
	if (!err && (!in->inode || !S_ISREG(in->inode->mode) || !out->inode ||
		     !S_ISREG(out->inode->mode)))
		err = -EINVAL;
	if (!err && a->a[1] && copy_from_user(t->tg->mm, &ioff, a->a[1], 8))
		err = -EFAULT;
	if (!err && a->a[3] && copy_from_user(t->tg->mm, &ooff, a->a[3], 8))
		err = -EFAULT;
	if (!err && (ioff < 0 || ooff < 0))
		err = -EINVAL;
	if (!err && in->inode->dev == out->inode->dev && in->inode->ino == out->inode->ino) {
		off_t is = a->a[1] ? ioff : in->pos, os = a->a[3] ? ooff : out->pos;
		off_t n = (off_t)a->a[4];

		if (is < os + n && os < is + n)
			err = -EINVAL;  /* overlapping ranges of one file */
	}
	if (!err) {
		err = copy_range(t, in, a->a[1] ? &ioff : &in->pos, out,
				 a->a[3] ? &ooff : &out->pos, a->a[4]);
		if (err >= 0 && a->a[1] && copy_to_user(t->tg->mm, a->a[1], &ioff, 8))
			err = -EFAULT;
		if (err >= 0 && a->a[3] && copy_to_user(t->tg->mm, a->a[3], &ooff, 8))
			err = -EFAULT;
	}
	file_put(in);
	file_put(out);
	return err;
}

long sys_fadvise64(struct task *t, const struct syscall_args *a)
{
	struct file *f = fget(t, ARG_INT(a, 0));
	long err = 0;

	if (!f)
		err = -EBADF;
	else if (stream(f))
		err = -ESPIPE;
	else if (ARG_INT(a, 3) < 0 || ARG_INT(a, 3) > 5 || (long)a->a[2] < 0)
		err = -EINVAL;
	file_put(f);
	return err;             /* advice only: nothing to do in memory */
}

static long do_fsync(struct task *t, int fd, bool datasync)
{
	struct file *f = fget(t, fd);
	long err;

	if (!f)
		return -EBADF;
	if (f->ops->fsync)
		err = f->ops->fsync(f, datasync);
	else    /* memory is always in sync; special files cannot sync */
		err = f->inode && (S_ISDIR(f->inode->mode) || S_ISREG(f->inode->mode)) ? 0 : -EINVAL;
	file_put(f);
	return err;
}

long sys_fsync(struct task *t, const struct syscall_args *a)
{
	return do_fsync(t, ARG_INT(a, 0), false);
}

long sys_fdatasync(struct task *t, const struct syscall_args *a)
{
	return do_fsync(t, ARG_INT(a, 0), true);
}

long sys_sync(struct task *t, const struct syscall_args *a)
{
	(void)t;
	(void)a;
	return 0;
}

long sys_ioctl(struct task *t, const struct syscall_args *a)
{
	struct fd_table *fdt = t->tg->fdt;
	struct file *f = fget(t, ARG_INT(a, 0));
	unsigned cmd = ARG_UINT(a, 1);
	long ret;

	if (!f)
		return -EBADF;
	switch (cmd) {
	case FIOCLEX: case FIONCLEX:
		ret = fdt_set_cloexec(fdt, ARG_INT(a, 0), cmd == FIOCLEX);
		break;
	case FIONBIO: {
		int on;

		ret = copy_from_user(t->tg->mm, &on, a->a[2], sizeof(on));
		if (!ret)
			f->flags = on ? f->flags | O_NONBLOCK : f->flags & ~O_NONBLOCK;
		break;
	}
	case FIOASYNC: {                /* Linux's ioctl_fioasync: F_SETFL's O_ASYNC */
		int on;

		ret = copy_from_user(t->tg->mm, &on, a->a[2], sizeof(on)) ? -EFAULT : 0;
		if (!ret)
			ret = fasync_set(f, ARG_INT(a, 0), on);
		if (!ret)
			f->flags = on ? f->flags | O_ASYNC : f->flags & ~O_ASYNC;
		break;
	}
	case FIONREAD:
		if (f->inode && S_ISREG(f->inode->mode)) {
			struct stat st;
			int n;

			ret = vfs_getattr(f->inode, &st);
			n = (int)(st.st_size - f->pos);  /* negative past EOF, as Linux */
			if (!ret)
				ret = copy_to_user(t->tg->mm, a->a[2], &n, sizeof(n));
			break;
		}
		/* fall through */
	default:
		ret = f->ops->ioctl ? f->ops->ioctl(t, f, cmd, a->a[2]) : -ENOTTY;
	}
	file_put(f);
	return ret;
}
