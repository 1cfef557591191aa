/* kill(2) to a child: SIGTERM kills it (WTERMSIG), a blocked SIGTERM does
 * not but SIGKILL always does, a zombie still exists for kill(pid, 0)
 * until reaped, then ESRCH; signal 0 probes; bad signals are EINVAL. */
#include <signal.h>
#include <sys/wait.h>
#include "check.h"

/* A child that pauses forever, returned once it is ready. */
static pid_t child(int block_all)
{
	int p[2];
	char b;
	CHECK_OK(pipe(p));
	pid_t c = fork();
	CHECK(c >= 0, "fork");
	if (c == 0) {
		if (block_all) {
			sigset_t all;
			sigfillset(&all);
			sigprocmask(SIG_BLOCK, &all, NULL);
		}
		close(p[1]);
		for (;;)
			pause();
	}
	close(p[1]);
	CHECK(read(p[0], &b, 1) == 0, "child not ready");
	close(p[0]);
	return c;
}

int main(void)
{
	int st;
	pid_t c = child(0);
	CHECK(kill(c, 0) == 0, "kill(child, 0): %s", strerror(errno));
	CHECK_OK(kill(c, SIGTERM));
	CHECK(waitpid(c, &st, 0) == c, "waitpid");
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM, "status %#x, want SIGTERM", st);
	CHECK(!WCOREDUMP(st), "SIGTERM does not dump core");
	CHECK_ERRNO(kill(c, 0), ESRCH);

	/* Blocked SIGTERM stays pending; SIGKILL cannot be blocked. */
	c = child(1);
	CHECK_OK(kill(c, SIGTERM));
	usleep(100000);
	CHECK(waitpid(c, &st, WNOHANG) == 0, "child died of a blocked SIGTERM (%#x)", st);
	CHECK_OK(kill(c, SIGKILL));
	CHECK(waitpid(c, &st, 0) == c, "waitpid 2");
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL, "status %#x, want SIGKILL", st);

	/* A zombie can still be signalled (and ignores it) until reaped. */
	c = fork();
	CHECK(c >= 0, "fork");
	if (c == 0)
		_exit(0);
	siginfo_t si;
	CHECK(waitid(P_PID, c, &si, WEXITED | WNOWAIT) == 0, "waitid");
	CHECK(kill(c, 0) == 0, "kill(zombie, 0): %s", strerror(errno));
	CHECK(kill(c, SIGKILL) == 0, "kill(zombie, SIGKILL): %s", strerror(errno));
	CHECK(waitpid(c, &st, 0) == c && WIFEXITED(st) && WEXITSTATUS(st) == 0,
	      "zombie's status changed to %#x", st);

	/* Negative pid: the whole process group. */
	c = fork();
	CHECK(c >= 0, "fork");
	if (c == 0) {
		setpgid(0, 0);
		for (;;)
			pause();
	}
	setpgid(c, c); /* both sides, so it is done before the kill */
	CHECK(kill(-c, SIGINT) == 0, "kill(-pgid): %s", strerror(errno));
	CHECK(waitpid(c, &st, 0) == c, "waitpid 3");
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGINT, "status %#x, want SIGINT", st);

	CHECK_ERRNO(kill(getpid(), 65), EINVAL);
	CHECK_ERRNO(kill(getpid(), -1), EINVAL);
	CHECK_ERRNO(kill(999999, SIGTERM), ESRCH);
	return 0;
}
