/* openat(2): relative to a directory fd, to AT_FDCWD, absolute paths
 * ignoring the fd, and the dirfd errors EBADF/ENOTDIR. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sys/stat.h>
#include "check.h"

static char dir[] = "/tmp/cvt.XXXXXX";

int main(void)
{
	char buf[512];
	struct stat a, b;

	CHECK(mkdtemp(dir), "mkdtemp: %s", strerror(errno));
	int dfd = open(dir, O_RDONLY | O_DIRECTORY);
	CHECK(dfd >= 0, "open dir: %s", strerror(errno));

	int fd = openat(dfd, "f", O_RDWR | O_CREAT | O_EXCL, 0644);
	CHECK(fd >= 0, "openat create: %s", strerror(errno));
	CHECK(write(fd, "xyz", 3) == 3, "write");
	CHECK_OK(close(fd));

	/* The same file by absolute path. */
	snprintf(buf, sizeof(buf), "%s/f", dir);
	CHECK(stat(buf, &a) == 0 && fstatat(dfd, "f", &b, 0) == 0 &&
		      a.st_ino == b.st_ino && a.st_dev == b.st_dev && a.st_size == 3,
	      "openat created the wrong file");

	/* Subdirectories and ".." resolve relative to dfd. */
	CHECK_OK(mkdirat(dfd, "sub", 0755));
	fd = openat(dfd, "sub/../f", O_RDONLY);
	CHECK(fd >= 0 && read(fd, buf, 3) == 3 && memcmp(buf, "xyz", 3) == 0,
	      "openat sub/../f");
	CHECK_OK(close(fd));

	/* An absolute path ignores dirfd, even a bad one. */
	fd = openat(12345, "/dev/null", O_RDONLY);
	CHECK(fd >= 0, "absolute path with bad dirfd: %s", strerror(errno));
	CHECK_OK(close(fd));

	/* AT_FDCWD means the cwd. */
	CHECK_OK(fchdir(dfd));
	fd = openat(AT_FDCWD, "f", O_RDONLY);
	CHECK(fd >= 0, "AT_FDCWD: %s", strerror(errno));
	CHECK_OK(close(fd));
	CHECK_OK(chdir("/"));

	/* Relative path with a dirfd that is closed or is not a directory. */
	CHECK_ERRNO(openat(12345, "f", O_RDONLY), EBADF);
	CHECK_ERRNO(openat(-5, "f", O_RDONLY), EBADF);
	fd = openat(dfd, "f", O_RDONLY);
	CHECK(fd >= 0, "reopen");
	CHECK_ERRNO(openat(fd, "x", O_RDONLY), ENOTDIR);
	CHECK_ERRNO(openat(fd, "x", O_RDWR | O_CREAT, 0644), ENOTDIR);
	CHECK_OK(close(fd));

	CHECK_ERRNO(openat(dfd, "missing", O_RDONLY), ENOENT);
	CHECK_ERRNO(openat(dfd, "sub", O_WRONLY), EISDIR);
	CHECK_ERRNO(openat(dfd, "f", O_RDWR | O_CREAT | O_EXCL, 0644), EEXIST);
	CHECK_ERRNO(syscall(SYS_openat, dfd, KERNEL_PTR, O_RDONLY), EFAULT);

	/* O_PATH gives a handle that cannot be read but can anchor lookups. */
	int pfd = openat(dfd, "sub", O_PATH | O_DIRECTORY);
	CHECK(pfd >= 0, "O_PATH: %s", strerror(errno));
	CHECK_ERRNO(read(pfd, buf, 1), EBADF);
	fd = openat(pfd, "../f", O_RDONLY);
	CHECK(fd >= 0, "openat relative to O_PATH fd: %s", strerror(errno));
	CHECK_OK(close(fd));
	CHECK_OK(close(pfd));

	CHECK_OK(unlinkat(dfd, "f", 0));
	CHECK_OK(unlinkat(dfd, "sub", AT_REMOVEDIR));
	CHECK_OK(close(dfd));
	CHECK_OK(rmdir(dir));
	return 0;
}
