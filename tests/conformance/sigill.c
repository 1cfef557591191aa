/* ud2 raises SIGILL with ILL_ILLOPN and si_addr (and the saved RIP) at the
 * instruction. The handler advances RIP in the ucontext past it and
 * returns: rt_sigreturn must resume at the modified RIP. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdint.h>
#include <sys/wait.h>
#include <ucontext.h>
#include "check.h"

extern char ud2_at[];
static volatile int got, code;
static void *volatile addr;
static volatile uintptr_t rip;

static void on_ill(int s, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;
	got = s;
	code = si->si_code;
	addr = si->si_addr;
	rip = uc->uc_mcontext.gregs[REG_RIP];
	uc->uc_mcontext.gregs[REG_RIP] += 2; /* skip the 2-byte ud2 */
}

__attribute__((noinline)) static int run_ud2(void)
{
	volatile int after = 0;
	__asm__ volatile(".globl ud2_at\nud2_at: ud2" ::: "memory");
	after = 1;
	return after;
}

int main(void)
{
	struct sigaction sa = { .sa_sigaction = on_ill, .sa_flags = SA_SIGINFO };
	CHECK_OK(sigaction(SIGILL, &sa, NULL));
	CHECK(run_ud2() == 1, "execution did not resume after ud2");
	CHECK(got == SIGILL, "handler got %d", got);
	CHECK(code == ILL_ILLOPN, "si_code %d, want ILL_ILLOPN", code);
	CHECK(addr == (void *)ud2_at, "si_addr %p, want %p", addr, (void *)ud2_at);
	CHECK(rip == (uintptr_t)ud2_at, "saved RIP %#lx, want %p", (unsigned long)rip, (void *)ud2_at);

	/* Default action: killed by SIGILL. */
	pid_t c = fork();
	CHECK(c >= 0, "fork");
	if (c == 0) {
		signal(SIGILL, SIG_DFL);
		run_ud2();
		_exit(0);
	}
	int st;
	CHECK(waitpid(c, &st, 0) == c, "waitpid");
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGILL, "status %#x, want killed by SIGILL", st);
	return 0;
}
