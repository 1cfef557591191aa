/* mprotect(2): changing protections keeps the contents, works on part of
 * a mapping, and validates its arguments. */
#include <sys/mman.h>
#include "check.h"

#define ANON (MAP_PRIVATE | MAP_ANONYMOUS)
#define RW (PROT_READ | PROT_WRITE)

int main(void)
{
	volatile int *p = mmap(NULL, 3 * PAGE, RW, ANON, -1, 0);
	CHECK(p != MAP_FAILED, "mmap: %s", strerror(errno));
	p[0] = 42;

	CHECK(mprotect((void *)p, 3 * PAGE, PROT_READ) == 0, "-> R: %s", strerror(errno));
	CHECK(p[0] == 42, "contents lost after PROT_READ");
	CHECK(mprotect((void *)p, 3 * PAGE, RW) == 0, "-> RW: %s", strerror(errno));
	p[0] = 43;
	CHECK(p[0] == 43, "write after restoring RW");

	/* PROT_NONE hides the data but must not discard it. */
	CHECK(mprotect((void *)p, 3 * PAGE, PROT_NONE) == 0, "-> NONE");
	CHECK(mprotect((void *)p, 3 * PAGE, RW) == 0, "NONE -> RW");
	CHECK(p[0] == 43, "contents lost across PROT_NONE");

	/* Only the middle page: splits the mapping; outer pages stay RW. */
	volatile char *c = (volatile char *)p;
	CHECK(mprotect((void *)(c + PAGE), PAGE, PROT_READ) == 0, "middle -> R");
	c[0] = 1;
	c[2 * PAGE] = 2;
	CHECK(c[0] == 1 && c[2 * PAGE] == 2 && c[PAGE] == 0, "split mapping");
	CHECK(mprotect((void *)(c + PAGE), PAGE, RW) == 0, "middle -> RW");
	c[PAGE] = 3;
	CHECK(c[PAGE] == 3, "middle write");

	CHECK_ERRNO(mprotect((void *)(c + 1), PAGE, PROT_READ), EINVAL);
	CHECK_ERRNO(mprotect((void *)p, PAGE, 0x100), EINVAL); /* bad prot bit */
	CHECK(mprotect((void *)p, 0, PROT_READ) == 0, "zero length is a no-op");

	CHECK(munmap((void *)p, 3 * PAGE) == 0, "munmap");
	CHECK_ERRNO(mprotect((void *)p, PAGE, PROT_READ), ENOMEM);
	return 0;
}
