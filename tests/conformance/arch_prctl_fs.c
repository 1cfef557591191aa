/* arch_prctl(ARCH_GET_FS/ARCH_SET_FS). glibc keeps TLS (and errno) behind
 * %fs, so while FS points at our fake block we make no libc calls at all:
 * raw inline syscalls only, and FS is restored before checking. */
#include <asm/prctl.h>
#include "check.h"

static long raw2(long nr, long a, long b)
{
	long ret;
	__asm__ volatile("syscall" : "=a"(ret) : "0"(nr), "D"(a), "S"(b)
			 : "rcx", "r11", "memory");
	return ret;
}

static unsigned long fake[4] __attribute__((aligned(64)));

int main(void)
{
	unsigned long tp, fs = 0, got = 0, w0, w1;

	/* x86-64 TLS ABI: the word at %fs:0 is the thread pointer itself. */
	__asm__ volatile("mov %%fs:0, %0" : "=r"(tp));
	CHECK(syscall(SYS_arch_prctl, ARCH_GET_FS, &fs) == 0, "GET_FS: %s",
	      strerror(errno));
	CHECK(fs == tp && fs != 0, "ARCH_GET_FS %#lx != TLS pointer %#lx", fs, tp);

	fake[0] = (unsigned long)fake;
	fake[1] = 0x1122334455667788UL;
	long r_set = raw2(SYS_arch_prctl, ARCH_SET_FS, (long)fake);
	long r_get = raw2(SYS_arch_prctl, ARCH_GET_FS, (long)&got);
	__asm__ volatile("mov %%fs:0, %0; mov %%fs:8, %1" : "=r"(w0), "=r"(w1));
	long r_back = raw2(SYS_arch_prctl, ARCH_SET_FS, (long)fs);
	/* A non-canonical base is refused (EPERM on Linux); restore anyway in
	 * case a broken implementation accepted it. */
	long r_bad = raw2(SYS_arch_prctl, ARCH_SET_FS, (long)KERNEL_PTR);
	raw2(SYS_arch_prctl, ARCH_SET_FS, (long)fs);

	CHECK(r_back == 0, "restoring FS failed: %ld", r_back);
	CHECK(r_set == 0, "SET_FS returned %ld", r_set);
	CHECK(r_get == 0 && got == (unsigned long)fake, "GET_FS after SET: %ld %#lx",
	      r_get, got);
	CHECK(w0 == (unsigned long)fake && w1 == fake[1],
	      "%%fs accesses did not use the new base (%#lx %#lx)", w0, w1);
	CHECK(r_bad == -EPERM, "SET_FS(non-canonical) = %ld, want -EPERM", r_bad);
	CHECK(syscall(SYS_arch_prctl, ARCH_GET_FS, &got) == 0 && got == fs,
	      "FS not restored");
	CHECK_ERRNO(syscall(SYS_arch_prctl, 0x9999, 0), EINVAL);
	CHECK_ERRNO(syscall(SYS_arch_prctl, ARCH_GET_FS, KERNEL_PTR), EFAULT);
	return 0;
}
