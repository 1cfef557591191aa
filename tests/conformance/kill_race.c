/* SIGKILL and SIGSTOP are never lost: sent to a child just as it enters a
 * blocking pipe read (at a few small delays, many times), the child is
 * killed / stopped and waitpid reports it at once. A 5 s alarm turns a
 * lost signal into a failure instead of a hang. */
#include <sched.h>
#include <signal.h>
#include <sys/wait.h>
#include "check.h"

#define ROUNDS 200

static void on_alarm(int s) { (void)s; }

/* A child blocked (or about to block) reading a pipe nobody writes. */
static pid_t reader(int *wfd)
{
	int p[2];
	CHECK_OK(pipe(p));
	pid_t c = fork();
	CHECK(c >= 0, "fork: %s", strerror(errno));
	if (c == 0) {
		char b;
		close(p[1]);
		(void)!read(p[0], &b, 1);
		_exit(0);
	}
	close(p[0]);
	*wfd = p[1];
	return c;
}

static void pause_a_bit(int i)
{
	if (i % 4 == 1)
		sched_yield();
	else if (i % 4 == 2)
		usleep(100);
	else if (i % 4 == 3)
		usleep(1000);
}

/* waitpid with a 5 s limit; what it returned, and the status. */
static pid_t wait_5s(pid_t c, int *st, int opts)
{
	alarm(5);
	pid_t w = waitpid(c, st, opts);
	alarm(0);
	return w;
}

int main(void)
{
	struct sigaction sa = { .sa_handler = on_alarm }; /* no SA_RESTART */
	CHECK_OK(sigaction(SIGALRM, &sa, NULL));
	int w, st;

	for (int i = 0; i < ROUNDS; i++) {
		pid_t c = reader(&w);
		pause_a_bit(i);
		CHECK_OK(kill(c, SIGKILL));
		pid_t r = wait_5s(c, &st, 0);
		CHECK(r == c, "round %d: child not dead 5 s after SIGKILL (waitpid %d: %s)",
		      i, r, strerror(errno));
		CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL, "round %d: status %#x", i, st);
		close(w);
	}
	for (int i = 0; i < ROUNDS; i++) {
		pid_t c = reader(&w);
		pause_a_bit(i);
		CHECK_OK(kill(c, SIGSTOP));
		pid_t r = wait_5s(c, &st, WUNTRACED);
		CHECK(r == c, "round %d: child not stopped 5 s after SIGSTOP (waitpid %d: %s)",
		      i, r, strerror(errno));
		CHECK(WIFSTOPPED(st), "round %d: status %#x, want stopped", i, st);
		CHECK_OK(kill(c, SIGKILL));
		CHECK(wait_5s(c, &st, 0) == c, "round %d: stopped child survived SIGKILL", i);
		close(w);
	}
	return 0;
}
