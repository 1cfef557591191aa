/* SPDX-License-Identifier: MIT */
/* stat, statx, access, readlink, getdents, statfs. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "mm/mm.h"
#include "syscalls/syscalls.h"
#include "vfs/vfs.h"

/*
 * The attributes of what fd names: the inode, or the file itself.  Files
 * with neither (eventfd, epoll, inotify, signalfd, timerfd) share one
 * anonymous inode in Linux (anon_inode_getfile): mode 0600, no type bits,
 * owned by root, one link, the same device and inode number for all.
 */
static int stat_file(struct file *f, struct stat *st)
{
	memset(st, 0, sizeof(*st));
	if (f->inode)
		return vfs_getattr(f->inode, st);
	if (f->ops->fstat)
		return f->ops->fstat(f, st);
	st->st_mode = S_IRUSR | S_IWUSR;
	st->st_nlink = 1;
	st->st_dev = makedev(0, 14);    /* anon_inodefs */
	st->st_ino = 1;
	st->st_blksize = 4096;
	return 0;
}

static int stat_fd(struct task *t, int fd, struct stat *st)
{
	struct file *f = fget_raw(t, fd);
	int err;

	if (!f)
		return -EBADF;
	err = stat_file(f, st);
	file_put(f);
	return err;
}

/* stat of (dirfd, path) with AT_* flags; "" with AT_EMPTY_PATH is dirfd. */
static int stat_at(struct task *t, int dirfd, uint64_t upath, int flags, struct stat *st)
{
	struct walk_result w;
	char path[PATH_MAX];
	long n;
	int err;

	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | AT_NO_AUTOMOUNT |
		      AT_STATX_FORCE_SYNC | AT_STATX_DONT_SYNC))
		return -EINVAL;
	n = strncpy_from_user(t->tg->mm, path, upath, sizeof(path));
	if (n < 0)
		return (int)n;
	if (n == 0 && (flags & AT_EMPTY_PATH)) {
		if (dirfd == AT_FDCWD) {
			pthread_mutex_lock(&t->fs->lock);
			err = vfs_getattr(t->fs->cwd->inode, st);
			pthread_mutex_unlock(&t->fs->lock);
			return err;
		}
		return stat_fd(t, dirfd, st);
	}
	err = vfs_walk(t, dirfd, path, (flags & AT_SYMLINK_NOFOLLOW) ? 0 : WALK_FOLLOW, &w);
	if (err)
		return err;
	err = vfs_getattr(w.d->inode, st);
	dentry_put(w.d);
	return err;
}

static long put_stat(struct task *t, uint64_t addr, int err, const struct stat *st)
{
	return err ? err : copy_to_user(t->tg->mm, addr, st, sizeof(*st));
}

long sys_fstat(struct task *t, const struct syscall_args *a)
{
	struct stat st;

	return put_stat(t, a->a[1], stat_fd(t, ARG_INT(a, 0), &st), &st);
}

long sys_stat(struct task *t, const struct syscall_args *a)
{
	struct stat st;

	return put_stat(t, a->a[1], stat_at(t, AT_FDCWD, a->a[0], 0, &st), &st);
}

long sys_lstat(struct task *t, const struct syscall_args *a)
{
	struct stat st;

	return put_stat(t, a->a[1], stat_at(t, AT_FDCWD, a->a[0], AT_SYMLINK_NOFOLLOW, &st),
			&st);
}

long sys_newfstatat(struct task *t, const struct syscall_args *a)
{
	struct stat st;

	return put_stat(t, a->a[2], stat_at(t, ARG_INT(a, 0), a->a[1], ARG_INT(a, 3), &st),
			&st);
}

static struct statx_timestamp sx_time(struct timespec ts)
{
	return (struct statx_timestamp){ .tv_sec = ts.tv_sec, .tv_nsec = (uint32_t)ts.tv_nsec };
}

long sys_statx(struct task *t, const struct syscall_args *a)
{
	int flags = ARG_INT(a, 2);
	struct statx sx;
	struct stat st;
	int err;

	if (ARG_UINT(a, 3) & STATX__RESERVED)
		return -EINVAL;
	if ((flags & AT_STATX_SYNC_TYPE) == AT_STATX_SYNC_TYPE)
		return -EINVAL;
	err = stat_at(t, ARG_INT(a, 0), a->a[1], flags, &st);
	if (err)
		return err;
	memset(&sx, 0, sizeof(sx));
	sx.stx_mask = STATX_BASIC_STATS;
	sx.stx_blksize = (uint32_t)st.st_blksize;
	sx.stx_nlink = (uint32_t)st.st_nlink;
	sx.stx_uid = st.st_uid;
	sx.stx_gid = st.st_gid;
	sx.stx_mode = (uint16_t)st.st_mode;
	sx.stx_ino = st.st_ino;
	sx.stx_size = (uint64_t)st.st_size;
	sx.stx_blocks = (uint64_t)st.st_blocks;
	sx.stx_atime = sx_time(st.st_atim);
	sx.stx_ctime = sx_time(st.st_ctim);
	sx.stx_mtime = sx_time(st.st_mtim);
	sx.stx_rdev_major = major(st.st_rdev);
	sx.stx_rdev_minor = minor(st.st_rdev);
	sx.stx_dev_major = major(st.st_dev);
	sx.stx_dev_minor = minor(st.st_dev);
	return copy_to_user(t->tg->mm, a->a[4], &sx, sizeof(sx));
}

/* The access asked for on the file walked to; drops the walk's reference. */
static long may_access_path(struct task *t, struct walk_result *w, int mode)
{
	int err = vfs_may(t, w->d->inode, mode);

	if (!err && (mode & W_OK) && w->d->mnt && w->d->mnt->readonly &&
	    !S_ISCHR(w->d->inode->mode) && !S_ISFIFO(w->d->inode->mode) &&
	    !S_ISSOCK(w->d->inode->mode))
		err = -EROFS;
	dentry_put(w->d);
	return err;
}

/* access(2) asks with the real ids (unless AT_EACCESS), the walk too. */
static long do_access(struct task *t, int dirfd, uint64_t upath, int mode, int flags)
{
	struct walk_result w;
	struct creds real;
	int err;

	if (mode & ~(R_OK | W_OK | X_OK))
		return -EINVAL;
	if (flags & ~(AT_EACCESS | AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	if (!(flags & AT_EACCESS)) {
		cred_access(&t->tg->cred, &real);
		t->cred_override = &real;
	}
	err = user_walk(t, dirfd, upath, ((flags & AT_SYMLINK_NOFOLLOW) ? 0 : WALK_FOLLOW) |
					  ((flags & AT_EMPTY_PATH) ? WALK_EMPTY : 0), &w);
	if (!err)
		err = may_access_path(t, &w, mode);
	t->cred_override = NULL;
	return err;
}

long sys_access(struct task *t, const struct syscall_args *a)
{
	return do_access(t, AT_FDCWD, a->a[0], ARG_INT(a, 1), 0);
}

long sys_faccessat(struct task *t, const struct syscall_args *a)
{
	return do_access(t, ARG_INT(a, 0), a->a[1], ARG_INT(a, 2), 0);
}

long sys_faccessat2(struct task *t, const struct syscall_args *a)
{
	return do_access(t, ARG_INT(a, 0), a->a[1], ARG_INT(a, 2), ARG_INT(a, 3));
}

static long do_readlink(struct task *t, int dirfd, uint64_t upath, uint64_t buf, long size)
{
	struct walk_result w;
	char target[PATH_MAX];
	long n;
	int err;

	if (size <= 0)
		return -EINVAL;
	err = user_walk(t, dirfd, upath, WALK_EMPTY, &w);
	if (err)
		return err;
	n = vfs_readlink(w.d, target, sizeof(target));
	if (n == -EINVAL && strncpy_from_user(t->tg->mm, target, upath, 1) == 0)
		n = -ENOENT;    /* "" names the fd itself: only a symlink will do */
	dentry_put(w.d);
	if (n < 0)
		return n;
	if (n > size)
		n = size;
	return copy_to_user(t->tg->mm, buf, target, (size_t)n) ?: n;
}

long sys_readlink(struct task *t, const struct syscall_args *a)
{
	return do_readlink(t, AT_FDCWD, a->a[0], a->a[1], (long)ARG_INT(a, 2));
}

long sys_readlinkat(struct task *t, const struct syscall_args *a)
{
	return do_readlink(t, ARG_INT(a, 0), a->a[1], a->a[2], (long)ARG_INT(a, 3));
}

long sys_getdents64(struct task *t, const struct syscall_args *a)
{
	struct file *f = fget(t, ARG_INT(a, 0));
	size_t len = ARG_UINT(a, 2) < 65536 ? ARG_UINT(a, 2) : 65536;
	char buf[65536];
	long n;

	if (!f)
		return -EBADF;
	if (!f->ops->getdents) {
		file_put(f);
		return -ENOTDIR;
	}
	if (!access_ok(a->a[1], ARG_UINT(a, 2))) {
		file_put(f);
		return -EFAULT;
	}
	pthread_mutex_lock(&f->pos_lock);
	n = f->ops->getdents(f, buf, len, &f->pos);
	pthread_mutex_unlock(&f->pos_lock);
	file_put(f);
	if (n > 0 && copy_to_user(t->tg->mm, a->a[1], buf, (size_t)n))
		return -EFAULT;
	return n;
}

static long put_statfs(struct task *t, struct inode *ino, uint64_t addr)
{
	struct statfs sf;
	int err = vfs_statfs(ino, &sf);

	return err ? err : copy_to_user(t->tg->mm, addr, &sf, sizeof(sf));
}

long sys_statfs(struct task *t, const struct syscall_args *a)
{
	struct walk_result w;
	long err = user_walk(t, AT_FDCWD, a->a[0], WALK_FOLLOW, &w);

	if (err)
		return err;
	err = put_statfs(t, w.d->inode, a->a[1]);
	dentry_put(w.d);
	return err;
}

long sys_fstatfs(struct task *t, const struct syscall_args *a)
{
	struct file *f = fget_raw(t, ARG_INT(a, 0));
	long err;

	if (!f)
		return -EBADF;
	if (f->inode) {
		err = put_statfs(t, f->inode, a->a[1]);
	} else {
		struct statfs sf = { .f_type = 0x50495045 /* PIPEFS */, .f_bsize = 4096 };

		err = copy_to_user(t->tg->mm, a->a[1], &sf, sizeof(sf));
	}
	file_put(f);
	return err;
}
