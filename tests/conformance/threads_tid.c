/* Threads share the pid (getpid) but each has its own tid (gettid), the
 * main thread's tid is the pid, and getppid is the same in all of them. */
#include <pthread.h>
#include "check.h"

#define N 6

static pid_t tids[N], pids[N], ppids[N];
static pthread_barrier_t bar;

static void *worker(void *arg)
{
	int i = (int)(long)arg;
	tids[i] = syscall(SYS_gettid);
	pids[i] = getpid();
	ppids[i] = getppid();
	/* All alive at once, so tids cannot be reused between them. */
	pthread_barrier_wait(&bar);
	return NULL;
}

int main(void)
{
	pid_t pid = getpid(), tid = syscall(SYS_gettid);
	CHECK(tid == pid, "main thread: tid %d, pid %d", tid, pid);
	CHECK(pthread_barrier_init(&bar, NULL, N + 1) == 0, "barrier");
	pthread_t t[N];
	for (long i = 0; i < N; i++)
		CHECK(pthread_create(&t[i], NULL, worker, (void *)i) == 0, "create");
	pthread_barrier_wait(&bar);
	for (int i = 0; i < N; i++)
		CHECK(pthread_join(t[i], NULL) == 0, "join");

	for (int i = 0; i < N; i++) {
		CHECK(pids[i] == pid, "thread %d: getpid %d, want %d", i, pids[i], pid);
		CHECK(ppids[i] == getppid(), "thread %d: getppid %d, want %d", i,
		      ppids[i], getppid());
		CHECK(tids[i] > 0 && tids[i] != pid, "thread %d: tid %d", i, tids[i]);
		for (int j = 0; j < i; j++)
			CHECK(tids[i] != tids[j], "threads %d and %d share tid %d", i, j, tids[i]);
	}
	/* Joined threads are gone: their tids soon no longer name a thread
	 * (join returns when the tid word is cleared, a moment before the
	 * thread is released, so allow up to a second). */
	for (int i = 0; i < 1000 && syscall(SYS_tgkill, pid, tids[0], 0) == 0; i++)
		usleep(1000);
	CHECK_ERRNO(syscall(SYS_tgkill, pid, tids[0], 0), ESRCH);
	return 0;
}
