/* SIGCHLD: a child's exit sends the parent SIGCHLD with CLD_EXITED, the
 * child's pid and status. With SIGCHLD set to SIG_IGN children are reaped
 * automatically: wait finds none (ECHILD). */
#include <signal.h>
#include <sys/wait.h>
#include "check.h"

static volatile sig_atomic_t got;
static volatile int got_signo, got_code, got_pid, got_status;

static void on_chld(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	got_signo = si->si_signo;
	got_code = si->si_code;
	got_pid = si->si_pid;
	got_status = si->si_status;
	got++;
}

int main(void)
{
	sigset_t chld, old;
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	/* Blocked until sigsuspend, so the signal cannot be missed. */
	CHECK_OK(sigprocmask(SIG_BLOCK, &chld, &old));
	struct sigaction sa = { .sa_sigaction = on_chld, .sa_flags = SA_SIGINFO };
	CHECK_OK(sigaction(SIGCHLD, &sa, NULL));

	pid_t c = fork();
	CHECK(c >= 0, "fork");
	if (c == 0)
		_exit(33);
	while (!got)
		sigsuspend(&old);
	CHECK(got == 1, "SIGCHLD handled %d times", (int)got);
	CHECK(got_signo == SIGCHLD, "si_signo %d", got_signo);
	CHECK(got_code == CLD_EXITED, "si_code %d, want CLD_EXITED", got_code);
	CHECK(got_pid == c, "si_pid %d, want %d", got_pid, c);
	CHECK(got_status == 33, "si_status %d, want 33", got_status);
	int st;
	CHECK(waitpid(c, &st, 0) == c && WEXITSTATUS(st) == 33, "waitpid");

	/* SIG_IGN: no zombies. wait blocks until the last child is gone and
	 * then reports ECHILD. */
	sa.sa_handler = SIG_IGN;
	sa.sa_flags = 0;
	CHECK_OK(sigaction(SIGCHLD, &sa, NULL));
	CHECK_OK(sigprocmask(SIG_SETMASK, &old, NULL));
	for (int i = 0; i < 3; i++) {
		c = fork();
		CHECK(c >= 0, "fork %d", i);
		if (c == 0)
			_exit(i);
	}
	CHECK_ERRNO(wait(&st), ECHILD);
	CHECK_ERRNO(kill(c, 0), ESRCH); /* not even a zombie left */
	return 0;
}
