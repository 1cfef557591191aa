/* /proc/self/fd/N magic links: they can be read and followed like
 * symlinks, but openat2 with RESOLVE_NO_MAGICLINKS (or NO_SYMLINKS)
 * refuses to follow them with ELOOP. Kept apart from openat2.c because it
 * needs a working /proc. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include "check.h"

static char dir[] = "/tmp/cvt.XXXXXX";

static long o2(const char *path, unsigned long long flags,
	       unsigned long long resolve)
{
	struct open_how how = { .flags = flags, .resolve = resolve };
	return syscall(SYS_openat2, AT_FDCWD, path, &how, sizeof(how));
}

int main(void)
{
	char file[512], link[64], buf[512];
	struct stat a, b;

	CHECK(mkdtemp(dir), "mkdtemp: %s", strerror(errno));
	snprintf(file, sizeof(file), "%s/f", dir);
	int fd = open(file, O_RDWR | O_CREAT, 0644);
	CHECK(fd >= 0 && fstat(fd, &a) == 0, "create: %s", strerror(errno));
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);

	/* The link reads back as the file's path... */
	ssize_t n = readlink(link, buf, sizeof(buf) - 1);
	CHECK(n > 0, "readlink %s: %s", link, strerror(errno));
	buf[n] = 0;
	CHECK(strcmp(buf, file) == 0, "readlink %s = '%s', want '%s'", link, buf,
	      file);
	/* ...and lstat sees a symlink while stat sees the file. */
	CHECK(lstat(link, &b) == 0 && S_ISLNK(b.st_mode), "lstat %s", link);
	CHECK(stat(link, &b) == 0 && b.st_ino == a.st_ino, "stat %s", link);

	/* Without restrictions, openat2 follows it to the same file. */
	long fd2 = o2(link, O_RDONLY, 0);
	CHECK(fd2 >= 0, "openat2 %s: %s", link, strerror(errno));
	CHECK(fstat(fd2, &b) == 0 && b.st_ino == a.st_ino, "followed elsewhere");
	close(fd2);

	/* /proc/self itself is an ordinary symlink, so only the fd link
	 * trips RESOLVE_NO_MAGICLINKS. */
	CHECK_ERRNO(o2(link, O_RDONLY, RESOLVE_NO_MAGICLINKS), ELOOP);
	CHECK_ERRNO(o2(link, O_RDONLY, RESOLVE_NO_SYMLINKS), ELOOP);
	fd2 = o2("/proc/self/fd", O_RDONLY | O_DIRECTORY, RESOLVE_NO_MAGICLINKS);
	CHECK(fd2 >= 0, "/proc/self/fd with NO_MAGICLINKS: %s", strerror(errno));
	close(fd2);

	/* A closed fd has no link. */
	CHECK_OK(close(fd));
	CHECK_ERRNO(o2(link, O_RDONLY, 0), ENOENT);

	CHECK_OK(unlink(file));
	CHECK_OK(rmdir(dir));
	return 0;
}
