/* statfs/fstatfs: the filesystem types of the fixed mounts (tmpfs on
 * /dev/shm, procfs on /proc, sysfs on /sys), path and fd variants agree,
 * sizes are sane, and ENOENT/ENOTDIR/EFAULT/EBADF. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/magic.h>
#include <sys/statfs.h>
#include "check.h"

static char dir[] = "/tmp/cvt.XXXXXX";

static void fs_type(const char *path, long want)
{
	struct statfs s;
	CHECK(statfs(path, &s) == 0, "statfs %s: %s", path, strerror(errno));
	CHECK(s.f_type == want, "%s: f_type %#lx, want %#lx", path,
	      (long)s.f_type, want);
}

int main(void)
{
	char path[512];
	struct statfs a, b;

	fs_type("/dev/shm", TMPFS_MAGIC);
	fs_type("/proc", PROC_SUPER_MAGIC);
	fs_type("/sys", SYSFS_MAGIC);

	CHECK(mkdtemp(dir), "mkdtemp: %s", strerror(errno));
	snprintf(path, sizeof(path), "%s/f", dir);
	int fd = open(path, O_RDWR | O_CREAT, 0644);
	CHECK(fd >= 0, "create: %s", strerror(errno));

	/* A file and its directory are on the same filesystem as /tmp, and
	 * statfs and fstatfs agree. */
	CHECK(statfs("/tmp", &a) == 0, "statfs /tmp: %s", strerror(errno));
	CHECK(statfs(path, &b) == 0 && b.f_type == a.f_type, "statfs file");
	CHECK(fstatfs(fd, &b) == 0, "fstatfs: %s", strerror(errno));
	CHECK(b.f_type == a.f_type && b.f_bsize == a.f_bsize &&
		      b.f_namelen == a.f_namelen,
	      "fstatfs disagrees with statfs");
	CHECK(a.f_bsize > 0 && a.f_namelen >= 255, "f_bsize %ld f_namelen %ld",
	      (long)a.f_bsize, (long)a.f_namelen);
	CHECK(a.f_bfree <= a.f_blocks && a.f_bavail <= a.f_blocks,
	      "free %lu / avail %lu > total %lu", (unsigned long)a.f_bfree,
	      (unsigned long)a.f_bavail, (unsigned long)a.f_blocks);

	/* /dev/null lives on /dev, not on /tmp: fstatfs goes by the fd. */
	int dev = open("/dev/null", O_RDONLY);
	CHECK(dev >= 0, "open /dev/null");
	struct statfs d;
	CHECK(fstatfs(dev, &d) == 0 && statfs("/dev", &b) == 0 &&
		      d.f_type == b.f_type,
	      "fstatfs(/dev/null) is not /dev's filesystem");
	CHECK_OK(close(dev));

	CHECK_ERRNO(statfs("/nonexistent/x", &a), ENOENT);
	CHECK_ERRNO(statfs("", &a), ENOENT);
	snprintf(path + strlen(path), sizeof(path) - strlen(path), "/x");
	CHECK_ERRNO(statfs(path, &a), ENOTDIR);
	CHECK_ERRNO(syscall(SYS_statfs, KERNEL_PTR, &a), EFAULT);
	CHECK_ERRNO(syscall(SYS_statfs, "/", KERNEL_PTR), EFAULT);
	CHECK_ERRNO(syscall(SYS_fstatfs, fd, KERNEL_PTR), EFAULT);
	CHECK_ERRNO(fstatfs(4321, &a), EBADF);

	CHECK_OK(close(fd));
	snprintf(path, sizeof(path), "%s/f", dir);
	CHECK_OK(unlink(path));
	CHECK_OK(rmdir(dir));
	return 0;
}
