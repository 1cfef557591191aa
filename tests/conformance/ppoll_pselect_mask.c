/* ppoll/pselect6 swap in a signal mask for the wait only: a signal
 * blocked outside is delivered during the wait (EINTR, handler ran) and
 * is blocked again afterwards. The timespec timeout works too. */
#define _GNU_SOURCE
#include <poll.h>
#include <signal.h>
#include <sys/select.h>
#include <sys/wait.h>
#include "check.h"

static volatile int got;
static void on_usr1(int s) { got = s; }

/* A child that sends us SIGUSR1 after 50 ms. */
static pid_t signal_me_later(void)
{
	pid_t me = getpid(), c = fork();
	CHECK(c >= 0, "fork");
	if (c == 0) {
		usleep(50000);
		_exit(kill(me, SIGUSR1) == 0 ? 0 : 1);
	}
	return c;
}

static void check_blocked(void)
{
	sigset_t now;
	CHECK_OK(sigprocmask(SIG_SETMASK, NULL, &now));
	CHECK(sigismember(&now, SIGUSR1), "SIGUSR1 not blocked again after the wait");
}

int main(void)
{
	struct sigaction sa = { .sa_handler = on_usr1 };
	CHECK_OK(sigaction(SIGUSR1, &sa, NULL));
	sigset_t block, empty;
	sigemptyset(&block);
	sigaddset(&block, SIGUSR1);
	sigemptyset(&empty);
	CHECK_OK(sigprocmask(SIG_BLOCK, &block, NULL));

	int p[2];
	CHECK_OK(pipe(p));
	struct pollfd pfd = { p[0], POLLIN, 0 };
	struct timespec ts = { 0, 20000000 };
	CHECK(ppoll(&pfd, 1, &ts, &empty) == 0, "ppoll timeout: %s", strerror(errno));

	pid_t c = signal_me_later();
	ts = (struct timespec){ 10, 0 };
	errno = 0;
	CHECK(ppoll(&pfd, 1, &ts, &empty) == -1 && errno == EINTR, "ppoll: %s, want EINTR",
	      strerror(errno));
	CHECK(got == SIGUSR1, "handler did not run during ppoll");
	check_blocked();
	int st;
	CHECK(waitpid(c, &st, 0) == c && st == 0, "child");

	got = 0;
	fd_set r;
	FD_ZERO(&r);
	FD_SET(p[0], &r);
	ts = (struct timespec){ 0, 20000000 };
	CHECK(pselect(p[0] + 1, &r, NULL, NULL, &ts, &empty) == 0, "pselect timeout");

	c = signal_me_later();
	FD_SET(p[0], &r);
	ts = (struct timespec){ 10, 0 };
	errno = 0;
	CHECK(pselect(p[0] + 1, &r, NULL, NULL, &ts, &empty) == -1 && errno == EINTR,
	      "pselect: %s, want EINTR", strerror(errno));
	CHECK(got == SIGUSR1, "handler did not run during pselect");
	check_blocked();
	CHECK(waitpid(c, &st, 0) == c && st == 0, "child");

	/* Without a mask argument the blocked signal stays blocked: timeout. */
	CHECK_OK(kill(getpid(), SIGUSR1));
	got = 0;
	ts = (struct timespec){ 0, 20000000 };
	CHECK(ppoll(&pfd, 1, &ts, NULL) == 0 && got == 0, "NULL mask: signal delivered");
	CHECK(ppoll(&pfd, 1, &ts, &empty) == -1 && got == SIGUSR1, "pending signal not delivered");
	return 0;
}
