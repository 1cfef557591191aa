/* fstat(2) on the standard descriptors returns a sensible file type, and
 * newfstatat(fd, "", AT_EMPTY_PATH) describes the same file. */
#define _GNU_SOURCE /* AT_EMPTY_PATH */
#include <fcntl.h>
#include <sys/stat.h>
#include "check.h"

static void check_fd(int fd)
{
	struct stat a, b;

	CHECK(syscall(SYS_fstat, fd, &a) == 0, "fstat(%d): %s", fd,
	      strerror(errno));
	mode_t t = a.st_mode & S_IFMT;
	/* The harness never gives us a tty, but a file, pipe, socket or
	 * /dev/null are all fine. A zero/garbage mode is not. */
	CHECK(t == S_IFREG || t == S_IFIFO || t == S_IFCHR || t == S_IFSOCK,
	      "fd %d: odd st_mode %#o", fd, (unsigned)a.st_mode);
	CHECK(a.st_blksize > 0, "fd %d: st_blksize %ld", fd, (long)a.st_blksize);
	CHECK(a.st_nlink < 1000000, "fd %d: st_nlink %lu", fd,
	      (unsigned long)a.st_nlink);

	CHECK(syscall(SYS_newfstatat, fd, "", &b, AT_EMPTY_PATH) == 0,
	      "newfstatat(%d): %s", fd, strerror(errno));
	CHECK(a.st_mode == b.st_mode && a.st_ino == b.st_ino &&
		      a.st_dev == b.st_dev && a.st_rdev == b.st_rdev,
	      "fd %d: fstat and newfstatat disagree", fd);
}

int main(void)
{
	struct stat st;

	for (int fd = 0; fd < 3; fd++)
		check_fd(fd);
	/* Tests run with </dev/null (or an empty pipe) as stdin. */
	CHECK(syscall(SYS_fstat, 0, &st) == 0 &&
		      (S_ISCHR(st.st_mode) || S_ISFIFO(st.st_mode)),
	      "stdin is neither /dev/null nor a pipe (mode %#o)",
	      (unsigned)st.st_mode);

	CHECK_ERRNO(syscall(SYS_newfstatat, 777, "", &st, AT_EMPTY_PATH), EBADF);
	CHECK_ERRNO(syscall(SYS_fstat, 1, KERNEL_PTR), EFAULT);
	return 0;
}
