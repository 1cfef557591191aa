/* SPDX-License-Identifier: MIT */
/* Opening a walked dentry: the checks open(2) makes before the file system. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <time.h>
#include <unistd.h>

#include "kernel/kernel.h"
#include "vfs/vfs.h"

/*
 * O_PATH files (gVisor's opathFD): a handle that names a file for *at
 * calls, fstat, fchdir, dup and close, which take it through fget_raw();
 * fget() refuses it.  Should one reach an operation anyway, every one
 * fails with EBADF.
 */
static ssize_t path_read(struct task *t, struct file *f, void *buf, size_t len, off_t *pos)
{
	(void)t, (void)f, (void)buf, (void)len, (void)pos;
	return -EBADF;
}

static ssize_t path_write(struct task *t, struct file *f, const void *buf, size_t len,
			  off_t *pos)
{
	(void)t, (void)f, (void)buf, (void)len, (void)pos;
	return -EBADF;
}

static int path_fstat(struct file *f, struct stat *st)
{
	(void)f, (void)st;
	return -EBADF;
}

static long path_ioctl(struct task *t, struct file *f, unsigned cmd, uint64_t arg)
{
	(void)t, (void)f, (void)cmd, (void)arg;
	return -EBADF;
}

static off_t path_llseek(struct file *f, off_t off, int whence)
{
	(void)f, (void)off, (void)whence;
	return -EBADF;
}

static long path_getdents(struct file *f, void *buf, size_t len, off_t *pos)
{
	(void)f, (void)buf, (void)len, (void)pos;
	return -EBADF;
}

static int path_mmap_fd(struct file *f, bool shared_write)
{
	(void)f, (void)shared_write;
	return -EBADF;
}

static int path_fsync(struct file *f, bool datasync)
{
	(void)f, (void)datasync;
	return -EBADF;
}

static short path_poll(struct file *f, short events, struct poll_table *pt)
{
	(void)f, (void)events, (void)pt;
	return POLLNVAL;
}

static long path_rw_iov(struct task *t, struct file *f, const struct iovec *iov, size_t cnt,
			bool write)
{
	(void)t, (void)f, (void)iov, (void)cnt, (void)write;
	return -EBADF;
}

const struct file_ops vfs_path_ops = {
	.read = path_read,
	.write = path_write,
	.fstat = path_fstat,
	.ioctl = path_ioctl,
	.llseek = path_llseek,
	.getdents = path_getdents,
	.mmap_fd = path_mmap_fd,
	.fsync = path_fsync,
	.poll = path_poll,
	.rw_iov = path_rw_iov,
};

/* may_open(): what the access mode and flags ask of the inode. */
static int may_open(struct task *t, struct dentry *d, int flags)
{
	struct inode *ino = d->inode;
	int acc = flags & O_ACCMODE, mask = 0, err;

	if (S_ISLNK(ino->mode))
		return -ELOOP;
	if ((flags & O_DIRECTORY) && !S_ISDIR(ino->mode))
		return -ENOTDIR;
	if (S_ISDIR(ino->mode) && (acc != O_RDONLY || (flags & O_CREAT)))
		return -EISDIR;
	if (acc == O_RDONLY || acc == O_RDWR)
		mask |= R_OK;
	if (acc == O_WRONLY || acc == O_RDWR)
		mask |= W_OK;
	if ((flags & O_TRUNC) && acc == O_RDONLY)
		mask |= W_OK;
	if ((err = vfs_may(t, ino, mask)))
		return err;
	if ((mask & W_OK) && d->mnt->readonly && !S_ISCHR(ino->mode) && !S_ISFIFO(ino->mode))
		return -EROFS;
	if ((flags & O_NOATIME) && (err = vfs_owner_or_capable(t, ino)))
		return err;
	return (mask & W_OK) ? vfs_deny_write(ino) : 0;
}

int vfs_open(struct task *t, struct dentry *d, int flags, struct file **out)
{
	struct inode *ino = d->inode;
	struct file *f;
	int err;

	if (flags & O_PATH) {
		f = file_alloc(d, ino, flags & (O_PATH | O_ACCMODE | O_DIRECTORY | O_NOFOLLOW));
		if (!f)
			return -ENOMEM;
		f->ops = &vfs_path_ops;
		*out = f;
		return 0;
	}
	if ((err = may_open(t, d, flags)) || (err = lease_break(t, ino, flags)))
		return err;
	/* O_NOCTTY is seen by a terminal's open, then dropped, as Linux's f_flags */
	f = file_alloc(d, ino, flags & ~(O_CREAT | O_EXCL | O_TRUNC | O_CLOEXEC));
	if (!f)
		return -ENOMEM;
	err = ino->ops->open ? ino->ops->open(ino, f) : -ENXIO;
	f->flags &= ~O_NOCTTY;
	if (err) {
		f->ops = NULL;          /* nothing to release */
		file_put(f);
		return err;
	}
	if ((flags & O_ACCMODE) != O_RDONLY)
		f->remove_privs = vfs_write_kills_privs(t, ino);
	if ((flags & O_TRUNC) && S_ISREG(ino->mode)) {
		struct iattr ia = { .valid = ATTR_SIZE | ATTR_MTIME | ATTR_CTIME };

		clock_gettime(CLOCK_REALTIME, &ia.mtime);
		/* after open: the overlay copies up on open for writing */
		err = vfs_setattr(t, d, &ia);
		if (err) {
			file_put(f);
			return err;
		}
	}
	fsnotify_open(f);
	*out = f;
	return 0;
}
