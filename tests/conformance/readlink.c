/* readlink/readlinkat: the target comes back unterminated and silently
 * truncated to the buffer; non-links are EINVAL; AT_EMPTY_PATH-style
 * readlinkat on an O_PATH fd of the link itself. */
#define _GNU_SOURCE
#include <fcntl.h>
#include "check.h"

static char dir[] = "/tmp/cvt.XXXXXX";

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
	char buf[64];
	const char *target = "some/relative/../target"; /* never resolved */

	CHECK(mkdtemp(dir), "mkdtemp: %s", strerror(errno));
	CHECK_OK(symlink(target, at("l")));
	int fd = open(at("f"), O_RDWR | O_CREAT, 0644);
	CHECK(fd >= 0, "create: %s", strerror(errno));

	memset(buf, 'x', sizeof(buf));
	ssize_t n = readlink(at("l"), buf, sizeof(buf));
	CHECK(n == (ssize_t)strlen(target) && memcmp(buf, target, n) == 0,
	      "readlink returned %zd", n);
	CHECK(buf[n] == 'x', "readlink wrote a terminator");

	/* Truncation is silent and returns the buffer size. */
	memset(buf, 'x', sizeof(buf));
	CHECK(readlink(at("l"), buf, 4) == 4 && memcmp(buf, "some", 4) == 0 &&
		      buf[4] == 'x',
	      "truncated readlink");

	/* readlinkat relative to a dirfd. */
	int dfd = open(dir, O_RDONLY | O_DIRECTORY);
	CHECK(dfd >= 0, "open dir");
	n = readlinkat(dfd, "l", buf, sizeof(buf));
	CHECK(n == (ssize_t)strlen(target), "readlinkat: %s", strerror(errno));
	/* An O_PATH|O_NOFOLLOW fd of the link, with an empty path. */
	int lfd = open(at("l"), O_PATH | O_NOFOLLOW);
	CHECK(lfd >= 0, "O_PATH link: %s", strerror(errno));
	n = readlinkat(lfd, "", buf, sizeof(buf));
	CHECK(n == (ssize_t)strlen(target) && memcmp(buf, target, n) == 0,
	      "readlinkat(fd, \"\"): %zd %s", n, strerror(errno));

	/* A symlink in the middle of the path is followed; only the last
	 * component must be a link. */
	CHECK_OK(symlink(".", at("self")));
	CHECK(readlink(at("self/l"), buf, sizeof(buf)) == (ssize_t)strlen(target),
	      "readlink through a dir link");

	CHECK_ERRNO(readlink(at("f"), buf, sizeof(buf)), EINVAL); /* not a link */
	CHECK_ERRNO(readlink(dir, buf, sizeof(buf)), EINVAL);
	CHECK_ERRNO(readlinkat(fd, "", buf, sizeof(buf)), ENOENT); /* file fd, "" */
	CHECK_ERRNO(readlink(at("l"), buf, 0), EINVAL);
	CHECK_ERRNO(readlink(at("nope"), buf, sizeof(buf)), ENOENT);
	CHECK_ERRNO(readlink(at("f/x"), buf, sizeof(buf)), ENOTDIR);
	CHECK_ERRNO(readlinkat(4321, "l", buf, sizeof(buf)), EBADF);
	CHECK_ERRNO(syscall(SYS_readlink, at("l"), KERNEL_PTR, 64), EFAULT);
	CHECK_ERRNO(syscall(SYS_readlink, KERNEL_PTR, buf, 64), EFAULT);

	CHECK_OK(close(lfd));
	CHECK_OK(close(dfd));
	CHECK_OK(close(fd));
	CHECK_OK(unlink(at("self")));
	CHECK_OK(unlink(at("l")));
	CHECK_OK(unlink(at("f")));
	CHECK_OK(rmdir(dir));
	return 0;
}
