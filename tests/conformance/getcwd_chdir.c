/* getcwd/chdir/fchdir: relative lookups follow the cwd, getcwd reports
 * the resolved absolute path (symlinks expanded), ERANGE for small
 * buffers, ENOENT once the cwd has been removed. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sys/stat.h>
#include "check.h"

static char dir[] = "/tmp/cvt.XXXXXX";

static void cwd_is(const char *want)
{
	char buf[1024];
	long n = syscall(SYS_getcwd, buf, sizeof(buf));
	CHECK(n > 0, "getcwd: %s", strerror(errno));
	/* The raw syscall returns the length including the NUL. */
	CHECK(n == (long)strlen(buf) + 1, "getcwd returned %ld for '%s'", n, buf);
	CHECK(strcmp(buf, want) == 0, "cwd '%s', want '%s'", buf, want);
}

int main(void)
{
	char sub[512], buf[1024];
	struct stat a, b;

	CHECK(mkdtemp(dir), "mkdtemp: %s", strerror(errno));
	snprintf(sub, sizeof(sub), "%s/sub", dir);
	CHECK_OK(mkdir(sub, 0755));

	CHECK_OK(chdir(dir));
	cwd_is(dir);
	/* Relative names now resolve in dir. */
	int fd = open("f", O_RDWR | O_CREAT, 0644);
	CHECK(fd >= 0, "relative create: %s", strerror(errno));
	CHECK(stat("f", &a) == 0 && fstat(fd, &b) == 0 && a.st_ino == b.st_ino,
	      "relative stat");

	CHECK_OK(chdir("sub"));
	cwd_is(sub);
	CHECK(stat("../f", &a) == 0 && a.st_ino == b.st_ino, "../f");
	CHECK_OK(chdir(".."));
	cwd_is(dir);

	/* fchdir to a saved directory fd. */
	int sfd = open(sub, O_RDONLY | O_DIRECTORY);
	CHECK(sfd >= 0, "open sub");
	CHECK_OK(fchdir(sfd));
	cwd_is(sub);

	/* chdir through a symlink: getcwd shows where we really are. */
	CHECK_OK(symlinkat("sub", AT_FDCWD, "../lnk"));
	CHECK_OK(chdir("../lnk"));
	cwd_is(sub);

	CHECK_ERRNO(chdir("nope"), ENOENT);
	CHECK_ERRNO(chdir("../f"), ENOTDIR);
	CHECK_ERRNO(fchdir(fd), ENOTDIR);
	CHECK_ERRNO(fchdir(4321), EBADF);
	CHECK_ERRNO(syscall(SYS_chdir, KERNEL_PTR), EFAULT);
	cwd_is(sub); /* failures changed nothing */

	/* Buffers: too small is ERANGE, bad pointer EFAULT. */
	CHECK_ERRNO(syscall(SYS_getcwd, buf, strlen(sub)), ERANGE); /* no room for NUL */
	CHECK(syscall(SYS_getcwd, buf, strlen(sub) + 1) > 0, "exact fit");
	CHECK_ERRNO(syscall(SYS_getcwd, buf, 0), ERANGE);
	CHECK_ERRNO(syscall(SYS_getcwd, KERNEL_PTR, sizeof(buf)), EFAULT);

	/* Remove the cwd from under us: getcwd is ENOENT, creating in it
	 * fails, and "." still names the (dead) directory. */
	CHECK_OK(rmdir(sub));
	CHECK_ERRNO(syscall(SYS_getcwd, buf, sizeof(buf)), ENOENT);
	CHECK_ERRNO(open("x", O_RDWR | O_CREAT, 0644), ENOENT);
	CHECK(stat(".", &a) == 0 && S_ISDIR(a.st_mode) && a.st_nlink == 0,
	      "stat of a removed cwd: nlink %lu", (unsigned long)a.st_nlink);

	CHECK_OK(chdir("/"));
	cwd_is("/");
	CHECK_OK(close(sfd));
	CHECK_OK(close(fd));
	snprintf(buf, sizeof(buf), "%s/f", dir);
	CHECK_OK(unlink(buf));
	snprintf(buf, sizeof(buf), "%s/lnk", dir);
	CHECK_OK(unlink(buf));
	CHECK_OK(rmdir(dir));
	return 0;
}
