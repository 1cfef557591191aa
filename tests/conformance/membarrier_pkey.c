/* membarrier: QUERY lists GLOBAL and the private expedited commands; a
 * private expedited barrier before registering is EPERM, after it 0; bad
 * commands and flags are EINVAL.  pkey_alloc: either works (a host with
 * protection keys) or fails with ENOSYS/ENOSPC/EINVAL, and pkey_free of a
 * key never allocated fails. */
#include <linux/membarrier.h>
#include "check.h"

static long mb(int cmd, unsigned flags)
{
	return syscall(SYS_membarrier, cmd, flags, 0);
}

int main(void)
{
	long q = mb(MEMBARRIER_CMD_QUERY, 0);

	CHECK(q > 0, "QUERY: %ld %s", q, strerror(errno));
	CHECK(q & MEMBARRIER_CMD_GLOBAL, "no GLOBAL");
	CHECK(q & MEMBARRIER_CMD_PRIVATE_EXPEDITED, "no PRIVATE_EXPEDITED");
	CHECK(q & MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED, "no REGISTER_PRIVATE_EXPEDITED");
	CHECK_OK(mb(MEMBARRIER_CMD_GLOBAL, 0));
	CHECK_ERRNO(mb(MEMBARRIER_CMD_PRIVATE_EXPEDITED, 0), EPERM);
	CHECK_OK(mb(MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED, 0));
	CHECK_OK(mb(MEMBARRIER_CMD_PRIVATE_EXPEDITED, 0));
	CHECK_ERRNO(mb(MEMBARRIER_CMD_QUERY, 1), EINVAL);
	CHECK_ERRNO(mb(12345, 0), EINVAL);
	CHECK_ERRNO(mb(-1, 0), EINVAL);

	errno = 0;
	long k = syscall(SYS_pkey_alloc, 0, 0);
	if (k >= 0)
		CHECK_OK(syscall(SYS_pkey_free, k));
	else
		CHECK(errno == ENOSYS || errno == ENOSPC || errno == EINVAL,
		      "pkey_alloc: %s", strerror(errno));
	CHECK(syscall(SYS_pkey_free, 15) == -1, "pkey_free of a key never allocated");
	return 0;
}
