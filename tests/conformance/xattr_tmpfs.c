/* Extended attributes on tmpfs (/dev/shm): user.* and trusted.* set, read,
 * listed, replaced and removed through a path, a symlink-less path and an
 * fd; XATTR_CREATE/REPLACE; ERANGE for a bad name or a short buffer, E2BIG,
 * EINVAL, EOPNOTSUPP for an unknown namespace; user.* only on files and
 * directories; trusted.* hidden and refused without CAP_SYS_ADMIN; the
 * file's permission and a sticky directory's owner rule for others.
 * (The sentry stored none: fsetxattr was ENOSYS.) */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include "caps.h"

static char dir[64], file[96], link_[96], sticky[96];
static char huge[65537];

/* Is name in the list of n bytes? */
static int listed(const char *list, long n, const char *name)
{
	for (long i = 0; i < n; i += (long)strlen(list + i) + 1)
		if (!strcmp(list + i, name))
			return 1;
	return 0;
}

static void as_root(void)
{
	char buf[16], list[256], big[300];
	int fd;
	long n;

	CHECK_OK(setxattr(file, "user.a", "hello", 5, 0));
	CHECK(getxattr(file, "user.a", NULL, 0) == 5, "the size");
	CHECK(getxattr(file, "user.a", buf, sizeof(buf)) == 5 && !memcmp(buf, "hello", 5), "value");
	CHECK_ERRNO(getxattr(file, "user.a", buf, 2), ERANGE);
	CHECK_ERRNO(setxattr(file, "user.a", "x", 1, XATTR_CREATE), EEXIST);
	CHECK_ERRNO(setxattr(file, "user.b", "x", 1, XATTR_REPLACE), ENODATA);
	CHECK_OK(setxattr(file, "user.a", "bye", 3, XATTR_REPLACE));
	CHECK(getxattr(file, "user.a", buf, sizeof(buf)) == 3 && !memcmp(buf, "bye", 3), "new value");
	CHECK_OK(setxattr(file, "user.empty", "", 0, XATTR_CREATE));
	CHECK(getxattr(file, "user.empty", buf, sizeof(buf)) == 0, "an empty value");
	CHECK_OK(setxattr(file, "trusted.t", "T", 1, 0));
	CHECK_OK(setxattr(dir, "user.d", "D", 1, 0));

	n = listxattr(file, NULL, 0);
	CHECK(n == (long)sizeof("user.a") + (long)sizeof("user.empty") + (long)sizeof("trusted.t"),
	      "list size %ld", n);
	CHECK(listxattr(file, list, sizeof(list)) == n, "list");
	CHECK(listed(list, n, "user.a") && listed(list, n, "user.empty") &&
	      listed(list, n, "trusted.t"), "names");
	CHECK_ERRNO(listxattr(file, list, 3), ERANGE);

	fd = open(file, O_RDONLY);
	CHECK_OK(fd);
	CHECK_OK(fsetxattr(fd, "user.f", "F", 1, 0));
	CHECK(fgetxattr(fd, "user.f", buf, sizeof(buf)) == 1 && buf[0] == 'F', "through the fd");
	CHECK(flistxattr(fd, list, sizeof(list)) == n + (long)sizeof("user.f"), "flistxattr");
	CHECK_OK(fremovexattr(fd, "user.f"));
	close(fd);

	CHECK_OK(removexattr(file, "user.empty"));
	CHECK_ERRNO(removexattr(file, "user.empty"), ENODATA);
	CHECK_ERRNO(getxattr(file, "user.empty", buf, sizeof(buf)), ENODATA);

	CHECK_ERRNO(setxattr(file, "", "x", 1, 0), ERANGE);
	memset(big, 'n', sizeof(big));
	memcpy(big, "user.", 5);
	big[256] = 0;
	CHECK_ERRNO(setxattr(file, big, "x", 1, 0), ERANGE);
	CHECK_ERRNO(getxattr(file, big, buf, sizeof(buf)), ERANGE);
	CHECK_ERRNO(setxattr(file, "foo.bar", "x", 1, 0), EOPNOTSUPP);
	CHECK_ERRNO(setxattr(file, "user.a", "x", 1, 4), EINVAL);
	CHECK_ERRNO(setxattr(file, "user.a", huge, sizeof(huge), 0), E2BIG);
	CHECK_ERRNO(lsetxattr(link_, "user.l", "x", 1, 0), EPERM);
	CHECK_ERRNO(lgetxattr(link_, "user.l", buf, sizeof(buf)), ENODATA);
	CHECK(getxattr(link_, "user.a", buf, sizeof(buf)) == 3, "through the symlink");
	CHECK_ERRNO(getxattr("/dev/shm/no-such-file", "user.a", buf, sizeof(buf)), ENOENT);
}

static void unprivileged(void)
{
	char buf[16], list[256];
	long n;

	CHECK_OK(setresgid(65534, 65534, 65534));
	CHECK_OK(setresuid(65534, 65534, 65534));
	CHECK(getxattr(file, "user.a", buf, sizeof(buf)) == 3, "a readable file's");
	CHECK_ERRNO(setxattr(file, "user.x", "x", 1, 0), EACCES);
	CHECK_ERRNO(getxattr(file, "trusted.t", buf, sizeof(buf)), ENODATA);
	CHECK_ERRNO(setxattr(file, "trusted.x", "x", 1, 0), EPERM);
	n = listxattr(file, list, sizeof(list));
	CHECK(n == (long)sizeof("user.a"), "trusted.* is hidden: %ld", n);
	CHECK_ERRNO(setxattr(sticky, "user.s", "x", 1, 0), EPERM);
}

int main(void)
{
	int fd;

	snprintf(dir, sizeof(dir), "/dev/shm/xattr-%d", getpid());
	snprintf(file, sizeof(file), "%s/f", dir);
	snprintf(link_, sizeof(link_), "%s/l", dir);
	snprintf(sticky, sizeof(sticky), "%s/s", dir);
	CHECK_OK(mkdir(dir, 0755));
	fd = open(file, O_CREAT | O_WRONLY, 0644);
	CHECK_OK(fd);
	close(fd);
	CHECK_OK(symlink("f", link_));
	CHECK_OK(mkdir(sticky, 01777));
	CHECK_OK(chmod(sticky, 01777));
	as_root();
	in_child(unprivileged, "unprivileged");
	unlink(link_);
	unlink(file);
	rmdir(sticky);
	rmdir(dir);
	return 0;
}
