/* renameat2 flags: RENAME_NOREPLACE refuses to clobber (EEXIST),
 * RENAME_EXCHANGE atomically swaps two names (even a file and a
 * directory) and needs both to exist; bad flag mixes are EINVAL. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
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

static long r2(const char *a, const char *b, unsigned flags)
{
	return syscall(SYS_renameat2, dfd, a, dfd, b, flags);
}

int main(void)
{
	struct stat st;

	CHECK(mkdtemp(dir), "mkdtemp: %s", strerror(errno));
	dfd = open(dir, O_RDONLY | O_DIRECTORY);
	CHECK(dfd >= 0, "open dir");
	CHECK_OK(close(openat(dfd, "a", O_WRONLY | O_CREAT, 0644)));
	CHECK_OK(close(openat(dfd, "b", O_WRONLY | O_CREAT, 0644)));
	ino_t ia = ino("a"), ib = ino("b");

	/* flags 0 is plain renameat. */
	CHECK(r2("a", "a1", 0) == 0 && ino("a1") == ia, "flags 0");
	CHECK_OK(r2("a1", "a", 0));

	/* NOREPLACE: fails on an existing target and changes nothing. */
	CHECK_ERRNO(r2("a", "b", RENAME_NOREPLACE), EEXIST);
	CHECK(ino("a") == ia && ino("b") == ib, "failed NOREPLACE changed names");
	/* A dangling symlink still counts as existing. */
	CHECK_OK(symlinkat("nowhere", dfd, "dl"));
	CHECK_ERRNO(r2("a", "dl", RENAME_NOREPLACE), EEXIST);
	CHECK(r2("a", "c", RENAME_NOREPLACE) == 0 && ino("c") == ia,
	      "NOREPLACE to a free name: %s", strerror(errno));
	CHECK_ERRNO(fstatat(dfd, "a", &st, 0), ENOENT);

	/* EXCHANGE: both names stay, inodes swap. */
	CHECK(r2("b", "c", RENAME_EXCHANGE) == 0, "EXCHANGE: %s", strerror(errno));
	CHECK(ino("b") == ia && ino("c") == ib, "EXCHANGE did not swap");
	/* A file and a directory in different parents; ".." follows. */
	CHECK_OK(mkdirat(dfd, "p", 0755));
	CHECK_OK(mkdirat(dfd, "d", 0755));
	ino_t id = ino("d");
	CHECK_OK(renameat(dfd, "b", dfd, "p/f"));
	CHECK(r2("d", "p/f", RENAME_EXCHANGE) == 0, "EXCHANGE file<->dir: %s",
	      strerror(errno));
	CHECK(ino("p/f") == id && ino("d") == ia, "file/dir swap");
	CHECK(ino("p/f/..") == ino("p"), "'..' of the swapped dir");

	/* EXCHANGE needs two existing names. */
	CHECK_ERRNO(r2("c", "missing", RENAME_EXCHANGE), ENOENT);
	CHECK_ERRNO(r2("missing", "c", RENAME_EXCHANGE), ENOENT);
	/* A directory swapped below itself. */
	CHECK_ERRNO(r2("p", "p/f", RENAME_EXCHANGE), EINVAL);

	CHECK_ERRNO(r2("c", "d", RENAME_NOREPLACE | RENAME_EXCHANGE), EINVAL);
	CHECK_ERRNO(r2("c", "x", 0x100), EINVAL);
	CHECK_ERRNO(syscall(SYS_renameat2, 4321, "c", dfd, "x", 0), EBADF);

	CHECK_OK(unlinkat(dfd, "dl", 0));
	CHECK_OK(unlinkat(dfd, "c", 0));
	CHECK_OK(unlinkat(dfd, "d", 0));
	CHECK_OK(unlinkat(dfd, "p/f", AT_REMOVEDIR));
	CHECK_OK(unlinkat(dfd, "p", AT_REMOVEDIR));
	CHECK_OK(close(dfd));
	CHECK_OK(rmdir(dir));
	return 0;
}
