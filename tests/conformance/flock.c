/* flock(2) locks belong to the open file description: a second open()
 * of the same file cannot take LOCK_EX|LOCK_NB (EWOULDBLOCK) while the
 * first holds it, shared locks coexist, dups share, LOCK_UN releases, and
 * flock and POSIX record locks are independent. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sys/file.h>
#include "check.h"

static char dir[] = "/tmp/cvt.XXXXXX";

int main(void)
{
	char path[512];

	CHECK(mkdtemp(dir), "mkdtemp: %s", strerror(errno));
	snprintf(path, sizeof(path), "%s/f", dir);
	int a = open(path, O_RDWR | O_CREAT, 0644);
	int b = open(path, O_RDONLY); /* flock needs no write access */
	CHECK(a >= 0 && b >= 0, "open: %s", strerror(errno));

	CHECK(flock(a, LOCK_EX) == 0, "LOCK_EX: %s", strerror(errno));
	CHECK_ERRNO(flock(b, LOCK_EX | LOCK_NB), EWOULDBLOCK);
	CHECK_ERRNO(flock(b, LOCK_SH | LOCK_NB), EWOULDBLOCK);
	/* Re-locking through the same file is fine; so is through a dup. */
	CHECK(flock(a, LOCK_EX | LOCK_NB) == 0, "re-lock");
	int a2 = dup(a);
	CHECK(flock(a2, LOCK_EX | LOCK_NB) == 0, "dup shares the lock");

	/* flock and fcntl locks do not see each other (on Linux). */
	struct flock f = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
	CHECK(fcntl(b, F_OFD_GETLK, &f) == 0 && f.l_type == F_UNLCK,
	      "flock visible to F_OFD_GETLK");

	/* LOCK_UN through the dup releases the shared lock. */
	CHECK_OK(flock(a2, LOCK_UN));
	CHECK(flock(b, LOCK_EX | LOCK_NB) == 0, "after LOCK_UN: %s",
	      strerror(errno));
	CHECK_ERRNO(flock(a, LOCK_SH | LOCK_NB), EWOULDBLOCK);

	/* Downgrade to shared: the other may now share it too. */
	CHECK_OK(flock(b, LOCK_SH));
	CHECK(flock(a, LOCK_SH | LOCK_NB) == 0, "two shared locks");
	CHECK_ERRNO(flock(a, LOCK_EX | LOCK_NB), EWOULDBLOCK); /* b still shares */

	/* Closing the last fd of an open file drops its lock; a2 is still
	 * open, so closing a alone must not. */
	CHECK_OK(flock(a, LOCK_UN));
	CHECK_OK(flock(b, LOCK_UN));
	CHECK_OK(flock(a, LOCK_EX));
	CHECK_OK(close(a));
	CHECK_ERRNO(flock(b, LOCK_EX | LOCK_NB), EWOULDBLOCK);
	CHECK_OK(close(a2));
	CHECK(flock(b, LOCK_EX | LOCK_NB) == 0, "lock survived close: %s",
	      strerror(errno));

	/* Directories can be flocked too. */
	int d = open(dir, O_RDONLY | O_DIRECTORY);
	CHECK(d >= 0 && flock(d, LOCK_EX | LOCK_NB) == 0, "flock dir: %s",
	      strerror(errno));
	CHECK_OK(close(d));

	CHECK_ERRNO(flock(b, 0), EINVAL);
	CHECK_ERRNO(flock(b, LOCK_NB), EINVAL);
	CHECK_ERRNO(flock(b, LOCK_SH | LOCK_EX), EINVAL);
	CHECK_ERRNO(flock(4321, LOCK_EX), EBADF);
	int p = open(path, O_PATH);
	CHECK(p >= 0, "O_PATH");
	CHECK_ERRNO(flock(p, LOCK_EX), EBADF);

	CHECK_OK(close(p));
	CHECK_OK(close(b));
	CHECK_OK(unlink(path));
	CHECK_OK(rmdir(dir));
	return 0;
}
