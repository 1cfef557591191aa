/* writev(2) gathers several iovecs, in order, into one write.
 * EXPECT_STDOUT: abcdefghi */
#include <sys/uio.h>
#include "check.h"

int main(void)
{
	struct iovec iov[] = {
		{ "abc", 3 },
		{ "", 0 }, /* empty iovecs in the middle are legal */
		{ "def", 3 },
		{ "ghi\n", 4 },
	};

	CHECK(writev(1, iov, 0) == 0, "iovcnt 0");
	/* Raw syscalls: gcc rejects these counts at compile time. */
	CHECK_ERRNO(syscall(SYS_writev, 1, iov, -1), EINVAL);
	CHECK_ERRNO(syscall(SYS_writev, 1, iov, 1025), EINVAL); /* > UIO_MAXIOV */
	ssize_t n = writev(1, iov, 4);
	CHECK(n == 10, "writev returned %zd, want 10", n);
	return 0;
}
