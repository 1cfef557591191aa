/* writev(2) with bad iovec bases / a bad iovec array.
 * Linux either fails with EFAULT or returns the bytes written before the
 * fault; both are accepted for a partially good vector. Output on stdout
 * ("ok" at most) is not compared. */
#include <sys/uio.h>
#include "check.h"

int main(void)
{
	struct iovec bad_only[] = { { (void *)1, 4 } };
	CHECK_ERRNO(writev(1, bad_only, 1), EFAULT);

	struct iovec kern[] = { { "ok", 2 }, { KERNEL_PTR, 4 } };
	CHECK_ERRNO(writev(1, kern, 2), EFAULT); /* rejected before copying */

	CHECK_ERRNO(writev(1, (struct iovec *)KERNEL_PTR, 1), EFAULT);

	struct iovec mixed[] = { { "ok", 2 }, { (void *)1, 4 } };
	errno = 0;
	ssize_t n = writev(1, mixed, 2);
	CHECK(n == 2 || (n == -1 && errno == EFAULT),
	      "mixed writev: got %zd errno %d", n, errno);
	return 0;
}
