/* arch_prctl(ARCH_SET_GS/ARCH_GET_GS) round trip, and %gs-relative loads
 * really use the new base. glibc does not use GS on x86-64. */
#include <asm/prctl.h>
#include "check.h"

static unsigned long block[4];

int main(void)
{
	unsigned long orig = 1, got = 0, w0, w2;

	CHECK(syscall(SYS_arch_prctl, ARCH_GET_GS, &orig) == 0, "GET_GS: %s",
	      strerror(errno));

	block[0] = 0xfeedfacecafebeefUL;
	block[2] = (unsigned long)block;
	CHECK(syscall(SYS_arch_prctl, ARCH_SET_GS, block) == 0, "SET_GS: %s",
	      strerror(errno));
	CHECK(syscall(SYS_arch_prctl, ARCH_GET_GS, &got) == 0, "GET_GS 2");
	CHECK(got == (unsigned long)block, "GET_GS %#lx, want %p", got, (void *)block);
	__asm__ volatile("mov %%gs:0, %0; mov %%gs:16, %1" : "=r"(w0), "=r"(w2));
	CHECK(w0 == block[0] && w2 == block[2], "%%gs loads: %#lx %#lx", w0, w2);

	/* The base must survive other syscalls (context switches). */
	for (int i = 0; i < 100; i++)
		syscall(SYS_getpid);
	__asm__ volatile("mov %%gs:0, %0" : "=r"(w0));
	CHECK(w0 == block[0], "GS base lost across syscalls");

	CHECK_ERRNO(syscall(SYS_arch_prctl, ARCH_SET_GS, KERNEL_PTR), EPERM);
	CHECK(syscall(SYS_arch_prctl, ARCH_SET_GS, orig) == 0, "restore GS");
	CHECK(syscall(SYS_arch_prctl, ARCH_GET_GS, &got) == 0 && got == orig,
	      "GS not restored");
	return 0;
}
