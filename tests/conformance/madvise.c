/* madvise(2): MADV_DONTNEED zeroes private anonymous memory; the purely
 * advisory values keep contents; bad arguments are rejected. */
#include <sys/mman.h>
#include "check.h"

int main(void)
{
	unsigned char *p = mmap(NULL, 4 * PAGE, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(p != MAP_FAILED, "mmap: %s", strerror(errno));
	memset(p, 0x3c, 4 * PAGE);

	static const int hints[] = { MADV_NORMAL, MADV_RANDOM, MADV_SEQUENTIAL,
				     MADV_WILLNEED };
	for (size_t i = 0; i < sizeof(hints) / sizeof(hints[0]); i++) {
		CHECK(madvise(p, 4 * PAGE, hints[i]) == 0, "advice %d: %s",
		      hints[i], strerror(errno));
		CHECK(p[0] == 0x3c && p[4 * PAGE - 1] == 0x3c,
		      "advice %d changed contents", hints[i]);
	}

	/* DONTNEED on pages 1-2: they read back as zero, 0 and 3 keep data. */
	CHECK(madvise(p + PAGE, 2 * PAGE, MADV_DONTNEED) == 0, "DONTNEED: %s",
	      strerror(errno));
	for (size_t i = PAGE; i < 3 * PAGE; i++)
		CHECK(p[i] == 0, "DONTNEED page not zero at %zu", i);
	CHECK(p[PAGE - 1] == 0x3c && p[3 * PAGE] == 0x3c, "DONTNEED went too far");
	/* ...and the mapping is still there and writable. */
	p[PAGE] = 9;
	BARRIER();
	CHECK(p[PAGE] == 9, "write after DONTNEED");

	CHECK_ERRNO(madvise(p + 1, PAGE, MADV_NORMAL), EINVAL);
	CHECK_ERRNO(madvise(p, PAGE, 12345), EINVAL);
	CHECK(munmap(p, 4 * PAGE) == 0, "munmap");
	CHECK_ERRNO(madvise(p, PAGE, MADV_DONTNEED), ENOMEM);
	return 0;
}
