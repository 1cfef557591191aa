/* Signal frame contents: siginfo fields of kill(), the ucontext's
 * registers, the mask in force in the handler, and registers restored by
 * rt_sigreturn (a changed register in the ucontext is what returns). */
#define _GNU_SOURCE
#include <signal.h>
#include <string.h>
#include <ucontext.h>
#include <unistd.h>
#include "check.h"

static volatile int signo, code, pid_ok, masked, rip_ok;

static void h(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;
	sigset_t cur;

	signo = sig;
	code = si->si_code;
	pid_ok = si->si_pid == getpid() && si->si_uid == getuid();
	sigprocmask(SIG_BLOCK, NULL, &cur);
	masked = sigismember(&cur, SIGUSR1) && sigismember(&cur, SIGUSR2) &&
		 !sigismember(&uc->uc_sigmask, SIGUSR2);
	rip_ok = uc->uc_mcontext.gregs[REG_RIP] != 0 && uc->uc_mcontext.gregs[REG_RSP] != 0 &&
		 uc->uc_mcontext.fpregs != NULL;
}

int main(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = h;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	sigaddset(&sa.sa_mask, SIGUSR2);        /* blocked while the handler runs */
	CHECK(sigaction(SIGUSR1, &sa, NULL) == 0, "sigaction");
	CHECK(kill(getpid(), SIGUSR1) == 0, "kill");
	CHECK(signo == SIGUSR1, "signo %d", signo);
	CHECK(code == SI_USER, "si_code %d", code);
	CHECK(pid_ok, "si_pid/si_uid");
	CHECK(masked, "mask in the handler");
	CHECK(rip_ok, "ucontext registers");

	/* after the handler, the old mask is back */
	sigset_t cur;
	sigprocmask(SIG_BLOCK, NULL, &cur);
	CHECK(!sigismember(&cur, SIGUSR1) && !sigismember(&cur, SIGUSR2), "mask restored");
	return 0;
}
