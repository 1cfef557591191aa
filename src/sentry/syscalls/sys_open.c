/* SPDX-License-Identifier: MIT */
/* open, close, dup and fcntl: the fd table side of files. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/close_range.h>
#include <linux/memfd.h>
#include <linux/openat2.h>
#include <string.h>

#include "mm/mm.h"
#include "syscalls/syscalls.h"
#include "vfs/vfs.h"

#define OPEN_FLAGS (O_ACCMODE | O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC | O_APPEND | \
		    O_NONBLOCK | O_DSYNC | O_ASYNC | O_DIRECT | O_LARGEFILE | O_DIRECTORY | \
		    O_NOFOLLOW | O_NOATIME | O_CLOEXEC | O_SYNC | O_PATH | O_TMPFILE)

/* Create name in the walked parent, or find what is there. */
static int open_create(struct task *t, struct walk_result *w, int flags, mode_t mode,
		       struct dentry **out)
{
	int err;

	if (!strcmp(w->last, ".") || !strcmp(w->last, "..") || w->trailing_slash)
		return -EISDIR;
	err = vfs_lookup_one(w->d, w->last, out);
	if (!err && (flags & O_EXCL)) {
		dentry_put(*out);
		return -EEXIST;
	}
	return err == -ENOENT ? vfs_create(t, w->d, w->last, mode, out) : err;
}

long do_open(struct task *t, int dirfd, uint64_t upath, int flags, mode_t mode,
	     unsigned walk_extra)
{
	struct walk_result w;
	struct dentry *d;
	struct file *f;
	char path[PATH_MAX];
	long n = strncpy_from_user(t->tg->mm, path, upath, sizeof(path));
	int err;

	if (n < 0)
		return n;
	if ((flags & O_TMPFILE) == O_TMPFILE)
		return -EOPNOTSUPP;
	if ((flags & O_CREAT) && (flags & O_DIRECTORY))
		return -EINVAL;
	if (flags & O_PATH)
		flags &= O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
	if (flags & O_CREAT) {
		err = vfs_walk(t, dirfd, path, WALK_PARENT | walk_extra, &w);
		if (err)
			return err;
		err = open_create(t, &w, flags, mode, &d);
		/* through symlinks: a dangling one creates its target, as Linux */
		for (int links = 0; !err && S_ISLNK(d->inode->mode) && !(flags & O_NOFOLLOW);
		     links++) {
			char target[PATH_MAX];
			long n = links < 40 ? vfs_readlink(d, target, sizeof(target) - 1)
					    : -ELOOP;
			struct walk_result tw;

			dentry_put(d);
			if (n < 0) {
				err = (int)n;
				break;
			}
			target[n] = 0;
			err = vfs_walk_at(t, w.d, target, WALK_PARENT | WALK_FOLLOW | walk_extra,
					  &tw);
			if (err)
				break;
			dentry_put(w.d);
			w.d = tw.d;
			memcpy(w.last, tw.last, sizeof(w.last));
			w.trailing_slash = tw.trailing_slash;
			err = open_create(t, &w, flags & ~O_EXCL, mode, &d);
		}
		dentry_put(w.d);
		if (err)
			return err;
	} else {
		err = vfs_walk(t, dirfd, path,
			       ((flags & O_NOFOLLOW) ? 0 : WALK_FOLLOW) | walk_extra |
			       ((flags & O_DIRECTORY) ? WALK_DIRECTORY : 0), &w);
		if (err)
			return err;
		d = w.d;
	}
	err = vfs_open(t, d, flags, &f);
	dentry_put(d);
	if (err)
		return err;
	return fd_install_new(t, f, flags & O_CLOEXEC);
}

long sys_open(struct task *t, const struct syscall_args *a)
{
	return do_open(t, AT_FDCWD, a->a[0], ARG_INT(a, 1) & OPEN_FLAGS, (mode_t)a->a[2], 0);
}

long sys_openat(struct task *t, const struct syscall_args *a)
{
	return do_open(t, ARG_INT(a, 0), a->a[1], ARG_INT(a, 2) & OPEN_FLAGS,
		       (mode_t)a->a[3], 0);
}

long sys_creat(struct task *t, const struct syscall_args *a)
{
	return do_open(t, AT_FDCWD, a->a[0], O_CREAT | O_WRONLY | O_TRUNC, (mode_t)a->a[1], 0);
}

long sys_openat2(struct task *t, const struct syscall_args *a)
{
	struct open_how how;
	unsigned extra = 0;

	if (a->a[3] < sizeof(how))
		return -EINVAL;
	if (a->a[3] > 4096)
		return -E2BIG;
	if (copy_from_user(t->tg->mm, &how, a->a[2], sizeof(how)))
		return -EFAULT;
	/* a larger struct from a newer ABI: its extra fields must be zero */
	for (uint64_t off = sizeof(how); off < a->a[3]; off++) {
		char c;

		if (copy_from_user(t->tg->mm, &c, a->a[2] + off, 1))
			return -EFAULT;
		if (c)
			return -E2BIG;
	}
	if (how.flags & ~(uint64_t)OPEN_FLAGS || how.mode & ~07777ULL ||
	    (how.mode && !(how.flags & (O_CREAT | __O_TMPFILE))))
		return -EINVAL;
	if (how.resolve & ~(uint64_t)(RESOLVE_NO_XDEV | RESOLVE_NO_MAGICLINKS |
				      RESOLVE_NO_SYMLINKS | RESOLVE_BENEATH |
				      RESOLVE_IN_ROOT | RESOLVE_CACHED))
		return -EINVAL;
	if ((how.resolve & RESOLVE_BENEATH) && (how.resolve & RESOLVE_IN_ROOT))
		return -EINVAL;
	if (how.resolve & RESOLVE_NO_XDEV)
		extra |= WALK_NO_XDEV;
	if (how.resolve & RESOLVE_NO_MAGICLINKS)
		extra |= WALK_NO_MAGIC;
	if (how.resolve & RESOLVE_NO_SYMLINKS)
		extra |= WALK_NO_SYMLINKS;
	if (how.resolve & RESOLVE_BENEATH)
		extra |= WALK_BENEATH;
	if (how.resolve & RESOLVE_IN_ROOT)
		extra |= WALK_IN_ROOT;
	return do_open(t, ARG_INT(a, 0), a->a[1], (int)how.flags, (mode_t)how.mode, extra);
}

long sys_close(struct task *t, const struct syscall_args *a)
{
	struct file *f = fget_raw(t, ARG_INT(a, 0));

	if (!f)
		return -EBADF;
	locks_close_posix(t->tg, f);
	file_put(f);
	return fdt_close(t->tg->fdt, ARG_INT(a, 0));
}

long sys_close_range(struct task *t, const struct syscall_args *a)
{
	unsigned first = ARG_UINT(a, 0), last = ARG_UINT(a, 1), flags = ARG_UINT(a, 2);
	struct fd_table *fdt = t->tg->fdt;

	if (flags & ~(CLOSE_RANGE_UNSHARE | CLOSE_RANGE_CLOEXEC) || first > last)
		return -EINVAL;
	if (last >= FD_NR_OPEN)
		last = FD_NR_OPEN - 1;
	for (int fd = fdt_next_fd(fdt, (int)first); fd >= 0 && fd <= (int)last;
	     fd = fdt_next_fd(fdt, fd + 1)) {
		if (flags & CLOSE_RANGE_CLOEXEC)
			fdt_set_cloexec(fdt, fd, true);
		else
			fdt_close(fdt, fd);
	}
	return 0;
}

static long dup_to(struct task *t, int oldfd, int newfd, bool cloexec)
{
	struct file *f = fget_raw(t, oldfd);

	if (!f)
		return -EBADF;
	if (newfd < 0 || (rlim_t)newfd >= t->tg->rlim[RLIMIT_NOFILE].rlim_cur) {
		file_put(f);
		return -EBADF;
	}
	return fdt_install(t->tg->fdt, newfd, f, cloexec);
}

static long dup_min(struct task *t, int oldfd, int min, bool cloexec)
{
	struct file *f = fget_raw(t, oldfd);
	long fd;

	if (!f)
		return -EBADF;
	if (min < 0 || (rlim_t)min >= t->tg->rlim[RLIMIT_NOFILE].rlim_cur) {
		file_put(f);
		return -EINVAL;
	}
	fd = fd_alloc_install(t, min, f, cloexec);
	if (fd < 0)
		file_put(f);
	return fd;
}

long sys_dup(struct task *t, const struct syscall_args *a)
{
	return dup_min(t, ARG_INT(a, 0), 0, false);
}

long sys_dup2(struct task *t, const struct syscall_args *a)
{
	if (ARG_INT(a, 0) == ARG_INT(a, 1)) {
		struct file *f = fget_raw(t, ARG_INT(a, 0));

		if (!f)
			return -EBADF;
		file_put(f);
		return ARG_INT(a, 1);
	}
	return dup_to(t, ARG_INT(a, 0), ARG_INT(a, 1), false);
}

long sys_dup3(struct task *t, const struct syscall_args *a)
{
	if (ARG_INT(a, 2) & ~O_CLOEXEC || ARG_INT(a, 0) == ARG_INT(a, 1))
		return -EINVAL;
	return dup_to(t, ARG_INT(a, 0), ARG_INT(a, 1), ARG_INT(a, 2) & O_CLOEXEC);
}

#define SETFL_MASK (O_APPEND | O_NONBLOCK | O_ASYNC | O_DIRECT | O_NOATIME)

/* F_SETFL: O_NOATIME only for the owner or CAP_FOWNER, as at open */
static long setfl(struct task *t, struct file *f, int fd, int arg)
{
	int err;

	if ((arg & O_NOATIME) && !(f->flags & O_NOATIME) && f->inode &&
	    (err = vfs_owner_or_capable(t, f->inode)))
		return err;
	if (((arg ^ f->flags) & O_ASYNC) && (err = fasync_set(f, fd, arg & O_ASYNC)))
		return err;
	f->flags = (f->flags & ~SETFL_MASK) | (arg & SETFL_MASK);
	return 0;
}

/*
 * F_GETOWN_EX / F_SETOWN_EX: a process (F_OWNER_PID) or a process group
 * (F_OWNER_PGRP).  F_OWNER_TID, a single thread, is not served: EINVAL
 * (docs/vfs.md).
 */
static long owner_ex(struct task *t, struct file *f, int cmd, uint64_t uarg)
{
	struct f_owner_ex o;
	pid_t pid;

	if (cmd == F_GETOWN_EX) {
		pid = fasync_getown(f);
		o = (struct f_owner_ex){ .type = pid < 0 ? F_OWNER_PGRP : F_OWNER_PID,
					 .pid = pid < 0 ? -pid : pid };
		return copy_to_user(t->tg->mm, uarg, &o, sizeof(o)) ? -EFAULT : 0;
	}
	if (copy_from_user(t->tg->mm, &o, uarg, sizeof(o)))
		return -EFAULT;
	if ((o.type != F_OWNER_PID && o.type != F_OWNER_PGRP) || o.pid < 0)
		return -EINVAL;
	return fasync_setown(t, f, o.type == F_OWNER_PGRP ? -o.pid : o.pid);
}

long sys_fcntl(struct task *t, const struct syscall_args *a)
{
	struct fd_table *fdt = t->tg->fdt;
	int fd = ARG_INT(a, 0), cmd = ARG_INT(a, 1);
	struct file *f = fget_raw(t, fd);
	long ret;

	if (!f)
		return -EBADF;
	if ((f->flags & O_PATH) && cmd != F_DUPFD && cmd != F_DUPFD_CLOEXEC &&
	    cmd != F_GETFD && cmd != F_SETFD && cmd != F_GETFL) {
		file_put(f);
		return -EBADF;
	}
	switch (cmd) {
	case F_DUPFD:
	case F_DUPFD_CLOEXEC:
		ret = dup_min(t, fd, ARG_INT(a, 2), cmd == F_DUPFD_CLOEXEC);
		break;
	case F_GETFD:
		ret = fdt_get_cloexec(fdt, fd);
		if (ret > 0)
			ret = FD_CLOEXEC;
		break;
	case F_SETFD:
		ret = fdt_set_cloexec(fdt, fd, a->a[2] & FD_CLOEXEC);
		break;
	case F_GETFL:
		ret = f->flags | O_LARGEFILE;
		break;
	case F_SETFL:
		ret = setfl(t, f, fd, ARG_INT(a, 2));
		break;
	case F_GETLK: case F_SETLK: case F_SETLKW:
	case F_OFD_GETLK: case F_OFD_SETLK: case F_OFD_SETLKW:
		ret = do_lock(t, f, cmd, a->a[2]);
		break;
	case F_GETPIPE_SZ:
	case F_SETPIPE_SZ:
		ret = is_pipe(f) ? pipe_size(f, cmd == F_SETPIPE_SZ ? (long)ARG_UINT(a, 2) : -1)
				 : -EBADF;
		break;
	case F_GETOWN:
		ret = fasync_getown(f);
		break;
	case F_SETOWN:
		ret = fasync_setown(t, f, ARG_INT(a, 2));
		break;
	case F_GETOWN_EX:
	case F_SETOWN_EX:
		ret = owner_ex(t, f, cmd, a->a[2]);
		break;
	case F_GETSIG:
		ret = fasync_getsig(f);
		break;
	case F_SETSIG:
		ret = fasync_setsig(f, ARG_INT(a, 2));
		break;
	case F_ADD_SEALS:
	case F_GET_SEALS:
		ret = memfs_seals(f, cmd, ARG_UINT(a, 2));
		break;
	case F_SETLEASE:
		ret = lease_set(t, f, fd, ARG_INT(a, 2));
		break;
	case F_GETLEASE:
		ret = lease_get(f);
		break;
	default:
		ret = -EINVAL;
	}
	file_put(f);
	return ret;
}

long sys_flock(struct task *t, const struct syscall_args *a)
{
	struct file *f = fget(t, ARG_INT(a, 0));
	long err;

	if (!f)
		return -EBADF;
	err = do_flock(t, f, ARG_INT(a, 1));
	file_put(f);
	return err;
}

long sys_memfd_create(struct task *t, const struct syscall_args *a)
{
	char name[250];
	unsigned flags = ARG_UINT(a, 1);
	struct file *f;
	long n = strncpy_from_user(t->tg->mm, name, a->a[0], sizeof(name));
	int err;

	if (n == -ENAMETOOLONG)
		return -EINVAL;
	if (n < 0)
		return n;
	if (flags & ~(MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_HUGETLB))
		return -EINVAL;
	if (flags & MFD_HUGETLB)
		return -EINVAL;
	err = memfs_anon_file(name, flags & MFD_ALLOW_SEALING, &f);
	if (err)
		return err;
	return fd_install_new(t, f, flags & MFD_CLOEXEC);
}
