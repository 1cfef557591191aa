/* chown/fchown/lchown/fchownat as root: owners read back, -1 leaves a
 * field alone, lchown and AT_SYMLINK_NOFOLLOW change the link itself,
 * and a chown drops the set-user-ID bit of a regular file. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sys/stat.h>
#include "check.h"

static char dir[] = "/tmp/cvt.XXXXXX";
static int dfd;

static struct stat st_of(const char *name, int flags)
{
	struct stat st;
	CHECK(fstatat(dfd, name, &st, flags) == 0, "stat %s: %s", name,
	      strerror(errno));
	return st;
}

#define OWNED(name, fl, u, g)                                                \
	CHECK(st_of(name, fl).st_uid == (u) && st_of(name, fl).st_gid == (g),  \
	      "%s: owner %u:%u, want %u:%u", name, st_of(name, fl).st_uid,   \
	      st_of(name, fl).st_gid, (unsigned)(u), (unsigned)(g))

int main(void)
{
	char path[512], lpath[512];

	CHECK(mkdtemp(dir), "mkdtemp: %s", strerror(errno));
	dfd = open(dir, O_RDONLY | O_DIRECTORY);
	CHECK(dfd >= 0, "open dir");
	snprintf(path, sizeof(path), "%s/f", dir);
	snprintf(lpath, sizeof(lpath), "%s/l", dir);
	int fd = open(path, O_RDWR | O_CREAT, 0644);
	CHECK(fd >= 0, "create: %s", strerror(errno));
	CHECK_OK(symlink("f", lpath));
	uid_t u0 = getuid();
	gid_t g0 = getgid();
	OWNED("f", 0, u0, g0);

	CHECK_OK(chown(path, 1234, 5678));
	OWNED("f", 0, 1234, 5678);
	CHECK_OK(chown(path, -1, 42)); /* uid unchanged */
	OWNED("f", 0, 1234, 42);
	CHECK_OK(fchown(fd, 77, -1)); /* gid unchanged */
	OWNED("f", 0, 77, 42);
	CHECK_OK(fchown(fd, -1, -1)); /* a no-op, but legal */
	OWNED("f", 0, 77, 42);

	/* chown follows the link; lchown does not. */
	CHECK_OK(chown(lpath, 1, 2));
	OWNED("f", 0, 1, 2);
	OWNED("l", AT_SYMLINK_NOFOLLOW, u0, g0);
	CHECK_OK(lchown(lpath, 3, 4));
	OWNED("l", AT_SYMLINK_NOFOLLOW, 3, 4);
	OWNED("f", 0, 1, 2);
	CHECK_OK(fchownat(dfd, "l", 5, 6, AT_SYMLINK_NOFOLLOW));
	OWNED("l", AT_SYMLINK_NOFOLLOW, 5, 6);
	CHECK_OK(fchownat(dfd, "l", 7, 8, 0));
	OWNED("f", 0, 7, 8);
	CHECK_OK(fchownat(fd, "", 9, 10, AT_EMPTY_PATH));
	OWNED("f", 0, 9, 10);

	/* Changing the owner of a set-user-ID file clears S_ISUID (it
	 * would otherwise run as the new owner). */
	CHECK_OK(fchmod(fd, 04755));
	CHECK_OK(fchown(fd, 11, 12));
	CHECK((st_of("f", 0).st_mode & 07777) == 0755, "mode %#o after chown",
	      (unsigned)st_of("f", 0).st_mode & 07777);

	CHECK_ERRNO(chown("/nonexistent/f", 0, 0), ENOENT);
	CHECK_ERRNO(fchownat(dfd, "f/x", 0, 0, 0), ENOTDIR);
	CHECK_ERRNO(fchownat(dfd, "f", 0, 0, 0x1), EINVAL);
	CHECK_ERRNO(fchownat(dfd, "", 0, 0, 0), ENOENT);
	CHECK_ERRNO(fchown(4321, 0, 0), EBADF);
	CHECK_ERRNO(syscall(SYS_chown, KERNEL_PTR, 0, 0), EFAULT);

	CHECK_OK(close(fd));
	CHECK_OK(unlink(lpath));
	CHECK_OK(unlink(path));
	CHECK_OK(close(dfd));
	CHECK_OK(rmdir(dir));
	return 0;
}
