/* The old getrlimit(2)/setrlimit(2) syscalls (glibc routes its wrappers
 * through prlimit64, so call them raw) agree with prlimit64. */
#include <stdint.h>
#include <sys/resource.h>
#include "check.h"

struct rl64 { uint64_t cur, max; };

int main(void)
{
	struct rlimit r, orig;
	struct rl64 p;

	CHECK(syscall(SYS_getrlimit, RLIMIT_STACK, &r) == 0, "getrlimit: %s",
	      strerror(errno));
	CHECK(syscall(SYS_prlimit64, 0, RLIMIT_STACK, NULL, &p) == 0, "prlimit64");
	CHECK(r.rlim_cur == p.cur && r.rlim_max == p.max, "STACK differs");

	CHECK(syscall(SYS_getrlimit, RLIMIT_NOFILE, &orig) == 0, "get NOFILE");
	struct rlimit low = { 32, orig.rlim_max };
	CHECK(syscall(SYS_setrlimit, RLIMIT_NOFILE, &low) == 0, "setrlimit: %s",
	      strerror(errno));
	CHECK(syscall(SYS_getrlimit, RLIMIT_NOFILE, &r) == 0 && r.rlim_cur == 32 &&
		      r.rlim_max == orig.rlim_max, "read back %lu/%lu",
	      (unsigned long)r.rlim_cur, (unsigned long)r.rlim_max);
	CHECK(syscall(SYS_prlimit64, 0, RLIMIT_NOFILE, NULL, &p) == 0 && p.cur == 32,
	      "prlimit64 does not see setrlimit's value");

	struct rlimit inverted = { 10, 5 };
	CHECK_ERRNO(syscall(SYS_setrlimit, RLIMIT_NOFILE, &inverted), EINVAL);
	CHECK_ERRNO(syscall(SYS_getrlimit, 999, &r), EINVAL);
	CHECK_ERRNO(syscall(SYS_getrlimit, RLIMIT_NOFILE, KERNEL_PTR), EFAULT);
	CHECK(syscall(SYS_setrlimit, RLIMIT_NOFILE, &orig) == 0, "restore");
	return 0;
}
