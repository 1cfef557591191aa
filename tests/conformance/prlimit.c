/* prlimit64(2) on the calling process: get, lower the soft limit, read it
 * back, restore; invalid requests fail. */
#include <stdint.h>
#include <sys/resource.h>
#include "check.h"

struct rl64 { uint64_t cur, max; };

static long prl(int res, const struct rl64 *new, struct rl64 *old)
{
	return syscall(SYS_prlimit64, 0, res, new, old);
}

int main(void)
{
	struct rl64 stack, nofile, now;

	CHECK(prl(RLIMIT_STACK, NULL, &stack) == 0, "get STACK: %s", strerror(errno));
	CHECK(stack.cur <= stack.max && stack.cur >= 4096, "STACK %#lx/%#lx",
	      (unsigned long)stack.cur, (unsigned long)stack.max);
	CHECK(prl(RLIMIT_NOFILE, NULL, &nofile) == 0, "get NOFILE: %s", strerror(errno));
	CHECK(nofile.cur <= nofile.max && nofile.cur >= 3, "NOFILE %lu/%lu",
	      (unsigned long)nofile.cur, (unsigned long)nofile.max);

	/* Lower the soft limit; the old value comes back in the same call. */
	struct rl64 low = { 64, nofile.max }, old;
	CHECK(prl(RLIMIT_NOFILE, &low, &old) == 0, "set NOFILE: %s", strerror(errno));
	CHECK(old.cur == nofile.cur && old.max == nofile.max, "old value");
	CHECK(prl(RLIMIT_NOFILE, NULL, &now) == 0 && now.cur == 64 &&
		      now.max == nofile.max, "read back %lu/%lu",
	      (unsigned long)now.cur, (unsigned long)now.max);
	CHECK(prl(RLIMIT_NOFILE, &nofile, NULL) == 0, "restore: %s", strerror(errno));
	CHECK(prl(RLIMIT_NOFILE, NULL, &now) == 0 && now.cur == nofile.cur, "restored");

	struct rl64 inverted = { 100, 50 };
	CHECK_ERRNO(prl(RLIMIT_NOFILE, &inverted, NULL), EINVAL);
	CHECK_ERRNO(prl(999, NULL, &now), EINVAL);
	CHECK_ERRNO(prl(RLIMIT_STACK, NULL, KERNEL_PTR), EFAULT);
	CHECK_ERRNO(syscall(SYS_prlimit64, -1, RLIMIT_STACK, NULL, &now), ESRCH);
	return 0;
}
