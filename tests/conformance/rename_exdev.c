/* rename and link never cross a mount: EXDEV. /tmp and /dev/shm are
 * separate tmpfs mounts both natively and in the sandbox; in the sandbox
 * /tmp is also a different mount from the overlay on /, but natively it
 * may be the same filesystem, so that case runs only when st_dev says
 * they differ. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sys/stat.h>
#include "check.h"

static char dir[] = "/tmp/cvt.XXXXXX";

int main(void)
{
	char src[512], dst[512], sd[512];
	struct stat a, b;

	CHECK(mkdtemp(dir), "mkdtemp: %s", strerror(errno));
	snprintf(src, sizeof(src), "%s/x", dir);
	snprintf(sd, sizeof(sd), "%s/d", dir);
	CHECK_OK(close(open(src, O_WRONLY | O_CREAT, 0644)));
	CHECK_OK(mkdir(sd, 0755));

	CHECK(stat("/tmp", &a) == 0 && stat("/dev/shm", &b) == 0, "stat mounts");
	CHECK(a.st_dev != b.st_dev, "/tmp and /dev/shm share st_dev %lu",
	      (unsigned long)a.st_dev);
	snprintf(dst, sizeof(dst), "/dev/shm/cvt-exdev.%d", getpid());
	CHECK_ERRNO(rename(src, dst), EXDEV);
	CHECK_ERRNO(rename(sd, dst), EXDEV);
	CHECK_ERRNO(link(src, dst), EXDEV);
	CHECK_ERRNO(syscall(SYS_renameat2, AT_FDCWD, src, AT_FDCWD, dst,
			    RENAME_NOREPLACE), EXDEV);
	CHECK_ERRNO(stat(dst, &b), ENOENT); /* nothing was created */
	CHECK(stat(src, &b) == 0, "source vanished");

	/* Into /, when / is a different filesystem (always in cvisor). */
	CHECK(stat("/", &b) == 0, "stat /");
	if (a.st_dev != b.st_dev) {
		snprintf(dst, sizeof(dst), "/cvt-exdev.%d", getpid());
		errno = 0;
		int r = rename(src, dst), err = errno;
		if (r == 0) /* don't leave it on the host */
			rename(dst, src);
		CHECK(r == -1 && err == EXDEV, "rename(%s, %s): %d %s", src, dst, r,
		      strerror(err));
		errno = 0;
		r = link(src, dst), err = errno;
		if (r == 0)
			unlink(dst);
		CHECK(r == -1 && err == EXDEV, "link(%s, %s): %d %s", src, dst, r,
		      strerror(err));
	}

	CHECK_OK(rmdir(sd));
	CHECK_OK(unlink(src));
	CHECK_OK(rmdir(dir));
	return 0;
}
