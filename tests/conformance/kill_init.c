/* The init of a pid namespace takes no signal it has no handler for from
 * inside its namespace, SIGKILL included (Linux's SIGNAL_UNKILLABLE): one
 * it blocked stays pending and is dropped when unblocked; one it catches
 * is delivered.  Runs as pid 1: in the sandbox the test is pid 1; natively
 * it makes a pid namespace of its own (root only). */
#define _GNU_SOURCE
#include <sched.h>
#include <signal.h>
#include <sys/wait.h>
#include "check.h"

static volatile sig_atomic_t caught;

static void on_usr1(int sig)
{
	caught = sig;
}

/* A child of init sends these to pid 1 and exits 0 if each kill succeeds. */
static void child_kills(const int *sigs, int n)
{
	pid_t pid = fork();
	int st;

	CHECK(pid >= 0, "fork: %s", strerror(errno));
	if (pid == 0) {
		for (int i = 0; i < n; i++)
			if (kill(1, sigs[i]))
				_exit(10 + i);
		_exit(0);
	}
	CHECK(waitpid(pid, &st, 0) == pid, "waitpid: %s", strerror(errno));
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child: status %#x", st);
}

static int as_init(void)
{
	static const int fatal[] = { SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR2, SIGKILL };
	sigset_t set, pend;

	CHECK(getpid() == 1, "not pid 1: %d", getpid());
	/* default actions, unblocked: dropped as they are sent */
	child_kills(fatal, sizeof(fatal) / sizeof(fatal[0]));
	CHECK_OK(kill(1, SIGTERM));     /* from itself too */
	CHECK_OK(raise(SIGSTOP));       /* nor does it stop */
	sigpending(&pend);
	CHECK(!sigismember(&pend, SIGTERM), "SIGTERM pending after an ignored send");

	/* blocked: queued, then dropped when unblocked */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	CHECK_OK(sigprocmask(SIG_BLOCK, &set, NULL));
	child_kills((const int[]){ SIGTERM }, 1);
	sigpending(&pend);
	CHECK(sigismember(&pend, SIGTERM), "a blocked SIGTERM is pending for init");
	CHECK_OK(sigprocmask(SIG_UNBLOCK, &set, NULL));
	sigpending(&pend);
	CHECK(!sigismember(&pend, SIGTERM), "SIGTERM still pending after unblocking");

	/* caught: delivered */
	signal(SIGUSR1, on_usr1);
	child_kills((const int[]){ SIGUSR1 }, 1);
	CHECK(caught == SIGUSR1, "init's handler did not run");
	return 0;
}

int main(void)
{
	pid_t pid;
	int st;

	if (getpid() == 1)
		return as_init();
	if (unshare(CLONE_NEWPID)) {
		/* not root natively: nothing to compare with */
		fprintf(stderr, "kill_init: no pid namespace (%s): skipped\n", strerror(errno));
		return 0;
	}
	pid = fork();
	CHECK(pid >= 0, "fork: %s", strerror(errno));
	if (pid == 0)
		_exit(as_init());
	CHECK(waitpid(pid, &st, 0) == pid, "waitpid: %s", strerror(errno));
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "pid 1 of the new namespace: status %#x",
	      st);
	return 0;
}
