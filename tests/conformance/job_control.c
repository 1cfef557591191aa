/* Stopping and continuing a child: SIGSTOP -> waitpid WUNTRACED reports
 * WIFSTOPPED/WSTOPSIG; SIGCONT -> WCONTINUED reports WIFCONTINUED; each
 * event is reported once; a stopped child still dies of SIGKILL. */
#include <signal.h>
#include <sys/wait.h>
#include "check.h"

int main(void)
{
	int p[2], st;
	CHECK_OK(pipe(p));
	pid_t c = fork();
	CHECK(c >= 0, "fork");
	if (c == 0) {
		char b;
		close(p[1]);
		/* Keeps reading: returns 1 per byte, 0 at EOF. */
		while (read(p[0], &b, 1) == 1)
			;
		_exit(4);
	}
	close(p[0]);

	CHECK_OK(kill(c, SIGSTOP));
	CHECK(waitpid(c, &st, WUNTRACED) == c, "waitpid WUNTRACED: %s", strerror(errno));
	CHECK(WIFSTOPPED(st) && WSTOPSIG(st) == SIGSTOP, "status %#x, want stopped", st);
	/* Reported once only; without WUNTRACED not at all. */
	CHECK(waitpid(c, &st, WUNTRACED | WNOHANG) == 0, "stop reported twice");

	CHECK_OK(kill(c, SIGCONT));
	CHECK(waitpid(c, &st, WCONTINUED) == c, "waitpid WCONTINUED: %s", strerror(errno));
	CHECK(WIFCONTINUED(st), "status %#x, want continued", st);
	CHECK(waitpid(c, &st, WCONTINUED | WNOHANG) == 0, "continue reported twice");

	/* Running again: give it something to read. */
	CHECK(write(p[1], "abc", 3) == 3, "write");

	/* SIGTSTP (default action: stop) works like SIGSTOP. */
	CHECK_OK(kill(c, SIGTSTP));
	CHECK(waitpid(c, &st, WUNTRACED) == c, "waitpid SIGTSTP");
	CHECK(WIFSTOPPED(st) && WSTOPSIG(st) == SIGTSTP, "status %#x, want SIGTSTP stop", st);
	/* A stopped process still dies of SIGKILL. */
	CHECK_OK(kill(c, SIGKILL));
	CHECK(waitpid(c, &st, 0) == c, "waitpid after SIGKILL");
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL, "status %#x, want SIGKILL", st);

	/* And a normal exit after a stop/continue cycle. */
	int q[2];
	CHECK_OK(pipe(q));
	c = fork();
	CHECK(c >= 0, "fork 2");
	if (c == 0) {
		char b;
		close(q[1]);
		while (read(q[0], &b, 1) == 1)
			;
		_exit(4);
	}
	close(q[0]);
	CHECK_OK(kill(c, SIGSTOP));
	CHECK(waitpid(c, &st, WUNTRACED) == c && WIFSTOPPED(st), "second stop");
	CHECK_OK(kill(c, SIGCONT));
	close(q[1]);
	CHECK(waitpid(c, &st, 0) == c, "waitpid exit");
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 4, "status %#x, want exit 4", st);
	return 0;
}
