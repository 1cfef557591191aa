/* Helper (not a test): prints getpid() so an integration test can check
 * the PID the sandbox presents. */
#include <stdio.h>
#include <unistd.h>
#include <sys/syscall.h>

int main(void)
{
	printf("%ld\n", (long)syscall(SYS_getpid));
	return 0;
}
