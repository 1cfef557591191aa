/* wait status encodings: exit codes, death by signal, WNOHANG, ECHILD. */
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include "check.h"

static int child_status(void (*fn)(void))
{
	int st = 0;
	pid_t p = fork();

	CHECK(p >= 0, "fork");
	if (p == 0) {
		fn();
		_exit(0);
	}
	CHECK(waitpid(p, &st, 0) == p, "waitpid");
	return st;
}

static void exit3(void) { _exit(3); }
static void term(void) { kill(getpid(), SIGTERM); pause(); }
static int *volatile nowhere;  /* NULL, but the compiler cannot know */

static void segv(void) { signal(SIGSEGV, SIG_DFL); *nowhere = 1; }

int main(void)
{
	int st = child_status(exit3);

	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 3, "exit 3: status %#x", st);
	st = child_status(term);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM, "SIGTERM: status %#x", st);
	st = child_status(segv);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV, "SIGSEGV: status %#x", st);

	/* WNOHANG on a running child gives 0; then it can be reaped */
	pid_t p = fork();
	CHECK(p >= 0, "fork");
	if (p == 0) {
		usleep(100000);
		_exit(7);
	}
	CHECK(waitpid(p, &st, WNOHANG) == 0, "WNOHANG while running");
	CHECK(waitpid(p, &st, 0) == p && WEXITSTATUS(st) == 7, "reap 7");
	CHECK_ERRNO(waitpid(-1, &st, 0), ECHILD);
	CHECK_ERRNO(waitpid(-1, &st, 0x100 /* not an option */), EINVAL);
	return 0;
}
