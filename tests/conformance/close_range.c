/* close_range(2): closes every open fd in [first, last], skips holes,
 * accepts ~0U as "to the end", marks instead of closing with
 * CLOSE_RANGE_CLOEXEC, and validates its arguments. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/close_range.h>
#include "check.h"

#define BASE 100

static int is_open(int fd) { return fcntl(fd, F_GETFD) != -1; }

int main(void)
{
	int fd = open("/dev/null", O_RDWR);
	CHECK(fd >= 0, "open /dev/null: %s", strerror(errno));

	/* fds BASE..BASE+9, with a hole at BASE+5. */
	for (int i = 0; i < 10; i++)
		if (i != 5)
			CHECK(dup2(fd, BASE + i) == BASE + i, "dup2 %d", BASE + i);

	/* Close the middle: BASE+2..BASE+7, hole included. */
	CHECK(syscall(SYS_close_range, BASE + 2, BASE + 7, 0) == 0,
	      "close_range: %s", strerror(errno));
	for (int i = 0; i < 10; i++) {
		int want = i < 2 || i > 7;
		CHECK(is_open(BASE + i) == want, "fd %d open=%d want %d", BASE + i,
		      is_open(BASE + i), want);
	}

	/* CLOSE_RANGE_CLOEXEC marks but keeps them. */
	CHECK(syscall(SYS_close_range, BASE, BASE + 1, CLOSE_RANGE_CLOEXEC) == 0,
	      "CLOSE_RANGE_CLOEXEC: %s", strerror(errno));
	CHECK(fcntl(BASE, F_GETFD) == FD_CLOEXEC &&
		      fcntl(BASE + 1, F_GETFD) == FD_CLOEXEC,
	      "FD_CLOEXEC not set");
	CHECK(fcntl(BASE + 8, F_GETFD) == 0, "fd outside the range touched");

	/* ~0U: everything from BASE on. fd itself (lower) survives. */
	CHECK(syscall(SYS_close_range, BASE, ~0U, 0) == 0, "to ~0U: %s",
	      strerror(errno));
	for (int i = 0; i < 10; i++)
		CHECK(!is_open(BASE + i), "fd %d survived", BASE + i);
	CHECK(is_open(fd) && is_open(0) && is_open(1) && is_open(2),
	      "fds below the range were closed");

	/* An empty range (all closed) is not an error. */
	CHECK(syscall(SYS_close_range, 500, 600, 0) == 0, "empty range");

	CHECK_ERRNO(syscall(SYS_close_range, 10, 5, 0), EINVAL);
	CHECK_ERRNO(syscall(SYS_close_range, BASE, BASE, 0x80), EINVAL);
	CHECK_OK(close(fd));
	return 0;
}
