/* rename/renameat: moving and replacing files and directories, link
 * counts and ".." of a moved directory, the hard-link no-op, and the
 * type errors EISDIR/ENOTDIR/ENOTEMPTY/EINVAL (into own subdirectory). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sys/stat.h>
#include "check.h"

static char dir[] = "/tmp/cvt.XXXXXX";
static int dfd;

static ino_t ino(const char *name)
{
	struct stat st;
	CHECK(fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0, "stat %s: %s",
	      name, strerror(errno));
	return st.st_ino;
}

static nlink_t links(const char *name)
{
	struct stat st;
	CHECK(fstatat(dfd, name, &st, 0) == 0, "stat %s", name);
	return st.st_nlink;
}

static void touch(const char *name)
{
	int fd = openat(dfd, name, O_WRONLY | O_CREAT, 0644);
	CHECK(fd >= 0, "create %s: %s", name, strerror(errno));
	close(fd);
}

int main(void)
{
	struct stat st;

	CHECK(mkdtemp(dir), "mkdtemp: %s", strerror(errno));
	CHECK_OK(chdir(dir));
	dfd = open(".", O_RDONLY | O_DIRECTORY);
	CHECK(dfd >= 0, "open dir");

	/* A plain move keeps the inode. */
	touch("a");
	ino_t ia = ino("a");
	CHECK_OK(rename("a", "b"));
	CHECK_ERRNO(stat("a", &st), ENOENT);
	CHECK(ino("b") == ia, "rename changed the inode");

	/* Replacing a file: the victim lives on through its open fd. */
	touch("c");
	int fd = open("c", O_RDONLY);
	CHECK_OK(renameat(dfd, "b", dfd, "c"));
	CHECK(ino("c") == ia, "c is not the renamed file");
	CHECK(fstat(fd, &st) == 0 && st.st_nlink == 0, "victim nlink %lu",
	      (unsigned long)st.st_nlink);
	CHECK_OK(close(fd));

	/* Same file: a no-op, whether by name or by another hard link. */
	CHECK_OK(rename("c", "c"));
	CHECK_OK(link("c", "c2"));
	CHECK_OK(rename("c", "c2"));
	CHECK(ino("c") == ia && ino("c2") == ia, "hard-link rename is a no-op");
	CHECK_OK(unlink("c2"));

	/* Directories move with their contents; link counts follow. */
	CHECK_OK(mkdir("d1", 0755));
	CHECK_OK(mkdir("d2", 0755));
	CHECK_OK(mkdir("d1/sub", 0755));
	touch("d1/sub/x");
	CHECK_OK(rename("d1/sub", "d2/sub"));
	CHECK(links("d1") == 2 && links("d2") == 3, "nlink d1 %lu d2 %lu",
	      (unsigned long)links("d1"), (unsigned long)links("d2"));
	CHECK(ino("d2/sub/..") == ino("d2"), "'..' of a moved dir is stale");
	CHECK(stat("d2/sub/x", &st) == 0, "contents did not move");

	/* Over an empty directory: allowed. Over a non-empty one: not. */
	CHECK_OK(rename("d1", "d2/sub/empty")); /* just to make sub non-empty */
	CHECK_OK(mkdir("e", 0755));
	CHECK_ERRNO(rename("e", "d2"), ENOTEMPTY);
	CHECK_OK(mkdir("e2", 0755));
	CHECK_OK(rename("e", "e2"));
	CHECK_ERRNO(stat("e", &st), ENOENT);

	/* Type mismatches. */
	CHECK_ERRNO(rename("c", "e2"), EISDIR);
	CHECK_ERRNO(rename("e2", "c"), ENOTDIR);
	CHECK_ERRNO(rename("c/", "z"), ENOTDIR);
	/* A directory cannot move below itself. */
	CHECK_ERRNO(rename("d2", "d2/sub/inside"), EINVAL);
	CHECK_ERRNO(rename("d2", "d2/sub"), EINVAL);
	errno = 0;
	CHECK(rename("d2/sub", "d2") == -1 &&
		      (errno == ENOTEMPTY || errno == EEXIST),
	      "rename onto own ancestor: %s", strerror(errno));

	CHECK_ERRNO(rename("missing", "z"), ENOENT);
	CHECK_ERRNO(rename("c", "nodir/z"), ENOENT);
	CHECK_ERRNO(rename("c", "c/z"), ENOTDIR);
	CHECK_ERRNO(renameat(4321, "c", dfd, "z"), EBADF);
	CHECK_ERRNO(syscall(SYS_rename, KERNEL_PTR, "z"), EFAULT);

	CHECK_OK(unlink("c"));
	CHECK_OK(unlink("d2/sub/x"));
	CHECK_OK(rmdir("d2/sub/empty"));
	CHECK_OK(rmdir("d2/sub"));
	CHECK_OK(rmdir("d2"));
	CHECK_OK(rmdir("e2"));
	CHECK_OK(close(dfd));
	CHECK_OK(chdir("/"));
	CHECK_OK(rmdir(dir));
	return 0;
}
