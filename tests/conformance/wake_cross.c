/* A reader blocked on a pipe, an eventfd, a timerfd and a signalfd is
 * woken by a writer in another thread and in another process (the
 * timerfd by its expiry), in a blocking read and in poll(). */
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include "check.h"

enum kind { PIPE, EVENTFD, SIGNALFD };
static int pfd[2], efd;
static pid_t reader_pid;

/* What the other side does, 50 ms after the reader went to sleep. */
static void poke(enum kind k)
{
	uint64_t one = 1;

	usleep(50000);
	if (k == PIPE)
		CHECK(write(pfd[1], "x", 1) == 1, "write pipe");
	else if (k == EVENTFD)
		CHECK(write(efd, &one, 8) == 8, "write eventfd");
	else
		CHECK(kill(reader_pid, SIGUSR1) == 0, "kill");
}

static void *poke_thread(void *a)
{
	poke((enum kind)(long)a);
	return NULL;
}

static void drain(enum kind k, int fd)
{
	char buf[sizeof(struct signalfd_siginfo)];

	CHECK(read(fd, buf, k == PIPE ? 1 : k == EVENTFD ? 8 : sizeof(buf)) > 0, "read %d", k);
}

/* Block (in read, or in poll) until the other side pokes. */
static void one(enum kind k, int fd, bool proc, bool use_poll)
{
	pthread_t th;
	pid_t c = -1;

	if (proc) {
		c = fork();
		CHECK(c >= 0, "fork");
		if (c == 0) {
			poke(k);
			_exit(0);
		}
	} else {
		CHECK(pthread_create(&th, NULL, poke_thread, (void *)(long)k) == 0, "thread");
	}
	if (use_poll) {
		struct pollfd p = { fd, POLLIN, 0 };

		CHECK(poll(&p, 1, -1) == 1 && (p.revents & POLLIN), "poll kind %d", k);
	}
	drain(k, fd);
	if (proc)
		CHECK(waitpid(c, NULL, 0) == c, "waitpid");
	else
		pthread_join(th, NULL);
}

int main(void)
{
	sigset_t set;
	int sfd, tfd;
	struct itimerspec its = { { 0, 0 }, { 0, 50000000 } };
	uint64_t n;

	reader_pid = getpid();
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	CHECK_OK(sigprocmask(SIG_BLOCK, &set, NULL));
	CHECK_OK(pipe(pfd));
	CHECK_OK(efd = eventfd(0, 0));
	CHECK_OK(sfd = signalfd(-1, &set, 0));
	for (int proc = 0; proc < 2; proc++)
		for (int usep = 0; usep < 2; usep++) {
			one(PIPE, pfd[0], proc, usep);
			one(EVENTFD, efd, proc, usep);
			one(SIGNALFD, sfd, proc, usep);
		}
	/* the timerfd: its expiry wakes a blocked read, and poll */
	CHECK_OK(tfd = timerfd_create(CLOCK_MONOTONIC, 0));
	CHECK_OK(timerfd_settime(tfd, 0, &its, NULL));
	CHECK(read(tfd, &n, 8) == 8 && n == 1, "timerfd read");
	CHECK_OK(timerfd_settime(tfd, 0, &its, NULL));
	struct pollfd p = { tfd, POLLIN, 0 };
	CHECK(poll(&p, 1, -1) == 1, "timerfd poll");
	CHECK(read(tfd, &n, 8) == 8 && n == 1, "timerfd read after poll");
	return 0;
}
