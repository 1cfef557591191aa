/* exit(3) (exit_group) from a non-main thread ends every thread of the
 * process at once, with that status, even threads blocked in syscalls.
 * Run in a child so the parent can check the status and timing. */
#include <pthread.h>
#include <sys/wait.h>
#include <time.h>
#include "check.h"

static int blocker_pipe[2];

static void *blocked_read(void *a)
{
	char b;
	(void)a;
	(void)!read(blocker_pipe[0], &b, 1); /* never gets data */
	return NULL;
}

static void *sleeping(void *a)
{
	(void)a;
	sleep(100);
	return NULL;
}

static void *exiter(void *a)
{
	(void)a;
	usleep(50000);
	syscall(SYS_exit_group, 5);
	return NULL;
}

int main(void)
{
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	pid_t c = fork();
	CHECK(c >= 0, "fork");
	if (c == 0) {
		pthread_t t;
		if (pipe(blocker_pipe))
			_exit(100);
		for (int i = 0; i < 3; i++) {
			pthread_create(&t, NULL, blocked_read, NULL);
			pthread_create(&t, NULL, sleeping, NULL);
		}
		pthread_create(&t, NULL, exiter, NULL);
		/* The main thread blocks too: in join of a thread that never ends. */
		pthread_create(&t, NULL, sleeping, NULL);
		pthread_join(t, NULL);
		_exit(101);
	}
	int st;
	CHECK(waitpid(c, &st, 0) == c, "waitpid: %s", strerror(errno));
	clock_gettime(CLOCK_MONOTONIC, &t1);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 5, "status %#x, want exit 5", st);
	double secs = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	CHECK(secs < 10, "exit_group took %.1f s: threads were waited for", secs);
	return 0;
}
