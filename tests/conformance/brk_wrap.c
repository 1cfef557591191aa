/* brk(2) to an address whose page rounding wraps past the top of the
 * address space (-1, -4095) or that lies above the user range fails,
 * leaving the break (and the program) where they were.  Found by make
 * fuzz: the sentry rounded -1 up to 0 and unmapped everything below the
 * heap, the program's own code and data with it. */
#include <stdint.h>
#include "check.h"

static volatile int data = 5;

int main(void)
{
	long cur = syscall(SYS_brk, 0);
	static const uint64_t bad[] = { UINT64_MAX, UINT64_MAX - 4094, 1ULL << 63,
					0x800000000000ULL, 0xffff800000000000ULL };

	CHECK(cur > 0, "brk(0) = %ld", cur);
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		long r = syscall(SYS_brk, bad[i]);

		CHECK(r == cur, "brk(%#lx) = %#lx, want the break unchanged (%#lx)",
		      (unsigned long)bad[i], r, cur);
		CHECK(data == 5, "data changed");
	}
	CHECK(syscall(SYS_brk, 0) == cur, "the break moved");
	/* and the heap still grows */
	CHECK(syscall(SYS_brk, cur + 4096) == cur + 4096, "brk(+4096)");
	*(volatile char *)cur = 1;
	return 0;
}
