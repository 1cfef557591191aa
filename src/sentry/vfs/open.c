/* SPDX-License-Identifier: MIT */
/* Opening a walked dentry: the checks open(2) makes before the file system. */
#include <errno.h>
#include <fcntl.h>
#include <time.h>
#include <unistd.h>

#include "kernel/kernel.h"
#include "vfs/vfs.h"

static int fstat_path(struct file *f, struct stat *st)
{
	return vfs_getattr(f->inode, st);
}

/* O_PATH files: a handle for *at calls, fstat and fchdir, nothing else. */
static const struct file_ops path_ops = {
	.fstat = fstat_path,
};

int vfs_open(struct task *t, struct dentry *d, int flags, struct file **out)
{
	struct inode *ino = d->inode;
	int acc = flags & O_ACCMODE, mask = 0, err;
	struct file *f;

	if (flags & O_PATH) {
		f = file_alloc(d, ino, flags & (O_PATH | O_ACCMODE | O_DIRECTORY | O_NOFOLLOW));
		if (!f)
			return -ENOMEM;
		f->ops = &path_ops;
		*out = f;
		return 0;
	}
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
	f = file_alloc(d, ino, flags & ~(O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC | O_CLOEXEC));
	if (!f)
		return -ENOMEM;
	err = ino->ops->open ? ino->ops->open(ino, f) : -ENXIO;
	if (err) {
		f->ops = NULL;          /* nothing to release */
		file_put(f);
		return err;
	}
	if ((flags & O_TRUNC) && S_ISREG(ino->mode)) {
		struct iattr ia = { .valid = ATTR_SIZE | ATTR_MTIME | ATTR_CTIME };

		clock_gettime(CLOCK_REALTIME, &ia.mtime);
		/* after open: the overlay copies up on open for writing */
		err = ino->ops->setattr ? ino->ops->setattr(ino, &ia) : -EPERM;
		if (err) {
			file_put(f);
			return err;
		}
	}
	*out = f;
	return 0;
}
