/* Helper (not a test): prints the outcome of an unknown syscall and of
 * kexec_load as errno names, one per line, e.g. "1000: ENOSYS". */
#include <errno.h>
#include <stdio.h>
#include <unistd.h>
#include <sys/syscall.h>

static const char *name(long r, int e)
{
	static char buf[32];

	if (r != -1)
		return "success";
	switch (e) {
	case ENOSYS: return "ENOSYS";
	case EPERM: return "EPERM";
	case EINVAL: return "EINVAL";
	default:
		snprintf(buf, sizeof(buf), "errno %d", e);
		return buf;
	}
}

int main(void)
{
	errno = 0;
	long r = syscall(1000);
	printf("1000: %s\n", name(r, errno));
	errno = 0;
	r = syscall(SYS_kexec_load, 0, 0, 0, 0);
	printf("kexec_load: %s\n", name(r, errno));
	return 0;
}
