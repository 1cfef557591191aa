/* unlink/unlinkat: an unlinked file stays usable through open fds (with
 * st_nlink 0); unlink of a directory is EISDIR; unlinkat(AT_REMOVEDIR) is
 * rmdir; unlink removes a symlink, never its target. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sys/stat.h>
#include "check.h"

static char dir[] = "/tmp/cvt.XXXXXX";

int main(void)
{
	char buf[16];
	struct stat st;

	CHECK(mkdtemp(dir), "mkdtemp: %s", strerror(errno));
	int dfd = open(dir, O_RDONLY | O_DIRECTORY);
	CHECK(dfd >= 0, "open dir");

	int fd = openat(dfd, "f", O_RDWR | O_CREAT, 0644);
	CHECK(fd >= 0 && write(fd, "data", 4) == 4, "create f");
	CHECK_OK(unlinkat(dfd, "f", 0));
	CHECK_ERRNO(fstatat(dfd, "f", &st, 0), ENOENT);
	/* Still open: readable, writable, and has no links. */
	CHECK(fstat(fd, &st) == 0 && st.st_nlink == 0 && st.st_size == 4,
	      "unlinked file: nlink %lu size %ld", (unsigned long)st.st_nlink,
	      (long)st.st_size);
	CHECK(pwrite(fd, "!", 1, 4) == 1, "write to unlinked file");
	CHECK(pread(fd, buf, sizeof(buf), 0) == 5 && memcmp(buf, "data!", 5) == 0,
	      "read unlinked file");
	CHECK_OK(close(fd));
	/* The name is free again. */
	fd = openat(dfd, "f", O_RDWR | O_CREAT | O_EXCL, 0644);
	CHECK(fd >= 0, "re-create: %s", strerror(errno));
	CHECK(fstat(fd, &st) == 0 && st.st_size == 0, "re-created file not empty");
	CHECK_OK(close(fd));

	/* unlink removes a symlink, not its target. */
	CHECK_OK(symlinkat("f", dfd, "l"));
	CHECK_OK(unlinkat(dfd, "l", 0));
	CHECK(fstatat(dfd, "f", &st, 0) == 0, "unlinking a link removed its target");
	/* ...even a dangling one. */
	CHECK_OK(symlinkat("gone", dfd, "dl"));
	CHECK_OK(unlinkat(dfd, "dl", 0));

	/* Directories. */
	CHECK_OK(mkdirat(dfd, "d", 0755));
	CHECK_OK(mkdirat(dfd, "d/e", 0755));
	CHECK_ERRNO(unlinkat(dfd, "d", 0), EISDIR);
	char path[512];
	snprintf(path, sizeof(path), "%s/d", dir);
	CHECK_ERRNO(unlink(path), EISDIR);
	CHECK_ERRNO(unlinkat(dfd, "d", AT_REMOVEDIR), ENOTEMPTY);
	CHECK_ERRNO(unlinkat(dfd, "f", AT_REMOVEDIR), ENOTDIR);
	CHECK_OK(unlinkat(dfd, "d/e", AT_REMOVEDIR));
	CHECK_OK(unlinkat(dfd, "d", AT_REMOVEDIR));

	CHECK_ERRNO(unlinkat(dfd, "f", 0x1), EINVAL); /* unknown flag */
	CHECK_ERRNO(unlinkat(dfd, "nope", 0), ENOENT);
	CHECK_ERRNO(unlinkat(dfd, "f/x", 0), ENOTDIR);
	CHECK_ERRNO(unlinkat(dfd, "f/", 0), ENOTDIR);
	CHECK_ERRNO(unlinkat(4321, "f", 0), EBADF);
	CHECK_ERRNO(syscall(SYS_unlink, KERNEL_PTR), EFAULT);

	CHECK_OK(unlinkat(dfd, "f", 0));
	CHECK_OK(close(dfd));
	CHECK_OK(rmdir(dir));
	return 0;
}
