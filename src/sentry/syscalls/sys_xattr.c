/* SPDX-License-Identifier: MIT */
/*
 * Extended attributes: setxattr, getxattr, listxattr, removexattr and their
 * l* (no final symlink followed) and f* (an open file) forms.  The name
 * and value are copied and checked first, as Linux's fs/xattr.c: a name
 * empty or over 255 bytes is ERANGE, a value over 64 KiB E2BIG, unknown
 * flags EINVAL; then the path is walked and vfs/xattr.c decides.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/xattr.h>
#include <linux/limits.h>

#include "mm/mm.h"
#include "syscalls/syscalls.h"
#include "vfs/vfs.h"

/* Where the attribute is: a path (followed or not) or an fd. */
struct xtarget {
	int fd;                         /* -1: the path */
	uint64_t upath;
	bool follow;
};

static long xname(struct task *t, uint64_t uname, char name[XATTR_NAME_MAX + 1])
{
	long n = strncpy_from_user(t->tg->mm, name, uname, XATTR_NAME_MAX + 1);

	if (n == 0 || n == -ENAMETOOLONG)
		return -ERANGE;
	return n < 0 ? n : 0;
}

static long xdentry(struct task *t, const struct xtarget *x, struct dentry **d,
		    struct file **f)
{
	struct walk_result w;
	long err;

	*f = NULL;
	if (x->fd >= 0) {
		*f = fget(t, x->fd);
		if (!*f)
			return -EBADF;
		*d = (*f)->dentry;
		return *d ? 0 : -EOPNOTSUPP;    /* a pipe or socket: no attributes */
	}
	err = user_walk(t, AT_FDCWD, x->upath, x->follow ? WALK_FOLLOW : 0, &w);
	*d = err ? NULL : w.d;
	return err;
}

static void xdone(struct dentry *d, struct file *f)
{
	if (f)
		file_put(f);
	else
		dentry_put(d);
}

static long do_setxattr(struct task *t, const struct xtarget *x, uint64_t uname,
			uint64_t uval, size_t size, int flags, bool remove)
{
	char name[XATTR_NAME_MAX + 1];
	struct dentry *d;
	struct file *f;
	void *val = NULL;
	long err;

	if (flags & ~(XATTR_CREATE | XATTR_REPLACE))
		return -EINVAL;
	err = xname(t, uname, name);
	if (err)
		return err;
	if (!remove && size > XATTR_SIZE_MAX)
		return -E2BIG;
	if (!remove) {
		val = malloc(size ? size : 1);
		if (!val)
			return -ENOMEM;
		if (copy_from_user(t->tg->mm, val, uval, size)) {
			free(val);
			return -EFAULT;
		}
	}
	err = xdentry(t, x, &d, &f);
	if (!err) {
		err = vfs_setxattr(t, d, name, val, size, flags);
		xdone(d, f);
	}
	free(val);
	return err;
}

static long do_getxattr(struct task *t, const struct xtarget *x, uint64_t uname,
			uint64_t ubuf, size_t size)
{
	char name[XATTR_NAME_MAX + 1];
	struct dentry *d;
	struct file *f;
	void *buf;
	long err = xname(t, uname, name);

	if (err)
		return err;
	if (size > XATTR_SIZE_MAX)
		size = XATTR_SIZE_MAX;
	buf = malloc(size ? size : 1);
	if (!buf)
		return -ENOMEM;
	err = xdentry(t, x, &d, &f);
	if (!err) {
		err = vfs_getxattr(t, d, name, buf, size);
		xdone(d, f);
	}
	if (err > 0 && size && copy_to_user(t->tg->mm, ubuf, buf, (size_t)err))
		err = -EFAULT;
	free(buf);
	return err;
}

static long do_listxattr(struct task *t, const struct xtarget *x, uint64_t ubuf, size_t size)
{
	struct dentry *d;
	struct file *f;
	char *buf;
	long err;

	if (size > XATTR_LIST_MAX)
		size = XATTR_LIST_MAX;
	buf = malloc(size ? size : 1);
	if (!buf)
		return -ENOMEM;
	err = xdentry(t, x, &d, &f);
	if (!err) {
		err = vfs_listxattr(t, d, buf, size);
		xdone(d, f);
	}
	if (err > 0 && size && copy_to_user(t->tg->mm, ubuf, buf, (size_t)err))
		err = -EFAULT;
	free(buf);
	return err;
}

#define PATH_AT(a, follow) (&(struct xtarget){ -1, (a)->a[0], (follow) })
#define FD_AT(a) (&(struct xtarget){ ARG_INT(a, 0), 0, false })

long sys_setxattr(struct task *t, const struct syscall_args *a)
{
	return do_setxattr(t, PATH_AT(a, true), a->a[1], a->a[2], a->a[3], ARG_INT(a, 4), false);
}

long sys_lsetxattr(struct task *t, const struct syscall_args *a)
{
	return do_setxattr(t, PATH_AT(a, false), a->a[1], a->a[2], a->a[3], ARG_INT(a, 4), false);
}

long sys_fsetxattr(struct task *t, const struct syscall_args *a)
{
	return do_setxattr(t, FD_AT(a), a->a[1], a->a[2], a->a[3], ARG_INT(a, 4), false);
}

long sys_getxattr(struct task *t, const struct syscall_args *a)
{
	return do_getxattr(t, PATH_AT(a, true), a->a[1], a->a[2], a->a[3]);
}

long sys_lgetxattr(struct task *t, const struct syscall_args *a)
{
	return do_getxattr(t, PATH_AT(a, false), a->a[1], a->a[2], a->a[3]);
}

long sys_fgetxattr(struct task *t, const struct syscall_args *a)
{
	return do_getxattr(t, FD_AT(a), a->a[1], a->a[2], a->a[3]);
}

long sys_listxattr(struct task *t, const struct syscall_args *a)
{
	return do_listxattr(t, PATH_AT(a, true), a->a[1], a->a[2]);
}

long sys_llistxattr(struct task *t, const struct syscall_args *a)
{
	return do_listxattr(t, PATH_AT(a, false), a->a[1], a->a[2]);
}

long sys_flistxattr(struct task *t, const struct syscall_args *a)
{
	return do_listxattr(t, FD_AT(a), a->a[1], a->a[2]);
}

long sys_removexattr(struct task *t, const struct syscall_args *a)
{
	return do_setxattr(t, PATH_AT(a, true), a->a[1], 0, 0, 0, true);
}

long sys_lremovexattr(struct task *t, const struct syscall_args *a)
{
	return do_setxattr(t, PATH_AT(a, false), a->a[1], 0, 0, 0, true);
}

long sys_fremovexattr(struct task *t, const struct syscall_args *a)
{
	return do_setxattr(t, FD_AT(a), a->a[1], 0, 0, 0, true);
}
