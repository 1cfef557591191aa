/* When the parent has its child's SIGCHLD, the child is a zombie:
 * waitpid(WNOHANG) right after sigwait() finds it (Linux's exit_notify()
 * signals and sets the zombie state under one lock).  libuv reaps on
 * SIGCHLD with WNOHANG only: a child that is not a zombie yet is never
 * reaped, and node's child_process 'exit' never comes. */
#include <signal.h>
#include <sys/wait.h>
#include "check.h"

int main(void)
{
	sigset_t s;

	sigemptyset(&s);
	sigaddset(&s, SIGCHLD);
	CHECK_OK(sigprocmask(SIG_BLOCK, &s, NULL));
	for (int i = 0; i < 300; i++) {
		pid_t p = fork(), r;
		int sig, st;

		CHECK(p >= 0, "fork: %s", strerror(errno));
		if (p == 0)
			_exit(7);
		CHECK(sigwait(&s, &sig) == 0 && sig == SIGCHLD, "sigwait");
		r = waitpid(p, &st, WNOHANG);
		CHECK(r == p, "round %d: waitpid(WNOHANG) after SIGCHLD: %d, not the child", i, r);
		CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 7, "status %#x", st);
	}
	return 0;
}
