/* link/linkat: hard links share the inode and its data, st_nlink counts
 * them, linkat follows a symlink only with AT_SYMLINK_FOLLOW, and
 * EEXIST/ENOENT/EPERM (directories)/EINVAL. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sys/stat.h>
#include "check.h"

static char dir[] = "/tmp/cvt.XXXXXX";
static int dfd;

static struct stat st_of(const char *name)
{
	struct stat st;
	CHECK(fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0, "stat %s: %s",
	      name, strerror(errno));
	return st;
}

int main(void)
{
	char a[512], b[512], buf[8];
	struct stat st;

	CHECK(mkdtemp(dir), "mkdtemp: %s", strerror(errno));
	dfd = open(dir, O_RDONLY | O_DIRECTORY);
	CHECK(dfd >= 0, "open dir");
	snprintf(a, sizeof(a), "%s/a", dir);
	snprintf(b, sizeof(b), "%s/b", dir);
	int fd = open(a, O_RDWR | O_CREAT, 0644);
	CHECK(fd >= 0, "create: %s", strerror(errno));

	CHECK_OK(link(a, b));
	CHECK(st_of("a").st_ino == st_of("b").st_ino, "different inodes");
	CHECK(st_of("a").st_nlink == 2, "nlink after link");
	/* Data written through one name is seen through the other. */
	CHECK(write(fd, "shared", 6) == 6, "write");
	int fd2 = open(b, O_RDONLY);
	CHECK(fd2 >= 0 && read(fd2, buf, 6) == 6 && memcmp(buf, "shared", 6) == 0,
	      "data through the other name");
	CHECK_OK(close(fd2));

	/* linkat relative to a dirfd; unlinking one name drops the count. */
	CHECK_OK(linkat(dfd, "a", dfd, "c", 0));
	CHECK(fstat(fd, &st) == 0 && st.st_nlink == 3, "nlink 3");
	CHECK_OK(unlink(b));
	CHECK(fstat(fd, &st) == 0 && st.st_nlink == 2, "nlink after unlink");

	/* Symlinks: by default linkat links the symlink itself. */
	CHECK_OK(symlinkat("a", dfd, "s"));
	CHECK_OK(linkat(dfd, "s", dfd, "s_nofollow", 0));
	CHECK(S_ISLNK(st_of("s_nofollow").st_mode) &&
		      st_of("s_nofollow").st_ino == st_of("s").st_ino,
	      "linkat without flags followed the link");
	CHECK_OK(linkat(dfd, "s", dfd, "s_follow", AT_SYMLINK_FOLLOW));
	CHECK(st_of("s_follow").st_ino == st_of("a").st_ino,
	      "AT_SYMLINK_FOLLOW did not follow");
	/* AT_EMPTY_PATH links the file an fd refers to (root may do this). */
	CHECK(linkat(fd, "", dfd, "e", AT_EMPTY_PATH) == 0, "AT_EMPTY_PATH: %s",
	      strerror(errno));
	CHECK(st_of("e").st_ino == st_of("a").st_ino, "AT_EMPTY_PATH target");

	CHECK_ERRNO(link(a, a), EEXIST);
	CHECK_ERRNO(linkat(dfd, "a", dfd, "s", 0), EEXIST);
	CHECK_ERRNO(linkat(dfd, "missing", dfd, "x", 0), ENOENT);
	CHECK_ERRNO(linkat(dfd, "a", dfd, "nodir/x", 0), ENOENT);
	CHECK_ERRNO(linkat(dfd, "a/x", dfd, "x", 0), ENOTDIR);
	CHECK_ERRNO(linkat(dfd, "s", dfd, "x", 0x1), EINVAL);
	CHECK_OK(mkdirat(dfd, "d", 0755));
	CHECK_ERRNO(linkat(dfd, "d", dfd, "x", 0), EPERM); /* no dir hard links */
	CHECK_ERRNO(linkat(4321, "a", dfd, "x", 0), EBADF);
	CHECK_ERRNO(syscall(SYS_link, KERNEL_PTR, b), EFAULT);

	/* The inode outlives names only while one remains. */
	const char *names[] = { "a", "c", "s_follow", "e" };
	for (int i = 0; i < 4; i++)
		CHECK_OK(unlinkat(dfd, names[i], 0));
	CHECK(fstat(fd, &st) == 0 && st.st_nlink == 0, "nlink %lu after all unlinks",
	      (unsigned long)st.st_nlink);
	CHECK_OK(close(fd));
	CHECK_OK(unlinkat(dfd, "s", 0));
	CHECK_OK(unlinkat(dfd, "s_nofollow", 0));
	CHECK_OK(unlinkat(dfd, "d", AT_REMOVEDIR));
	CHECK_OK(close(dfd));
	CHECK_OK(rmdir(dir));
	return 0;
}
