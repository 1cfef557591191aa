/* Anonymous private mmap(2): page aligned, zero filled, usable, and gone
 * after munmap. */
#include <stdint.h>
#include <sys/mman.h>
#include "check.h"

int main(void)
{
	/* Length is rounded up to whole pages: all of page 2 is usable. */
	size_t len = 5000;
	unsigned char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(p != MAP_FAILED, "mmap: %s", strerror(errno));
	CHECK(((uintptr_t)p & (PAGE - 1)) == 0, "unaligned %p", (void *)p);
	for (size_t i = 0; i < 2 * PAGE; i++)
		CHECK(p[i] == 0, "not zero at %zu", i);
	for (size_t i = 0; i < 2 * PAGE; i++)
		p[i] = (unsigned char)i;
	BARRIER();
	for (size_t i = 0; i < 2 * PAGE; i++)
		CHECK(p[i] == (unsigned char)i, "readback at %zu", i);

	/* A second mapping must not alias the first. */
	unsigned char *q = mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(q != MAP_FAILED, "mmap 2: %s", strerror(errno));
	CHECK(q + PAGE <= p || q >= p + 2 * PAGE, "mappings overlap");
	q[0] = 0x5a;
	BARRIER();
	CHECK(p[0] == 0, "write through q changed p");

	/* Read-only anonymous memory reads as zero. */
	const unsigned char *r = mmap(NULL, PAGE, PROT_READ,
				      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(r != MAP_FAILED, "mmap ro: %s", strerror(errno));
	CHECK(r[0] == 0 && r[PAGE - 1] == 0, "ro page not zero");

	CHECK(munmap(p, len) == 0, "munmap: %s", strerror(errno));
	CHECK_ERRNO(mprotect(p, PAGE, PROT_READ), ENOMEM);
	CHECK_ERRNO(mprotect(p + PAGE, PAGE, PROT_READ), ENOMEM);
	/* munmap of an already unmapped range is not an error. */
	CHECK(munmap(p, 2 * PAGE) == 0, "second munmap: %s", strerror(errno));
	CHECK(munmap(q, PAGE) == 0 && munmap((void *)r, PAGE) == 0, "munmap");
	return 0;
}
