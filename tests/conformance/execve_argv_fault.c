/* execve whose argv (or envp) array runs into an unmapped page after some
 * good entries fails with EFAULT, and the caller lives on.  Found by make
 * fuzz (trinity): the sentry freed the strings it had copied so far from
 * an array with no end marker, and crashed. */
#include <sys/mman.h>
#include "check.h"

int main(void)
{
	/* two pages, the second unmapped: the array's third entry is in it */
	char *p = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *good[] = { "true", NULL };

	CHECK(p != MAP_FAILED, "mmap: %s", strerror(errno));
	CHECK_OK(munmap(p + 4096, 4096));
	for (int n = 1; n <= 3; n++) {
		char **v = (char **)(p + 4096) - n;

		for (int i = 0; i < n; i++)
			v[i] = "x";
		CHECK_ERRNO(execve("/bin/true", v, good), EFAULT);
		CHECK_ERRNO(execve("/bin/true", good, v), EFAULT);
	}
	return 0;
}
