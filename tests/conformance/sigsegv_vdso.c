/* A fault inside the vDSO is the application's own: clock_gettime and
 * gettimeofday on a bad pointer fault in vDSO code (no system call), and a
 * SIGSEGV handler catches it with si_addr the bad pointer (stress-ng's
 * sigsegv stressor; the sentry treated every fault above its stub region's
 * base, the vDSO included, as the stub's and killed the process). */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <sys/auxv.h>
#include <sys/time.h>
#include <time.h>
#include "check.h"

#define BAD ((void *)0x10)

static sigjmp_buf env;
static volatile int code;
static void *volatile addr;

static void handler(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	code = si->si_code;
	addr = si->si_addr;
	siglongjmp(env, sig);
}

/* Returns the signal that interrupted the call, 0 if it returned. */
static int try_clock(int which)
{
	int sig = sigsetjmp(env, 1);

	if (sig)
		return sig;
	if (which == 0)
		(void)clock_gettime(CLOCK_REALTIME, BAD);
	else
		(void)gettimeofday(BAD, NULL);
	return 0;
}

int main(void)
{
	struct sigaction sa = { .sa_sigaction = handler, .sa_flags = SA_SIGINFO };

	CHECK(getauxval(AT_SYSINFO_EHDR) != 0, "no vDSO: nothing to test");
	sigemptyset(&sa.sa_mask);
	CHECK_OK(sigaction(SIGSEGV, &sa, NULL));
	for (int round = 0; round < 3; round++) {
		for (int which = 0; which < 2; which++) {
			int sig = try_clock(which);

			CHECK(sig == SIGSEGV, "call %d: signal %d, want SIGSEGV", which, sig);
			CHECK(code == SEGV_MAPERR, "call %d: si_code %d", which, code);
			CHECK(addr == BAD, "call %d: si_addr %p, want %p", which, addr, BAD);
		}
	}
	return 0;
}
