/* epoll flags: EPOLLET reports a pipe once per new arrival of data, not
 * while it stays readable; EPOLLONESHOT reports once and then stays
 * silent until re-armed with CTL_MOD; epoll_pwait swaps in a signal mask
 * (EINTR with the handler run). */
#include <signal.h>
#include <sys/epoll.h>
#include "check.h"

static volatile int got;
static void on_usr1(int s) { got = s; }

int main(void)
{
	int ep = epoll_create1(0), p[2], q[2];
	CHECK(ep >= 0, "epoll_create1: %s", strerror(errno));
	CHECK_OK(pipe(p));
	CHECK_OK(pipe(q));
	struct epoll_event ev = { .events = EPOLLIN | EPOLLET, .data.fd = p[0] }, out[2];
	CHECK_OK(epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev));

	CHECK(write(p[1], "a", 1) == 1, "write");
	CHECK(epoll_wait(ep, out, 2, 0) == 1 && out[0].data.fd == p[0], "ET: first report");
	CHECK(epoll_wait(ep, out, 2, 0) == 0, "ET: reported again without new data");
	CHECK(write(p[1], "b", 1) == 1, "write 2");
	CHECK(epoll_wait(ep, out, 2, 0) == 1, "ET: new data not reported");
	CHECK(epoll_wait(ep, out, 2, 0) == 0, "ET: reported twice for one write");

	ev.events = EPOLLIN | EPOLLONESHOT;
	ev.data.fd = q[0];
	CHECK_OK(epoll_ctl(ep, EPOLL_CTL_ADD, q[0], &ev));
	CHECK(write(q[1], "c", 1) == 1, "write q");
	CHECK(epoll_wait(ep, out, 2, 0) == 1 && out[0].data.fd == q[0], "ONESHOT: first report");
	CHECK(epoll_wait(ep, out, 2, 0) == 0, "ONESHOT: reported again before re-arming");
	CHECK(write(q[1], "d", 1) == 1, "write q 2");
	CHECK(epoll_wait(ep, out, 2, 0) == 0, "ONESHOT: new data reported before re-arming");
	CHECK_OK(epoll_ctl(ep, EPOLL_CTL_MOD, q[0], &ev));
	CHECK(epoll_wait(ep, out, 2, 0) == 1 && out[0].data.fd == q[0], "ONESHOT: not re-armed");

	/* epoll_pwait: SIGUSR1 is blocked except during the wait. */
	struct sigaction sa = { .sa_handler = on_usr1 };
	CHECK_OK(sigaction(SIGUSR1, &sa, NULL));
	sigset_t block, empty, now;
	sigemptyset(&block);
	sigaddset(&block, SIGUSR1);
	sigemptyset(&empty);
	CHECK_OK(sigprocmask(SIG_BLOCK, &block, NULL));
	CHECK_OK(epoll_ctl(ep, EPOLL_CTL_DEL, q[0], NULL));
	CHECK_OK(kill(getpid(), SIGUSR1)); /* pending, delivered inside the wait */
	CHECK(got == 0, "blocked signal delivered");
	errno = 0;
	int r = epoll_pwait(ep, out, 2, 5000, &empty);
	CHECK(r == -1 && errno == EINTR, "epoll_pwait returned %d (%s), want EINTR", r, strerror(errno));
	CHECK(got == SIGUSR1, "handler did not run");
	CHECK_OK(sigprocmask(SIG_SETMASK, NULL, &now));
	CHECK(sigismember(&now, SIGUSR1), "mask not restored after epoll_pwait");
	return 0;
}
