/* System call sites in the exact shape syscall patching rewrites
 * (docs/syscall-patching.md): "mov $NR, %eax; syscall" (b8 NR 0f 05), as
 * glibc's wrappers have them, each in a function of its own so that every
 * caller goes through the same site. Arguments in rdi, rsi, rdx and, moved
 * from rcx as the kernel wants it, r10; the result is the raw rax
 * (-errno). A nop before the mov: the byte before a site must not be an
 * instruction prefix. Natively these are ordinary system calls. */
#ifndef CVISOR_CONFORMANCE_PATCH_SITES_H
#define CVISOR_CONFORMANCE_PATCH_SITES_H

#define PATCH_SITE(name, nr)                                               \
	__asm__(".text\n.globl " #name "\n.type " #name ", @function\n"     \
		#name ":\n\tmov %rcx, %r10\n\tnop\n\tmov $" #nr ", %eax\n"   \
		"\tsyscall\n\tret\n.size " #name ", . - " #name "\n");       \
	long name(long a, long b, long c, long d)

#endif
