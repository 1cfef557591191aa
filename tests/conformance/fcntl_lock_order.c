/* POSIX record locks as Linux keeps them: F_GETLK reports the conflicting
 * lock that starts first (a write lock [10,13) before the read lock
 * [13,18) that split it); adjacent locks of one type and owner merge into
 * one; and F_SETLKW that would close a cycle of two processes waiting for
 * each other's locks fails with EDEADLK in one of them, which then lets
 * the other go on (LTP's fcntl11, fcntl17, fcntl21). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sys/wait.h>
#include "check.h"

static int lock(int fd, int cmd, short type, off_t start, off_t len)
{
	struct flock f = { .l_type = type, .l_whence = SEEK_SET,
			   .l_start = start, .l_len = len };
	return fcntl(fd, cmd, &f);
}

/* What another process's F_GETLK for a write lock on [start, +len) sees. */
static struct flock getlk_from_child(int fd, off_t start, off_t len)
{
	struct flock f = { .l_type = F_WRLCK, .l_whence = SEEK_SET,
			   .l_start = start, .l_len = len };
	int p[2], st;
	pid_t pid;

	CHECK_OK(pipe(p));
	pid = fork();
	CHECK(pid >= 0, "fork");
	if (pid == 0) {
		if (fcntl(fd, F_GETLK, &f))
			_exit(1);
		_exit(write(p[1], &f, sizeof(f)) == sizeof(f) ? 0 : 1);
	}
	CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st) && !WEXITSTATUS(st), "child");
	CHECK(read(p[0], &f, sizeof(f)) == sizeof(f), "read the child's answer");
	close(p[0]);
	close(p[1]);
	return f;
}

/* Write-lock [10,15), then lock [start2, +5) with type2: another
 * process's F_GETLK must see (want_type, want_start, want_len). */
static void two_locks_then_getlk(int fd, short type2, off_t start2, short want_type,
				 off_t want_start, off_t want_len)
{
	struct flock f;

	CHECK_OK(lock(fd, F_SETLK, F_WRLCK, 10, 5));
	CHECK_OK(lock(fd, F_SETLK, type2, start2, 5));
	f = getlk_from_child(fd, 0, 0);
	CHECK(f.l_type == want_type && f.l_start == want_start && f.l_len == want_len,
	      "type %d start %ld len %ld, want %d %ld %ld", f.l_type, (long)f.l_start,
	      (long)f.l_len, want_type, (long)want_start, (long)want_len);
	CHECK_OK(lock(fd, F_SETLK, F_UNLCK, 0, 0));
}

int main(void)
{
	char path[] = "/tmp/lockord.XXXXXX";
	int fd = mkstemp(path), go[2], st, mine;
	pid_t pid;

	CHECK(fd >= 0, "mkstemp: %s", strerror(errno));
	unlink(path);

	/* a write lock split by a read lock: the write part comes first */
	two_locks_then_getlk(fd, F_RDLCK, 13, F_WRLCK, 10, 3);
	/* two adjacent write locks: one */
	two_locks_then_getlk(fd, F_WRLCK, 15, F_WRLCK, 10, 10);

	/* a cycle: we hold byte 0 and want 1, the child holds 1 and wants 0 */
	CHECK_OK(pipe(go));
	CHECK_OK(lock(fd, F_SETLK, F_WRLCK, 0, 1));
	pid = fork();
	CHECK(pid >= 0, "fork");
	if (pid == 0) {
		if (lock(fd, F_SETLK, F_WRLCK, 1, 1))
			_exit(2);
		if (write(go[1], "x", 1) != 1)
			_exit(2);
		if (lock(fd, F_SETLKW, F_WRLCK, 0, 1) == 0)
			_exit(0);
		_exit(errno == EDEADLK ? 1 : 2);
	}
	char c;
	CHECK(read(go[0], &c, 1) == 1, "the child did not lock byte 1");
	errno = 0;
	mine = lock(fd, F_SETLKW, F_WRLCK, 1, 1);
	CHECK(mine == 0 || errno == EDEADLK, "F_SETLKW: %s", strerror(errno));
	if (mine)       /* ours was refused: let the child have byte 0 */
		CHECK_OK(lock(fd, F_SETLK, F_UNLCK, 0, 1));
	CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st), "child");
	CHECK((mine == 0) == (WEXITSTATUS(st) == 1),
	      "want exactly one EDEADLK: ours %d, the child's exit %d", mine, WEXITSTATUS(st));
	return 0;
}
