/* execve(2) from a thread other than the main one: the other threads are
 * gone, the new image runs single-threaded with the process's pid.
 * EXPECT_STDOUT: single */
#include <pthread.h>
#include <dirent.h>
#include "check.h"

static char **args;
static char pidbuf[16];

static void *sleeper(void *a)
{
	(void)a;
	for (;;)
		pause();
	return NULL;
}

static void *execer(void *a)
{
	(void)a;
	CHECK(syscall(SYS_gettid) != getpid(), "thread has the pid as tid");
	char *nargs[] = { args[0], "after", pidbuf, NULL };
	execv(args[0], nargs);
	CHECK(0, "execv from a thread: %s", strerror(errno));
	return NULL;
}

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "after") == 0) {
		CHECK(atol(argv[2]) == getpid(), "pid %d after exec, was %s", getpid(), argv[2]);
		CHECK(syscall(SYS_gettid) == getpid(), "tid %ld != pid %d after exec",
		      syscall(SYS_gettid), getpid());
		/* Only one thread left. */
		int n = 0;
		DIR *d = opendir("/proc/self/task");
		CHECK(d, "opendir /proc/self/task: %s", strerror(errno));
		for (struct dirent *e; (e = readdir(d));)
			n += e->d_name[0] != '.';
		closedir(d);
		CHECK(n == 1, "%d threads after exec", n);
		puts("single");
		return 0;
	}
	args = argv;
	snprintf(pidbuf, sizeof(pidbuf), "%d", getpid());
	pthread_t t;
	for (int i = 0; i < 3; i++)
		CHECK(pthread_create(&t, NULL, sleeper, NULL) == 0, "pthread_create");
	CHECK(pthread_create(&t, NULL, execer, NULL) == 0, "pthread_create");
	pthread_join(t, NULL); /* never returns: the exec replaces us */
	CHECK(0, "join returned");
}
