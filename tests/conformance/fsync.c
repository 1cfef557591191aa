/* fsync/fdatasync/sync/syncfs: succeed on files (any access mode) and
 * directories and keep the data; EINVAL on a device without fsync
 * (/dev/null); EBADF on bad and O_PATH fds. */
#define _GNU_SOURCE
#include <fcntl.h>
#include "check.h"

static char dir[] = "/tmp/cvt.XXXXXX";

int main(void)
{
	char path[512], buf[8];

	CHECK(mkdtemp(dir), "mkdtemp: %s", strerror(errno));
	snprintf(path, sizeof(path), "%s/f", dir);
	int fd = open(path, O_RDWR | O_CREAT, 0644);
	CHECK(fd >= 0 && write(fd, "durable", 7) == 7, "create");

	CHECK(fsync(fd) == 0, "fsync: %s", strerror(errno));
	CHECK(fdatasync(fd) == 0, "fdatasync: %s", strerror(errno));
	sync(); /* void; must simply return */
	CHECK(syncfs(fd) == 0, "syncfs: %s", strerror(errno));
	CHECK(pread(fd, buf, 7, 0) == 7 && memcmp(buf, "durable", 7) == 0,
	      "data after sync");

	/* A read-only fd and a directory can be synced too. */
	int ro = open(path, O_RDONLY);
	CHECK(ro >= 0 && fsync(ro) == 0 && fdatasync(ro) == 0,
	      "fsync O_RDONLY: %s", strerror(errno));
	int dfd = open(dir, O_RDONLY | O_DIRECTORY);
	CHECK(dfd >= 0 && fsync(dfd) == 0, "fsync dir: %s", strerror(errno));

	/* /dev/null has nothing to sync and says so. */
	int dev = open("/dev/null", O_WRONLY);
	CHECK(dev >= 0, "open /dev/null");
	CHECK_ERRNO(fsync(dev), EINVAL);
	CHECK_ERRNO(fdatasync(dev), EINVAL);

	int pfd = open(path, O_PATH);
	CHECK(pfd >= 0, "O_PATH");
	CHECK_ERRNO(fsync(pfd), EBADF);
	CHECK_ERRNO(fsync(4321), EBADF);
	CHECK_ERRNO(fdatasync(4321), EBADF);
	CHECK_ERRNO(syncfs(4321), EBADF);

	CHECK_OK(close(pfd));
	CHECK_OK(close(dev));
	CHECK_OK(close(dfd));
	CHECK_OK(close(ro));
	CHECK_OK(close(fd));
	CHECK_OK(unlink(path));
	CHECK_OK(rmdir(dir));
	return 0;
}
