/* File permission checks as Linux makes them (generic_permission,
 * setattr_prepare, vfs_utimes, vfs_mknod): the mode bits for fsuid, fsgid
 * and the supplementary groups; CAP_DAC_READ_SEARCH and CAP_DAC_OVERRIDE
 * and what each leaves out; access() asking with the real ids; chown,
 * chmod and set-group-ID with CAP_CHOWN, CAP_FOWNER, CAP_FSETID; utimes;
 * CAP_MKNOD.  Files in a directory of /tmp made by the parent as root,
 * each case in a child that gives up privileges.  Needs root. */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <grp.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include "caps.h"

static char dir[64];

static const char *at(const char *name)
{
	static char path[2][128];
	static int i;

	i ^= 1;
	snprintf(path[i], sizeof(path[i]), "%s/%s", dir, name);
	return path[i];
}

static void mk(const char *name, uid_t u, gid_t g, mode_t m)
{
	int fd = open(at(name), O_WRONLY | O_CREAT | O_TRUNC, 0600);

	CHECK(fd >= 0 && write(fd, "x", 1) == 1, "create %s: %s", name, strerror(errno));
	close(fd);
	CHECK_OK(chown(at(name), u, g));
	CHECK_OK(chmod(at(name), m));
}

/* Become uid 1000 (gid 1000, groups as given) holding only eff in
 * effective and permitted. */
/* Become uid 1000 (gid 1000, groups as given) holding only eff in
 * effective and permitted. */
static void become(uint64_t eff, int ngroups, const gid_t *groups)
{
	CHECK_OK(setgroups((size_t)ngroups, groups));
	CHECK_OK(setresgid(1000, 1000, 1000));
	CHECK_OK(prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0));
	CHECK_OK(setresuid(1000, 1000, 1000));
	CHECK(caps_set(eff, eff, 0) == 0, "capset: %s", strerror(errno));
}

static int try_open(const char *name, int flags)
{
	int fd = open(at(name), flags);

	if (fd >= 0)
		close(fd);
	return fd < 0 ? -1 : 0;
}

static void nothing(void)
{
	become(0, 0, NULL);
	CHECK_ERRNO(try_open("f600", O_RDONLY), EACCES);
	CHECK_ERRNO(try_open("d700/f", O_RDONLY), EACCES);
	CHECK_ERRNO(try_open("g640", O_RDONLY), EACCES);
	CHECK_ERRNO(access(at("g640"), R_OK), EACCES);
	CHECK_OK(try_open("o604", O_RDONLY));
	/* other's bits do not apply to the owning group */
	CHECK_ERRNO(try_open("g604", O_RDONLY), EACCES);
}

static void groups(void)
{
	become(0, 1, (gid_t[]){ 5000 });
	CHECK_OK(try_open("g640", O_RDONLY));
	CHECK_ERRNO(try_open("g640", O_WRONLY), EACCES);
	CHECK_OK(access(at("g640"), R_OK));
}

static void read_search(void)
{
	become(BIT(CAP_DAC_READ_SEARCH), 0, NULL);
	CHECK_OK(try_open("f600", O_RDONLY));
	CHECK_ERRNO(try_open("f600", O_RDWR), EACCES);
	CHECK_OK(try_open("d700/f", O_RDONLY));
	DIR *d = opendir(at("d700"));
	CHECK(d != NULL, "opendir d700: %s", strerror(errno));
	closedir(d);
	CHECK_ERRNO(open(at("d700/new"), O_WRONLY | O_CREAT, 0600), EACCES);
	CHECK_ERRNO(faccessat(AT_FDCWD, at("x100"), X_OK, AT_EACCESS), EACCES);
}

static void override(void)
{
	become(BIT(CAP_DAC_OVERRIDE), 0, NULL);
	CHECK_OK(try_open("f600", O_RDWR));
	CHECK_OK(try_open("d700/f", O_RDWR));
	int fd = open(at("d700/new"), O_WRONLY | O_CREAT, 0600);
	CHECK(fd >= 0, "create in d700: %s", strerror(errno));
	close(fd);
	CHECK_OK(unlink(at("d700/new")));
	/* execute needs some execute bit even so */
	CHECK_OK(faccessat(AT_FDCWD, at("x100"), X_OK, AT_EACCESS));
	CHECK_ERRNO(faccessat(AT_FDCWD, at("f600"), X_OK, AT_EACCESS), EACCES);
	/* access() asks as the real user, whose capabilities are cleared */
	CHECK_ERRNO(access(at("f600"), R_OK), EACCES);
}

/* access() with ruid 1000, euid 0: the real id answers, not the caps. */
static void real_ids(void)
{
	CHECK_OK(setresuid(1000, 0, 0));
	CHECK_OK(try_open("f600", O_RDONLY));
	CHECK_ERRNO(access(at("f600"), R_OK), EACCES);
	CHECK_OK(faccessat(AT_FDCWD, at("f600"), R_OK, AT_EACCESS));
	/* the other way round: real root may, the effective user may not */
	CHECK_OK(setresuid(0, 1000, 0));
	CHECK_ERRNO(try_open("f600", O_RDONLY), EACCES);
	CHECK_OK(access(at("f600"), R_OK));
}

static void owner_rules(void)
{
	struct stat st;

	become(0, 1, (gid_t[]){ 5000 });
	CHECK_OK(chmod(at("mine"), 02770));             /* owner, group 1000 held */
	CHECK_OK(stat(at("mine"), &st));
	CHECK((st.st_mode & 07777) == 02770, "chmod by owner: %o", st.st_mode & 07777);
	CHECK_ERRNO(chown(at("mine"), 0, -1), EPERM);
	CHECK_ERRNO(chown(at("mine"), -1, 6000), EPERM); /* not in group 6000 */
	CHECK_OK(chown(at("mine"), 1000, -1));          /* its own uid: no change */
	CHECK_OK(chown(at("mine"), -1, 5000));          /* a group it is in */
	CHECK_OK(stat(at("mine"), &st));
	CHECK(st.st_gid == 5000 && !(st.st_mode & S_ISGID), "chgrp: gid %u mode %o",
	      st.st_gid, st.st_mode & 07777);
	CHECK_ERRNO(chmod(at("f600"), 0644), EPERM);    /* not the owner */
	CHECK_ERRNO(chmod(at("theirs"), 02755), EPERM);
}

static void setgid_drop(void)
{
	struct stat st;

	become(BIT(CAP_FOWNER), 0, NULL);
	/* chmod g+s of a file whose group it is not in: the bit is dropped */
	CHECK_OK(chmod(at("theirs"), 02755));
	CHECK_OK(stat(at("theirs"), &st));
	CHECK((st.st_mode & 07777) == 0755, "set-gid kept without the group: %o",
	      st.st_mode & 07777);
}

static void root_without(void)
{
	uint64_t drop = BIT(CAP_CHOWN) | BIT(CAP_FOWNER) | BIT(CAP_MKNOD);

	CHECK_OK(caps_set(caps().eff & ~drop, caps().perm, 0));
	CHECK_ERRNO(chown(at("theirs"), 0, -1), EPERM);
	CHECK_ERRNO(chmod(at("theirs"), 0700), EPERM);
	CHECK_ERRNO(utimensat(AT_FDCWD, at("theirs"),
			      (struct timespec[]){ { 1, 0 }, { 1, 0 } }, 0), EPERM);
	CHECK_ERRNO(mknod(at("dev"), S_IFCHR | 0600, makedev(1, 3)), EPERM);
	CHECK_ERRNO(mknod(at("f600"), S_IFCHR | 0600, makedev(1, 3)), EEXIST);
	CHECK_OK(mknod(at("fifo"), S_IFIFO | 0600, 0));
	CHECK_OK(unlink(at("fifo")));
}

static void times(void)
{
	become(0, 0, NULL);
	CHECK_OK(utimensat(AT_FDCWD, at("o606"), NULL, 0));     /* may write it */
	CHECK_ERRNO(utimensat(AT_FDCWD, at("o606"),
			      (struct timespec[]){ { 1, 0 }, { 1, 0 } }, 0), EPERM);
	CHECK_ERRNO(utimensat(AT_FDCWD, at("o604"), NULL, 0), EACCES);
	CHECK_OK(utimensat(AT_FDCWD, at("mine"),
			   (struct timespec[]){ { 1, 0 }, { 1, 0 } }, 0));
}

int main(void)
{
	if (geteuid() != 0)
		return 0;
	snprintf(dir, sizeof(dir), "/tmp/caps_dac.%d", getpid());
	CHECK_OK(mkdir(dir, 0755));
	mk("f600", 0, 0, 0600);
	mk("g640", 0, 5000, 0640);
	mk("g604", 0, 1000, 0604);
	mk("o604", 0, 0, 0604);
	mk("o606", 0, 0, 0606);
	mk("x100", 0, 0, 0100);
	mk("mine", 1000, 1000, 0660);
	mk("theirs", 2000, 2000, 0644);
	CHECK_OK(mkdir(at("d700"), 0700));
	mk("d700/f", 0, 0, 0644);
	in_child(nothing, "nothing");
	in_child(groups, "groups");
	in_child(read_search, "read_search");
	in_child(override, "override");
	in_child(real_ids, "real_ids");
	in_child(owner_rules, "owner_rules");
	in_child(setgid_drop, "setgid_drop");
	in_child(root_without, "root_without");
	in_child(times, "times");
	const char *names[] = { "f600", "g640", "g604", "o604", "o606", "x100", "mine",
				"theirs", "d700/f", "dev" };
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		unlink(at(names[i]));
	CHECK_OK(rmdir(at("d700")));
	CHECK_OK(rmdir(dir));
	return 0;
}
