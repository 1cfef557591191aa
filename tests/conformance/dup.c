/* dup/dup2/dup3: the new fd is the lowest free one (dup), shares the
 * file offset and status flags but not FD_CLOEXEC; dup2 onto an open fd
 * closes it first; dup2(fd, fd) is a no-op but dup3(fd, fd) is EINVAL. */
#define _GNU_SOURCE
#include <fcntl.h>
#include "check.h"

static char dir[] = "/tmp/cvt.XXXXXX";

int main(void)
{
	char path[512], buf[8];

	CHECK(mkdtemp(dir), "mkdtemp: %s", strerror(errno));
	snprintf(path, sizeof(path), "%s/f", dir);
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	CHECK(fd >= 0 && write(fd, "abcdef", 6) == 6, "create");

	/* dup: lowest free number, shared offset, no FD_CLOEXEC. */
	int lo = dup(fd);
	CHECK(lo > fd, "dup returned %d", lo);
	CHECK_OK(close(lo));
	int d = dup(fd);
	CHECK(d == lo, "dup must reuse the lowest free fd %d, got %d", lo, d);
	CHECK(fcntl(d, F_GETFD) == 0, "dup copied FD_CLOEXEC");
	CHECK(fcntl(fd, F_GETFD) == FD_CLOEXEC, "original lost FD_CLOEXEC");
	CHECK(lseek(fd, 1, SEEK_SET) == 1, "lseek");
	CHECK(read(d, buf, 2) == 2 && memcmp(buf, "bc", 2) == 0,
	      "dup does not share the offset");
	CHECK(lseek(fd, 0, SEEK_CUR) == 3, "offset not shared back");
	/* Status flags are per open file, so shared too. */
	CHECK_OK(fcntl(d, F_SETFL, O_APPEND));
	CHECK(fcntl(fd, F_GETFL) & O_APPEND, "O_APPEND not shared");
	CHECK_OK(fcntl(d, F_SETFL, 0));

	/* dup2 to a chosen number, closing what was there. */
	int other = open("/dev/null", O_RDONLY);
	CHECK(other >= 0, "open /dev/null");
	CHECK(dup2(fd, other) == other, "dup2 over an open fd: %s", strerror(errno));
	CHECK(pread(other, buf, 1, 0) == 1 && buf[0] == 'a',
	      "dup2 target still refers to /dev/null");
	CHECK(dup2(fd, 200) == 200, "dup2 to a high fd");
	CHECK(fcntl(200, F_GETFD) == 0, "dup2 copied FD_CLOEXEC");
	/* dup2(fd, fd): returns fd, changes nothing. */
	CHECK(dup2(fd, fd) == fd && fcntl(fd, F_GETFD) == FD_CLOEXEC, "dup2 same");

	/* dup3: O_CLOEXEC is the only flag; same fd is EINVAL. */
	CHECK(dup3(fd, 201, O_CLOEXEC) == 201 && fcntl(201, F_GETFD) == FD_CLOEXEC,
	      "dup3 O_CLOEXEC");
	CHECK(dup3(fd, 201, 0) == 201 && fcntl(201, F_GETFD) == 0,
	      "dup3 over itself without O_CLOEXEC");
	CHECK_ERRNO(dup3(fd, fd, 0), EINVAL);
	CHECK_ERRNO(dup3(fd, 202, O_NONBLOCK), EINVAL);
	CHECK_ERRNO(fcntl(202, F_GETFD), EBADF); /* nothing was created */

	/* Closing a dup leaves the original open. */
	CHECK_OK(close(d));
	CHECK(pread(fd, buf, 1, 5) == 1 && buf[0] == 'f', "original closed");

	CHECK_ERRNO(dup(4321), EBADF);
	CHECK_ERRNO(dup2(4321, 203), EBADF);
	CHECK_ERRNO(dup2(4321, 4321), EBADF); /* even same-fd needs a valid fd */
	CHECK_ERRNO(dup2(fd, -1), EBADF);
	CHECK_ERRNO(dup3(fd, -1, 0), EBADF);
	CHECK_ERRNO(dup2(fd, 1 << 30), EBADF); /* beyond RLIMIT_NOFILE */

	CHECK_OK(close(201));
	CHECK_OK(close(200));
	CHECK_OK(close(other));
	CHECK_OK(close(fd));
	CHECK_OK(unlink(path));
	CHECK_OK(rmdir(dir));
	return 0;
}
