/* mremap(2) with MREMAP_MAYMOVE and MREMAP_FIXED: contents travel, the
 * old range is released. */
#define _GNU_SOURCE
#include <sys/mman.h>
#include "check.h"

#define ANON (MAP_PRIVATE | MAP_ANONYMOUS)
#define RW (PROT_READ | PROT_WRITE)

int main(void)
{
	unsigned char *p = mmap(NULL, 3 * PAGE, RW, ANON, -1, 0);
	CHECK(p != MAP_FAILED, "mmap: %s", strerror(errno));
	/* Block growth in place with a neighbour (leaving page 2 as blocker). */
	CHECK(munmap(p + 2 * PAGE, PAGE) == 0, "munmap");
	void *blk = mmap(p + 2 * PAGE, PAGE, RW, ANON | MAP_FIXED_NOREPLACE, -1, 0);
	CHECK(blk == p + 2 * PAGE, "blocker: %p", blk);
	for (size_t i = 0; i < 2 * PAGE; i++)
		p[i] = (unsigned char)(i * 3);

	unsigned char *q = mremap(p, 2 * PAGE, 16 * PAGE, MREMAP_MAYMOVE);
	CHECK(q != MAP_FAILED, "MAYMOVE: %s", strerror(errno));
	CHECK(q != p, "grew in place although blocked");
	for (size_t i = 0; i < 2 * PAGE; i++)
		CHECK(q[i] == (unsigned char)(i * 3), "moved data differs at %zu", i);
	CHECK(q[2 * PAGE] == 0 && q[16 * PAGE - 1] == 0, "grown part not zero");
	CHECK_ERRNO(mprotect(p, 2 * PAGE, PROT_READ), ENOMEM);

	/* MREMAP_FIXED: move to an address of our choosing (a fresh hole). */
	unsigned char *t = mmap(NULL, 4 * PAGE, RW, ANON, -1, 0);
	CHECK(t != MAP_FAILED, "target mmap");
	CHECK(munmap(t, 4 * PAGE) == 0, "target munmap");
	q[0] = 0x77;
	void *r = mremap(q, 16 * PAGE, 4 * PAGE, MREMAP_MAYMOVE | MREMAP_FIXED, t);
	CHECK(r == t, "MREMAP_FIXED: %p (%s)", r, strerror(errno));
	CHECK(t[0] == 0x77 && t[PAGE + 1] == (unsigned char)((PAGE + 1) * 3), "fixed move data");
	CHECK_ERRNO(mprotect(q, 16 * PAGE, PROT_READ), ENOMEM);

	/* FIXED without MAYMOVE, and overlapping source/target, are invalid. */
	CHECK_ERRNO(mremap(t, PAGE, PAGE, MREMAP_FIXED, q), EINVAL);
	CHECK_ERRNO(mremap(t, 2 * PAGE, 2 * PAGE, MREMAP_MAYMOVE | MREMAP_FIXED,
			   t + PAGE), EINVAL);
	CHECK(munmap(t, 4 * PAGE) == 0 && munmap(blk, PAGE) == 0, "munmap");
	return 0;
}
