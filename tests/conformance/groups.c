/* getgroups(2): the size query, the fetch, and a too-small buffer. */
#include "check.h"

int main(void)
{
	static gid_t g[65536], h[65536]; /* NGROUPS_MAX */

	long n = syscall(SYS_getgroups, 0, NULL);
	CHECK(n >= 0 && n <= 65536, "getgroups(0) = %ld", n);
	long m = syscall(SYS_getgroups, 65536, g);
	CHECK(m == n, "getgroups count %ld vs size query %ld", m, n);
	CHECK_ERRNO(syscall(SYS_getgroups, -1, g), EINVAL);
	if (n > 0) {
		CHECK_ERRNO(syscall(SYS_getgroups, n - 1, g), EINVAL);
		CHECK_ERRNO(syscall(SYS_getgroups, n, KERNEL_PTR), EFAULT);
	}
	/* The list is stable between calls. */
	CHECK(syscall(SYS_getgroups, n, h) == n &&
		      memcmp(g, h, (size_t)n * sizeof(gid_t)) == 0,
	      "group list changed");
	return 0;
}
