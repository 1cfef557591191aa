/* A process group that its last link to the session leaves (its members'
 * parents were in another group of the session) becomes orphaned: if a
 * member is stopped, the group gets SIGHUP then SIGCONT, as POSIX says
 * for exit (no shell is left to continue it).  A group that was never
 * stopped gets nothing. */
#define _GNU_SOURCE
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <sys/wait.h>
#include "check.h"

static int report;

static void on_hup(int sig)
{
	(void)sig;
	(void)!write(report, "H", 1);
}

/* A session leader whose job stops itself (or not), then the leader
 * exits: what the job says on the pipe. */
static char scenario(bool stop)
{
	int p[2], st;
	char c = 0;
	pid_t a;

	CHECK_OK(pipe(p));
	a = fork();
	CHECK(a >= 0, "fork");
	if (a == 0) {
		pid_t b, leader = getpid();

		close(p[0]);
		CHECK(setsid() > 0, "setsid");
		b = fork();
		CHECK(b >= 0, "fork");
		if (b == 0) {
			report = p[1];
			signal(SIGHUP, on_hup);
			CHECK_OK(setpgid(0, 0));
			if (stop)
				raise(SIGSTOP);         /* the SIGCONT after the SIGHUP ends it */
			while (getppid() == leader) /* until the leader is gone */
				usleep(1000);
			(void)!write(p[1], "E", 1);
			_exit(0);
		}
		setpgid(b, b);
		CHECK(waitpid(b, &st, stop ? WUNTRACED : WNOHANG) >= 0, "waitpid");
		_exit(0);
	}
	close(p[1]);
	CHECK(waitpid(a, &st, 0) == a && WIFEXITED(st) && WEXITSTATUS(st) == 0,
	      "leader status %#x", st);
	struct pollfd pf = { .fd = p[0], .events = POLLIN };
	CHECK(poll(&pf, 1, 10000) == 1, "the job never spoke");
	CHECK(read(p[0], &c, 1) == 1, "read");
	close(p[0]);
	return c;
}

int main(void)
{
	char c = scenario(true);

	CHECK(c == 'H', "a stopped orphaned group: '%c', want SIGHUP", c);
	c = scenario(false);
	CHECK(c == 'E', "a running orphaned group: '%c', want no SIGHUP", c);
	return 0;
}
