/* read/write/pread64/pwrite64 on a tmpfs file: the file offset moves only
 * for read/write, pwrite past EOF leaves a zero-filled gap, short reads at
 * EOF, and EBADF/EISDIR/EINVAL/EFAULT. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sys/stat.h>
#include "check.h"

static char dir[] = "/tmp/cvt.XXXXXX";

int main(void)
{
	char path[512], buf[64];
	struct stat st;

	CHECK(mkdtemp(dir), "mkdtemp: %s", strerror(errno));
	snprintf(path, sizeof(path), "%s/f", dir);
	int fd = open(path, O_RDWR | O_CREAT, 0644);
	CHECK(fd >= 0, "create: %s", strerror(errno));

	CHECK(write(fd, "0123456789", 10) == 10, "write");
	CHECK(lseek(fd, 0, SEEK_CUR) == 10, "write must advance the offset");
	CHECK(read(fd, buf, sizeof(buf)) == 0, "read at EOF");
	CHECK(write(fd, "", 0) == 0, "zero-length write");

	/* pread/pwrite use their own offset and leave the file's alone. */
	CHECK(pread(fd, buf, 4, 3) == 4 && memcmp(buf, "3456", 4) == 0, "pread");
	CHECK(pwrite(fd, "AB", 2, 1) == 2, "pwrite");
	CHECK(lseek(fd, 0, SEEK_CUR) == 10, "pread/pwrite moved the offset");
	CHECK(pread(fd, buf, sizeof(buf), 0) == 10 &&
		      memcmp(buf, "0AB3456789", 10) == 0,
	      "pwrite data");
	/* A short read at EOF, then 0 past it. */
	CHECK(pread(fd, buf, sizeof(buf), 8) == 2, "short pread at EOF");
	CHECK(pread(fd, buf, sizeof(buf), 100) == 0, "pread past EOF");

	/* pwrite past EOF extends the file; the gap reads as zeroes. */
	CHECK(pwrite(fd, "Z", 1, 20) == 1, "pwrite past EOF");
	CHECK(fstat(fd, &st) == 0 && st.st_size == 21, "size %ld, want 21",
	      (long)st.st_size);
	memset(buf, 'x', sizeof(buf));
	CHECK(pread(fd, buf, 11, 10) == 11, "read gap");
	for (int i = 0; i < 10; i++)
		CHECK(buf[i] == 0, "gap byte %d is %#x", i, buf[i]);
	CHECK(buf[10] == 'Z', "byte after gap");

	/* read continues from the file offset (10). */
	CHECK(read(fd, buf, 2) == 2 && buf[0] == 0, "read after pwrite");
	CHECK(lseek(fd, 0, SEEK_CUR) == 12, "read must advance the offset");

	CHECK_ERRNO(pread(fd, buf, 1, -1), EINVAL);
	CHECK_ERRNO(pwrite(fd, "x", 1, -1), EINVAL);
	CHECK_ERRNO(syscall(SYS_pread64, fd, KERNEL_PTR, 4, 0), EFAULT);
	CHECK_ERRNO(syscall(SYS_pwrite64, fd, KERNEL_PTR, 4, 0), EFAULT);
	CHECK_ERRNO(pread(4321, buf, 1, 0), EBADF);
	CHECK_OK(close(fd));

	/* Access mode is enforced. */
	fd = open(path, O_RDONLY);
	CHECK(fd >= 0, "reopen O_RDONLY");
	CHECK_ERRNO(write(fd, "x", 1), EBADF);
	CHECK_ERRNO(pwrite(fd, "x", 1, 0), EBADF);
	CHECK_OK(close(fd));
	fd = open(path, O_WRONLY);
	CHECK(fd >= 0, "reopen O_WRONLY");
	CHECK_ERRNO(read(fd, buf, 1), EBADF);
	CHECK_ERRNO(pread(fd, buf, 1, 0), EBADF);
	CHECK_OK(close(fd));

	/* A directory cannot be read with read(2). */
	int dfd = open(dir, O_RDONLY | O_DIRECTORY);
	CHECK(dfd >= 0, "open dir");
	CHECK_ERRNO(read(dfd, buf, sizeof(buf)), EISDIR);
	CHECK_ERRNO(pread(dfd, buf, sizeof(buf), 0), EISDIR);
	CHECK_OK(close(dfd));

	CHECK_OK(unlink(path));
	CHECK_OK(rmdir(dir));
	return 0;
}
