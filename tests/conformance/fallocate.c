/* fallocate: mode 0 extends the size (the new range reads as zeroes) and
 * never shrinks or alters data; FALLOC_FL_KEEP_SIZE leaves st_size;
 * PUNCH_HOLE needs KEEP_SIZE; EINVAL for bad ranges, EBADF for a
 * read-only fd, ENODEV for a character device. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/falloc.h>
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
	char path[512], buf[64];

	CHECK(mkdtemp(dir), "mkdtemp: %s", strerror(errno));
	snprintf(path, sizeof(path), "%s/f", dir);
	int fd = open(path, O_RDWR | O_CREAT, 0644);
	CHECK(fd >= 0 && write(fd, "abcdef", 6) == 6, "create");

	CHECK(fallocate(fd, 0, 0, 4096) == 0, "fallocate: %s", strerror(errno));
	CHECK(size_of(fd) == 4096, "size %ld, want 4096", (long)size_of(fd));
	memset(buf, 'x', sizeof(buf));
	CHECK(pread(fd, buf, 10, 0) == 10 && memcmp(buf, "abcdef\0\0\0\0", 10) == 0,
	      "data changed or extension not zero");
	CHECK(lseek(fd, 0, SEEK_CUR) == 6, "fallocate moved the offset");

	/* A range inside the file changes nothing; it never shrinks. */
	CHECK_OK(fallocate(fd, 0, 1, 2));
	CHECK(size_of(fd) == 4096, "fallocate inside shrank/grew");
	/* Starting past EOF: the size becomes offset + len. */
	CHECK_OK(fallocate(fd, 0, 10000, 100));
	CHECK(size_of(fd) == 10100, "size %ld, want 10100", (long)size_of(fd));
	CHECK(posix_fallocate(fd, 0, 20000) == 0 && size_of(fd) == 20000,
	      "posix_fallocate");

	/* KEEP_SIZE: space only, size unchanged. */
	CHECK_OK(fallocate(fd, FALLOC_FL_KEEP_SIZE, 0, 65536));
	CHECK(size_of(fd) == 20000, "KEEP_SIZE changed the size");

	/* PUNCH_HOLE zeroes a range without changing the size... */
	CHECK(pwrite(fd, "12345678", 8, 100) == 8, "pwrite");
	CHECK(fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 102, 4) == 0,
	      "punch hole: %s", strerror(errno));
	CHECK(pread(fd, buf, 8, 100) == 8 && memcmp(buf, "12\0\0\0\0" "78", 8) == 0,
	      "punched range not zero");
	CHECK(size_of(fd) == 20000, "punch hole changed the size");
	/* ...and only with KEEP_SIZE. */
	CHECK_ERRNO(fallocate(fd, FALLOC_FL_PUNCH_HOLE, 0, 4), EOPNOTSUPP);

	CHECK_ERRNO(fallocate(fd, 0, 0, 0), EINVAL);
	CHECK_ERRNO(fallocate(fd, 0, -1, 10), EINVAL);
	CHECK_ERRNO(fallocate(fd, 0, 0, -10), EINVAL);
	CHECK_ERRNO(fallocate(fd, 0x8000, 0, 10), EOPNOTSUPP); /* unknown mode */
	CHECK_ERRNO(fallocate(4321, 0, 0, 10), EBADF);
	int ro = open(path, O_RDONLY);
	CHECK(ro >= 0, "open O_RDONLY");
	CHECK_ERRNO(fallocate(ro, 0, 0, 10), EBADF);
	CHECK_OK(close(ro));
	int dev = open("/dev/null", O_WRONLY);
	CHECK(dev >= 0, "open /dev/null");
	CHECK_ERRNO(fallocate(dev, 0, 0, 10), ENODEV);
	CHECK_OK(close(dev));

	CHECK_OK(close(fd));
	CHECK_OK(unlink(path));
	CHECK_OK(rmdir(dir));
	return 0;
}
