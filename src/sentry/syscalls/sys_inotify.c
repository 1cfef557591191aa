/* SPDX-License-Identifier: MIT */
/*
 * inotify_init, inotify_init1, inotify_add_watch, inotify_rm_watch: the
 * arguments checked as Linux's fs/notify/inotify/inotify_user.c checks
 * them; the instance and the events are vfs/notify.c's.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/inotify.h>

#include "kernel/kernel.h"
#include "syscalls/syscalls.h"
#include "vfs/vfs.h"

#define IN_VALID (IN_ALL_EVENTS | IN_ONLYDIR | IN_DONT_FOLLOW | IN_EXCL_UNLINK | \
		  IN_MASK_ADD | IN_MASK_CREATE | IN_ONESHOT | IN_ISDIR)

long sys_inotify_init1(struct task *t, const struct syscall_args *a)
{
	int flags = ARG_INT(a, 0);

	if (flags & ~(IN_CLOEXEC | IN_NONBLOCK))
		return -EINVAL;
	return fd_install_new(t, inotify_file_new(flags & IN_NONBLOCK ? O_NONBLOCK : 0),
			      flags & IN_CLOEXEC);
}

long sys_inotify_init(struct task *t, const struct syscall_args *a)
{
	struct syscall_args b = { .nr = a->nr };

	return sys_inotify_init1(t, &b);
}

/* The inotify instance of fd, with a reference: EBADF, or EINVAL for another file. */
static struct file *inotify_fget(struct task *t, int fd, long *err)
{
	struct file *f = fget(t, fd);

	*err = !f ? -EBADF : !is_inotify(f) ? -EINVAL : 0;
	if (*err) {
		file_put(f);
		return NULL;
	}
	return f;
}

long sys_inotify_add_watch(struct task *t, const struct syscall_args *a)
{
	uint32_t mask = (uint32_t)a->a[2];
	struct walk_result w;
	struct file *f;
	long err;

	if (!(mask & IN_ALL_EVENTS) || (mask & ~IN_VALID))
		return -EINVAL;
	if ((mask & IN_MASK_ADD) && (mask & IN_MASK_CREATE))
		return -EINVAL;
	if (!(f = inotify_fget(t, ARG_INT(a, 0), &err)))
		return err;
	err = user_walk(t, AT_FDCWD, a->a[1], (mask & IN_DONT_FOLLOW) ? 0 : WALK_FOLLOW, &w);
	if (!err) {
		if ((mask & IN_ONLYDIR) && !S_ISDIR(w.d->inode->mode))
			err = -ENOTDIR;
		if (!err)       /* the object's events are for those who may read it */
			err = vfs_may(t, w.d->inode, R_OK);
		if (!err)
			err = inotify_add(f, w.d, mask);
		dentry_put(w.d);
	}
	file_put(f);
	return err;
}

long sys_inotify_rm_watch(struct task *t, const struct syscall_args *a)
{
	struct file *f;
	long err;

	if (!(f = inotify_fget(t, ARG_INT(a, 0), &err)))
		return err;
	err = inotify_rm(f, ARG_INT(a, 1));
	file_put(f);
	return err;
}
