/* rt_sigprocmask/rt_sigpending with delivery: a blocked signal stays
 * pending (shown by sigpending) and is delivered when unblocked; standard
 * signals do not queue (one delivery for two sends), real-time ones do;
 * setting SIG_IGN discards a pending signal. */
#include <signal.h>
#include "check.h"

static volatile int usr1, rt;

static void on_usr1(int s) { (void)s; usr1++; }
static void on_rt(int s) { (void)s; rt++; }

int main(void)
{
	struct sigaction sa = { .sa_handler = on_usr1 };
	CHECK_OK(sigaction(SIGUSR1, &sa, NULL));
	sa.sa_handler = on_rt;
	CHECK_OK(sigaction(SIGRTMIN, &sa, NULL));

	sigset_t m, old, pend;
	sigemptyset(&m);
	sigaddset(&m, SIGUSR1);
	sigaddset(&m, SIGRTMIN);
	sigaddset(&m, SIGUSR2);
	CHECK_OK(sigprocmask(SIG_BLOCK, &m, &old));
	CHECK(!sigismember(&old, SIGUSR1), "SIGUSR1 blocked at start");

	CHECK_OK(kill(getpid(), SIGUSR1));
	CHECK_OK(kill(getpid(), SIGUSR1));
	for (int i = 0; i < 3; i++)
		CHECK_OK(kill(getpid(), SIGRTMIN));
	CHECK(usr1 == 0 && rt == 0, "blocked signal delivered (usr1 %d, rt %d)", usr1, rt);
	CHECK_OK(sigpending(&pend));
	CHECK(sigismember(&pend, SIGUSR1), "SIGUSR1 not pending");
	CHECK(sigismember(&pend, SIGRTMIN), "SIGRTMIN not pending");
	CHECK(!sigismember(&pend, SIGUSR2), "SIGUSR2 pending without being sent");

	/* Unblocking delivers before sigprocmask returns. */
	CHECK_OK(sigprocmask(SIG_SETMASK, &old, NULL));
	CHECK(usr1 == 1, "SIGUSR1 delivered %d times, want 1 (standard signals do not queue)", usr1);
	CHECK(rt == 3, "SIGRTMIN delivered %d times, want 3 (real-time signals queue)", rt);
	CHECK_OK(sigpending(&pend));
	CHECK(!sigismember(&pend, SIGUSR1) && !sigismember(&pend, SIGRTMIN), "still pending");

	/* A pending signal whose action becomes SIG_IGN is discarded. */
	CHECK_OK(sigprocmask(SIG_BLOCK, &m, NULL));
	CHECK_OK(kill(getpid(), SIGUSR2));
	CHECK_OK(sigpending(&pend));
	CHECK(sigismember(&pend, SIGUSR2), "SIGUSR2 not pending");
	sa.sa_handler = SIG_IGN;
	CHECK_OK(sigaction(SIGUSR2, &sa, NULL));
	CHECK_OK(sigpending(&pend));
	CHECK(!sigismember(&pend, SIGUSR2), "SIG_IGN did not discard the pending SIGUSR2");
	/* Unblocking would otherwise have killed us (default action). */
	CHECK_OK(sigprocmask(SIG_SETMASK, &old, NULL));

	/* SIGKILL and SIGSTOP cannot be blocked: silently left out. */
	sigfillset(&m);
	CHECK_OK(sigprocmask(SIG_SETMASK, &m, NULL));
	CHECK_OK(sigprocmask(SIG_SETMASK, NULL, &old));
	CHECK(!sigismember(&old, SIGKILL) && !sigismember(&old, SIGSTOP), "SIGKILL/SIGSTOP blocked");
	CHECK(sigismember(&old, SIGTERM), "SIGTERM not blocked");
	return 0;
}
