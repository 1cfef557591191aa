/* chmod/fchmod/fchmodat: all 12 permission bits read back, the file type
 * is untouched, chmod follows symlinks to their target, and the usual
 * lookup and fd errors. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sys/stat.h>
#include "check.h"

static char dir[] = "/tmp/cvt.XXXXXX";
static int dfd;

static mode_t mode_of(const char *name, int flags)
{
	struct stat st;
	CHECK(fstatat(dfd, name, &st, flags) == 0, "stat %s: %s", name,
	      strerror(errno));
	return st.st_mode;
}

int main(void)
{
	char path[512];
	struct stat st;

	CHECK(mkdtemp(dir), "mkdtemp: %s", strerror(errno));
	dfd = open(dir, O_RDONLY | O_DIRECTORY);
	CHECK(dfd >= 0, "open dir");
	snprintf(path, sizeof(path), "%s/f", dir);
	int fd = open(path, O_RDWR | O_CREAT, 0600);
	CHECK(fd >= 0, "create: %s", strerror(errno));

	static const mode_t modes[] = { 0, 0777, 0421, 04755, 02711, 01777, 07000, 0644 };
	for (unsigned i = 0; i < sizeof(modes) / sizeof(*modes); i++) {
		CHECK_OK(chmod(path, modes[i]));
		CHECK(mode_of("f", 0) == (S_IFREG | modes[i]), "chmod %#o: got %#o",
		      (unsigned)modes[i], (unsigned)mode_of("f", 0));
	}
	/* Bits above 07777 are ignored, not an error. */
	CHECK_OK(chmod(path, S_IFDIR | 0640));
	CHECK(mode_of("f", 0) == (S_IFREG | 0640), "type bits leaked into the mode");

	CHECK_OK(fchmod(fd, 0604));
	CHECK(fstat(fd, &st) == 0 && st.st_mode == (S_IFREG | 0604), "fchmod");
	CHECK(syscall(SYS_fchmodat, dfd, "f", 0611) == 0, "fchmodat: %s",
	      strerror(errno));
	CHECK(mode_of("f", 0) == (S_IFREG | 0611), "fchmodat");

	/* Directories keep their type too. */
	CHECK_OK(mkdirat(dfd, "d", 0755));
	CHECK(syscall(SYS_fchmodat, dfd, "d", 01700) == 0, "fchmodat dir");
	CHECK(mode_of("d", 0) == (S_IFDIR | 01700), "dir mode");

	/* Through a symlink: the target changes, the link does not. */
	CHECK_OK(symlinkat("f", dfd, "l"));
	mode_t lmode = mode_of("l", AT_SYMLINK_NOFOLLOW);
	CHECK(syscall(SYS_fchmodat, dfd, "l", 0640) == 0, "chmod via link");
	CHECK(mode_of("f", 0) == (S_IFREG | 0640), "target mode");
	CHECK(mode_of("l", AT_SYMLINK_NOFOLLOW) == lmode, "link mode changed");
	/* glibc refuses AT_SYMLINK_NOFOLLOW on a link in userspace or via
	 * fchmodat2; either way it must not succeed. */
	errno = 0;
	CHECK(fchmodat(dfd, "l", 0600, AT_SYMLINK_NOFOLLOW) == -1 &&
		      (errno == EOPNOTSUPP || errno == ENOTSUP),
	      "fchmodat NOFOLLOW on a link: %s", strerror(errno));

	/* An O_PATH fd cannot be used for fchmod. */
	int pfd = openat(dfd, "f", O_PATH);
	CHECK(pfd >= 0, "O_PATH");
	CHECK_ERRNO(fchmod(pfd, 0600), EBADF);
	CHECK_ERRNO(fchmod(4321, 0600), EBADF);
	CHECK_ERRNO(chmod("/nonexistent/x", 0600), ENOENT);
	CHECK_ERRNO(syscall(SYS_fchmodat, dfd, "f/x", 0600), ENOTDIR);
	CHECK_ERRNO(syscall(SYS_fchmodat, 4321, "f", 0600), EBADF);
	CHECK_ERRNO(syscall(SYS_chmod, KERNEL_PTR, 0600), EFAULT);
	CHECK_OK(symlinkat("l2", dfd, "l1"));
	CHECK_OK(symlinkat("l1", dfd, "l2"));
	CHECK_ERRNO(syscall(SYS_fchmodat, dfd, "l1", 0600), ELOOP);

	CHECK_OK(close(pfd));
	CHECK_OK(close(fd));
	CHECK_OK(unlinkat(dfd, "l1", 0));
	CHECK_OK(unlinkat(dfd, "l2", 0));
	CHECK_OK(unlinkat(dfd, "l", 0));
	CHECK_OK(unlinkat(dfd, "f", 0));
	CHECK_OK(unlinkat(dfd, "d", AT_REMOVEDIR));
	CHECK_OK(close(dfd));
	CHECK_OK(rmdir(dir));
	return 0;
}
