/* mremap(2) without MREMAP_MAYMOVE: grow in place when there is room,
 * ENOMEM when there is not, and shrink in place. */
#define _GNU_SOURCE
#include <sys/mman.h>
#include "check.h"

#define ANON (MAP_PRIVATE | MAP_ANONYMOUS)
#define RW (PROT_READ | PROT_WRITE)

int main(void)
{
	/* Reserve 9 pages and give back pages 4-7: the grow has room up to
	 * page 8, which stays mapped as a blocker for the next step. */
	unsigned char *p = mmap(NULL, 9 * PAGE, RW, ANON, -1, 0);
	CHECK(p != MAP_FAILED, "mmap: %s", strerror(errno));
	CHECK(munmap(p + 4 * PAGE, 4 * PAGE) == 0, "munmap 4-7");
	unsigned char *blk = p + 8 * PAGE;
	memset(p, 0x11, 4 * PAGE);

	void *r = mremap(p, 4 * PAGE, 8 * PAGE, 0);
	CHECK(r == p, "grow in place: %p (%s)", r, strerror(errno));
	CHECK(p[4 * PAGE - 1] == 0x11, "old contents lost");
	CHECK(p[4 * PAGE] == 0 && p[8 * PAGE - 1] == 0, "new tail not zero");
	p[8 * PAGE - 1] = 5;

	/* Blocked by page 8: cannot grow without moving. */
	CHECK_ERRNO(mremap(p, 8 * PAGE, 9 * PAGE, 0), ENOMEM);
	CHECK(p[8 * PAGE - 1] == 5, "failed grow damaged data");

	/* Shrink in place: same address, tail unmapped. */
	r = mremap(p, 8 * PAGE, 2 * PAGE, 0);
	CHECK(r == p, "shrink: %p (%s)", r, strerror(errno));
	CHECK(p[0] == 0x11 && p[2 * PAGE - 1] == 0x11, "shrink lost data");
	CHECK_ERRNO(mprotect(p + 2 * PAGE, PAGE, PROT_READ), ENOMEM);

	/* Same size is a no-op returning the same address. */
	CHECK(mremap(p, 2 * PAGE, 2 * PAGE, 0) == p, "same-size remap");

	CHECK_ERRNO(mremap(p + 1, PAGE, 2 * PAGE, 0), EINVAL);
	CHECK_ERRNO(mremap(p, 2 * PAGE, 0, 0), EINVAL);
	CHECK_ERRNO(mremap(p, 2 * PAGE, 4 * PAGE, 0x80), EINVAL); /* bad flag */
	CHECK(munmap(p, 2 * PAGE) == 0 && munmap(blk, PAGE) == 0, "munmap");
	/* Remapping nothing fails with EFAULT. */
	CHECK_ERRNO(mremap(p, PAGE, 2 * PAGE, 0), EFAULT);
	return 0;
}
