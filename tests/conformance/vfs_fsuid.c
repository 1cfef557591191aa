/* New files belong to the creator's fsuid and fsgid (setfsuid and
 * setfsgid), not its effective ids: files, directories, FIFOs and
 * symlinks.  Also O_NOATIME: only the file's owner or CAP_FOWNER may ask
 * for it, at open or with F_SETFL (EPERM).  Needs root. */
#define _GNU_SOURCE
#include <sys/fsuid.h>
#include "perm.h"

static void owned(const char *name, uid_t u, gid_t g)
{
	struct stat st;

	CHECK(lstat(at(name), &st) == 0, "lstat %s: %s", name, strerror(errno));
	CHECK(st.st_uid == u && st.st_gid == g, "%s: %u:%u, want %u:%u", name, st.st_uid,
	      st.st_gid, (unsigned)u, (unsigned)g);
}

/* root with fsuid 1234 and fsgid 5678 (which drops its file capabilities) */
static void fsids(void)
{
	int fd;

	setfsuid(1234);
	setfsgid(5678);
	CHECK(setfsuid(-1) == 1234 && setfsgid(-1) == 5678, "setfsuid/setfsgid");
	fd = open(at("w/f"), O_WRONLY | O_CREAT | O_EXCL, 0644);
	CHECK(fd >= 0, "create: %s", strerror(errno));
	close(fd);
	owned("w/f", 1234, 5678);
	CHECK_OK(mkdir(at("w/d"), 0755));
	owned("w/d", 1234, 5678);
	CHECK_OK(mknod(at("w/p"), S_IFIFO | 0644, 0));
	owned("w/p", 1234, 5678);
	CHECK_OK(symlink("f", at("w/l")));
	owned("w/l", 1234, 5678);
	/* fsuid 1234 is not the owner of root's 0755 directory: no write */
	CHECK_ERRNO(open(at("r/f"), O_WRONLY | O_CREAT, 0644), EACCES);
}

static int noatime_open(const char *name)
{
	int fd = open(at(name), O_RDONLY | O_NOATIME);

	if (fd >= 0)
		close(fd);
	return fd < 0 ? -1 : 0;
}

static void noatime(void)
{
	int fd;

	caps_become(1000, 1000, 0, 0, NULL);
	CHECK_ERRNO(noatime_open("theirs"), EPERM);
	CHECK_OK(noatime_open("mine"));
	fd = open(at("theirs"), O_RDONLY);
	CHECK(fd >= 0, "open: %s", strerror(errno));
	CHECK_ERRNO(fcntl(fd, F_SETFL, O_NOATIME), EPERM);
	CHECK(!(fcntl(fd, F_GETFL) & O_NOATIME), "F_SETFL took O_NOATIME");
	CHECK_OK(fcntl(fd, F_SETFL, O_NONBLOCK));
	close(fd);
	fd = open(at("mine"), O_RDONLY);
	CHECK_OK(fcntl(fd, F_SETFL, O_NOATIME));
	CHECK(fcntl(fd, F_GETFL) & O_NOATIME, "F_GETFL lost O_NOATIME");
	close(fd);
}

static void noatime_fowner(void)
{
	caps_become(1000, 1000, BIT(CAP_FOWNER), 0, NULL);
	CHECK_OK(noatime_open("theirs"));
}

int main(void)
{
	int fd;

	make_top("vfs_fsuid");
	CHECK_OK(mkdir(at("w"), 0777));
	CHECK_OK(chmod(at("w"), 0777));
	CHECK_OK(mkdir(at("r"), 0755));
	fd = open(at("theirs"), O_WRONLY | O_CREAT, 0644);
	CHECK(fd >= 0, "create: %s", strerror(errno));
	close(fd);
	CHECK_OK(chown(at("theirs"), 1001, 1001));
	fd = open(at("mine"), O_WRONLY | O_CREAT, 0644);
	CHECK(fd >= 0, "create: %s", strerror(errno));
	close(fd);
	CHECK_OK(chown(at("mine"), 1000, 1000));
	in_child(fsids, "fsids");
	in_child(noatime, "noatime");
	in_child(noatime_fowner, "noatime_fowner");
	return 0;
}
