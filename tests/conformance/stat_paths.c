/* stat/lstat/fstat/newfstatat on files, directories and symlinks:
 * types, sizes, link counts, AT_SYMLINK_NOFOLLOW, AT_EMPTY_PATH, and the
 * path errors ENOENT/ENOTDIR/ELOOP/EINVAL/EFAULT/EBADF. */
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

int main(void)
{
	struct stat st, ls, fs;

	CHECK(mkdtemp(dir), "mkdtemp: %s", strerror(errno));
	int fd = open(at("f"), O_RDWR | O_CREAT, 0640);
	CHECK(fd >= 0 && write(fd, "12345", 5) == 5, "create f");
	CHECK_OK(mkdir(at("d"), 0755));
	CHECK_OK(symlink("f", at("l")));

	CHECK(stat(at("f"), &st) == 0, "stat f: %s", strerror(errno));
	CHECK(S_ISREG(st.st_mode) && (st.st_mode & 07777) == 0640, "f mode %#o",
	      (unsigned)st.st_mode);
	CHECK(st.st_size == 5 && st.st_nlink == 1, "f size %ld nlink %lu",
	      (long)st.st_size, (unsigned long)st.st_nlink);
	CHECK(st.st_uid == getuid() && st.st_gid == getgid(), "f owner");
	CHECK(fstat(fd, &fs) == 0 && fs.st_ino == st.st_ino &&
		      fs.st_dev == st.st_dev && fs.st_size == 5,
	      "fstat disagrees with stat");

	/* A directory: 2 links plus one per subdirectory. */
	CHECK(stat(at("d"), &st) == 0 && S_ISDIR(st.st_mode) && st.st_nlink == 2,
	      "d: mode %#o nlink %lu", (unsigned)st.st_mode,
	      (unsigned long)st.st_nlink);
	CHECK(stat(dir, &st) == 0 && st.st_nlink == 3, "dir nlink %lu, want 3",
	      (unsigned long)st.st_nlink);

	/* stat follows the symlink, lstat does not; a symlink's size is the
	 * length of its target. */
	CHECK(stat(at("l"), &st) == 0 && S_ISREG(st.st_mode) && st.st_ino == fs.st_ino,
	      "stat l");
	CHECK(lstat(at("l"), &ls) == 0 && S_ISLNK(ls.st_mode) && ls.st_size == 1 &&
		      ls.st_ino != fs.st_ino,
	      "lstat l: mode %#o size %ld", (unsigned)ls.st_mode, (long)ls.st_size);

	/* newfstatat: relative to a dirfd, with and without following. */
	int dfd = open(dir, O_RDONLY | O_DIRECTORY);
	CHECK(dfd >= 0, "open dir");
	CHECK(fstatat(dfd, "l", &st, 0) == 0 && S_ISREG(st.st_mode), "fstatat l");
	CHECK(fstatat(dfd, "l", &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode),
	      "fstatat l NOFOLLOW");
	/* AT_EMPTY_PATH: the fd itself, which may be a directory or O_PATH. */
	CHECK(fstatat(dfd, "", &st, AT_EMPTY_PATH) == 0 && S_ISDIR(st.st_mode),
	      "AT_EMPTY_PATH dir");
	int pfd = open(at("l"), O_PATH | O_NOFOLLOW);
	CHECK(pfd >= 0, "O_PATH|O_NOFOLLOW: %s", strerror(errno));
	CHECK(fstatat(pfd, "", &st, AT_EMPTY_PATH) == 0 && S_ISLNK(st.st_mode),
	      "AT_EMPTY_PATH on an O_PATH symlink");
	CHECK_ERRNO(fstatat(dfd, "", &st, 0), ENOENT); /* no AT_EMPTY_PATH */
	CHECK_ERRNO(fstatat(dfd, "f", &st, 0x4000000), EINVAL);
	CHECK_ERRNO(fstatat(1234, "f", &st, 0), EBADF);
	CHECK_ERRNO(fstatat(fd, "x", &st, 0), ENOTDIR);

	CHECK_ERRNO(stat(at("nope"), &st), ENOENT);
	CHECK_ERRNO(stat(at("f/x"), &st), ENOTDIR);
	CHECK_ERRNO(stat(at("f/"), &st), ENOTDIR); /* trailing slash on a file */
	CHECK_ERRNO(lstat(at("l/"), &st), ENOTDIR); /* ...resolves the link */
	CHECK_OK(symlink("loop", at("loop")));
	CHECK_ERRNO(stat(at("loop"), &st), ELOOP);
	CHECK(lstat(at("loop"), &st) == 0, "lstat of a loop is fine");
	CHECK_ERRNO(syscall(SYS_stat, KERNEL_PTR, &st), EFAULT);
	CHECK_ERRNO(syscall(SYS_lstat, at("f"), KERNEL_PTR), EFAULT);

	CHECK_OK(close(pfd));
	CHECK_OK(close(dfd));
	CHECK_OK(close(fd));
	CHECK_OK(unlink(at("loop")));
	CHECK_OK(unlink(at("l")));
	CHECK_OK(unlink(at("f")));
	CHECK_OK(rmdir(at("d")));
	CHECK_OK(rmdir(dir));
	return 0;
}
