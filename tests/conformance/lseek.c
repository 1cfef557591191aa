/* lseek(2) on a file: SEEK_SET/CUR/END arithmetic, seeking past EOF is
 * allowed and a write there leaves a hole, negative results and bad
 * whence are EINVAL. (Pipes would give ESPIPE, but there are none yet.) */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sys/stat.h>
#include "check.h"

static char dir[] = "/tmp/cvt.XXXXXX";

int main(void)
{
	char path[512], buf[8];
	struct stat st;

	CHECK(mkdtemp(dir), "mkdtemp: %s", strerror(errno));
	snprintf(path, sizeof(path), "%s/f", dir);
	int fd = open(path, O_RDWR | O_CREAT, 0644);
	CHECK(fd >= 0, "create: %s", strerror(errno));
	CHECK(write(fd, "0123456789", 10) == 10, "write");

	CHECK(lseek(fd, 0, SEEK_CUR) == 10, "SEEK_CUR 0");
	CHECK(lseek(fd, 3, SEEK_SET) == 3, "SEEK_SET 3");
	CHECK(read(fd, buf, 2) == 2 && memcmp(buf, "34", 2) == 0, "read at 3");
	CHECK(lseek(fd, -4, SEEK_CUR) == 1, "SEEK_CUR -4");
	CHECK(lseek(fd, -2, SEEK_END) == 8, "SEEK_END -2");
	CHECK(read(fd, buf, 8) == 2 && memcmp(buf, "89", 2) == 0, "read at 8");
	CHECK(lseek(fd, 0, SEEK_END) == 10, "SEEK_END 0");

	/* Past EOF: allowed, reads nothing, size unchanged until a write. */
	CHECK(lseek(fd, 100, SEEK_SET) == 100, "past EOF");
	CHECK(read(fd, buf, 1) == 0, "read past EOF");
	CHECK(fstat(fd, &st) == 0 && st.st_size == 10, "seek changed the size");
	CHECK(write(fd, "x", 1) == 1, "write past EOF");
	CHECK(fstat(fd, &st) == 0 && st.st_size == 101, "size %ld, want 101",
	      (long)st.st_size);
	CHECK(pread(fd, buf, 1, 50) == 1 && buf[0] == 0, "hole not zero");
	CHECK(lseek(fd, 5, SEEK_END) == 106, "SEEK_END +5");

	/* A negative resulting offset is EINVAL and the offset is kept. */
	CHECK(lseek(fd, 7, SEEK_SET) == 7, "SEEK_SET 7");
	CHECK_ERRNO(lseek(fd, -1, SEEK_SET), EINVAL);
	CHECK_ERRNO(lseek(fd, -8, SEEK_CUR), EINVAL);
	CHECK_ERRNO(lseek(fd, -102, SEEK_END), EINVAL);
	CHECK_ERRNO(lseek(fd, 0, 42), EINVAL); /* bad whence */
	CHECK(lseek(fd, 0, SEEK_CUR) == 7, "failed lseek moved the offset");

	/* SEEK_DATA/SEEK_HOLE: every filesystem must at least treat the
	 * whole file as data with a hole at EOF. */
	CHECK(lseek(fd, 0, SEEK_DATA) == 0, "SEEK_DATA 0: %s", strerror(errno));
	off_t h = lseek(fd, 0, SEEK_HOLE);
	CHECK(h >= 0 && h <= 101, "SEEK_HOLE 0 = %ld", (long)h);
	CHECK(lseek(fd, 0, SEEK_CUR) == h, "SEEK_HOLE sets the offset");
	CHECK_ERRNO(lseek(fd, 101, SEEK_DATA), ENXIO);
	CHECK_ERRNO(lseek(fd, 200, SEEK_HOLE), ENXIO);

	CHECK_ERRNO(lseek(1234, 0, SEEK_SET), EBADF);
	CHECK_OK(close(fd));
	CHECK_ERRNO(lseek(fd, 0, SEEK_SET), EBADF);

	/* Directories are seekable (to rewind getdents). */
	fd = open(dir, O_RDONLY | O_DIRECTORY);
	CHECK(fd >= 0 && lseek(fd, 0, SEEK_SET) == 0, "lseek on a directory");
	CHECK_OK(close(fd));

	CHECK_OK(unlink(path));
	CHECK_OK(rmdir(dir));
	return 0;
}
