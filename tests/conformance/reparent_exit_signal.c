/* A child whose parent dies is reparented to init (or a subreaper) and
 * from then on tells its new parent of its exit with SIGCHLD, whatever
 * exit signal its clone asked for (Linux's reparent_leader: "We don't want
 * people slaying init").  Found by make fuzz: an orphan of a child's
 * clone(SIGABRT) killed the fuzzer's supervisor, the sandbox's init. */
#define _GNU_SOURCE
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include "check.h"

static volatile sig_atomic_t usr1;

static void on_usr1(int sig)
{
	(void)sig;
	usr1++;
}

int main(void)
{
	int go[2], pp[2], st;
	pid_t mid, orphan;
	char b;

	/* natively the orphan comes to us; in the sandbox we are init */
	CHECK_OK(prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0));
	CHECK_OK(signal(SIGUSR1, on_usr1) == SIG_ERR ? -1 : 0);
	CHECK_OK(pipe(go));
	CHECK_OK(pipe(pp));
	mid = fork();
	CHECK(mid >= 0, "fork: %s", strerror(errno));
	if (mid == 0) {
		long c = syscall(SYS_clone, SIGUSR1, 0, 0, 0, 0);

		if (c == 0)     /* wait until our parent is gone */
			_exit(read(go[0], &b, 1) == 1 ? 5 : 1);
		if (c < 0 || write(pp[1], &c, sizeof(c)) != sizeof(c))
			_exit(1);
		_exit(0);
	}
	CHECK(waitpid(mid, &st, 0) == mid && WIFEXITED(st) && WEXITSTATUS(st) == 0,
	      "the middle child: status %#x", st);
	long c = 0;
	CHECK(read(pp[0], &c, sizeof(c)) == sizeof(c), "read the orphan's pid");
	orphan = (pid_t)c;
	CHECK(write(go[1], "x", 1) == 1, "write: %s", strerror(errno));
	CHECK(waitpid(orphan, &st, 0) == orphan, "waitpid(orphan %d): %s", orphan,
	      strerror(errno));
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 5, "orphan status %#x, want exit 5", st);
	CHECK(usr1 == 0, "the orphan's exit sent its new parent SIGUSR1 %d times, want SIGCHLD",
	      (int)usr1);
	return 0;
}
