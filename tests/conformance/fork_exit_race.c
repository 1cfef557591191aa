/* One thread forks in a loop while another ends the process (exit_group),
 * a hundred and fifty times: every child is a process of its own, and when the
 * program is done the sandbox ends too.  Found by make fuzz: when the
 * forking process died just after its host clone answered, the sentry
 * dropped the answer and with it the new stub process's pid; that process
 * was never killed, and the sentry waited for it at the end for ever. */
#define _GNU_SOURCE
#include <pthread.h>
#include <sys/wait.h>
#include <time.h>
#include "check.h"

static void *forker(void *arg)
{
	(void)arg;
	for (;;) {
		pid_t c = fork();

		if (c == 0)
			_exit(0);
		if (c > 0)
			waitpid(c, NULL, 0);
	}
	return NULL;
}

int main(void)
{
	for (int i = 0; i < 150; i++) {
		pid_t c = fork();
		int st;

		CHECK(c >= 0, "fork: %s", strerror(errno));
		if (c == 0) {
			pthread_t t;
			struct timespec ts = { 0, (i % 50) * 100000L };

			if (pthread_create(&t, NULL, forker, NULL) || pthread_create(&t, NULL, forker, NULL))
				_exit(1);
			nanosleep(&ts, NULL);
			syscall(SYS_exit_group, 7);
		}
		CHECK(waitpid(c, &st, 0) == c && WIFEXITED(st) && WEXITSTATUS(st) == 7,
		      "child %d: status %#x", i, st);
	}
	return 0;
}
