/* mkdir/mkdirat/rmdir: the mode is masked by umask, the parent's link
 * count tracks subdirectories, and the errors EEXIST/ENOENT/ENOTDIR/
 * ENOTEMPTY, EINVAL for "." and EBUSY-or-ENOTEMPTY for "..". */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sys/stat.h>
#include "check.h"

static char dir[] = "/tmp/cvt.XXXXXX";

static const char *at(const char *name)
{
	static char buf[4][512];
	static int n;
	char *b = buf[n++ % 4];
	snprintf(b, 512, "%s/%s", dir, name);
	return b;
}

static nlink_t nlink(const char *p)
{
	struct stat st;
	CHECK(stat(p, &st) == 0, "stat %s: %s", p, strerror(errno));
	return st.st_nlink;
}

int main(void)
{
	struct stat st;

	umask(022);
	CHECK(mkdtemp(dir), "mkdtemp: %s", strerror(errno));
	CHECK(nlink(dir) == 2, "empty dir nlink");

	CHECK_OK(mkdir(at("a"), 0777));
	CHECK(stat(at("a"), &st) == 0 && S_ISDIR(st.st_mode) &&
		      (st.st_mode & 0777) == 0755,
	      "mode %#o, want 0755 (umask 022)", (unsigned)st.st_mode);
	CHECK(nlink(dir) == 3, "parent nlink after mkdir");

	int dfd = open(dir, O_RDONLY | O_DIRECTORY);
	CHECK(dfd >= 0, "open dir");
	CHECK_OK(mkdirat(dfd, "a/b", 0700));
	CHECK(stat(at("a/b"), &st) == 0 && (st.st_mode & 0777) == 0700, "mkdirat");
	CHECK(nlink(at("a")) == 3 && nlink(dir) == 3, "nlink after nested mkdir");
	/* A trailing slash is fine for mkdir. */
	CHECK_OK(mkdir(at("c/"), 0755));

	CHECK_ERRNO(mkdir(at("a"), 0755), EEXIST);
	CHECK_ERRNO(mkdirat(dfd, "a/b", 0755), EEXIST);
	CHECK_ERRNO(mkdir(at("x/y"), 0755), ENOENT);
	int fd = openat(dfd, "f", O_RDWR | O_CREAT, 0644);
	CHECK(fd >= 0, "create f");
	CHECK_ERRNO(mkdir(at("f"), 0755), EEXIST);
	CHECK_ERRNO(mkdir(at("f/x"), 0755), ENOTDIR);
	CHECK_ERRNO(mkdirat(fd, "x", 0755), ENOTDIR);
	CHECK_ERRNO(mkdirat(4321, "x", 0755), EBADF);
	CHECK_ERRNO(syscall(SYS_mkdir, KERNEL_PTR, 0755), EFAULT);
	/* mkdir over a dangling symlink does not follow it. */
	CHECK_OK(symlinkat("gone", dfd, "dl"));
	CHECK_ERRNO(mkdir(at("dl"), 0755), EEXIST);

	/* rmdir. */
	CHECK_ERRNO(rmdir(at("a")), ENOTEMPTY);
	CHECK_ERRNO(rmdir(at("a/b/.")), EINVAL);
	CHECK_ERRNO(rmdir("."), EINVAL);
	errno = 0;
	CHECK(rmdir(at("a/b/..")) == -1 && (errno == ENOTEMPTY || errno == EBUSY),
	      "rmdir ..: %s", strerror(errno));
	CHECK_ERRNO(rmdir(at("f")), ENOTDIR);
	CHECK_ERRNO(rmdir(at("dl")), ENOTDIR); /* the link is not followed */
	CHECK_ERRNO(rmdir(at("nope")), ENOENT);
	CHECK_ERRNO(rmdir("/"), EBUSY);

	CHECK_OK(rmdir(at("a/b")));
	CHECK(nlink(at("a")) == 2, "nlink after rmdir");
	CHECK_OK(rmdir(at("a/")));
	CHECK_ERRNO(stat(at("a"), &st), ENOENT);
	CHECK(nlink(dir) == 3, "dir nlink back to 3 (only c)");

	CHECK_OK(close(fd));
	CHECK_OK(unlinkat(dfd, "f", 0));
	CHECK_OK(unlinkat(dfd, "dl", 0));
	CHECK_OK(unlinkat(dfd, "c", AT_REMOVEDIR));
	CHECK_OK(close(dfd));
	CHECK_OK(rmdir(dir));
	return 0;
}
