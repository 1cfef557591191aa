/* ioctl on a regular file: terminal requests are ENOTTY, FIONREAD
 * reports the bytes between the offset and EOF, FIOCLEX/FIONCLEX set and
 * clear FD_CLOEXEC (visible via F_GETFD), unknown requests are ENOTTY. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sys/ioctl.h>
#include <termios.h>
#include "check.h"

static char dir[] = "/tmp/cvt.XXXXXX";

static int nread(int fd)
{
	int n = -1;
	CHECK(ioctl(fd, FIONREAD, &n) == 0, "FIONREAD: %s", strerror(errno));
	return n;
}

int main(void)
{
	char path[512], buf[8];
	struct termios t;
	struct winsize ws;

	CHECK(mkdtemp(dir), "mkdtemp: %s", strerror(errno));
	snprintf(path, sizeof(path), "%s/f", dir);
	int fd = open(path, O_RDWR | O_CREAT, 0644);
	CHECK(fd >= 0, "create: %s", strerror(errno));

	CHECK_ERRNO(ioctl(fd, TCGETS, &t), ENOTTY);
	CHECK_ERRNO(ioctl(fd, TIOCGWINSZ, &ws), ENOTTY);
	CHECK_ERRNO(ioctl(fd, TIOCGPGRP, buf), ENOTTY);
	CHECK(!isatty(fd), "isatty on a file");
	CHECK_ERRNO(ioctl(fd, _IO('Z', 0x7f)), ENOTTY); /* nobody's request */

	/* FIONREAD: size - offset. Linux computes exactly that, so past EOF
	 * the answer is negative. */
	CHECK(nread(fd) == 0, "empty file");
	CHECK(write(fd, "0123456789", 10) == 10, "write");
	CHECK(nread(fd) == 0, "at EOF after write");
	CHECK(lseek(fd, 3, SEEK_SET) == 3 && nread(fd) == 7, "at 3: %d", nread(fd));
	CHECK(read(fd, buf, 2) == 2 && nread(fd) == 5, "after read: %d", nread(fd));
	CHECK(lseek(fd, 50, SEEK_SET) == 50 && nread(fd) == -40, "past EOF: %d",
	      nread(fd));
	CHECK_ERRNO(syscall(SYS_ioctl, fd, FIONREAD, KERNEL_PTR), EFAULT);

	/* FIOCLEX/FIONCLEX act on the descriptor only. */
	int d = dup(fd);
	CHECK(fcntl(fd, F_GETFD) == 0, "starts without FD_CLOEXEC");
	CHECK_OK(ioctl(fd, FIOCLEX));
	CHECK(fcntl(fd, F_GETFD) == FD_CLOEXEC, "FIOCLEX not visible");
	CHECK(fcntl(d, F_GETFD) == 0, "FIOCLEX leaked to a dup");
	CHECK_OK(ioctl(fd, FIONCLEX));
	CHECK(fcntl(fd, F_GETFD) == 0, "FIONCLEX not visible");

	/* FIONBIO sets O_NONBLOCK in the shared status flags. */
	int on = 1;
	CHECK_OK(ioctl(fd, FIONBIO, &on));
	CHECK(fcntl(d, F_GETFL) & O_NONBLOCK, "FIONBIO not visible via a dup");
	on = 0;
	CHECK_OK(ioctl(fd, FIONBIO, &on));
	CHECK(!(fcntl(fd, F_GETFL) & O_NONBLOCK), "FIONBIO 0");

	/* A directory is no terminal either. */
	int dfd = open(dir, O_RDONLY | O_DIRECTORY);
	CHECK(dfd >= 0, "open dir");
	CHECK_ERRNO(ioctl(dfd, TCGETS, &t), ENOTTY);
	CHECK_OK(close(dfd));

	CHECK_ERRNO(ioctl(4321, FIONREAD, &on), EBADF);
	CHECK_ERRNO(ioctl(4321, FIOCLEX), EBADF);

	CHECK_OK(close(d));
	CHECK_OK(close(fd));
	CHECK_OK(unlink(path));
	CHECK_OK(rmdir(dir));
	return 0;
}
