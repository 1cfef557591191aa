/* Helper (not a test): write(2) from a bad pointer must fail with EFAULT
 * rather than kill the process. Prints "EFAULT ok" and exits 0 if so. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>

int main(void)
{
	errno = 0;
	/* Raw syscall: gcc rejects the obviously bad pointer at compile time. */
	long r = syscall(SYS_write, 1, (void *)1, 10);
	if (r == -1 && errno == EFAULT) {
		puts("EFAULT ok");
		return 0;
	}
	printf("write returned %ld errno %d (%s)\n", r, errno, strerror(errno));
	return 1;
}
