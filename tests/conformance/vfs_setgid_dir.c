/* Ownership of new files (Linux's inode_init_owner and mode_strip_sgid):
 * a new file is owned by the creator's fsuid and fsgid, or by the group
 * of its directory when that is set-group-ID; a directory made there is
 * set-group-ID too; a set-group-ID file made there by someone outside
 * the group and without CAP_FSETID loses S_ISGID (with group execute).
 * Needs root. */
#define _GNU_SOURCE
#include "perm.h"

static struct stat st_of(const char *name)
{
	struct stat st;

	CHECK(lstat(at(name), &st) == 0, "lstat %s: %s", name, strerror(errno));
	return st;
}

static void create(const char *name, mode_t mode)
{
	int fd = open(at(name), O_WRONLY | O_CREAT | O_EXCL, mode);

	CHECK(fd >= 0, "create %s: %s", name, strerror(errno));
	close(fd);
}

#define OWNED(name, u, g, m)                                                        \
	do {                                                                        \
		struct stat s_ = st_of(name);                                       \
		CHECK(s_.st_uid == (u) && s_.st_gid == (g) &&                       \
		      (s_.st_mode & 07777) == (m), "%s: %u:%u %#o, want %u:%u %#o", \
		      name, s_.st_uid, s_.st_gid, s_.st_mode & 07777, (unsigned)(u), \
		      (unsigned)(g), (unsigned)(m));                                \
	} while (0)

/* uid 1000, gid 1000, not in group 2000 */
static void outsider(void)
{
	caps_become(1000, 1000, 0, 0, NULL);
	umask(0);
	create("sg/f", 0644);
	OWNED("sg/f", 1000, 2000, 0644);
	CHECK_OK(mkdir(at("sg/d"), 0755));
	OWNED("sg/d", 1000, 2000, 02755);
	create("sg/d/f", 0600);
	OWNED("sg/d/f", 1000, 2000, 0600);
	/* not in the group: a set-group-ID executable loses the bit */
	create("sg/x", 02755);
	OWNED("sg/x", 1000, 2000, 0755);
	/* without group execute it is a locking hint and stays */
	create("sg/l", 02644);
	OWNED("sg/l", 1000, 2000, 02644);
	CHECK_OK(mknod(at("sg/p"), S_IFIFO | 02750, 0));
	OWNED("sg/p", 1000, 2000, 0750);
	/* a directory keeps what it asked for, and gets S_ISGID */
	CHECK_OK(mkdir(at("sg/d2"), 0700));
	OWNED("sg/d2", 1000, 2000, 02700);
	CHECK_OK(symlink("f", at("sg/ln")));
	CHECK(st_of("sg/ln").st_gid == 2000, "symlink group %u", st_of("sg/ln").st_gid);
	/* an ordinary directory: the creator's group */
	create("plain/f", 02755);
	OWNED("plain/f", 1000, 1000, 02755);
	CHECK_OK(mkdir(at("plain/d"), 0755));
	OWNED("plain/d", 1000, 1000, 0755);
}

/* in group 2000 as a supplementary group: the bit stays */
static void member(void)
{
	caps_become(1000, 1000, 0, 1, (gid_t[]){ 2000 });
	umask(0);
	create("sg/mx", 02755);
	OWNED("sg/mx", 1000, 2000, 02755);
}

/* CAP_FSETID keeps it for anyone */
static void fsetid(void)
{
	caps_become(1000, 1000, BIT(CAP_FSETID), 0, NULL);
	umask(0);
	create("sg/cx", 02755);
	OWNED("sg/cx", 1000, 2000, 02755);
}

int main(void)
{
	make_top("vfs_setgid");
	CHECK_OK(mkdir(at("sg"), 0777));
	CHECK_OK(chown(at("sg"), 0, 2000));
	CHECK_OK(chmod(at("sg"), 02777));
	CHECK_OK(mkdir(at("plain"), 0777));
	CHECK_OK(chmod(at("plain"), 0777));
	in_child(outsider, "outsider");
	in_child(member, "member");
	in_child(fsetid, "fsetid");
	/* root's files there take the directory's group too */
	umask(0);
	create("sg/r", 0640);
	OWNED("sg/r", 0, 2000, 0640);
	return 0;
}
