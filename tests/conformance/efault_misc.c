/* Syscalls that copy structures out or in return EFAULT on bad pointers.
 * Raw syscalls only: glibc's vDSO paths would fault in user space. */
#include <time.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include "check.h"

int main(void)
{
	CHECK_ERRNO(syscall(SYS_uname, (void *)1), EFAULT);
	CHECK_ERRNO(syscall(SYS_uname, KERNEL_PTR), EFAULT);
	CHECK_ERRNO(syscall(SYS_clock_gettime, CLOCK_MONOTONIC, (void *)1), EFAULT);
	CHECK_ERRNO(syscall(SYS_clock_gettime, CLOCK_REALTIME, KERNEL_PTR), EFAULT);
	CHECK_ERRNO(syscall(SYS_fstat, 0, (void *)8), EFAULT);
	CHECK_ERRNO(syscall(SYS_getrandom, (void *)1, 8, 0), EFAULT);

	/* A buffer whose start is fine but whose end runs off the mapping. */
	char *p = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(p != MAP_FAILED && munmap(p + PAGE, PAGE) == 0, "mmap/munmap");
	struct timespec *ts = (struct timespec *)(p + PAGE - 8);
	errno = 0;
	long r = syscall(SYS_clock_gettime, CLOCK_MONOTONIC, ts);
	CHECK(r == -1 && errno == EFAULT, "straddling struct: %ld errno %d", r, errno);
	return 0;
}
