/* POSIX record locks (F_SETLK/F_GETLK) belong to the process: two opens
 * of one file in the same process never conflict, F_GETLK says F_UNLCK
 * for the process's own locks, closing ANY fd of the file drops all of
 * them, a process's exit drops them, and the argument checks (EBADF for a mode the fd lacks, EINVAL
 * for bad l_type/l_whence/range). OFD locks see POSIX locks as foreign. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sys/wait.h>
#include "check.h"

static char dir[] = "/tmp/cvt.XXXXXX";

static struct flock lk(short type, off_t start, off_t len)
{
	struct flock f = { .l_type = type, .l_whence = SEEK_SET,
			   .l_start = start, .l_len = len };
	return f;
}

/* The l_type F_GETLK-like cmd reports for a write lock over [start, +len). */
static short probe(int fd, int cmd, off_t start, off_t len)
{
	struct flock f = lk(F_WRLCK, start, len);
	CHECK(fcntl(fd, cmd, &f) == 0, "GETLK: %s", strerror(errno));
	return f.l_type;
}

int main(void)
{
	char path[512];

	CHECK(mkdtemp(dir), "mkdtemp: %s", strerror(errno));
	snprintf(path, sizeof(path), "%s/f", dir);
	int a = open(path, O_RDWR | O_CREAT, 0644);
	int b = open(path, O_RDWR);
	int c = open(path, O_RDWR);
	CHECK(a >= 0 && b >= 0 && c >= 0, "open: %s", strerror(errno));

	CHECK(probe(a, F_GETLK, 0, 0) == F_UNLCK, "free file not F_UNLCK");
	struct flock f = lk(F_WRLCK, 0, 10);
	CHECK(fcntl(a, F_SETLK, &f) == 0, "F_SETLK: %s", strerror(errno));
	/* Same process, other open file description: no conflict. */
	f = lk(F_WRLCK, 5, 10);
	CHECK(fcntl(b, F_SETLK, &f) == 0, "own POSIX locks conflicted: %s",
	      strerror(errno));
	CHECK(probe(b, F_GETLK, 0, 100) == F_UNLCK, "own lock reported");
	f = lk(F_RDLCK, 0, 100); /* converts and merges, still fine */
	CHECK(fcntl(c, F_SETLKW, &f) == 0, "F_SETLKW: %s", strerror(errno));

	/* An OFD query is another owner: it sees the process's lock. */
	f = lk(F_WRLCK, 0, 1);
	CHECK(fcntl(c, F_OFD_GETLK, &f) == 0, "F_OFD_GETLK: %s", strerror(errno));
	CHECK(f.l_type == F_RDLCK && f.l_pid == getpid(),
	      "OFD view of POSIX lock: type %d pid %d", f.l_type, f.l_pid);

	/* Closing any fd of the file releases every POSIX lock on it. */
	int dupc = dup(c);
	CHECK_OK(close(dupc));
	CHECK(probe(a, F_OFD_GETLK, 0, 0) == F_UNLCK,
	      "POSIX locks survived close() of another fd");

	/* Unlocking a part splits the lock. */
	f = lk(F_WRLCK, 0, 30);
	CHECK_OK(fcntl(a, F_SETLK, &f));
	f = lk(F_UNLCK, 10, 10);
	CHECK_OK(fcntl(a, F_SETLK, &f));
	CHECK(probe(b, F_OFD_GETLK, 12, 5) == F_UNLCK, "unlocked hole");
	CHECK(probe(b, F_OFD_GETLK, 25, 1) == F_WRLCK, "tail lost");
	f = lk(F_UNLCK, 0, 0);
	CHECK_OK(fcntl(a, F_SETLK, &f));
	CHECK(probe(b, F_OFD_GETLK, 0, 0) == F_UNLCK, "unlock all");

	/* A child's locks go when it exits, closed fds or not. */
	int st;
	pid_t k = fork();
	CHECK(k >= 0, "fork");
	if (k == 0) {
		f = lk(F_WRLCK, 0, 0);
		_exit(fcntl(a, F_SETLK, &f) == 0 ? 0 : 1);
	}
	CHECK(waitpid(k, &st, 0) == k && st == 0, "child lock");
	CHECK(probe(b, F_OFD_GETLK, 0, 0) == F_UNLCK, "an exited process's lock stayed");

	/* A lock needs the matching access mode. */
	int ro = open(path, O_RDONLY), wo = open(path, O_WRONLY);
	CHECK(ro >= 0 && wo >= 0, "reopen");
	f = lk(F_WRLCK, 0, 1);
	CHECK_ERRNO(fcntl(ro, F_SETLK, &f), EBADF);
	f = lk(F_RDLCK, 0, 1);
	CHECK_ERRNO(fcntl(wo, F_SETLK, &f), EBADF);

	f = lk(42, 0, 1);
	CHECK_ERRNO(fcntl(a, F_SETLK, &f), EINVAL);
	f = lk(F_WRLCK, 0, 1);
	f.l_whence = 7;
	CHECK_ERRNO(fcntl(a, F_SETLK, &f), EINVAL);
	f = lk(F_WRLCK, -5, 1);
	CHECK_ERRNO(fcntl(a, F_SETLK, &f), EINVAL);
	CHECK_ERRNO(fcntl(a, F_SETLK, KERNEL_PTR), EFAULT);
	f = lk(F_WRLCK, 0, 1);
	CHECK_ERRNO(fcntl(4321, F_SETLK, &f), EBADF);

	CHECK_OK(close(ro));
	CHECK_OK(close(wo));
	CHECK_OK(close(a));
	CHECK_OK(close(b));
	CHECK_OK(close(c));
	CHECK_OK(unlink(path));
	CHECK_OK(rmdir(dir));
	return 0;
}
