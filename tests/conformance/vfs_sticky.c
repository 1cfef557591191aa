/* The sticky bit (Linux's may_delete and check_sticky): in a directory
 * with S_ISVTX, only the owner of a file, the owner of the directory or
 * CAP_FOWNER may unlink, rmdir or rename it, or replace it by a rename;
 * write and search permission on the directory are needed besides.
 * Files made by the parent as root, each case in a child that becomes
 * uid 1000.  Needs root. */
#define _GNU_SOURCE
#include <stdbool.h>
#include "perm.h"

static void mk(const char *name, uid_t u, mode_t m, bool dir)
{
	if (dir) {
		CHECK_OK(mkdir(at(name), m));
	} else {
		int fd = open(at(name), O_WRONLY | O_CREAT | O_EXCL, m);

		CHECK(fd >= 0, "create %s: %s", name, strerror(errno));
		close(fd);
	}
	CHECK_OK(chown(at(name), u, u));
	CHECK_OK(chmod(at(name), m));
}

/* uid 1000 without capabilities in a sticky directory of root's */
static void stranger(void)
{
	caps_become(1000, 1000, 0, 0, NULL);
	CHECK_ERRNO(unlink(at("s/theirs")), EPERM);
	CHECK_ERRNO(rename(at("s/theirs"), at("s/moved")), EPERM);
	CHECK_ERRNO(rmdir(at("s/theirdir")), EPERM);
	/* replacing someone else's file is deleting it */
	CHECK_ERRNO(rename(at("s/mine"), at("s/theirs")), EPERM);
	CHECK_ERRNO(rename(at("s/theirs"), at("open/x")), EPERM);
	CHECK_ERRNO(renameat2(AT_FDCWD, at("s/mine"), AT_FDCWD, at("s/theirs"),
			      RENAME_EXCHANGE), EPERM);
	/* the file's owner may */
	CHECK_OK(rename(at("s/mine"), at("s/mine2")));
	CHECK_OK(unlink(at("s/mine2")));
	/* without the sticky bit, write permission on the directory is enough */
	CHECK_OK(unlink(at("open/theirs")));
	/* the directory's owner may remove anyone's file in it */
	CHECK_OK(unlink(at("own/theirs")));
	CHECK_OK(rename(at("own/theirs2"), at("own/moved")));
	/* sticky or not, no write permission on the directory is EACCES */
	CHECK_ERRNO(unlink(at("ro/mine")), EACCES);
}

/* uid 1000 with CAP_FOWNER: the sticky bit does not stop it */
static void fowner(void)
{
	caps_become(1000, 1000, BIT(CAP_FOWNER), 0, NULL);
	CHECK_OK(unlink(at("s/theirs")));
	CHECK_OK(rmdir(at("s/theirdir")));
}

int main(void)
{
	make_top("vfs_sticky");
	umask(0);
	mk("s", 0, 01777, true);
	mk("s/theirs", 1001, 0666, false);
	mk("s/theirdir", 1001, 0777, true);
	mk("s/mine", 1000, 0644, false);
	mk("open", 0, 0777, true);
	mk("open/theirs", 1001, 0644, false);
	mk("own", 1000, 01777, true);
	mk("own/theirs", 1001, 0644, false);
	mk("own/theirs2", 1001, 0644, false);
	mk("ro", 0, 01755, true);
	mk("ro/mine", 1000, 0644, false);
	in_child(stranger, "stranger");
	in_child(fowner, "fowner");
	CHECK_OK(access(at("own/moved"), F_OK));
	CHECK_ERRNO(access(at("s/theirs"), F_OK), ENOENT);
	return 0;
}
