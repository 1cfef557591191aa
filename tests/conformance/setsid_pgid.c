/* Process groups and sessions: setpgid/getpgid/getpgrp, setsid/getsid,
 * and the rules (a group leader cannot setsid; no joining a group of
 * another session; ESRCH for unknown pids). */
#include <signal.h>
#include <sys/wait.h>
#include "check.h"

int main(void)
{
	pid_t me = getpid();
	CHECK(getpgrp() == getpgid(0) && getpgid(me) == getpgrp(), "getpgrp/getpgid disagree");
	/* 0 when our session's leader lives in an ancestor pid namespace
	 * (CI runs us in a container), so only >= 0 is portable. */
	CHECK(getsid(0) == getsid(me) && getsid(0) >= 0, "getsid");
	CHECK_ERRNO(getpgid(999999), ESRCH);
	CHECK_ERRNO(getsid(999999), ESRCH);
	CHECK_ERRNO(setpgid(0, -1), EINVAL);

	int p[2];
	CHECK_OK(pipe(p));
	pid_t c = fork();
	CHECK(c >= 0, "fork");
	if (c == 0) {
		char b;
		if (getsid(0) != getsid(getppid())) /* inherited */
			_exit(2);
		(void)!read(p[0], &b, 1); /* parent moved us to our own group */
		if (getpgrp() != getpid())
			_exit(3);
		/* A group leader may not create a session. */
		if (setsid() != -1 || errno != EPERM)
			_exit(4);
		_exit(0);
	}
	CHECK(getpgid(c) == getpgrp(), "child's group %d, want ours %d", getpgid(c), getpgrp());
	/* The parent may move its child into a new group named after it. */
	CHECK(setpgid(c, c) == 0, "setpgid(child, child): %s", strerror(errno));
	CHECK(getpgid(c) == c, "getpgid(child) %d", getpgid(c));
	CHECK(write(p[1], "x", 1) == 1, "write");
	int st;
	CHECK(waitpid(c, &st, 0) == c, "waitpid");
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child 1 status %#x", st);

	c = fork();
	CHECK(c >= 0, "fork 2");
	if (c == 0) {
		pid_t s = setsid();
		if (s != getpid())
			_exit(5);
		if (getsid(0) != s || getpgrp() != s)
			_exit(6);
		/* The old group is in another session now. */
		if (setpgid(0, getpgid(getppid())) != -1 || errno != EPERM)
			_exit(7);
		_exit(0);
	}
	CHECK(waitpid(c, &st, 0) == c, "waitpid 2");
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "setsid child status %#x "
	      "(5: setsid, 6: getsid/getpgrp, 7: setpgid across sessions)", st);
	/* Not our child any more (reaped): ESRCH. */
	CHECK_ERRNO(setpgid(c, c), ESRCH);
	return 0;
}
