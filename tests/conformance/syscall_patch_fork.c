/* fork and execve from patched syscall sites (in cvisor: the second and
 * later calls go through the stub's fast entry): the child runs on from
 * the site with 0, its own sites work, and an exec from a site replaces
 * the program, from the parent and from a forked child.
 * EXPECT_EXIT: 42 */
#define _GNU_SOURCE
#include <sys/wait.h>
#include "check.h"
#include "patch_sites.h"

PATCH_SITE(site_fork, 57);
PATCH_SITE(site_execve, 59);
PATCH_SITE(site_getppid, 110);
PATCH_SITE(site_getpid, 39);

static char *self_argv[] = { "/proc/self/exe", "exec-child", NULL };

/* The program again after an exec: its sites are fresh ones. */
static int exec_child(void)
{
	for (int i = 0; i < 100; i++) {
		CHECK(site_getppid(0, 0, 0, 0) == getppid(), "getppid after exec");
		CHECK(site_getpid(0, 0, 0, 0) == getpid(), "getpid after exec");
	}
	return 42;
}

int main(int argc, char **argv)
{
	extern char **environ;
	int st;

	if (argc > 1 && !strcmp(argv[1], "exec-child"))
		return exec_child();
	for (int round = 0; round < 4; round++) {
		long pid = site_fork(0, 0, 0, 0);

		CHECK(pid >= 0, "fork: %ld", pid);
		if (pid == 0) {
			for (int i = 0; i < 100; i++)
				if (site_getppid(0, 0, 0, 0) != getppid() ||
				    site_getpid(0, 0, 0, 0) != getpid())
					_exit(1);
			_exit(10 + round);
		}
		CHECK(site_getpid(0, 0, 0, 0) == getpid(), "getpid in the parent");
		CHECK(waitpid((pid_t)pid, &st, 0) == pid, "waitpid");
		CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 10 + round, "child status %#x", st);
	}
	/* the exec site traps (ENOENT) and is patched, then runs for real */
	for (int i = 0; i < 3; i++)
		CHECK(site_execve((long)"/nonexistent", (long)self_argv, (long)environ, 0) ==
		      -ENOENT, "execve of nothing");
	long pid = site_fork(0, 0, 0, 0);

	if (pid == 0) {
		site_execve((long)self_argv[0], (long)self_argv, (long)environ, 0);
		_exit(99);
	}
	CHECK(waitpid((pid_t)pid, &st, 0) == pid, "waitpid");
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 42, "exec'd child status %#x", st);
	site_execve((long)self_argv[0], (long)self_argv, (long)environ, 0);
	CHECK(0, "execve returned");
}
