/* fadvise64 / posix_fadvise: every valid advice is accepted (it is only
 * a hint) and leaves the data alone; an unknown advice or a negative
 * length is EINVAL; a bad fd is EBADF. posix_fadvise returns the error
 * number instead of setting errno, so the raw syscall is checked too. */
#define _GNU_SOURCE
#include <fcntl.h>
#include "check.h"

static char dir[] = "/tmp/cvt.XXXXXX";

int main(void)
{
	char path[512], buf[8];
	static const int advice[] = {
		POSIX_FADV_NORMAL, POSIX_FADV_SEQUENTIAL, POSIX_FADV_RANDOM,
		POSIX_FADV_NOREUSE, POSIX_FADV_WILLNEED, POSIX_FADV_DONTNEED,
	};

	CHECK(mkdtemp(dir), "mkdtemp: %s", strerror(errno));
	snprintf(path, sizeof(path), "%s/f", dir);
	int fd = open(path, O_RDWR | O_CREAT, 0644);
	CHECK(fd >= 0 && write(fd, "advice", 6) == 6, "create");

	for (unsigned i = 0; i < sizeof(advice) / sizeof(*advice); i++) {
		int r = posix_fadvise(fd, 0, 0, advice[i]);
		CHECK(r == 0, "posix_fadvise advice %d: %s", advice[i], strerror(r));
		CHECK(syscall(SYS_fadvise64, fd, 2L, 4L, advice[i]) == 0,
		      "fadvise64 advice %d: %s", advice[i], strerror(errno));
	}
	/* DONTNEED must not lose dirty data, and ranges past EOF are fine. */
	CHECK(pread(fd, buf, 6, 0) == 6 && memcmp(buf, "advice", 6) == 0,
	      "data after DONTNEED");
	CHECK(posix_fadvise(fd, 1 << 20, 4096, POSIX_FADV_WILLNEED) == 0,
	      "range past EOF");
	/* Read-only fds can be advised too. */
	int ro = open(path, O_RDONLY);
	CHECK(ro >= 0 && posix_fadvise(ro, 0, 0, POSIX_FADV_SEQUENTIAL) == 0,
	      "O_RDONLY fd");
	CHECK_OK(close(ro));

	CHECK(posix_fadvise(fd, 0, 0, 42) == EINVAL, "bad advice");
	CHECK(posix_fadvise(fd, 0, -1, POSIX_FADV_NORMAL) == EINVAL, "negative len");
	CHECK(posix_fadvise(4321, 0, 0, POSIX_FADV_NORMAL) == EBADF, "bad fd");
	CHECK_ERRNO(syscall(SYS_fadvise64, fd, 0L, 0L, 42), EINVAL);
	CHECK_ERRNO(syscall(SYS_fadvise64, fd, 0L, -1L, POSIX_FADV_NORMAL), EINVAL);
	CHECK_ERRNO(syscall(SYS_fadvise64, 4321, 0L, 0L, POSIX_FADV_NORMAL), EBADF);

	CHECK_OK(close(fd));
	CHECK_OK(unlink(path));
	CHECK_OK(rmdir(dir));
	return 0;
}
