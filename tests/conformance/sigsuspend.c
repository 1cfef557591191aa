/* rt_sigsuspend: atomically replaces the mask and waits; a signal blocked
 * before (so it cannot be missed) is delivered inside, the handler sees
 * the temporary mask, sigsuspend returns EINTR and the old mask is back.
 * pause() likewise returns EINTR after a handler. */
#include <signal.h>
#include <sys/time.h>
#include <sys/wait.h>
#include "check.h"

static volatile int got, usr2_blocked_in_handler;

static void handler(int s)
{
	sigset_t m;
	sigprocmask(SIG_SETMASK, NULL, &m);
	usr2_blocked_in_handler = sigismember(&m, SIGUSR2);
	got = s;
}

int main(void)
{
	struct sigaction sa = { .sa_handler = handler };
	CHECK_OK(sigaction(SIGUSR1, &sa, NULL));
	CHECK_OK(sigaction(SIGALRM, &sa, NULL));

	sigset_t block, old, during;
	sigemptyset(&block);
	sigaddset(&block, SIGUSR1);
	CHECK_OK(sigprocmask(SIG_BLOCK, &block, &old));

	/* A child sends SIGUSR1 a little later. */
	pid_t me = getpid(), c = fork();
	CHECK(c >= 0, "fork");
	if (c == 0) {
		usleep(50000);
		_exit(kill(me, SIGUSR1) == 0 ? 0 : 1);
	}
	sigemptyset(&during);
	sigaddset(&during, SIGUSR2); /* blocked only while suspended */
	errno = 0;
	int r = sigsuspend(&during);
	CHECK(r == -1 && errno == EINTR, "sigsuspend returned %d (%s)", r, strerror(errno));
	CHECK(got == SIGUSR1, "handler got %d", got);
	CHECK(usr2_blocked_in_handler, "the handler did not run with sigsuspend's mask");
	sigset_t now;
	CHECK_OK(sigprocmask(SIG_SETMASK, NULL, &now));
	CHECK(sigismember(&now, SIGUSR1) && !sigismember(&now, SIGUSR2), "mask not restored");
	int st;
	CHECK(waitpid(c, &st, 0) == c && st == 0, "child");

	/* Already pending: sigsuspend returns at once. */
	got = 0;
	CHECK_OK(kill(getpid(), SIGUSR1));
	CHECK(got == 0, "blocked signal delivered");
	sigemptyset(&during);
	CHECK(sigsuspend(&during) == -1 && errno == EINTR && got == SIGUSR1, "pending case");

	/* pause() until a timer's SIGALRM. */
	got = 0;
	struct itimerval it = { .it_value = { 0, 50000 } };
	CHECK_OK(setitimer(ITIMER_REAL, &it, NULL));
	errno = 0;
	r = pause();
	CHECK(r == -1 && errno == EINTR, "pause returned %d (%s)", r, strerror(errno));
	CHECK(got == SIGALRM, "pause: handler got %d", got);
	return 0;
}
