/* chroot(2): the directory becomes "/" for the caller's paths, and ".."
 * at it stays there; a child inherits it; the cwd is left as it was.
 * Errors: ENOENT, ENOTDIR, EFAULT, ENAMETOOLONG, and EPERM without
 * CAP_SYS_CHROOT (LTP's chroot01-04). */
#include <limits.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include "check.h"

static void in_child(void (*fn)(const char *), const char *dir)
{
	int st;
	pid_t pid = fork();

	CHECK(pid >= 0, "fork");
	if (pid == 0) {
		fn(dir);
		_exit(0);
	}
	CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0,
	      "child failed (status %#x)", st);
}

static void jailed(const char *dir)
{
	struct stat st;
	pid_t pid;

	char cwd[4096];

	CHECK(chroot(dir) == 0, "chroot %s: %s", dir, strerror(errno));
	/* the cwd is outside the new root until the chdir: getcwd says so
	 * (CVE-2018-1000001: glibc's realpath must not take it for a path) */
	CHECK(syscall(SYS_getcwd, cwd, sizeof(cwd)) > 0, "getcwd: %s", strerror(errno));
	CHECK(!strncmp(cwd, "(unreachable)/", 14), "cwd outside the root reads %s", cwd);
	CHECK(realpath(".", NULL) == NULL && errno == ENOENT, "realpath(\".\") outside the root");
	CHECK_OK(chdir("/"));
	CHECK(getcwd(cwd, sizeof(cwd)) && !strcmp(cwd, "/"), "cwd after chdir: %s", cwd);
	CHECK(stat("/marker", &st) == 0, "/marker in the new root: %s", strerror(errno));
	CHECK(stat("/../../marker", &st) == 0, "\"..\" left the new root");
	CHECK_ERRNO(stat("/tmp", &st), ENOENT);
	pid = fork();
	if (pid == 0)
		_exit(stat("/marker", &st) == 0 ? 0 : 1);
	int ws;
	CHECK(waitpid(pid, &ws, 0) == pid && WIFEXITED(ws) && !WEXITSTATUS(ws),
	      "a child does not inherit the root");
}

static void unprivileged(const char *dir)
{
	CHECK_OK(setuid(65534));
	CHECK_ERRNO(chroot(dir), EPERM);
}

int main(void)
{
	char dir[] = "/tmp/chroot.XXXXXX", path[PATH_MAX + 16];
	int fd;

	if (geteuid() != 0)
		return 0;       /* the calls below need CAP_SYS_CHROOT */
	CHECK(mkdtemp(dir), "mkdtemp: %s", strerror(errno));
	CHECK_OK(chmod(dir, 0755));      /* searchable: EPERM, not EACCES, below */
	snprintf(path, sizeof(path), "%s/marker", dir);
	fd = open(path, O_CREAT | O_WRONLY, 0644);
	CHECK(fd >= 0, "create %s: %s", path, strerror(errno));
	close(fd);

	in_child(jailed, dir);
	in_child(unprivileged, dir);
	CHECK_ERRNO(chroot("/nonexistent/dir"), ENOENT);
	CHECK_ERRNO(chroot(path), ENOTDIR);
	CHECK_ERRNO(chroot(KERNEL_PTR), EFAULT);
	memset(path, 'a', sizeof(path) - 1);
	path[sizeof(path) - 1] = 0;
	CHECK_ERRNO(chroot(path), ENAMETOOLONG);

	snprintf(path, sizeof(path), "%s/marker", dir);
	unlink(path);
	rmdir(dir);
	return 0;
}
