/* alarm(2): returns the seconds left on the previous alarm, alarm(0)
 * cancels, a handled SIGALRM interrupts pause() after about a second, and
 * an unhandled one kills (default action). */
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include "check.h"

static volatile int got;
static void on_alarm(int s) { got = s; }

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

int main(void)
{
	CHECK(alarm(10) == 0, "an alarm was pending at start");
	unsigned left = alarm(20);
	CHECK(left >= 9 && left <= 10, "alarm(20) returned %u, want ~10", left);
	left = alarm(0);
	CHECK(left >= 19 && left <= 20, "alarm(0) returned %u, want ~20", left);
	CHECK(alarm(0) == 0, "alarm not cancelled");

	struct sigaction sa = { .sa_handler = on_alarm };
	CHECK_OK(sigaction(SIGALRM, &sa, NULL));
	double t0 = now();
	alarm(1);
	errno = 0;
	int r = pause();
	double dt = now() - t0;
	CHECK(r == -1 && errno == EINTR, "pause returned %d (%s)", r, strerror(errno));
	CHECK(got == SIGALRM, "handler got %d", got);
	CHECK(dt >= 0.9 && dt < 5, "alarm(1) fired after %.3f s", dt);
	CHECK(alarm(0) == 0, "alarm still pending after it fired");

	/* A child does not inherit the parent's pending alarm. */
	alarm(30);
	pid_t c = fork();
	CHECK(c >= 0, "fork");
	if (c == 0) {
		if (alarm(0) != 0)
			_exit(3);
		/* Default action for SIGALRM: terminate. */
		signal(SIGALRM, SIG_DFL);
		alarm(1);
		for (;;)
			pause();
	}
	alarm(0);
	int st;
	CHECK(waitpid(c, &st, 0) == c, "waitpid");
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGALRM, "child status %#x, want killed by "
	      "SIGALRM (exit 3: the alarm was inherited across fork)", st);
	return 0;
}
