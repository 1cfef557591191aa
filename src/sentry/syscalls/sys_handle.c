/* SPDX-License-Identifier: MIT */
/*
 * File handles: name_to_handle_at(2), open_by_handle_at(2).  No file system
 * of the sandbox has export operations, so none encodes a handle
 * (EOPNOTSUPP, as Linux answers for such a file system, procfs for one)
 * and no handle names a file (ESTALE, Linux's answer when the mount cannot
 * decode it).  Handles are never passed to the host: a host handle would
 * name a host file outside the sentry's path walk (docs/compatibility.md).
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>

#include "mm/mm.h"
#include "syscalls/syscalls.h"
#include "vfs/vfs.h"

#define MAX_HANDLE_SZ 128
#define AT_HANDLE_FID_ 0x200                    /* AT_HANDLE_FID */
#define AT_HANDLE_MNT_ID_UNIQUE_ 0x001          /* shares its bit with AT_EACCESS */
#define AT_HANDLE_CONNECTABLE_ 0x002

struct file_handle_hdr {
	uint32_t handle_bytes;
	int32_t handle_type;
};

/* The flags are checked, then the path walked, as Linux's order is. */
long sys_name_to_handle_at(struct task *t, const struct syscall_args *a)
{
	int flags = ARG_INT(a, 4);
	struct walk_result w;
	int err;

	if (flags & ~(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH | AT_HANDLE_FID_ |
		      AT_HANDLE_MNT_ID_UNIQUE_ | AT_HANDLE_CONNECTABLE_))
		return -EINVAL;
	err = user_walk(t, ARG_INT(a, 0), a->a[1],
			((flags & AT_SYMLINK_FOLLOW) ? WALK_FOLLOW : 0) |
			((flags & AT_EMPTY_PATH) ? WALK_EMPTY : 0), &w);
	if (err)
		return err;
	dentry_put(w.d);
	return -EOPNOTSUPP;
}

/* Linux 6.x's order: the handle, the mount fd, then the capability. */
long sys_open_by_handle_at(struct task *t, const struct syscall_args *a)
{
	struct file_handle_hdr h;
	struct file *mnt;

	if (copy_from_user(t->tg->mm, &h, a->a[1], sizeof(h)))
		return -EFAULT;
	if (h.handle_bytes == 0 || h.handle_bytes > MAX_HANDLE_SZ || h.handle_type < 0)
		return -EINVAL;
	if (ARG_INT(a, 0) != AT_FDCWD) {
		mnt = fget_raw(t, ARG_INT(a, 0));
		if (!mnt)
			return -EBADF;
		file_put(mnt);
	}
	if (!capable(&t->tg->cred, CAP_DAC_READ_SEARCH))
		return -EPERM;
	return -ESTALE;
}
