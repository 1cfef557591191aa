/*
 * Attacks that use the stub's own allowed instructions, found by scanning
 * the stub code (mapped readable at 0x7e0000000000), to make the host do
 * what the sentry did not ask for:
 *
 *   blockall   rt_sigreturn with a forged frame that blocks every host
 *              signal, then a system call: the seccomp trap cannot be
 *              delivered, the host kills the stub process with SIGSYS
 *   altstack   rt_sigreturn with the alternate signal stack on the read-only
 *              request page, then a system call: no room for the SIGSYS
 *              frame, the host kills it with SIGSEGV
 *   int80      a 32-bit system call (int $0x80): the filter kills the
 *              process (SIGSYS)
 *   exit       the stub's thread exit, reached from application code: the
 *              process's only application thread leaves its host process
 *   blockspin  rt_sigreturn blocking every host signal, then a loop with no
 *              system call: the sentry can no longer interrupt the thread,
 *              yet a SIGKILL (or any signal it does not catch) ends it
 *
 * In each case the application may only hurt itself: it dies of the signal
 * (exit) in the sandbox, the host writes no core file of it, and the sandbox
 * ends instead of hanging.  usage: stub_abuse MODE
 */
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "stub_abi.h"     /* the stub region's layout, the kernel's ucontext */

#define STUB_SLOT0_STACK STUB_SLOT_STACK(0)

/* The address of the first instance of the bytes in the stub code. */
static uintptr_t gadget(const unsigned char *bytes, size_t n)
{
	const unsigned char *code = (const unsigned char *)STUB_CODE;

	for (size_t i = 0; i + n <= STUB_CODE_SIZE; i++)
		if (!memcmp(code + i, bytes, n))
			return STUB_CODE + i;
	return 0;
}

static char stack[65536] __attribute__((aligned(16)));

static void spin(void)
{
	for (;;)
		__asm__ volatile("pause");
}

/* Where the forged frame resumes: one system call, which never returns. */
static void after(void)
{
	long r = 39;    /* getpid */

	__asm__ volatile("syscall" : "+a"(r) : : "rcx", "r11", "memory");
	for (;;)
		;
}

static void sigreturn_to(void (*to)(void), uint64_t mask, uint64_t ss_sp,
			 uint64_t ss_size)
{
	static const unsigned char rt_sigreturn[] = { 0xb8, 0x0f, 0, 0, 0, 0x0f, 0x05 };
	static struct k_ucontext uc __attribute__((aligned(64)));
	uintptr_t g = gadget(rt_sigreturn, sizeof(rt_sigreturn));

	if (!g) {
		fprintf(stderr, "no rt_sigreturn in the stub code\n");
		return;
	}
	memset(&uc, 0, sizeof(uc));
	uc.mc.rip = (uint64_t)(uintptr_t)to;
	uc.mc.rsp = (uint64_t)(uintptr_t)(stack + sizeof(stack) - 8);
	uc.mc.cs = 0x33;
	uc.mc.eflags = 0x202;
	uc.ss_sp = ss_sp;
	uc.ss_size = ss_size;
	uc.sigmask = mask;
	/* rt_sigreturn finds the frame at the stack pointer */
	__asm__ volatile("mov %0, %%rsp\n\tjmp *%1" : : "r"(&uc), "r"(g) : "memory");
}

static void thread_exit(void)
{
	static const unsigned char exit_[] = { 0xb8, 0x3c, 0, 0, 0, 0x31, 0xff, 0x0f, 0x05 };
	uintptr_t g = gadget(exit_, sizeof(exit_));

	if (!g) {
		fprintf(stderr, "no exit in the stub code\n");
		return;
	}
	__asm__ volatile("jmp *%0" : : "r"(g) : "memory");
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";

	setvbuf(stdout, NULL, _IONBF, 0);
	printf("attack %s\n", mode);
	if (!strcmp(mode, "blockall")) {
		sigreturn_to(after, ~0ULL, STUB_SLOT0_STACK, STUB_SIGSTACK_SIZE);
	} else if (!strcmp(mode, "blockspin")) {
		sigreturn_to(spin, ~0ULL, STUB_SLOT0_STACK, STUB_SIGSTACK_SIZE);
	} else if (!strcmp(mode, "altstack")) {
		sigreturn_to(after, 0, STUB_CTL_REQ, 4096);
	} else if (!strcmp(mode, "int80")) {
		long r = 20;    /* getpid, in the 32-bit table */

		__asm__ volatile("int $0x80" : "+a"(r) : : "memory");
		printf("int80 returned %ld\n", r);
	} else if (!strcmp(mode, "exit")) {
		thread_exit();
	} else {
		fprintf(stderr, "usage: stub_abuse blockall|blockspin|altstack|int80|exit\n");
		return 2;
	}
	return 3;       /* the attack did not happen */
}
