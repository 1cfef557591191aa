/* truncate/ftruncate: shrink and grow (zero-filled), the file offset is
 * untouched, and EINVAL (negative length, fd not open for writing),
 * EISDIR (a directory by path), ENOENT, EBADF. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sys/stat.h>
#include "check.h"

static char dir[] = "/tmp/cvt.XXXXXX";

static off_t size_of(int fd)
{
	struct stat st;
	CHECK(fstat(fd, &st) == 0, "fstat");
	return st.st_size;
}

int main(void)
{
	char path[512], buf[32];

	CHECK(mkdtemp(dir), "mkdtemp: %s", strerror(errno));
	snprintf(path, sizeof(path), "%s/f", dir);
	int fd = open(path, O_RDWR | O_CREAT, 0644);
	CHECK(fd >= 0 && write(fd, "0123456789", 10) == 10, "create");

	/* Shrink, then grow: the regrown tail must be zeroes, not the old
	 * bytes. */
	CHECK_OK(ftruncate(fd, 4));
	CHECK(size_of(fd) == 4, "size after shrink %ld", (long)size_of(fd));
	CHECK(lseek(fd, 0, SEEK_CUR) == 10, "ftruncate moved the offset");
	CHECK_OK(truncate(path, 8));
	CHECK(size_of(fd) == 8, "size after grow");
	memset(buf, 'x', sizeof(buf));
	CHECK(pread(fd, buf, sizeof(buf), 0) == 8, "read back");
	CHECK(memcmp(buf, "0123\0\0\0\0", 8) == 0, "grown tail is not zero");

	/* A write at the old offset (10) past the new EOF leaves a hole. */
	CHECK(write(fd, "Z", 1) == 1 && size_of(fd) == 11, "write after truncate");
	CHECK(pread(fd, buf, 3, 8) == 3 && buf[0] == 0 && buf[1] == 0 &&
		      buf[2] == 'Z',
	      "hole after truncate");

	/* Large sparse size, then back to 0. */
	CHECK_OK(ftruncate(fd, 1 << 24));
	CHECK(size_of(fd) == 1 << 24, "16 MiB sparse");
	CHECK(pread(fd, buf, 4, (1 << 24) - 4) == 4 && buf[0] == 0, "sparse tail");
	CHECK_OK(ftruncate(fd, 0));
	CHECK(size_of(fd) == 0 && pread(fd, buf, 1, 0) == 0, "truncate to 0");

	CHECK_ERRNO(ftruncate(fd, -1), EINVAL);
	CHECK_ERRNO(truncate(path, -1), EINVAL);
	CHECK_ERRNO(truncate(dir, 0), EISDIR);
	int dfd = open(dir, O_RDONLY | O_DIRECTORY);
	CHECK(dfd >= 0, "open dir");
	CHECK_ERRNO(ftruncate(dfd, 0), EINVAL); /* not open for writing */
	CHECK_OK(close(dfd));
	int ro = open(path, O_RDONLY);
	CHECK(ro >= 0, "open O_RDONLY");
	CHECK_ERRNO(ftruncate(ro, 0), EINVAL);
	CHECK_OK(close(ro));
	CHECK_ERRNO(ftruncate(4321, 0), EBADF);
	CHECK_ERRNO(truncate("/nonexistent/f", 0), ENOENT);
	char sub[600];
	snprintf(sub, sizeof(sub), "%s/x", path);
	CHECK_ERRNO(truncate(sub, 0), ENOTDIR);
	CHECK_ERRNO(syscall(SYS_truncate, KERNEL_PTR, 0), EFAULT);

	CHECK_OK(close(fd));
	CHECK_OK(unlink(path));
	CHECK_OK(rmdir(dir));
	return 0;
}
