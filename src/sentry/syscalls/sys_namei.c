/* SPDX-License-Identifier: MIT */
/* Calls that change names and attributes, and the working directory. */
#include <errno.h>
#include <linux/capability.h>
#include <utime.h>
#include <fcntl.h>
#include <linux/falloc.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "mm/mm.h"
#include "syscalls/syscalls.h"
#include "vfs/vfs.h"

/* Walk to the parent of path's last name. */
static int walk_parent(struct task *t, int dirfd, uint64_t upath, struct walk_result *w)
{
	return user_walk(t, dirfd, upath, WALK_PARENT | WALK_FOLLOW, w);
}

static long do_mkdir(struct task *t, int dirfd, uint64_t upath, mode_t mode)
{
	struct walk_result w;
	int err = walk_parent(t, dirfd, upath, &w);

	if (err)
		return err;
	err = vfs_mkdir(t, w.d, w.last, mode);
	dentry_put(w.d);
	return err;
}

long sys_mkdir(struct task *t, const struct syscall_args *a)
{
	return do_mkdir(t, AT_FDCWD, a->a[0], (mode_t)a->a[1]);
}

long sys_mkdirat(struct task *t, const struct syscall_args *a)
{
	return do_mkdir(t, ARG_INT(a, 0), a->a[1], (mode_t)a->a[2]);
}

static long do_mknod(struct task *t, int dirfd, uint64_t upath, mode_t mode, dev_t dev)
{
	struct walk_result w;
	int err;

	if (S_ISDIR(mode))
		return -EINVAL;
	err = walk_parent(t, dirfd, upath, &w);
	if (err)
		return err;
	err = vfs_mknod(t, w.d, w.last, mode, dev);
	dentry_put(w.d);
	return err;
}

long sys_mknod(struct task *t, const struct syscall_args *a)
{
	return do_mknod(t, AT_FDCWD, a->a[0], (mode_t)a->a[1], (dev_t)a->a[2]);
}

long sys_mknodat(struct task *t, const struct syscall_args *a)
{
	return do_mknod(t, ARG_INT(a, 0), a->a[1], (mode_t)a->a[2], (dev_t)a->a[3]);
}

/* unlink (dir false) or rmdir (dir true) */
static long do_remove(struct task *t, int dirfd, uint64_t upath, bool dir)
{
	struct walk_result w;
	int err = walk_parent(t, dirfd, upath, &w);

	if (err)
		return err;
	/* what the last name is, before the directory is asked (do_rmdir) */
	if (!strcmp(w.last, "/"))
		err = dir ? -EBUSY : -EISDIR;
	else if (!strcmp(w.last, "."))
		err = dir ? -EINVAL : -EISDIR;
	else if (!strcmp(w.last, ".."))
		err = dir ? -ENOTEMPTY : -EISDIR;
	else if (!S_ISDIR(w.d->inode->mode))
		err = -ENOTDIR;
	else if (!dir && w.trailing_slash) {
		struct dentry *d;

		err = vfs_lookup_one(w.d, w.last, &d);
		if (!err) {
			err = S_ISDIR(d->inode->mode) ? -EISDIR : -ENOTDIR;
			dentry_put(d);
		}
	} else {
		err = dir ? vfs_rmdir(t, w.d, w.last) : vfs_unlink(t, w.d, w.last);
	}
	dentry_put(w.d);
	return err;
}

long sys_unlink(struct task *t, const struct syscall_args *a)
{
	return do_remove(t, AT_FDCWD, a->a[0], false);
}

long sys_rmdir(struct task *t, const struct syscall_args *a)
{
	return do_remove(t, AT_FDCWD, a->a[0], true);
}

long sys_unlinkat(struct task *t, const struct syscall_args *a)
{
	if (ARG_INT(a, 2) & ~AT_REMOVEDIR)
		return -EINVAL;
	return do_remove(t, ARG_INT(a, 0), a->a[1], ARG_INT(a, 2) & AT_REMOVEDIR);
}

static long do_rename(struct task *t, int ofd, uint64_t opath, int nfd, uint64_t npath,
		      unsigned flags)
{
	struct walk_result ow, nw;
	int err;

	if (flags & ~(RENAME_NOREPLACE | RENAME_EXCHANGE | RENAME_WHITEOUT))
		return -EINVAL;
	if ((flags & RENAME_EXCHANGE) && (flags & (RENAME_NOREPLACE | RENAME_WHITEOUT)))
		return -EINVAL;
	err = walk_parent(t, ofd, opath, &ow);
	if (err)
		return err;
	err = walk_parent(t, nfd, npath, &nw);
	if (err) {
		dentry_put(ow.d);
		return err;
	}
	if (ow.trailing_slash || nw.trailing_slash)
		flags |= VFS_RENAME_DIR;
	err = vfs_rename(t, ow.d, ow.last, nw.d, nw.last, flags);
	dentry_put(ow.d);
	dentry_put(nw.d);
	return err;
}

long sys_rename(struct task *t, const struct syscall_args *a)
{
	return do_rename(t, AT_FDCWD, a->a[0], AT_FDCWD, a->a[1], 0);
}

long sys_renameat(struct task *t, const struct syscall_args *a)
{
	return do_rename(t, ARG_INT(a, 0), a->a[1], ARG_INT(a, 2), a->a[3], 0);
}

long sys_renameat2(struct task *t, const struct syscall_args *a)
{
	return do_rename(t, ARG_INT(a, 0), a->a[1], ARG_INT(a, 2), a->a[3], ARG_UINT(a, 4));
}

static long do_link(struct task *t, int ofd, uint64_t opath, int nfd, uint64_t npath,
		    int flags)
{
	struct walk_result ow, nw;
	int err;

	if (flags & ~(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	err = user_walk(t, ofd, opath, ((flags & AT_SYMLINK_FOLLOW) ? WALK_FOLLOW : 0) |
					((flags & AT_EMPTY_PATH) ? WALK_EMPTY : 0), &ow);
	if (err)
		return err;
	err = walk_parent(t, nfd, npath, &nw);
	if (err) {
		dentry_put(ow.d);
		return err;
	}
	err = vfs_link(t, ow.d, nw.d, nw.last);
	dentry_put(ow.d);
	dentry_put(nw.d);
	return err;
}

long sys_link(struct task *t, const struct syscall_args *a)
{
	return do_link(t, AT_FDCWD, a->a[0], AT_FDCWD, a->a[1], 0);
}

long sys_linkat(struct task *t, const struct syscall_args *a)
{
	return do_link(t, ARG_INT(a, 0), a->a[1], ARG_INT(a, 2), a->a[3], ARG_INT(a, 4));
}

static long do_symlink(struct task *t, uint64_t utarget, int dirfd, uint64_t upath)
{
	char target[PATH_MAX];
	struct walk_result w;
	long n = strncpy_from_user(t->tg->mm, target, utarget, sizeof(target));
	int err;

	if (n < 0)
		return n;
	if (n == 0)
		return -ENOENT;
	err = walk_parent(t, dirfd, upath, &w);
	if (err)
		return err;
	err = vfs_symlink(t, w.d, w.last, target);
	dentry_put(w.d);
	return err;
}

long sys_symlink(struct task *t, const struct syscall_args *a)
{
	return do_symlink(t, a->a[0], AT_FDCWD, a->a[1]);
}

long sys_symlinkat(struct task *t, const struct syscall_args *a)
{
	return do_symlink(t, a->a[0], ARG_INT(a, 1), a->a[2]);
}

/* --- attributes: the rules are vfs_setattr()'s --- */

static long setattr_path(struct task *t, int dirfd, uint64_t upath, int follow,
			 const struct iattr *ia)
{
	struct walk_result w;
	long err = user_walk(t, dirfd, upath, follow, &w);

	if (err)
		return err;
	err = vfs_setattr(t, w.d, ia);
	dentry_put(w.d);
	return err;
}

static long setattr_fd(struct task *t, int fd, const struct iattr *ia)
{
	struct file *f = fget(t, fd);
	long err;

	if (!f)
		return -EBADF;
	err = f->dentry ? vfs_setattr(t, f->dentry, ia) : -EINVAL;
	file_put(f);
	return err;
}

long sys_chmod(struct task *t, const struct syscall_args *a)
{
	struct iattr ia = { .valid = ATTR_MODE, .mode = (mode_t)a->a[1] };

	return setattr_path(t, AT_FDCWD, a->a[0], WALK_FOLLOW, &ia);
}

long sys_fchmod(struct task *t, const struct syscall_args *a)
{
	struct iattr ia = { .valid = ATTR_MODE, .mode = (mode_t)a->a[1] };

	return setattr_fd(t, ARG_INT(a, 0), &ia);
}

long sys_fchmodat(struct task *t, const struct syscall_args *a)
{
	struct iattr ia = { .valid = ATTR_MODE, .mode = (mode_t)a->a[2] };

	return setattr_path(t, ARG_INT(a, 0), a->a[1], WALK_FOLLOW, &ia);
}

static long chown_ia(uint64_t uid, uint64_t gid, struct iattr *ia)
{
	ia->valid = 0;
	if ((uint32_t)uid != (uint32_t)-1) {
		ia->valid |= ATTR_UID;
		ia->uid = (uid_t)uid;
	}
	if ((uint32_t)gid != (uint32_t)-1) {
		ia->valid |= ATTR_GID;
		ia->gid = (gid_t)gid;
	}
	return 0;
}

long sys_chown(struct task *t, const struct syscall_args *a)
{
	struct iattr ia;

	chown_ia(a->a[1], a->a[2], &ia);
	return setattr_path(t, AT_FDCWD, a->a[0], WALK_FOLLOW, &ia);
}

long sys_lchown(struct task *t, const struct syscall_args *a)
{
	struct iattr ia;

	chown_ia(a->a[1], a->a[2], &ia);
	return setattr_path(t, AT_FDCWD, a->a[0], 0, &ia);
}

long sys_fchown(struct task *t, const struct syscall_args *a)
{
	struct iattr ia;

	chown_ia(a->a[1], a->a[2], &ia);
	return setattr_fd(t, ARG_INT(a, 0), &ia);
}

long sys_fchownat(struct task *t, const struct syscall_args *a)
{
	int flags = ARG_INT(a, 4);
	struct iattr ia;

	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	chown_ia(a->a[2], a->a[3], &ia);
	return setattr_path(t, ARG_INT(a, 0), a->a[1],
			    ((flags & AT_SYMLINK_NOFOLLOW) ? 0 : WALK_FOLLOW) |
			    ((flags & AT_EMPTY_PATH) ? WALK_EMPTY : 0), &ia);
}

/*
 * The times of a file: ts NULL means now; UTIME_NOW/UTIME_OMIT as in
 * utimensat.  A NULL path (futimens) names dirfd itself.
 */
static long do_utimes(struct task *t, int dirfd, uint64_t upath, struct timespec *ts,
		      int flags)
{
	struct timespec now[2];
	struct iattr ia = { .valid = ATTR_ATIME | ATTR_MTIME };
	/* both now (or no times) needs less than setting times (vfs_utimes) */
	bool touch = !ts || (ts[0].tv_nsec == UTIME_NOW && ts[1].tv_nsec == UTIME_NOW);

	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	clock_gettime(CLOCK_REALTIME, &now[0]);
	now[1] = now[0];
	for (int i = 0; ts && i < 2; i++) {
		if (ts[i].tv_nsec == UTIME_NOW)
			ts[i] = now[0];
		else if (ts[i].tv_nsec == UTIME_OMIT)
			ia.valid &= ~(unsigned)(i ? ATTR_MTIME : ATTR_ATIME);
		else if (ts[i].tv_nsec < 0 || ts[i].tv_nsec >= 1000000000L)
			return -EINVAL;
	}
	if (ia.valid & (ATTR_ATIME | ATTR_MTIME))
		ia.valid |= touch ? ATTR_TOUCH : ATTR_TIMES_SET;
	if (!ts)
		ts = now;
	ia.atime = ts[0];
	ia.mtime = ts[1];
	if (!upath)
		return setattr_fd(t, dirfd, &ia);
	if (!(ia.valid & (ATTR_ATIME | ATTR_MTIME)))
		return 0;
	return setattr_path(t, dirfd, upath,
			    ((flags & AT_SYMLINK_NOFOLLOW) ? 0 : WALK_FOLLOW) |
			    ((flags & AT_EMPTY_PATH) ? WALK_EMPTY : 0), &ia);
}

long sys_utimensat(struct task *t, const struct syscall_args *a)
{
	struct timespec ts[2];

	if (a->a[2] && copy_from_user(t->tg->mm, ts, a->a[2], sizeof(ts)))
		return -EFAULT;
	return do_utimes(t, ARG_INT(a, 0), a->a[1], a->a[2] ? ts : NULL, ARG_INT(a, 3));
}

/* futimesat and utimes: microseconds, no UTIME_* specials. */
static long utimes_tv(struct task *t, int dirfd, uint64_t upath, uint64_t utv)
{
	struct timeval tv[2];
	struct timespec ts[2];

	if (!utv)
		return do_utimes(t, dirfd, upath, NULL, 0);
	if (copy_from_user(t->tg->mm, tv, utv, sizeof(tv)))
		return -EFAULT;
	for (int i = 0; i < 2; i++) {
		if (tv[i].tv_usec < 0 || tv[i].tv_usec >= 1000000)
			return -EINVAL;
		ts[i] = (struct timespec){ tv[i].tv_sec, tv[i].tv_usec * 1000 };
	}
	return do_utimes(t, dirfd, upath, ts, 0);
}

long sys_utimes(struct task *t, const struct syscall_args *a)
{
	/* a NULL path is a bad pointer here, not futimens' "the fd itself" */
	return a->a[0] ? utimes_tv(t, AT_FDCWD, a->a[0], a->a[1]) : -EFAULT;
}

long sys_futimesat(struct task *t, const struct syscall_args *a)
{
	return a->a[1] ? utimes_tv(t, ARG_INT(a, 0), a->a[1], a->a[2]) : -EFAULT;
}

long sys_utime(struct task *t, const struct syscall_args *a)
{
	struct utimbuf ub;
	struct timespec ts[2];

	if (!a->a[0])
		return -EFAULT;
	if (!a->a[1])
		return do_utimes(t, AT_FDCWD, a->a[0], NULL, 0);
	if (copy_from_user(t->tg->mm, &ub, a->a[1], sizeof(ub)))
		return -EFAULT;
	ts[0] = (struct timespec){ ub.actime, 0 };
	ts[1] = (struct timespec){ ub.modtime, 0 };
	return do_utimes(t, AT_FDCWD, a->a[0], ts, 0);
}

long sys_truncate(struct task *t, const struct syscall_args *a)
{
	struct walk_result w;
	long err;

	if ((off_t)a->a[1] < 0)
		return -EINVAL;
	err = user_walk(t, AT_FDCWD, a->a[0], WALK_FOLLOW, &w);
	if (err)
		return err;
	err = vfs_truncate(t, w.d, (off_t)a->a[1], true);
	dentry_put(w.d);
	return err;
}

long sys_ftruncate(struct task *t, const struct syscall_args *a)
{
	struct file *f = fget(t, ARG_INT(a, 0));
	long err;

	if (!f)
		return -EBADF;
	if (!f->dentry || (f->flags & O_ACCMODE) == O_RDONLY)
		err = -EINVAL;
	else
		err = vfs_truncate(t, f->dentry, (off_t)a->a[1], false);
	file_put(f);
	return err;
}

/* fallocate's checks on its arguments and the file, in Linux's order */
static long fallocate_check(struct file *f, int mode, off_t off, off_t len)
{
	if (!f || (f->flags & O_ACCMODE) == O_RDONLY)
		return -EBADF;
	if (mode & ~(FALLOC_FL_KEEP_SIZE | FALLOC_FL_PUNCH_HOLE | FALLOC_FL_ZERO_RANGE))
		return -EOPNOTSUPP;
	if (off < 0 || len <= 0)
		return -EINVAL;
	if (off > INT64_MAX - len)
		return -EFBIG;
	if (!f->inode || !f->ops->llseek)
		return -ESPIPE;
	if (S_ISDIR(f->inode->mode))
		return -EISDIR;
	if (!S_ISREG(f->inode->mode))
		return -ENODEV;
	return 0;
}

long sys_fallocate(struct task *t, const struct syscall_args *a)
{
	struct file *f = fget(t, ARG_INT(a, 0));
	off_t off = (off_t)a->a[2], len = (off_t)a->a[3];
	int mode = ARG_INT(a, 1), hfd = -1;
	long err = fallocate_check(f, mode, off, len);

	if (!err && (!f->ops->mmap_fd || (hfd = f->ops->mmap_fd(f, false)) < 0))
		err = -EOPNOTSUPP;
	/* growing past RLIMIT_FSIZE: SIGXFSZ and EFBIG */
	if (!err && !(mode & FALLOC_FL_KEEP_SIZE))
		err = vfs_fsize_grow(t, f->inode, off + len);
	/* on the sentry's own memfd, or a file of a writable host mount */
	if (!err && fallocate(hfd, mode, off, len))
		err = -errno;
	file_put(f);
	return err;
}

/* --- working directory --- */

static long set_cwd(struct task *t, struct dentry *d)
{
	int err = S_ISDIR(d->inode->mode) ? vfs_may(t, d->inode, X_OK) : -ENOTDIR;

	if (err) {
		dentry_put(d);
		return err;
	}
	pthread_mutex_lock(&t->fs->lock);
	dentry_put(t->fs->cwd);
	t->fs->cwd = d;
	pthread_mutex_unlock(&t->fs->lock);
	return 0;
}

long sys_chdir(struct task *t, const struct syscall_args *a)
{
	struct walk_result w;
	long err = user_walk(t, AT_FDCWD, a->a[0], WALK_FOLLOW, &w);

	return err ? err : set_cwd(t, w.d);
}

long sys_fchdir(struct task *t, const struct syscall_args *a)
{
	struct file *f = fget_raw(t, ARG_INT(a, 0));
	struct dentry *d;

	if (!f)
		return -EBADF;
	d = dentry_get(f->dentry);
	file_put(f);
	return d ? set_cwd(t, d) : -ENOTDIR;
}

/*
 * chroot(2): the directory becomes the root of the caller's path walks
 * ("/" and ".." stop there), as Linux's set_fs_root.  It can only narrow
 * what the process sees: the walk never goes above the sandbox's root.
 */
long sys_chroot(struct task *t, const struct syscall_args *a)
{
	struct walk_result w;
	struct dentry *old;
	long err = user_walk(t, AT_FDCWD, a->a[0], WALK_FOLLOW | WALK_DIRECTORY, &w);

	if (err)
		return err;
	err = S_ISDIR(w.d->inode->mode) ? vfs_may(t, w.d->inode, X_OK) : -ENOTDIR;
	if (!err && !capable(&t->tg->cred, CAP_SYS_CHROOT))
		err = -EPERM;
	if (err) {
		dentry_put(w.d);
		return err;
	}
	pthread_mutex_lock(&t->fs->lock);
	old = t->fs->root;
	t->fs->root = w.d;
	pthread_mutex_unlock(&t->fs->lock);
	dentry_put(old);
	return 0;
}

#define UNREACHABLE "(unreachable)"

long sys_getcwd(struct task *t, const struct syscall_args *a)
{
	char buf[PATH_MAX];
	size_t pre;
	long n;

	struct stat st;

	pthread_mutex_lock(&t->fs->lock);
	/* a cwd outside the root (chroot without chdir) reads
	 * "(unreachable)/..." as Linux's getcwd: never a path that would
	 * name something else under the new root (CVE-2018-1000001) */
	pre = vfs_under_root(t->fs->root, t->fs->cwd) ? 0 : sizeof(UNREACHABLE) - 1;
	memcpy(buf, UNREACHABLE, pre);
	n = vfs_path(t->fs->root, t->fs->cwd, buf + pre, sizeof(buf) - pre);
	if (n >= 0)
		n += (long)pre;
	if (!vfs_getattr(t->fs->cwd->inode, &st) && st.st_nlink == 0)
		n = -ENOENT;    /* the cwd was removed */
	pthread_mutex_unlock(&t->fs->lock);
	if (n < 0)
		return n;
	if ((uint64_t)n + 1 > a->a[1])
		return -ERANGE;
	return copy_to_user(t->tg->mm, a->a[0], buf, (size_t)n + 1) ?: n + 1;
}

long sys_syncfs(struct task *t, const struct syscall_args *a)
{
	struct file *f = fget(t, ARG_INT(a, 0));

	file_put(f);
	return f ? 0 : -EBADF;  /* nothing is cached: all is already "on disk" */
}

long sys_umask(struct task *t, const struct syscall_args *a)
{
	mode_t old;

	pthread_mutex_lock(&t->fs->lock);
	old = t->fs->umask;
	t->fs->umask = (mode_t)a->a[0] & 0777;
	pthread_mutex_unlock(&t->fs->lock);
	return old;
}
