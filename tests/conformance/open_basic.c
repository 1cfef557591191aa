/* open(2), creat(2) and close(2) on a fresh tmpfs directory: O_CREAT,
 * O_EXCL, O_TRUNC, O_DIRECTORY, O_NOFOLLOW and the classic path errors. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sys/stat.h>
#include "check.h"

static char dir[] = "/tmp/cvt.XXXXXX";

/* dir/name, in one of a few rotating buffers. */
static const char *at(const char *name)
{
	static char buf[4][512];
	static int n;
	char *b = buf[n++ % 4];
	snprintf(b, 512, "%s/%s", dir, name);
	return b;
}

int main(void)
{
	char buf[16];
	struct stat st;

	CHECK(mkdtemp(dir), "mkdtemp: %s", strerror(errno));
	CHECK_ERRNO(open(at("f"), O_RDONLY), ENOENT);
	int fd = open(at("f"), O_RDWR | O_CREAT | O_EXCL, 0644);
	CHECK(fd >= 0, "O_CREAT|O_EXCL: %s", strerror(errno));
	CHECK(write(fd, "hello", 5) == 5, "write");
	CHECK_OK(close(fd));
	CHECK_ERRNO(close(fd), EBADF);

	/* O_EXCL fails on an existing name; plain O_CREAT just opens it. */
	CHECK_ERRNO(open(at("f"), O_RDWR | O_CREAT | O_EXCL, 0644), EEXIST);
	fd = open(at("f"), O_RDONLY | O_CREAT, 0644);
	CHECK(fd >= 0 && read(fd, buf, sizeof(buf)) == 5 &&
		      memcmp(buf, "hello", 5) == 0,
	      "O_CREAT on an existing file must keep its data");
	CHECK_OK(close(fd));

	/* O_TRUNC empties it; creat() is O_CREAT|O_WRONLY|O_TRUNC. */
	fd = open(at("f"), O_WRONLY | O_TRUNC);
	CHECK(fd >= 0 && fstat(fd, &st) == 0 && st.st_size == 0, "O_TRUNC");
	CHECK_OK(close(fd));
	fd = creat(at("c"), 0600);
	CHECK(fd >= 0, "creat: %s", strerror(errno));
	CHECK(fstat(fd, &st) == 0 && S_ISREG(st.st_mode), "creat made no file");
	CHECK_ERRNO(read(fd, buf, 1), EBADF); /* creat() is write-only */
	CHECK_OK(close(fd));

	/* A regular file used as a directory. */
	CHECK_ERRNO(open(at("f/x"), O_RDONLY), ENOTDIR);
	CHECK_ERRNO(open(at("f/x"), O_RDWR | O_CREAT, 0644), ENOTDIR);
	CHECK_ERRNO(open(at("f"), O_RDONLY | O_DIRECTORY), ENOTDIR);
	/* A missing intermediate directory. */
	CHECK_ERRNO(open(at("nodir/x"), O_RDWR | O_CREAT, 0644), ENOENT);

	/* Directories open read-only only; O_CREAT on one is EISDIR. */
	CHECK_OK(mkdir(at("d"), 0755));
	fd = open(at("d"), O_RDONLY | O_DIRECTORY);
	CHECK(fd >= 0, "open dir: %s", strerror(errno));
	CHECK_OK(close(fd));
	CHECK_ERRNO(open(at("d"), O_WRONLY), EISDIR);
	CHECK_ERRNO(open(at("d"), O_RDWR), EISDIR);
	CHECK_ERRNO(open(at("d"), O_RDONLY | O_CREAT, 0644), EISDIR);
	/* A trailing slash on a name to create means "directory". */
	CHECK_ERRNO(open(at("new/"), O_RDWR | O_CREAT, 0644), EISDIR);

	/* O_NOFOLLOW on a symlink as the last component. */
	CHECK_OK(symlink("f", at("l")));
	CHECK_ERRNO(open(at("l"), O_RDONLY | O_NOFOLLOW), ELOOP);
	fd = open(at("l"), O_RDONLY);
	CHECK(fd >= 0, "open via symlink: %s", strerror(errno));
	CHECK_OK(close(fd));

	/* An unreadable path pointer faults; an empty path names nothing. */
	CHECK_ERRNO(syscall(SYS_open, KERNEL_PTR, O_RDONLY), EFAULT);
	CHECK_ERRNO(open("", O_RDONLY), ENOENT);

	CHECK_OK(unlink(at("l")));
	CHECK_OK(rmdir(at("d")));
	CHECK_OK(unlink(at("c")));
	CHECK_OK(unlink(at("f")));
	CHECK_OK(rmdir(dir));
	return 0;
}
