/* Unknown syscall numbers fail with ENOSYS and the process continues.
 * kexec_load is real on the host (EPERM/EINVAL there), typically ENOSYS
 * in a sandbox: any of those, but it must fail. */
#include "check.h"

int main(void)
{
	CHECK_ERRNO(syscall(1000), ENOSYS);
	CHECK_ERRNO(syscall(400), ENOSYS);     /* in the unused 335..423 gap */
	CHECK_ERRNO(syscall(100000, 1, 2, 3), ENOSYS);

	errno = 0;
	long r = syscall(SYS_kexec_load, 0, 0, 0, 0);
	CHECK(r == -1 && (errno == ENOSYS || errno == EPERM || errno == EINVAL),
	      "kexec_load: %ld errno %d (%s)", r, errno, strerror(errno));

	/* Life goes on. */
	CHECK(syscall(SYS_getpid) > 0, "getpid after ENOSYS");
	return 0;
}
