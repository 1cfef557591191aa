/* PR_SET_CHILD_SUBREAPER: a grandchild orphaned by its parent's exit is
 * re-parented to the subreaper (getppid says so) and the subreaper reaps
 * it with waitpid; PR_GET_CHILD_SUBREAPER reads the flag back. */
#include <sys/prctl.h>
#include <sys/wait.h>
#include "check.h"

static int run(void)
{
	int fds[2], gone[2], v = 0, st;
	pid_t me = getpid(), grandchild;

	CHECK_OK(prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0));
	CHECK_OK(prctl(PR_GET_CHILD_SUBREAPER, &v, 0, 0, 0));
	CHECK(v == 1, "flag read back %d", v);
	CHECK_ERRNO(prctl(PR_GET_CHILD_SUBREAPER, KERNEL_PTR, 0, 0, 0), EFAULT);
	CHECK_OK(pipe(fds));
	CHECK_OK(pipe(gone));
	pid_t child = fork();
	CHECK(child >= 0, "fork");
	if (!child) {
		pid_t g = fork();

		if (g < 0)
			_exit(2);
		if (!g) {
			char c;

			/* wait until the middle process is gone (EOF), then
			 * report who the parent is now */
			pid_t middle = getppid();

			close(gone[1]);
			while (read(gone[0], &c, 1) > 0)
				;
			/* a process closes its files before its children are
			 * given away (Linux's exit_files, then exit_notify):
			 * the EOF can come first */
			for (int i = 0; i < 1000 && getppid() == middle; i++)
				usleep(10000);
			_exit(getppid() == me ? 42 : 43);
		}
		_exit(write(fds[1], &g, sizeof(g)) == sizeof(g) ? 0 : 3);
	}
	close(fds[1]);
	close(gone[0]);
	close(gone[1]);
	CHECK(read(fds[0], &grandchild, sizeof(grandchild)) == sizeof(grandchild), "pid");
	close(fds[0]);
	CHECK(waitpid(child, &st, 0) == child && WIFEXITED(st) && !WEXITSTATUS(st), "child");
	CHECK(waitpid(grandchild, &st, 0) == grandchild, "the subreaper reaps its grandchild: %s",
	      strerror(errno));
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 42, "grandchild saw ppid %s",
	      WEXITSTATUS(st) == 43 ? "not the subreaper" : "?");
	CHECK_ERRNO(waitpid(-1, &st, 0), ECHILD);
	return 0;
}

/* In a child of its own: in the sandbox the test is pid 1, which every
 * orphan goes to anyway. */
int main(void)
{
	int st;
	pid_t pid = fork();

	CHECK(pid >= 0, "fork");
	if (!pid)
		_exit(run());
	CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st), "test process");
	return WEXITSTATUS(st);
}
