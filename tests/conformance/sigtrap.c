/* int3 raises SIGTRAP (si_code SI_KERNEL on x86-64) with the saved RIP
 * just after the int3; returning from the handler continues there, and a
 * register changed in the ucontext is what the program sees next. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdint.h>
#include <sys/wait.h>
#include <ucontext.h>
#include "check.h"

extern char after_int3[];
static volatile int got, code;
static volatile uintptr_t rip;

static void on_trap(int s, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;
	got = s;
	code = si->si_code;
	rip = uc->uc_mcontext.gregs[REG_RIP];
	uc->uc_mcontext.gregs[REG_RAX] = 0x1234; /* seen after sigreturn */
}

__attribute__((noinline)) static long run_int3(void)
{
	long rax = 0;
	__asm__ volatile("int3\n.globl after_int3\nafter_int3:" : "+a"(rax) :: "memory");
	return rax;
}

int main(void)
{
	struct sigaction sa = { .sa_sigaction = on_trap, .sa_flags = SA_SIGINFO };
	CHECK_OK(sigaction(SIGTRAP, &sa, NULL));
	long rax = run_int3();
	CHECK(got == SIGTRAP, "handler got %d", got);
	CHECK(code == SI_KERNEL, "si_code %d, want SI_KERNEL (0x80)", code);
	CHECK(rip == (uintptr_t)after_int3, "saved RIP %#lx, want %p (after int3)",
	      (unsigned long)rip, (void *)after_int3);
	CHECK(rax == 0x1234, "rax after the handler %#lx, want 0x1234 from the ucontext", rax);

	pid_t c = fork();
	CHECK(c >= 0, "fork");
	if (c == 0) {
		signal(SIGTRAP, SIG_DFL);
		run_int3();
		_exit(0);
	}
	int st;
	CHECK(waitpid(c, &st, 0) == c, "waitpid");
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGTRAP, "status %#x, want killed by SIGTRAP", st);
	return 0;
}
