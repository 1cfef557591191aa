/* brk(2): grow, use, shrink, re-grow. Uses the raw syscall, which returns
 * the new break on success and the unchanged break on failure. */
#include <sys/mman.h>
#include "check.h"

static char *sys_brk(void *p) { return (char *)syscall(SYS_brk, p); }
static unsigned long up(unsigned long x) { return (x + PAGE - 1) & ~(PAGE - 1); }

int main(void)
{
	char *cur = sys_brk(0);
	CHECK(cur != NULL && cur != (char *)-1, "brk(0) = %p", (void *)cur);
	CHECK(sys_brk(0) == cur, "brk(0) not stable");

	char *end = cur + 64 * 1024;
	CHECK(sys_brk(end) == end, "grow failed");
	for (char *p = cur; p < end; p++)
		*p = (char)((unsigned long)p * 7);
	BARRIER();
	for (char *p = cur; p < end; p++)
		CHECK(*p == (char)((unsigned long)p * 7), "grown heap lost data");

	/* Shrink: the pages past the new (page-rounded) break go away. */
	char *mid = cur + 4096;
	CHECK(sys_brk(mid) == mid, "shrink failed");
	char *gone = (char *)up((unsigned long)mid);
	CHECK_ERRNO(mprotect(gone, PAGE, PROT_READ | PROT_WRITE), ENOMEM);
	for (char *p = cur; p < mid; p++)
		CHECK(*p == (char)((unsigned long)p * 7), "shrink lost data below break");

	/* Re-grow: fresh pages are zero, data below the break survives. */
	CHECK(sys_brk(end) == end, "re-grow failed");
	for (char *p = gone; p < end; p++)
		CHECK(*p == 0, "re-grown heap not zeroed at %p", (void *)p);
	for (char *p = cur; p < mid; p++)
		CHECK(*p == (char)((unsigned long)p * 7), "data lost after re-grow");

	/* A break below the start of the heap is refused: break unchanged. */
	CHECK(sys_brk((void *)4096) == end, "brk below heap start moved break");

	CHECK(sys_brk(cur) == cur, "restore failed");
	return 0;
}
