/* Reserve 1 GiB PROT_NONE (as allocators and runtimes do), then open up
 * and use pieces of it with mprotect. */
#include <stdint.h>
#include <sys/mman.h>
#include "check.h"

#define GiB (1UL << 30)
#define MiB (1UL << 20)

int main(void)
{
	char *base = mmap(NULL, GiB, PROT_NONE,
			  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	CHECK(base != MAP_FAILED, "reserve 1 GiB: %s", strerror(errno));

	/* 16 MiB in the middle and the very last page become RW. */
	char *mid = base + 512 * MiB;
	CHECK(mprotect(mid, 16 * MiB, PROT_READ | PROT_WRITE) == 0,
	      "mprotect mid: %s", strerror(errno));
	char *last = base + GiB - PAGE;
	CHECK(mprotect(last, PAGE, PROT_READ | PROT_WRITE) == 0,
	      "mprotect last: %s", strerror(errno));

	for (size_t off = 0; off < 16 * MiB; off += PAGE) {
		CHECK(mid[off] == 0, "not zero at +%zu", off);
		mid[off] = (char)(off >> 12);
		mid[off + PAGE - 1] = 1;
	}
	BARRIER();
	for (size_t off = 0; off < 16 * MiB; off += PAGE)
		CHECK(mid[off] == (char)(off >> 12) && mid[off + PAGE - 1] == 1,
		      "readback at +%zu", off);
	last[PAGE - 1] = 7;
	BARRIER();
	CHECK(last[PAGE - 1] == 7, "last page");

	/* After munmap the whole GiB is free again: NOREPLACE can take it. */
	CHECK(munmap(base, GiB) == 0, "munmap: %s", strerror(errno));
	void *again = mmap(base, GiB, PROT_NONE,
			   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE |
				   MAP_FIXED_NOREPLACE, -1, 0);
	CHECK(again == base, "re-reserve: %p (%s)", again, strerror(errno));
	CHECK(munmap(base, GiB) == 0, "munmap 2");
	return 0;
}
