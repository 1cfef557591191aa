/* Operations on invalid or closed descriptors fail with EBADF. */
#include <sys/stat.h>
#include "check.h"

int main(void)
{
	char c = 0;
	struct stat st;

	CHECK_ERRNO(close(-1), EBADF);
	CHECK_ERRNO(close(12345), EBADF);
	CHECK_ERRNO(write(12345, "x", 1), EBADF);
	CHECK_ERRNO(read(-1, &c, 1), EBADF);
	CHECK_ERRNO(fstat(999, &st), EBADF);

	/* Close stdin for real: the slot must then behave as never opened. */
	CHECK(close(0) == 0, "close(0): %s", strerror(errno));
	CHECK_ERRNO(close(0), EBADF);
	CHECK_ERRNO(read(0, &c, 1), EBADF);
	CHECK_ERRNO(write(0, "x", 1), EBADF);
	CHECK_ERRNO(fstat(0, &st), EBADF);
	return 0;
}
