/* prlimit(2) on another process: read and set its limits (it sees the
 * new ones), a thread id names its process, a process gone is ESRCH, and
 * a caller whose ids are not all the target's, without CAP_SYS_RESOURCE,
 * gets EPERM; raising a hard limit needs CAP_SYS_RESOURCE there too. */
#define _GNU_SOURCE
#include <pthread.h>
#include <sys/resource.h>
#include "check.h"

static int go[2], back[2];

/* The target: a second thread tells its id; the process waits, then
 * reports whether it sees the limits set from outside. */
static void *idle(void *arg)
{
	pid_t tid = (pid_t)syscall(SYS_gettid);

	(void)arg;
	if (write(back[1], &tid, sizeof(tid)) != sizeof(tid))
		_exit(2);
	for (;;)
		pause();
	return NULL;
}

static void target(void)
{
	struct rlimit rl;
	pthread_t th;
	char c;

	close(go[1]);
	close(back[0]);
	if (pthread_create(&th, NULL, idle, NULL) || read(go[0], &c, 1) != 1)
		_exit(2);
	getrlimit(RLIMIT_NOFILE, &rl);
	_exit(rl.rlim_cur == 64 && rl.rlim_max == 128 ? 0 : 3);
}

int main(void)
{
	struct rlimit rl = { 64, 128 }, got, big = { 64, 1 << 20 };
	pid_t pid, tid, other;
	int st;

	CHECK_OK(pipe(go));
	CHECK_OK(pipe(back));
	pid = fork();
	CHECK(pid >= 0, "fork: %s", strerror(errno));
	if (pid == 0)
		target();
	close(go[0]);
	close(back[1]);
	CHECK(read(back[0], &tid, sizeof(tid)) == sizeof(tid), "target did not start");

	CHECK_OK(prlimit(pid, RLIMIT_NOFILE, NULL, &got));
	CHECK(tid != pid, "the thread's id is the process's");
	CHECK_OK(prlimit(tid, RLIMIT_NOFILE, &rl, NULL));     /* a thread names its process */
	CHECK_OK(prlimit(pid, RLIMIT_NOFILE, NULL, &got));
	CHECK(got.rlim_cur == 64 && got.rlim_max == 128, "read back %lu/%lu",
	      (unsigned long)got.rlim_cur, (unsigned long)got.rlim_max);

	/* another uid, no capabilities: EPERM, to read as to set */
	other = fork();
	CHECK(other >= 0, "fork: %s", strerror(errno));
	if (other == 0) {
		if (setresgid(1000, 1000, 1000) || setresuid(1000, 1000, 1000))
			_exit(10);
		if (prlimit(pid, RLIMIT_NOFILE, NULL, &got) != -1 || errno != EPERM)
			_exit(11);
		if (prlimit(pid, RLIMIT_NOFILE, &rl, NULL) != -1 || errno != EPERM)
			_exit(12);
		/* its own, raised past the hard limit: EPERM */
		if (prlimit(0, RLIMIT_NOFILE, &big, NULL) != -1 || errno != EPERM)
			_exit(13);
		_exit(0);
	}
	CHECK(waitpid(other, &st, 0) == other && WIFEXITED(st), "status %#x", st);
	CHECK(WEXITSTATUS(st) == 0, "unprivileged caller: step %d", WEXITSTATUS(st));

	CHECK(write(go[1], "g", 1) == 1, "go: %s", strerror(errno));
	CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st), "status %#x", st);
	CHECK(WEXITSTATUS(st) == 0, "the target saw other limits (%d)", WEXITSTATUS(st));
	CHECK_ERRNO(prlimit(pid, RLIMIT_NOFILE, NULL, &got), ESRCH);
	return 0;
}
