/* Punch holes in the middle of a mapping, refill one with MAP_FIXED, and
 * churn through many small mmap/munmap pairs. */
#include <sys/mman.h>
#include "check.h"

#define ANON (MAP_PRIVATE | MAP_ANONYMOUS)
#define RW (PROT_READ | PROT_WRITE)
#define N 64

static int in_hole(size_t i) { return i == 10 || (i >= 20 && i < 23) || i == 40; }

int main(void)
{
	unsigned char *p = mmap(NULL, N * PAGE, RW, ANON, -1, 0);
	CHECK(p != MAP_FAILED, "mmap: %s", strerror(errno));
	for (size_t i = 0; i < N; i++)
		memset(p + i * PAGE, (int)i + 1, PAGE);

	CHECK(munmap(p + 10 * PAGE, PAGE) == 0, "punch 10");
	CHECK(munmap(p + 20 * PAGE, 3 * PAGE) == 0, "punch 20-22");
	CHECK(munmap(p + 40 * PAGE, PAGE) == 0, "punch 40");

	for (size_t i = 0; i < N; i++) {
		if (in_hole(i)) {
			CHECK_ERRNO(mprotect(p + i * PAGE, PAGE, RW), ENOMEM);
			continue;
		}
		CHECK(mprotect(p + i * PAGE, PAGE, RW) == 0, "page %zu unmapped", i);
		CHECK(p[i * PAGE] == i + 1 && p[i * PAGE + PAGE - 1] == i + 1,
		      "page %zu lost its data", i);
	}
	/* A range spanning a hole is not fully mapped. */
	CHECK_ERRNO(mprotect(p + 9 * PAGE, 3 * PAGE, RW), ENOMEM);

	/* Refill the big hole: zero pages, exactly there. */
	void *r = mmap(p + 20 * PAGE, 3 * PAGE, RW, ANON | MAP_FIXED, -1, 0);
	CHECK(r == p + 20 * PAGE, "refill at %p", r);
	for (size_t i = 0; i < 3 * PAGE; i++)
		CHECK(p[20 * PAGE + i] == 0, "refilled hole not zero");
	CHECK(p[19 * PAGE] == 20 && p[23 * PAGE] == 24, "neighbours damaged");

	/* Churn: many small mappings; each must be fresh zeroed memory. */
	for (int it = 0; it < 500; it++) {
		size_t len = (size_t)(it % 8 + 1) * PAGE;
		unsigned char *q = mmap(NULL, len, RW, ANON, -1, 0);
		CHECK(q != MAP_FAILED, "churn mmap %d: %s", it, strerror(errno));
		CHECK(q[0] == 0 && q[len - 1] == 0, "churn %d: stale data", it);
		memset(q, 0xee, len);
		if (it % 3 || len == PAGE)
			CHECK(munmap(q, len) == 0, "churn munmap %d", it);
		else /* unmap in two halves to split the mapping first */
			CHECK(munmap(q + PAGE, len - PAGE) == 0 && munmap(q, PAGE) == 0,
			      "churn split munmap %d", it);
	}
	CHECK(munmap(p, N * PAGE) == 0, "final munmap");
	return 0;
}
