/* PR_SET_TIMERSLACK / PR_GET_TIMERSLACK and /proc/PID/timerslack_ns: a
 * value set reads back in both, 0 sets the default back, and a child's
 * default is its creator's slack at the fork.  (The sentry answered 0 to
 * every get and had no timerslack_ns.) */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include "check.h"

static long proc_slack(void)
{
	char buf[32] = "";
	int fd = open("/proc/self/timerslack_ns", O_RDONLY);

	CHECK(fd >= 0 && read(fd, buf, sizeof(buf) - 1) > 0, "read timerslack_ns: %s",
	      strerror(errno));
	close(fd);
	return atol(buf);
}

static void proc_set(const char *v)
{
	int fd = open("/proc/self/timerslack_ns", O_WRONLY);

	CHECK(fd >= 0 && write(fd, v, strlen(v)) == (ssize_t)strlen(v),
	      "write timerslack_ns: %s", strerror(errno));
	close(fd);
}

int main(void)
{
	long dflt = prctl(PR_GET_TIMERSLACK), got;
	pid_t pid;
	int st;

	CHECK(dflt > 0, "PR_GET_TIMERSLACK: %ld", dflt);
	CHECK(proc_slack() == dflt, "timerslack_ns %ld, prctl %ld", proc_slack(), dflt);
	CHECK_OK(prctl(PR_SET_TIMERSLACK, 12345));
	CHECK((got = prctl(PR_GET_TIMERSLACK)) == 12345, "after set: %ld", got);
	CHECK(proc_slack() == 12345, "timerslack_ns after set: %ld", proc_slack());
	CHECK_OK(prctl(PR_SET_TIMERSLACK, 1));
	CHECK((got = prctl(PR_GET_TIMERSLACK)) == 1, "after set 1: %ld", got);
	CHECK_OK(prctl(PR_SET_TIMERSLACK, 0));
	CHECK((got = prctl(PR_GET_TIMERSLACK)) == dflt, "after reset: %ld, want %ld", got, dflt);
	proc_set("5000");
	CHECK((got = prctl(PR_GET_TIMERSLACK)) == 5000, "after the proc write: %ld", got);
	proc_set("0");
	CHECK((got = prctl(PR_GET_TIMERSLACK)) == dflt, "after a proc write of 0: %ld", got);
	/* a child's default is the slack its parent had at the fork */
	CHECK_OK(prctl(PR_SET_TIMERSLACK, 777));
	pid = fork();
	CHECK(pid >= 0, "fork: %s", strerror(errno));
	if (pid == 0) {
		if (prctl(PR_GET_TIMERSLACK) != 777 || prctl(PR_SET_TIMERSLACK, 99) ||
		    prctl(PR_SET_TIMERSLACK, 0) || prctl(PR_GET_TIMERSLACK) != 777)
			_exit(1);
		_exit(0);
	}
	CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st) && !WEXITSTATUS(st),
	      "the child's slack: %#x", st);
	return 0;
}
