/* fork(2) + wait4(2): the exit status reaches the parent (WEXITSTATUS),
 * WNOHANG returns 0 while the child runs, every child is reaped once, and
 * waiting with no (matching) child is ECHILD. */
#include <sys/resource.h>
#include <sys/wait.h>
#include "check.h"

int main(void)
{
	int st;

	/* The test starts with no children of its own. */
	CHECK_ERRNO(wait4(-1, &st, 0, NULL), ECHILD);
	CHECK_ERRNO(wait4(-1, &st, WNOHANG, NULL), ECHILD);

	pid_t c = fork();
	CHECK(c >= 0, "fork: %s", strerror(errno));
	if (c == 0)
		_exit(7);
	struct rusage ru;
	CHECK(wait4(c, &st, 0, &ru) == c, "wait4: %s", strerror(errno));
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 7, "status %#x, want exit 7", st);
	/* Reaped: a second wait for it finds nothing. */
	CHECK_ERRNO(wait4(c, &st, 0, NULL), ECHILD);

	/* A child blocked on a pipe is still running: WNOHANG gives 0 and
	 * leaves it alone; closing the pipe lets it finish. */
	int p[2];
	CHECK_OK(pipe(p));
	c = fork();
	CHECK(c >= 0, "fork");
	if (c == 0) {
		char b;
		close(p[1]);
		_exit(read(p[0], &b, 1) == 0 ? 3 : 4); /* EOF expected */
	}
	close(p[0]);
	st = 0x5555;
	CHECK(wait4(c, &st, WNOHANG, NULL) == 0, "WNOHANG on a running child");
	CHECK(st == 0x5555, "status written by a WNOHANG that found nothing");
	/* Ourselves: a live process, but not our child. */
	CHECK_ERRNO(wait4(getpid(), &st, 0, NULL), ECHILD);
	close(p[1]);
	CHECK(wait4(c, &st, 0, NULL) == c, "wait4 after EOF");
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 3, "status %#x, want exit 3", st);

	/* Several children: wait(-1) returns each exactly once. */
	pid_t kids[3];
	for (int i = 0; i < 3; i++) {
		kids[i] = fork();
		CHECK(kids[i] >= 0, "fork %d", i);
		if (kids[i] == 0)
			_exit(10 + i);
	}
	int seen = 0;
	for (int n = 0; n < 3; n++) {
		pid_t w = wait(&st);
		CHECK(w > 0, "wait %d: %s", n, strerror(errno));
		int i;
		for (i = 0; i < 3 && kids[i] != w; i++)
			;
		CHECK(i < 3, "wait returned unknown pid %d", w);
		CHECK(!(seen & (1 << i)), "pid %d reaped twice", w);
		seen |= 1 << i;
		CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 10 + i,
		      "child %d status %#x", i, st);
	}
	CHECK_ERRNO(wait(&st), ECHILD);
	CHECK_ERRNO(wait4(-1, &st, 0x100 /* no such option */, NULL), EINVAL);
	return 0;
}
