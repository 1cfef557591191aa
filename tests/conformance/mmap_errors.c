/* Argument validation of mmap(2) and munmap(2). */
#include <sys/mman.h>
#include "check.h"

#define ANON (MAP_PRIVATE | MAP_ANONYMOUS)
#define RW (PROT_READ | PROT_WRITE)

int main(void)
{
	char *p = mmap(NULL, 2 * PAGE, RW, ANON, -1, 0);
	CHECK(p != MAP_FAILED, "mmap: %s", strerror(errno));

	CHECK_ERRNO(mmap(NULL, 0, RW, ANON, -1, 0), EINVAL);
	/* Neither MAP_PRIVATE nor MAP_SHARED. */
	CHECK_ERRNO(mmap(NULL, PAGE, RW, MAP_ANONYMOUS, -1, 0), EINVAL);
	CHECK_ERRNO(mmap(p + 1, PAGE, RW, ANON | MAP_FIXED, -1, 0), EINVAL);
	/* A file mapping needs a valid fd. */
	CHECK_ERRNO(mmap(NULL, PAGE, RW, MAP_PRIVATE, -1, 0), EBADF);
	CHECK_ERRNO(mmap(NULL, PAGE, RW, MAP_PRIVATE, 4242, 0), EBADF);
	/* Larger than the address space. */
	CHECK_ERRNO(mmap(NULL, (size_t)-PAGE, RW, ANON, -1, 0), ENOMEM);

	CHECK_ERRNO(munmap(p + 1, PAGE), EINVAL);
	CHECK_ERRNO(munmap(p, 0), EINVAL);
	/* Failed calls must not have disturbed the mapping. */
	p[0] = 1;
	p[2 * PAGE - 1] = 2;
	CHECK(p[0] == 1 && p[2 * PAGE - 1] == 2, "mapping damaged");
	CHECK(munmap(p, 2 * PAGE) == 0, "munmap: %s", strerror(errno));
	return 0;
}
