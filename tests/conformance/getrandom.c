/* getrandom(2): fills the buffer, results differ, flags are validated. */
#include <sys/random.h>
#include "check.h"

int main(void)
{
	unsigned char a[64], b[64];

	memset(a, 0, sizeof(a));
	memset(b, 0, sizeof(b));
	CHECK(syscall(SYS_getrandom, a, sizeof(a), 0) == sizeof(a),
	      "getrandom: %s", strerror(errno));
	CHECK(syscall(SYS_getrandom, b, sizeof(b), GRND_NONBLOCK) == sizeof(b),
	      "GRND_NONBLOCK: %s", strerror(errno));
	/* 64 random bytes equal (or an untouched zero tail): odds ~2^-64. */
	CHECK(memcmp(a, b, sizeof(a)) != 0, "two calls returned the same bytes");
	CHECK(memcmp(a + 56, "\0\0\0\0\0\0\0\0", 8) != 0, "tail of buffer not filled");

	CHECK(syscall(SYS_getrandom, a, 0, 0) == 0, "zero length");
	CHECK_ERRNO(syscall(SYS_getrandom, a, sizeof(a), 0x80), EINVAL);
	CHECK_ERRNO(syscall(SYS_getrandom, a, sizeof(a), GRND_RANDOM | 0x0004 /* INSECURE */),
		    EINVAL);
	CHECK_ERRNO(syscall(SYS_getrandom, KERNEL_PTR, 16, 0), EFAULT);
	return 0;
}
