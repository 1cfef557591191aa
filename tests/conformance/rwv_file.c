/* readv/writev/preadv/pwritev on a file: scatter/gather order, the
 * positional variants leave the offset alone, and iovec validation. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sys/uio.h>
#include "check.h"

static char dir[] = "/tmp/cvt.XXXXXX";

int main(void)
{
	char path[512], a[3], b[5], c[64];

	CHECK(mkdtemp(dir), "mkdtemp: %s", strerror(errno));
	snprintf(path, sizeof(path), "%s/f", dir);
	int fd = open(path, O_RDWR | O_CREAT, 0644);
	CHECK(fd >= 0, "create: %s", strerror(errno));

	struct iovec w[] = { { "abc", 3 }, { NULL, 0 }, { "defgh", 5 } };
	CHECK(writev(fd, w, 3) == 8, "writev");
	CHECK(lseek(fd, 0, SEEK_CUR) == 8, "writev offset");

	/* readv fills each buffer in turn. */
	CHECK(lseek(fd, 0, SEEK_SET) == 0, "rewind");
	struct iovec r[] = { { a, sizeof(a) }, { b, sizeof(b) } };
	CHECK(readv(fd, r, 2) == 8, "readv");
	CHECK(memcmp(a, "abc", 3) == 0 && memcmp(b, "defgh", 5) == 0,
	      "readv scattered wrongly");
	CHECK(readv(fd, r, 2) == 0, "readv at EOF");

	/* pwritev/preadv at an offset, file offset untouched. */
	struct iovec pw[] = { { "XY", 2 }, { "Z", 1 } };
	CHECK(pwritev(fd, pw, 2, 2) == 3, "pwritev: %s", strerror(errno));
	CHECK(lseek(fd, 0, SEEK_CUR) == 8, "pwritev moved the offset");
	memset(a, 0, sizeof(a));
	memset(b, 0, sizeof(b));
	CHECK(preadv(fd, r, 2, 1) == 7, "preadv"); /* short: 7 bytes left */
	CHECK(memcmp(a, "bXY", 3) == 0 && memcmp(b, "Zfgh", 4) == 0,
	      "preadv data");
	CHECK(lseek(fd, 0, SEEK_CUR) == 8, "preadv moved the offset");

	/* The whole file, through one big iovec. */
	struct iovec one = { c, sizeof(c) };
	CHECK(preadv(fd, &one, 1, 0) == 8 && memcmp(c, "abXYZfgh", 8) == 0,
	      "file content");

	CHECK_ERRNO(syscall(SYS_preadv, fd, r, 2, -1L, 0L), EINVAL);
	CHECK_ERRNO(syscall(SYS_pwritev, fd, pw, 2, -1L, 0L), EINVAL);
	CHECK_ERRNO(syscall(SYS_readv, fd, r, -1), EINVAL);
	CHECK_ERRNO(syscall(SYS_readv, fd, r, 1025), EINVAL); /* > UIO_MAXIOV */
	CHECK_ERRNO(syscall(SYS_readv, fd, KERNEL_PTR, 1), EFAULT);
	struct iovec bad = { KERNEL_PTR, 4 };
	CHECK_ERRNO(preadv(fd, &bad, 1, 0), EFAULT);
	CHECK_ERRNO(readv(4321, r, 2), EBADF);
	/* A length that is negative as an ssize_t. */
	struct iovec huge = { c, (size_t)-1 };
	CHECK_ERRNO(writev(fd, &huge, 1), EINVAL);

	CHECK_OK(close(fd));
	CHECK_OK(unlink(path));
	CHECK_OK(rmdir(dir));
	return 0;
}
