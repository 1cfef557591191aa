/* clone(CLONE_PARENT | sig): the child is its caller's sibling, and tells
 * their parent of its exit with the caller's own exit signal (SIGCHLD),
 * not with the one in the flags (Linux's copy_process), so the parent
 * neither dies of that signal nor misses the child in waitpid.  The
 * sandbox's init may not use CLONE_PARENT (it has no parent): EINVAL.
 * Found by make fuzz: a child's clone(CLONE_PARENT | SIGTERM) killed the
 * fuzzer's supervisor. */
#define _GNU_SOURCE
#include <sched.h>
#include <signal.h>
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
	int p[2], st;
	pid_t mid, sib;

	CHECK_OK(signal(SIGUSR1, on_usr1) == SIG_ERR ? -1 : 0);
	CHECK_OK(pipe(p));
	mid = fork();
	CHECK(mid >= 0, "fork: %s", strerror(errno));
	if (mid == 0) {
		/* raw clone: no new stack, the child runs on a copy of ours */
		long c = syscall(SYS_clone, CLONE_PARENT | SIGUSR1, 0, 0, 0, 0);

		if (c == 0)
			_exit(7);
		if (c < 0 || write(p[1], &c, sizeof(c)) != sizeof(c))
			_exit(1);
		_exit(0);
	}
	CHECK(waitpid(mid, &st, 0) == mid && WIFEXITED(st) && WEXITSTATUS(st) == 0,
	      "the middle child: status %#x", st);
	long c = 0;
	CHECK(read(p[0], &c, sizeof(c)) == sizeof(c), "read the sibling's pid");
	sib = (pid_t)c;
	/* A child whose exit signal is not SIGCHLD is a "clone" child that
	 * waitpid without __WCLONE does not see. */
	CHECK(waitpid(sib, &st, 0) == sib, "waitpid(sibling %d): %s", sib, strerror(errno));
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 7, "sibling status %#x, want exit 7", st);
	CHECK(usr1 == 0, "the sibling's exit sent SIGUSR1 %d times, want SIGCHLD", (int)usr1);

	if (getpid() == 1)      /* in the sandbox: we are its init */
		CHECK_ERRNO(syscall(SYS_clone, CLONE_PARENT | SIGCHLD, 0, 0, 0, 0), EINVAL);
	return 0;
}
