/* A SIGCHLD handler that reaps with waitpid(WNOHANG) finds the child the
 * signal was sent for: the child is a zombie before its parent hears of
 * it (Linux's exit_notify).  PostgreSQL's postmaster reaps this way; a
 * signal that came first left a zombie nobody reaped and the server never
 * finished shutting down.  Each round waits for its child in sigsuspend;
 * a lost child hangs the test (run.sh's timeout fails it). */
#define _GNU_SOURCE
#include <signal.h>
#include <sys/wait.h>
#include "check.h"

#define ROUNDS 400

static volatile sig_atomic_t reaped;

static void on_chld(int sig)
{
	int saved = errno;

	(void)sig;
	while (waitpid(-1, NULL, WNOHANG) > 0)
		reaped++;
	errno = saved;
}

int main(void)
{
	struct sigaction sa = { .sa_handler = on_chld, .sa_flags = SA_RESTART };
	sigset_t chld, orig;

	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	CHECK_OK(sigaction(SIGCHLD, &sa, NULL));
	CHECK_OK(sigprocmask(SIG_BLOCK, &chld, &orig));
	for (int i = 0; i < ROUNDS; i++) {
		pid_t pid = fork();

		CHECK(pid >= 0, "fork: %s", strerror(errno));
		if (pid == 0)
			_exit(0);
		while (reaped < i + 1)
			sigsuspend(&orig);
	}
	CHECK(reaped == ROUNDS, "reaped %d of %d", (int)reaped, ROUNDS);
	CHECK_ERRNO(waitpid(-1, NULL, WNOHANG), ECHILD);
	return 0;
}
