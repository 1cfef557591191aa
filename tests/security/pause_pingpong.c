/*
 * pause_pingpong DIR: work that must come through a pause of the sandbox
 * unchanged (issue 12, finding 5: a stop, a cgroup freeze or a ptrace
 * attach of the sentry killed it).
 *
 * A parent and a child process pass a counter back and forth over two
 * pipes, and a thread of the parent naps: a 1 ms nanosleep, then a 1 ms
 * futex wait that nobody wakes.  In the sandbox each of these is a sentry
 * thread asleep on the host (a read on a wait queue, a timed sleep), which
 * is what a stop interrupts.  None of them has a signal handler to run, so
 * none may fail with EINTR, however often the sandbox is stopped: Linux
 * restarts them.
 *
 * Every 64 rounds the parent writes the round count to DIR/count (fixed
 * width, so the test can watch it from outside); once DIR/stop exists it
 * ends the child and exits 0 if every answer was right, every nap ended as
 * it should, and the child exited 0.  It runs the same natively.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h"

static volatile int finished;
static unsigned long naps;

/* The child: answer n with n + 1 until the parent closes its end. */
static void child(int in, int out)
{
	uint64_t n;
	ssize_t r;

	while ((r = read(in, &n, sizeof(n))) == sizeof(n)) {
		n++;
		if (write(out, &n, sizeof(n)) != sizeof(n))
			_exit(2);
	}
	_exit(r == 0 ? 0 : 3);      /* EOF is the only way out */
}

static void *napper(void *arg)
{
	const struct timespec ms = { 0, 1000000 };
	uint32_t word = 0;

	(void)arg;
	while (!finished) {
		CHECK(nanosleep(&ms, NULL) == 0, "nanosleep: %s", strerror(errno));
		CHECK(syscall(SYS_futex, &word, FUTEX_WAIT_PRIVATE, 0, &ms, NULL, 0) == -1 &&
		      errno == ETIMEDOUT, "futex wait with a timeout: %s", strerror(errno));
		__atomic_add_fetch(&naps, 1, __ATOMIC_RELAXED);
	}
	return NULL;
}

static void publish(int fd, uint64_t rounds)
{
	char buf[32];
	int n = snprintf(buf, sizeof(buf), "%020llu\n", (unsigned long long)rounds);

	CHECK(pwrite(fd, buf, (size_t)n, 0) == n, "write count: %s", strerror(errno));
}

int main(int argc, char **argv)
{
	int to_child[2], from_child[2], count_fd, st;
	char path[4096], stop[4096];
	uint64_t rounds = 0, n;
	pthread_t th;
	pid_t pid;

	CHECK(argc == 2, "usage: pause_pingpong DIR");
	snprintf(path, sizeof(path), "%s/count", argv[1]);
	snprintf(stop, sizeof(stop), "%s/stop", argv[1]);
	count_fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	CHECK(count_fd >= 0, "%s: %s", path, strerror(errno));
	CHECK(pipe(to_child) == 0 && pipe(from_child) == 0, "pipe: %s", strerror(errno));
	pid = fork();
	CHECK(pid >= 0, "fork: %s", strerror(errno));
	if (pid == 0) {
		close(to_child[1]);
		close(from_child[0]);
		child(to_child[0], from_child[1]);
	}
	close(to_child[0]);
	close(from_child[1]);
	CHECK(pthread_create(&th, NULL, napper, NULL) == 0, "pthread_create");
	for (;;) {
		n = rounds;
		CHECK(write(to_child[1], &n, sizeof(n)) == sizeof(n), "write: %s", strerror(errno));
		CHECK(read(from_child[0], &n, sizeof(n)) == sizeof(n), "read: %s", strerror(errno));
		CHECK(n == rounds + 1, "round %llu: the child answered %llu",
		      (unsigned long long)rounds, (unsigned long long)n);
		rounds++;
		if (rounds % 64)
			continue;
		publish(count_fd, rounds);
		if (access(stop, F_OK) == 0)
			break;
	}
	finished = 1;
	CHECK(pthread_join(th, NULL) == 0, "pthread_join");
	close(to_child[1]);
	CHECK(waitpid(pid, &st, 0) == pid, "waitpid: %s", strerror(errno));
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "the child ended with status %#x", st);
	CHECK(naps > 0, "the napping thread never ran");
	printf("ok %llu rounds, %lu naps\n", (unsigned long long)rounds, naps);
	return 0;
}
