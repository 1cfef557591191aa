/* symlink/symlinkat: the target is stored verbatim (even dangling or
 * empty-ish), relative targets resolve from the link's directory,
 * O_CREAT through a dangling link creates the target, loops are ELOOP. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sys/stat.h>
#include "check.h"

static char dir[] = "/tmp/cvt.XXXXXX";
static int dfd;

int main(void)
{
	char buf[512], abs[512];
	struct stat st;

	CHECK(mkdtemp(dir), "mkdtemp: %s", strerror(errno));
	dfd = open(dir, O_RDONLY | O_DIRECTORY);
	CHECK(dfd >= 0, "open dir");
	CHECK_OK(mkdirat(dfd, "d", 0755));
	CHECK_OK(close(openat(dfd, "d/f", O_WRONLY | O_CREAT, 0644)));

	/* Relative target: resolved from the directory holding the link. */
	CHECK_OK(symlinkat("f", dfd, "d/rel"));
	CHECK(fstatat(dfd, "d/rel", &st, 0) == 0 && S_ISREG(st.st_mode),
	      "relative link from its own dir: %s", strerror(errno));
	CHECK_OK(symlinkat("d/f", dfd, "top"));
	/* Absolute target. */
	snprintf(abs, sizeof(abs), "%s/d", dir);
	snprintf(buf, sizeof(buf), "%s/absd", dir);
	CHECK_OK(symlink(abs, buf));
	CHECK(fstatat(dfd, "absd/f", &st, 0) == 0, "through an absolute dir link");

	/* Dangling: lstat works, stat/open are ENOENT, O_CREAT creates the
	 * target (but O_CREAT|O_EXCL refuses to follow). */
	CHECK_OK(symlinkat("d/new", dfd, "dangling"));
	CHECK_ERRNO(fstatat(dfd, "dangling", &st, 0), ENOENT);
	CHECK_ERRNO(openat(dfd, "dangling", O_RDONLY), ENOENT);
	CHECK_ERRNO(openat(dfd, "dangling", O_WRONLY | O_CREAT | O_EXCL, 0644), EEXIST);
	int fd = openat(dfd, "dangling", O_WRONLY | O_CREAT, 0644);
	CHECK(fd >= 0, "O_CREAT through a dangling link: %s", strerror(errno));
	CHECK_OK(close(fd));
	CHECK(fstatat(dfd, "d/new", &st, 0) == 0, "target not created");

	/* Loops. */
	CHECK_OK(symlinkat("self", dfd, "self"));
	CHECK_OK(symlinkat("pong", dfd, "ping"));
	CHECK_OK(symlinkat("ping", dfd, "pong"));
	CHECK_ERRNO(fstatat(dfd, "self", &st, 0), ELOOP);
	CHECK_ERRNO(openat(dfd, "ping", O_RDONLY), ELOOP);
	CHECK_ERRNO(openat(dfd, "ping/x", O_RDWR | O_CREAT, 0644), ELOOP);
	CHECK_ERRNO(fstatat(dfd, "pong/x", &st, AT_SYMLINK_NOFOLLOW), ELOOP);

	/* A link to a file used as a directory. */
	CHECK_ERRNO(fstatat(dfd, "top/x", &st, 0), ENOTDIR);
	/* A link to a directory, with a trailing slash, is the directory. */
	CHECK(fstatat(dfd, "absd/", &st, AT_SYMLINK_NOFOLLOW) == 0 &&
		      S_ISDIR(st.st_mode),
	      "trailing slash follows the link");

	/* Errors. */
	CHECK_ERRNO(symlinkat("x", dfd, "top"), EEXIST);
	CHECK_ERRNO(symlinkat("x", dfd, "d"), EEXIST);
	CHECK_ERRNO(symlinkat("x", dfd, "nodir/l"), ENOENT);
	CHECK_ERRNO(symlinkat("", dfd, "empty"), ENOENT); /* empty target */
	CHECK_ERRNO(symlinkat("x", dfd, "d/f/l"), ENOTDIR);
	CHECK_ERRNO(symlinkat("x", 4321, "l"), EBADF);
	CHECK_ERRNO(syscall(SYS_symlink, KERNEL_PTR, buf), EFAULT);
	CHECK_ERRNO(syscall(SYS_symlink, "x", KERNEL_PTR), EFAULT);

	const char *links[] = { "d/rel", "top", "absd", "dangling", "self",
				"ping", "pong", "d/new", "d/f" };
	for (unsigned i = 0; i < sizeof(links) / sizeof(*links); i++)
		CHECK_OK(unlinkat(dfd, links[i], 0));
	CHECK_OK(unlinkat(dfd, "d", AT_REMOVEDIR));
	CHECK_OK(close(dfd));
	CHECK_OK(rmdir(dir));
	return 0;
}
