/* Integer division by zero (and INT_MIN / -1, the other #DE) raises
 * SIGFPE with FPE_INTDIV; the handler gets it, siglongjmp resumes. Without
 * a handler the default action kills with SIGFPE. */
#include <limits.h>
#include <setjmp.h>
#include <signal.h>
#include <sys/wait.h>
#include "check.h"

static sigjmp_buf env;
static volatile int got, code;
static void *volatile addr;

static void on_fpe(int s, siginfo_t *si, void *uc)
{
	(void)uc;
	got = s;
	code = si->si_code;
	addr = si->si_addr;
	siglongjmp(env, 1);
}

static volatile int num, den, quotient;

/* Operands and result in volatile globals, so the division is neither
 * folded nor dropped. */
static void divide(int a, int b)
{
	num = a;
	den = b;
	quotient = num / den;
}

int main(void)
{
	struct sigaction sa = { .sa_sigaction = on_fpe, .sa_flags = SA_SIGINFO };
	CHECK_OK(sigaction(SIGFPE, &sa, NULL));

	if (!sigsetjmp(env, 1)) {
		divide(1, 0);
		CHECK(0, "1 / 0 did not trap");
	}
	CHECK(got == SIGFPE, "handler got %d", got);
	CHECK(code == FPE_INTDIV, "si_code %d, want FPE_INTDIV", code);
	CHECK(addr != NULL, "si_addr is NULL (want the faulting instruction)");

	got = 0;
	if (!sigsetjmp(env, 1)) {
		divide(INT_MIN, -1);
		CHECK(0, "INT_MIN / -1 did not trap");
	}
	CHECK(got == SIGFPE, "second: handler got %d", got);

	pid_t c = fork();
	CHECK(c >= 0, "fork");
	if (c == 0) {
		signal(SIGFPE, SIG_DFL);
		divide(7, 0);
		_exit(0);
	}
	int st;
	CHECK(waitpid(c, &st, 0) == c, "waitpid");
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGFPE, "status %#x, want killed by SIGFPE", st);
	return 0;
}
