/* One poll() (and select()) on several kinds at once: a pipe, an eventfd,
 * a timerfd, a signalfd and an epoll fd.  Nothing is ready, then each in
 * turn becomes ready from elsewhere (its timer, another thread, another
 * process, a close) and ends the sleep with exactly its own entry. */
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/select.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include "check.h"

enum { PIPE, EFD, TFD, SFD, EPFD, N };
static int pfd[2], p2[2], efd, tfd, sfd, epfd;
static struct pollfd fds[N];

static void *poke(void *a)
{
	uint64_t one = 1;

	usleep(50000);
	if ((long)a == EFD)
		CHECK(write(efd, &one, 8) == 8, "eventfd");
	else if ((long)a == EPFD)
		CHECK(write(p2[1], "x", 1) == 1, "pipe 2");
	else if ((long)a == PIPE)
		close(pfd[1]);          /* HUP */
	return NULL;
}

/* poll for ever; exactly entry `want` must be ready. */
static void expect_only(int want)
{
	CHECK(poll(fds, N, -1) == 1, "poll for %d", want);
	for (int i = 0; i < N; i++)
		CHECK(!fds[i].revents == (i != want), "entry %d revents %#x (want %d)", i,
		      fds[i].revents, want);
}

static void by_thread(int which)
{
	pthread_t th;

	CHECK(pthread_create(&th, NULL, poke, (void *)(long)which) == 0, "thread");
	expect_only(which);
	pthread_join(th, NULL);
}

int main(void)
{
	struct itimerspec its = { { 0, 0 }, { 0, 50000000 } };
	struct epoll_event ev = { .events = EPOLLIN };
	uint64_t v;
	sigset_t set;
	char c;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	CHECK_OK(sigprocmask(SIG_BLOCK, &set, NULL));
	CHECK_OK(pipe(pfd));
	CHECK_OK(pipe(p2));
	CHECK_OK(efd = eventfd(0, 0));
	CHECK_OK(tfd = timerfd_create(CLOCK_MONOTONIC, 0));
	CHECK_OK(sfd = signalfd(-1, &set, 0));
	CHECK_OK(epfd = epoll_create1(0));
	CHECK_OK(epoll_ctl(epfd, EPOLL_CTL_ADD, p2[0], &ev));
	int fd[N] = { pfd[0], efd, tfd, sfd, epfd };
	for (int i = 0; i < N; i++)
		fds[i] = (struct pollfd){ fd[i], POLLIN, 0 };

	CHECK(poll(fds, N, 0) == 0, "ready at start");
	CHECK_OK(timerfd_settime(tfd, 0, &its, NULL));
	expect_only(TFD);
	CHECK(read(tfd, &v, 8) == 8, "timerfd");
	by_thread(EFD);
	CHECK(read(efd, &v, 8) == 8, "eventfd");
	by_thread(EPFD);
	CHECK(read(p2[0], &c, 1) == 1, "pipe 2");

	pid_t child = fork();
	CHECK(child >= 0, "fork");
	if (child == 0) {
		usleep(50000);
		kill(getppid(), SIGUSR1);
		_exit(0);
	}
	expect_only(SFD);
	struct signalfd_siginfo si;
	CHECK(read(sfd, &si, sizeof(si)) == sizeof(si) && si.ssi_signo == SIGUSR1, "signalfd");
	CHECK(waitpid(child, NULL, 0) == child, "waitpid");

	/* select on the same set: the timer again */
	fd_set rd;
	int maxfd = 0;
	FD_ZERO(&rd);
	for (int i = 0; i < N; i++) {
		FD_SET(fd[i], &rd);
		maxfd = fd[i] > maxfd ? fd[i] : maxfd;
	}
	CHECK_OK(timerfd_settime(tfd, 0, &its, NULL));
	CHECK(select(maxfd + 1, &rd, NULL, NULL, NULL) == 1 && FD_ISSET(tfd, &rd), "select");
	CHECK(read(tfd, &v, 8) == 8, "timerfd");

	by_thread(PIPE);                /* the writer closed: HUP */
	CHECK(fds[PIPE].revents & POLLHUP, "no HUP");
	return 0;
}
