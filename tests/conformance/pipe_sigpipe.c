/* Writing to a pipe with no reader: EPIPE when SIGPIPE is ignored; with a
 * handler, the handler runs (SIGPIPE) and write still fails with EPIPE;
 * with the default action the writer is killed by SIGPIPE. */
#include <signal.h>
#include <sys/wait.h>
#include "check.h"

static volatile int got;
static void on_pipe(int s) { got = s; }

static int reader_gone(int p[2])
{
	CHECK_OK(pipe(p));
	close(p[0]);
	return p[1];
}

int main(void)
{
	int p[2];
	signal(SIGPIPE, SIG_IGN);
	int w = reader_gone(p);
	CHECK_ERRNO(write(w, "x", 1), EPIPE);
	close(w);

	struct sigaction sa = { .sa_handler = on_pipe };
	CHECK_OK(sigaction(SIGPIPE, &sa, NULL));
	w = reader_gone(p);
	CHECK_ERRNO(write(w, "x", 1), EPIPE);
	CHECK(got == SIGPIPE, "SIGPIPE handler did not run (got %d)", got);
	close(w);

	/* The reader goes away while the pipe holds data: still EPIPE. */
	CHECK_OK(pipe(p));
	CHECK(write(p[1], "abc", 3) == 3, "write");
	close(p[0]);
	got = 0;
	CHECK_ERRNO(write(p[1], "x", 1), EPIPE);
	CHECK(got == SIGPIPE, "second SIGPIPE not delivered");
	close(p[1]);

	/* Default action: the writer dies of SIGPIPE.  The read end is closed
	 * before the fork: closed after it, the parent's copy could still be
	 * open when the child writes (a race that once let the write succeed). */
	CHECK_OK(pipe(p));
	close(p[0]);
	pid_t c = fork();
	CHECK(c >= 0, "fork");
	if (c == 0) {
		signal(SIGPIPE, SIG_DFL);
		(void)!write(p[1], "x", 1);
		_exit(3); /* not reached */
	}
	close(p[1]);
	int st;
	CHECK(waitpid(c, &st, 0) == c, "waitpid");
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGPIPE, "status %#x, want killed by SIGPIPE", st);

	/* A blocked writer is woken with EPIPE when the last reader leaves. */
	signal(SIGPIPE, SIG_IGN);
	CHECK_OK(pipe(p));
	c = fork();
	CHECK(c >= 0, "fork 2");
	if (c == 0) {
		static char big[128 * 1024];
		close(p[0]);
		ssize_t n = write(p[1], big, sizeof(big)); /* blocks when full */
		_exit(n == -1 && errno == EPIPE ? 0 : n > 0 && n < (ssize_t)sizeof(big) ? 0 : 1);
	}
	close(p[1]);
	usleep(100000);
	close(p[0]);
	CHECK(waitpid(c, &st, 0) == c, "waitpid 2");
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "blocked writer status %#x", st);
	return 0;
}
