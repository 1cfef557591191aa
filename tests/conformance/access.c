/* access/faccessat/faccessat2. We run as root, so R_OK and W_OK always
 * pass on a writable filesystem, but X_OK still needs at least one x bit
 * on a regular file. faccessat2 adds flags: AT_SYMLINK_NOFOLLOW,
 * AT_EACCESS, AT_EMPTY_PATH; unknown flags and mode bits are EINVAL. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sys/stat.h>
#include "check.h"

static char dir[] = "/tmp/cvt.XXXXXX";

static const char *at(const char *name)
{
	static char buf[4][512];
	static int n;
	char *b = buf[n++ % 4];
	snprintf(b, 512, "%s/%s", dir, name);
	return b;
}

static long fa2(int dfd, const char *p, int mode, int flags)
{
	return syscall(SYS_faccessat2, dfd, p, mode, flags);
}

int main(void)
{
	CHECK(mkdtemp(dir), "mkdtemp: %s", strerror(errno));
	int fd = open(at("f"), O_RDWR | O_CREAT, 0644);
	CHECK(fd >= 0, "create: %s", strerror(errno));
	CHECK_OK(symlink("missing", at("dangling")));

	CHECK(access(at("f"), F_OK) == 0, "F_OK: %s", strerror(errno));
	CHECK(access(at("f"), R_OK | W_OK) == 0, "R_OK|W_OK as root");
	CHECK_ERRNO(access(at("f"), X_OK), EACCES); /* no x bit anywhere */
	CHECK_OK(chmod(at("f"), 0744));
	CHECK(access(at("f"), X_OK) == 0, "X_OK with u+x");
	CHECK(access(dir, X_OK) == 0, "X_OK on a directory");
	CHECK(access("/dev/null", R_OK | W_OK) == 0, "/dev/null");

	CHECK_ERRNO(access(at("nope"), F_OK), ENOENT);
	CHECK_ERRNO(access(at("f/x"), F_OK), ENOTDIR);
	CHECK_ERRNO(access(at("dangling"), F_OK), ENOENT);
	CHECK_ERRNO(access(at("f"), 8), EINVAL); /* unknown mode bit */
	CHECK_ERRNO(syscall(SYS_access, KERNEL_PTR, F_OK), EFAULT);

	/* faccessat (no flags argument) relative to a dirfd. */
	int dfd = open(dir, O_RDONLY | O_DIRECTORY);
	CHECK(dfd >= 0, "open dir");
	CHECK(syscall(SYS_faccessat, dfd, "f", R_OK) == 0, "faccessat: %s",
	      strerror(errno));
	CHECK_ERRNO(syscall(SYS_faccessat, dfd, "nope", F_OK), ENOENT);
	CHECK_ERRNO(syscall(SYS_faccessat, 4321, "f", F_OK), EBADF);
	CHECK_ERRNO(syscall(SYS_faccessat, fd, "f", F_OK), ENOTDIR);

	/* faccessat2 flags. */
	CHECK(fa2(dfd, "f", R_OK, AT_EACCESS) == 0, "AT_EACCESS: %s",
	      strerror(errno));
	CHECK(fa2(dfd, "dangling", F_OK, AT_SYMLINK_NOFOLLOW) == 0,
	      "AT_SYMLINK_NOFOLLOW on a dangling link: %s", strerror(errno));
	CHECK_ERRNO(fa2(dfd, "dangling", F_OK, 0), ENOENT);
	CHECK(fa2(fd, "", R_OK, AT_EMPTY_PATH) == 0, "AT_EMPTY_PATH: %s",
	      strerror(errno));
	CHECK_ERRNO(fa2(fd, "", R_OK, 0), ENOENT);
	CHECK_ERRNO(fa2(dfd, "f", F_OK, 0x1), EINVAL);
	CHECK_ERRNO(fa2(dfd, "f", 0x10, 0), EINVAL);

	CHECK_OK(close(dfd));
	CHECK_OK(close(fd));
	CHECK_OK(unlink(at("dangling")));
	CHECK_OK(unlink(at("f")));
	CHECK_OK(rmdir(dir));
	return 0;
}
