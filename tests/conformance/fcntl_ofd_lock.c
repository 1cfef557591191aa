/* Open file description locks (F_OFD_SETLK/F_OFD_GETLK) belong to the
 * open file, not the process: two open() calls of one file in the same
 * process conflict (EAGAIN), dups share the owner, F_OFD_GETLK reports
 * the holder with l_pid -1, and OFD and POSIX locks conflict with each
 * other. l_pid must be 0 when setting. */
#define _GNU_SOURCE
#include <fcntl.h>
#include "check.h"

static char dir[] = "/tmp/cvt.XXXXXX";

static struct flock lk(short type, off_t start, off_t len)
{
	struct flock f = { .l_type = type, .l_whence = SEEK_SET,
			   .l_start = start, .l_len = len };
	return f;
}

static long set(int fd, int cmd, short type, off_t start, off_t len)
{
	struct flock f = lk(type, start, len);
	return fcntl(fd, cmd, &f);
}

int main(void)
{
	char path[512];
	struct flock f;

	CHECK(mkdtemp(dir), "mkdtemp: %s", strerror(errno));
	snprintf(path, sizeof(path), "%s/f", dir);
	int a = open(path, O_RDWR | O_CREAT, 0644);
	int b = open(path, O_RDWR);
	CHECK(a >= 0 && b >= 0, "open: %s", strerror(errno));

	f = lk(F_WRLCK, 0, 0);
	CHECK(fcntl(b, F_OFD_GETLK, &f) == 0 && f.l_type == F_UNLCK,
	      "free file: l_type %d", f.l_type);
	CHECK(set(a, F_OFD_SETLK, F_WRLCK, 0, 10) == 0, "F_OFD_SETLK: %s",
	      strerror(errno));

	/* The second open file conflicts, even in this process. */
	CHECK_ERRNO(set(b, F_OFD_SETLK, F_WRLCK, 5, 10), EAGAIN);
	CHECK_ERRNO(set(b, F_OFD_SETLK, F_RDLCK, 9, 1), EAGAIN);
	CHECK(set(b, F_OFD_SETLK, F_WRLCK, 10, 10) == 0, "adjacent range");
	f = lk(F_RDLCK, 3, 1);
	CHECK(fcntl(b, F_OFD_GETLK, &f) == 0, "F_OFD_GETLK");
	CHECK(f.l_type == F_WRLCK && f.l_start == 0 && f.l_len == 10 &&
		      f.l_pid == -1,
	      "holder: type %d start %ld len %ld pid %d", f.l_type,
	      (long)f.l_start, (long)f.l_len, f.l_pid);

	/* A dup shares the open file, hence the owner. */
	int a2 = dup(a);
	CHECK(set(a2, F_OFD_SETLK, F_WRLCK, 0, 5) == 0, "dup conflicted: %s",
	      strerror(errno));
	/* Closing one of the dups keeps the lock... */
	CHECK_OK(close(a2));
	CHECK_ERRNO(set(b, F_OFD_SETLK, F_WRLCK, 0, 1), EAGAIN);

	/* POSIX locks of this process conflict with OFD locks, both ways;
	 * F_GETLK shows an OFD holder as pid -1. */
	CHECK_ERRNO(set(b, F_SETLK, F_WRLCK, 0, 1), EAGAIN);
	f = lk(F_WRLCK, 0, 1);
	CHECK(fcntl(b, F_GETLK, &f) == 0 && f.l_type == F_WRLCK && f.l_pid == -1,
	      "F_GETLK vs OFD: type %d pid %d", f.l_type, f.l_pid);
	CHECK(set(b, F_SETLK, F_WRLCK, 50, 10) == 0, "POSIX lock: %s",
	      strerror(errno));
	CHECK_ERRNO(set(a, F_OFD_SETLK, F_WRLCK, 55, 1), EAGAIN);
	CHECK_OK(set(b, F_SETLK, F_UNLCK, 0, 0));

	/* Shared read locks coexist. */
	CHECK_OK(set(a, F_OFD_SETLK, F_UNLCK, 0, 0));
	CHECK(set(a, F_OFD_SETLK, F_RDLCK, 100, 10) == 0 &&
		      set(b, F_OFD_SETLK, F_RDLCK, 100, 10) == 0,
	      "two read locks");
	CHECK_ERRNO(set(b, F_OFD_SETLK, F_WRLCK, 100, 1), EAGAIN);

	/* After unlocking, the other file gets it; closing the last fd of
	 * an open file drops its locks. */
	CHECK_OK(set(a, F_OFD_SETLK, F_UNLCK, 0, 0));
	CHECK(set(b, F_OFD_SETLK, F_WRLCK, 0, 0) == 0, "after unlock: %s",
	      strerror(errno));
	CHECK_ERRNO(set(a, F_OFD_SETLK, F_WRLCK, 0, 1), EAGAIN);
	CHECK_OK(close(b));
	CHECK(set(a, F_OFD_SETLK, F_WRLCK, 0, 0) == 0, "after close: %s",
	      strerror(errno));

	/* l_pid must be 0 for OFD commands. */
	f = lk(F_WRLCK, 0, 1);
	f.l_pid = 1;
	CHECK_ERRNO(fcntl(a, F_OFD_SETLK, &f), EINVAL);
	f.l_pid = 1;
	CHECK_ERRNO(fcntl(a, F_OFD_GETLK, &f), EINVAL);
	CHECK_ERRNO(set(a, F_OFD_SETLK, 42, 0, 1), EINVAL);

	CHECK_OK(close(a));
	CHECK_OK(unlink(path));
	CHECK_OK(rmdir(dir));
	return 0;
}
