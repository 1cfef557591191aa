/* A handler installed with rt_sigaction runs when the process signals
 * itself, before kill returns: SA_SIGINFO gives SI_USER with our pid and
 * uid (kill) or SI_TKILL (tgkill); while it runs, the signal and sa_mask
 * are blocked; afterwards the old mask is back. */
#include <signal.h>
#include <ucontext.h>
#include "check.h"

/* volatile: libc declares kill/raise "leaf", so without it the compiler
 * may assume they cannot change these. */
static volatile int calls, got_signo, got_code, got_pid, got_uid;
static volatile int usr1_blocked, usr2_blocked, term_blocked;
static void *volatile uc_seen;

static void handler(int sig, siginfo_t *si, void *uc)
{
	CHECK(sig == SIGUSR1, "handler got signal %d", sig);
	got_signo = si->si_signo;
	got_code = si->si_code;
	got_pid = si->si_pid;
	got_uid = si->si_uid;
	uc_seen = uc;
	sigset_t m;
	sigprocmask(SIG_SETMASK, NULL, &m);
	usr1_blocked = sigismember(&m, SIGUSR1);
	usr2_blocked = sigismember(&m, SIGUSR2);
	term_blocked = sigismember(&m, SIGTERM);
	calls++;
}

static volatile int plain;
static void on_usr2(int s) { plain = s; }

int main(void)
{
	struct sigaction sa = { .sa_sigaction = handler, .sa_flags = SA_SIGINFO };
	sigemptyset(&sa.sa_mask);
	sigaddset(&sa.sa_mask, SIGUSR2);
	CHECK_OK(sigaction(SIGUSR1, &sa, NULL));

	CHECK_OK(kill(getpid(), SIGUSR1));
	/* A signal sent to oneself, unblocked, is delivered before kill returns. */
	CHECK(calls == 1, "handler ran %d times, want 1", calls);
	CHECK(got_signo == SIGUSR1, "si_signo %d", got_signo);
	CHECK(got_code == SI_USER, "si_code %d, want SI_USER", got_code);
	CHECK(got_pid == getpid(), "si_pid %d, want %d", got_pid, getpid());
	CHECK(got_uid == (int)getuid(), "si_uid %d, want %d", got_uid, (int)getuid());
	CHECK(uc_seen != NULL, "no ucontext");
	CHECK(usr1_blocked, "SIGUSR1 not blocked in its handler");
	CHECK(usr2_blocked, "sa_mask (SIGUSR2) not blocked in the handler");
	CHECK(!term_blocked, "SIGTERM blocked in the handler");

	sigset_t now;
	CHECK_OK(sigprocmask(SIG_SETMASK, NULL, &now));
	CHECK(!sigismember(&now, SIGUSR1) && !sigismember(&now, SIGUSR2),
	      "mask not restored after the handler");

	/* raise() uses tgkill: SI_TKILL. */
	CHECK(raise(SIGUSR1) == 0, "raise");
	CHECK(calls == 2, "handler ran %d times after raise", calls);
	CHECK(got_code == SI_TKILL, "raise: si_code %d, want SI_TKILL", got_code);
	CHECK(got_pid == getpid(), "raise: si_pid %d", got_pid);

	/* A plain (non-SA_SIGINFO) handler for another signal. */
	struct sigaction sb = { .sa_handler = on_usr2 };
	CHECK_OK(sigaction(SIGUSR2, &sb, NULL));
	CHECK_OK(kill(getpid(), SIGUSR2));
	CHECK(plain == SIGUSR2, "plain handler got %d", plain);

	/* SIG_IGN: nothing happens. */
	sb.sa_handler = SIG_IGN;
	CHECK_OK(sigaction(SIGUSR1, &sb, NULL));
	CHECK_OK(kill(getpid(), SIGUSR1));
	CHECK(calls == 2, "ignored signal reached the handler");
	return 0;
}
