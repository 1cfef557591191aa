/* SA_NODEFER: the signal is not blocked in its own handler, so raising it
 * there nests a second handler run. Without it the second raise waits
 * until the first handler returns. SA_RESETHAND: the action goes back to
 * SIG_DFL on delivery, so the next one kills. */
#include <signal.h>
#include <sys/wait.h>
#include "check.h"

static volatile int depth, max_depth, calls;

static void handler(int s)
{
	calls++;
	depth++;
	if (depth > max_depth)
		max_depth = depth;
	if (calls == 1)
		raise(s); /* nests with SA_NODEFER, else stays pending */
	depth--;
}

static void run(int flags)
{
	struct sigaction sa = { .sa_handler = handler, .sa_flags = flags };
	CHECK_OK(sigaction(SIGUSR1, &sa, NULL));
	calls = depth = max_depth = 0;
	CHECK_OK(raise(SIGUSR1));
}

static int pipe_fd;
static void to_pipe(int s) { (void)s; (void)!write(pipe_fd, "h", 1); }

static void sa_reset_check(void)
{
	struct sigaction sa = { .sa_handler = to_pipe, .sa_flags = SA_RESETHAND }, now;
	int p[2];
	CHECK_OK(pipe(p));
	pipe_fd = p[1];
	CHECK_OK(sigaction(SIGUSR2, &sa, NULL));
	CHECK_OK(raise(SIGUSR2));
	char b;
	CHECK(read(p[0], &b, 1) == 1, "SA_RESETHAND handler did not run");
	CHECK_OK(sigaction(SIGUSR2, NULL, &now));
	CHECK(now.sa_handler == SIG_DFL, "action after an SA_RESETHAND delivery is not SIG_DFL");
	close(p[0]);
	close(p[1]);
}

int main(void)
{
	run(SA_NODEFER);
	CHECK(calls == 2, "SA_NODEFER: %d calls, want 2", calls);
	CHECK(max_depth == 2, "SA_NODEFER: depth %d, want nested (2)", max_depth);

	run(0);
	CHECK(calls == 2, "default: %d calls, want 2 (the second after the first)", calls);
	CHECK(max_depth == 1, "default: depth %d, want 1 (signal blocked in its handler)", max_depth);

	/* SA_RESETHAND: handled once, then back to SIG_DFL. */
	sa_reset_check();
	/* In a child: the second SIGUSR1 meets SIG_DFL and kills it. The
	 * handler reports its run through a pipe. */
	int p[2];
	CHECK_OK(pipe(p));
	pid_t c = fork();
	CHECK(c >= 0, "fork");
	if (c == 0) {
		pipe_fd = p[1];
		struct sigaction sa = { .sa_handler = to_pipe, .sa_flags = SA_RESETHAND };
		sigaction(SIGUSR1, &sa, NULL);
		raise(SIGUSR1);
		raise(SIGUSR1);
		_exit(0);
	}
	close(p[1]);
	int st;
	CHECK(waitpid(c, &st, 0) == c, "waitpid");
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGUSR1, "child status %#x, want killed by "
	      "SIGUSR1 at the second raise", st);
	char buf[4];
	CHECK(read(p[0], buf, sizeof(buf)) == 1, "handler did not run exactly once before");
	return 0;
}
