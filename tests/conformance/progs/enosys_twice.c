/* Helper (not a test): calls an unknown syscall (1000) and kexec_load twice
 * each and prints each outcome as an errno name, one per line, e.g.
 * "1000: ENOSYS", so a test can check that each is reported only once. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>

static void try(const char *what, long nr)
{
	long r;

	errno = 0;
	r = syscall(nr, 0, 0, 0, 0);
	if (r != -1)
		printf("%s: success\n", what);
	else if (errno == ENOSYS)
		printf("%s: ENOSYS\n", what);
	else
		printf("%s: errno %d (%s)\n", what, errno, strerror(errno));
}

int main(void)
{
	for (int i = 0; i < 2; i++) {
		try("1000", 1000);
		try("kexec_load", SYS_kexec_load);
	}
	return 0;
}
