/* name_to_handle_at on a file system without export operations (procfs) is
 * EOPNOTSUPP, after the flags (EINVAL) and the path (ENOENT) are checked;
 * open_by_handle_at checks the handle (EFAULT, EINVAL), the mount fd
 * (EBADF), then wants CAP_DAC_READ_SEARCH (EPERM).  (The sentry had
 * neither call: ENOSYS.) */
#define _GNU_SOURCE
#include <fcntl.h>
#include "caps.h"

struct handle {
	unsigned int handle_bytes;
	int handle_type;
	unsigned char f_handle[128];
};

static void no_cap(void)
{
	struct sets s = caps();
	struct handle h = { .handle_bytes = 8, .handle_type = 1 };

	CHECK_OK(caps_set(s.eff & ~BIT(CAP_DAC_READ_SEARCH), s.perm, s.inh));
	CHECK_ERRNO(open_by_handle_at(AT_FDCWD, (struct file_handle *)&h, O_RDONLY), EPERM);
}

int main(void)
{
	struct handle h = { .handle_bytes = sizeof(h.f_handle) };
	int mnt;

	CHECK_ERRNO(name_to_handle_at(AT_FDCWD, "/proc/self/status", (struct file_handle *)&h,
				      &mnt, AT_SYMLINK_FOLLOW), EOPNOTSUPP);
	CHECK_ERRNO(name_to_handle_at(AT_FDCWD, "/proc/self", (struct file_handle *)&h, &mnt, 0),
		    EOPNOTSUPP);
	CHECK_ERRNO(name_to_handle_at(AT_FDCWD, "/proc/self/status", (struct file_handle *)&h,
				      &mnt, 0x4000), EINVAL);
	CHECK_ERRNO(name_to_handle_at(AT_FDCWD, "/proc/no-such-file", (struct file_handle *)&h,
				      &mnt, 0), ENOENT);

	h = (struct handle){ .handle_bytes = 0, .handle_type = 1 };
	CHECK_ERRNO(open_by_handle_at(AT_FDCWD, (struct file_handle *)&h, O_RDONLY), EINVAL);
	h.handle_bytes = 129;
	CHECK_ERRNO(open_by_handle_at(AT_FDCWD, (struct file_handle *)&h, O_RDONLY), EINVAL);
	CHECK_ERRNO(open_by_handle_at(AT_FDCWD, KERNEL_PTR, O_RDONLY), EFAULT);
	h.handle_bytes = 8;
	CHECK_ERRNO(open_by_handle_at(999, (struct file_handle *)&h, O_RDONLY), EBADF);
	in_child(no_cap, "no_cap");
	return 0;
}
