/* Closing a pty's master hangs its slave up (issue 15 item 4): the
 * session's leader gets SIGHUP, a read blocked on the slave ends with
 * EIO, later reads with 0 (end of file), writes fail with EIO, poll says
 * POLLHUP; the slave's node goes.  Closing the last slave makes the
 * master's read give what is left, then EIO, and poll POLLHUP. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include "pty_util.h"

static void wait_readable(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	CHECK(poll(&p, 1, 10000) == 1, "never readable");
}

static volatile sig_atomic_t hups;

static void on_hup(int sig)
{
	(void)sig;
	hups++;
}

/*
 * A session leader reading its terminal when the master goes.  Exit 3:
 * the close came before the read slept (there is no way to see a sleep
 * from outside that works both natively and in the sandbox): try again.
 */
static int hangup_once(void)
{
	char path[64], buf[64];
	int m = open_master(path, sizeof(path)), s, st, ready[2];
	struct pollfd p;
	pid_t pid;

	CHECK_OK(pipe(ready));
	pid = fork();
	CHECK(pid >= 0, "fork");
	if (pid == 0) {
		struct sigaction sa = { .sa_handler = on_hup, .sa_flags = SA_RESTART };
		ssize_t n;

		close(m);
		sigaction(SIGHUP, &sa, NULL);
		CHECK(setsid() > 0, "setsid");
		s = open(path, O_RDWR);
		CHECK(s >= 0, "open %s: %s", path, strerror(errno));
		CHECK(write(ready[1], "r", 1) == 1, "ready");
		n = read(s, buf, sizeof(buf));          /* sleeps until the hang-up */
		if (n == 0)
			_exit(3);
		CHECK(n == -1 && errno == EIO, "blocked read: %zd %s, want EIO", n,
		      strerror(errno));
		CHECK(hups == 1, "SIGHUP %d times", hups);
		CHECK(read(s, buf, sizeof(buf)) == 0, "a read after the hang-up");
		CHECK_ERRNO(write(s, "x", 1), EIO);
		p = (struct pollfd){ .fd = s, .events = POLLIN | POLLOUT };
		CHECK(poll(&p, 1, 0) == 1 && (p.revents & POLLHUP), "poll %#x", p.revents);
		CHECK_ERRNO(ioctl(s, TCGETS, &(struct termios){ 0 }), EIO);
		CHECK_ERRNO(open(path, O_RDWR | O_NOCTTY), ENOENT);    /* the node went */
		_exit(0);
	}
	CHECK(read(ready[0], buf, 1) == 1, "child ready");
	usleep(100 * 1000);                     /* let it sleep in read */
	close(m);
	close(ready[0]);
	close(ready[1]);
	CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st), "child status %#x", st);
	return WEXITSTATUS(st);
}

int main(void)
{
	char path[64], buf[64];
	int m, s, st, tries = 0;
	struct pollfd p;

	while ((st = hangup_once()) == 3 && ++tries < 5)
		;
	CHECK(st == 0, "hang-up child exit %d", st);

	/* the master, once its last slave closed */
	m = open_master(path, sizeof(path));
	s = open(path, O_RDWR | O_NOCTTY);
	CHECK(s >= 0, "open %s: %s", path, strerror(errno));
	p = (struct pollfd){ .fd = m, .events = POLLIN | POLLOUT };
	CHECK(poll(&p, 1, 0) == 1 && p.revents == POLLOUT, "fresh master poll %#x", p.revents);
	CHECK(write(s, "bye\n", 4) == 4, "slave write");
	close(s);
	wait_readable(m);
	CHECK(poll(&p, 1, 0) == 1 && (p.revents & (POLLIN | POLLHUP)) == (POLLIN | POLLHUP),
	      "master poll %#x", p.revents);
	CHECK(read(m, buf, sizeof(buf)) == 5 && !memcmp(buf, "bye\r\n", 5), "what was left");
	CHECK_ERRNO(read(m, buf, sizeof(buf)), EIO);
	/* a new open of the slave makes the master readable again */
	s = open(path, O_RDWR | O_NOCTTY);
	CHECK(s >= 0, "reopen %s: %s", path, strerror(errno));
	CHECK(poll(&p, 1, 0) == 1 && !(p.revents & POLLHUP), "master poll %#x", p.revents);
	close(s);
	close(m);
	return 0;
}
