/* execveat(2): a path relative to a directory fd, the fd itself with
 * AT_EMPTY_PATH, ELOOP for a final symlink with AT_SYMLINK_NOFOLLOW; the
 * new program is told its name as Linux's bprm->filename ("/dev/fd/N/name"
 * in AT_EXECFN); EINVAL for unknown flags, EBADF and ENOTDIR for a bad
 * dirfd (LTP's execveat01, execveat02). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <sys/auxv.h>
#include <sys/wait.h>
#include "check.h"

static char *const child_argv[] = { "execveat", "child", NULL };

static long sys_execveat(int dirfd, const char *path, int flags)
{
	return syscall(SYS_execveat, dirfd, path, child_argv, environ, flags);
}

/* Run execveat in a child; its exit status (the re-exec'd child's). */
static int run(int dirfd, const char *path, int flags, char *want_name)
{
	int st;
	pid_t pid = fork();

	CHECK(pid >= 0, "fork");
	if (pid == 0) {
		setenv("WANT_EXECFN", want_name, 1);
		sys_execveat(dirfd, path, flags);
		_exit(100 + errno);
	}
	CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st), "child");
	return WEXITSTATUS(st);
}

int main(int argc, char **argv)
{
	char self[PATH_MAX], dir[PATH_MAX], name[PATH_MAX], want[PATH_MAX + 32];
	char link[] = "/tmp/execveat.XXXXXX";
	ssize_t n;
	int dfd, fd;

	if (argc > 1 && !strcmp(argv[1], "child")) {
		const char *w = getenv("WANT_EXECFN"), *got = (const char *)getauxval(AT_EXECFN);
		return w && got && !strcmp(w, got) ? 0 : 1;
	}
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	CHECK(n > 0, "readlink /proc/self/exe: %s", strerror(errno));
	self[n] = 0;
	strcpy(dir, self);
	strcpy(name, basename(self));
	dfd = open(dirname(dir), O_DIRECTORY);
	CHECK(dfd >= 0, "open %s: %s", dir, strerror(errno));

	snprintf(want, sizeof(want), "/dev/fd/%d/%s", dfd, name);
	CHECK(run(dfd, name, 0, want) == 0, "relative to a dirfd (status %d)",
	      run(dfd, name, 0, want));
	CHECK(run(-1, self, 0, self) == 0, "an absolute path ignores the dirfd");
	CHECK(run(AT_FDCWD, self, 0, self) == 0, "AT_FDCWD");

	fd = open(self, O_RDONLY);
	CHECK(fd >= 0, "open self");
	snprintf(want, sizeof(want), "/dev/fd/%d", fd);
	CHECK(run(fd, "", AT_EMPTY_PATH, want) == 0, "AT_EMPTY_PATH");

	CHECK(mkdtemp(link), "mkdtemp");
	strcat(link, "/l");
	CHECK_OK(symlink(self, link));
	CHECK(run(AT_FDCWD, link, 0, link) == 0, "through a symlink");
	CHECK(run(AT_FDCWD, link, AT_SYMLINK_NOFOLLOW, link) == 100 + ELOOP,
	      "AT_SYMLINK_NOFOLLOW: want ELOOP");
	unlink(link);
	rmdir(dirname(link));

	CHECK(run(dfd, name, 0x4000000, "") == 100 + EINVAL, "unknown flag: want EINVAL");
	CHECK(run(-1, name, 0, "") == 100 + EBADF, "bad dirfd: want EBADF");
	CHECK(run(fd, name, 0, "") == 100 + ENOTDIR, "a file as dirfd: want ENOTDIR");
	return 0;
}
