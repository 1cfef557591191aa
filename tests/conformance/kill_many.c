/* Signals to many processes at once reach every one: kill(0) to a process
 * group of 300, and PR_SET_PDEATHSIG in 100 children of one parent
 * (kill(-1) is not tried: natively it would reach the host's processes).  (The sentry collected at most 256 targets for kill, and 64
 * children for the parent-death signal: the rest never got the signal,
 * and a test waiting for them hung.) */
#define _GNU_SOURCE
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include "check.h"

#define MANY 300
#define DEATHS 100

/* n children that wait for a signal; each tells the pipe when it is set */
static void spawn(int n, int deathsig)
{
	int p[2];
	char c;

	CHECK_OK(pipe(p));
	for (int i = 0; i < n; i++) {
		pid_t pid = fork();

		CHECK(pid >= 0, "fork %d: %s", i, strerror(errno));
		if (pid == 0) {
			close(p[0]);
			signal(SIGTERM, SIG_DFL);
			if (deathsig)
				prctl(PR_SET_PDEATHSIG, deathsig);
			if (write(p[1], "x", 1) != 1)
				_exit(2);
			for (;;)
				pause();
		}
	}
	close(p[1]);
	for (int i = 0; i < n; i++)
		CHECK(read(p[0], &c, 1) == 1, "child %d did not start", i);
	close(p[0]);
}

/* every child ends, killed by sig */
static void reap(int n, int sig)
{
	int st;

	for (int i = 0; i < n; i++) {
		pid_t pid = waitpid(-1, &st, 0);

		CHECK(pid > 0, "wait %d of %d: %s", i, n, strerror(errno));
		CHECK(WIFSIGNALED(st) && WTERMSIG(st) == sig, "child %d: status %#x", i, st);
	}
	CHECK_ERRNO(waitpid(-1, &st, WNOHANG), ECHILD);
}

static int run(void)
{
	struct sigaction ign = { .sa_handler = SIG_IGN };
	pid_t mid;
	int st;

	/* a group of its own, so that kill(0) reaches only ours */
	CHECK_OK(setpgid(0, 0));
	CHECK_OK(sigaction(SIGTERM, &ign, NULL));
	spawn(MANY, 0);
	CHECK_OK(kill(0, SIGTERM));
	reap(MANY, SIGTERM);

	/* the parent-death signal of 100 children of one parent */
	CHECK_OK(prctl(PR_SET_CHILD_SUBREAPER, 1));
	mid = fork();
	CHECK(mid >= 0, "fork: %s", strerror(errno));
	if (mid == 0) {
		spawn(DEATHS, SIGKILL);
		_exit(0);
	}
	CHECK(waitpid(mid, &st, 0) == mid && WIFEXITED(st) && WEXITSTATUS(st) == 0,
	      "the middle process: status %#x", st);
	reap(DEATHS, SIGKILL);
	return 0;
}

int main(void)
{
	return run_in_child(run);
}
