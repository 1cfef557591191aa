/* MAP_FIXED replaces, MAP_FIXED_NOREPLACE refuses to, and a free hint
 * address is honoured. */
#include <sys/mman.h>
#include "check.h"

#define ANON (MAP_PRIVATE | MAP_ANONYMOUS)
#define RW (PROT_READ | PROT_WRITE)

int main(void)
{
	unsigned char *p = mmap(NULL, 4 * PAGE, RW, ANON, -1, 0);
	CHECK(p != MAP_FAILED, "mmap: %s", strerror(errno));
	memset(p, 0xaa, 4 * PAGE);

	/* MAP_FIXED over page 1: fresh zero page there, neighbours intact. */
	void *r = mmap(p + PAGE, PAGE, RW, ANON | MAP_FIXED, -1, 0);
	CHECK(r == p + PAGE, "MAP_FIXED returned %p, want %p", r, (void *)(p + PAGE));
	CHECK(p[PAGE] == 0 && p[2 * PAGE - 1] == 0, "MAP_FIXED page not zero");
	CHECK(p[PAGE - 1] == 0xaa && p[2 * PAGE] == 0xaa, "neighbours clobbered");

	/* NOREPLACE onto an existing mapping fails and leaves it alone. */
	CHECK_ERRNO(mmap(p + 2 * PAGE, PAGE, RW, ANON | MAP_FIXED_NOREPLACE, -1, 0),
		    EEXIST);
	CHECK(p[2 * PAGE] == 0xaa, "NOREPLACE clobbered data");
	/* ... also when only partly overlapping (pages 3 and 4). */
	CHECK(munmap(p + 3 * PAGE, PAGE) == 0, "munmap");
	CHECK_ERRNO(mmap(p + 2 * PAGE, 2 * PAGE, RW, ANON | MAP_FIXED_NOREPLACE,
			 -1, 0), EEXIST);

	/* NOREPLACE into a hole succeeds at exactly that address. */
	r = mmap(p + 3 * PAGE, PAGE, RW, ANON | MAP_FIXED_NOREPLACE, -1, 0);
	CHECK(r == p + 3 * PAGE, "NOREPLACE into hole: %p", r);
	CHECK(p[3 * PAGE] == 0, "NOREPLACE page not zero");

	/* A hint (no MAP_FIXED) for a free range is used as is. */
	CHECK(munmap(p, 4 * PAGE) == 0, "munmap all");
	r = mmap(p, 2 * PAGE, RW, ANON, -1, 0);
	CHECK(r == p, "hint %p not honoured, got %p", (void *)p, r);
	/* A hint for a busy range is not an error: we get memory elsewhere. */
	void *s = mmap(p, PAGE, RW, ANON, -1, 0);
	CHECK(s != MAP_FAILED && s != p, "busy hint gave %p", s);
	CHECK(munmap(r, 2 * PAGE) == 0 && munmap(s, PAGE) == 0, "munmap");
	return 0;
}
