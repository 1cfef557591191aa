/* File leases (F_SETLEASE, F_GETLEASE): who may take one (EAGAIN while
 * the file is open elsewhere, EINVAL on a non-file), the break an open or
 * a truncate starts (the holder's F_SETSIG signal with si_fd, F_GETLEASE
 * telling the break's target, O_NONBLOCK's EWOULDBLOCK, the opener
 * waiting until the holder gives in), and the break that times out after
 * /proc/sys/fs/lease-break-time (a write to it past its start is ignored,
 * as Linux's sysctl_writes_strict wants).  (The sentry answered EINVAL to
 * both, and took a sysctl write at any offset.) */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <sys/select.h>
#include <sys/wait.h>
#include <time.h>
#include "check.h"

#define BREAK_TIME "/proc/sys/fs/lease-break-time"

static char path[64];
static char saved_time[32];

static void restore_time(void)
{
	int fd = open(BREAK_TIME, O_WRONLY);

	if (fd >= 0 && saved_time[0] && write(fd, saved_time, strlen(saved_time)) < 0)
		perror("restore " BREAK_TIME);
	if (fd >= 0)
		close(fd);
}

static void set_time(const char *v)
{
	int fd = open(BREAK_TIME, O_RDWR);
	ssize_t n;

	CHECK(fd >= 0, "open %s: %s", BREAK_TIME, strerror(errno));
	if (!saved_time[0]) {
		n = read(fd, saved_time, sizeof(saved_time) - 1);
		CHECK(n > 0, "read %s", BREAK_TIME);
		saved_time[n] = 0;
		atexit(restore_time);
	}
	/* a sysctl written past its start (here, after the read) is ignored
	 * but counted, as Linux's sysctl_writes_strict wants */
	if (saved_time[0] && lseek(fd, 0, SEEK_CUR) > 0) {
		char now[32] = "";

		CHECK(write(fd, "7\n", 2) == 2, "write past the start: %s", strerror(errno));
		CHECK(pread(fd, now, sizeof(now) - 1, 0) > 0 && !strcmp(now, saved_time),
		      "a write past the start changed %s to %s", BREAK_TIME, now);
	}
	CHECK(pwrite(fd, v, strlen(v), 0) == (ssize_t)strlen(v), "write %s: %s", BREAK_TIME,
	      strerror(errno));
	close(fd);
}

/* In a child: open path with flags (or truncate it: flags -1); the
 * result (0 or errno) comes back through the returned pipe. */
static int opener(int flags, pid_t *pid)
{
	int p[2];

	CHECK_OK(pipe(p));
	*pid = fork();
	CHECK(*pid >= 0, "fork: %s", strerror(errno));
	if (*pid == 0) {
		int r = flags == -1 ? truncate(path, 0) : open(path, flags);
		char c = r < 0 ? (char)errno : 0;

		if (write(p[1], &c, 1) != 1)
			_exit(2);
		_exit(0);
	}
	close(p[1]);
	return p[0];
}

/* the opener's result; it must still be waiting if pending is set */
static int result(int rfd, pid_t pid)
{
	char c;
	int st;

	CHECK(read(rfd, &c, 1) == 1, "opener's result");
	close(rfd);
	CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st) && !WEXITSTATUS(st),
	      "opener: %#x", st);
	return c;
}

static bool ready(int rfd, int ms)
{
	struct timespec ts = { 0, ms * 1000000L };
	fd_set s;

	FD_ZERO(&s);
	FD_SET(rfd, &s);
	return pselect(rfd + 1, &s, NULL, NULL, &ts, NULL) == 1;
}

/* the break's signal, with si_fd */
static void expect_signal(int sig, int fd)
{
	struct timespec ts = { 10, 0 };
	siginfo_t si;
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, sig);
	CHECK(sigtimedwait(&set, &si, &ts) == sig, "no signal %d: %s", sig, strerror(errno));
	if (sig != SIGIO)
		CHECK(si.si_fd == fd && si.si_code == POLL_MSG, "si_fd %d code %d", si.si_fd,
		      si.si_code);
}

static void rules(void)
{
	int fd = open(path, O_RDONLY), rw = open(path, O_RDWR), p[2], dup_fd;

	CHECK(fd >= 0 && rw >= 0, "open: %s", strerror(errno));
	CHECK(fcntl(fd, F_GETLEASE) == F_UNLCK, "a fresh file has a lease");
	CHECK_ERRNO(fcntl(fd, F_SETLEASE, F_UNLCK), EAGAIN);
	CHECK_ERRNO(fcntl(fd, F_SETLEASE, 7), EINVAL);
	/* open for writing (by rw): no read lease; open elsewhere: no write lease */
	CHECK_ERRNO(fcntl(fd, F_SETLEASE, F_RDLCK), EAGAIN);
	CHECK_ERRNO(fcntl(rw, F_SETLEASE, F_RDLCK), EAGAIN);
	CHECK_ERRNO(fcntl(rw, F_SETLEASE, F_WRLCK), EAGAIN);
	close(rw);
	CHECK_OK(fcntl(fd, F_SETLEASE, F_RDLCK));
	CHECK(fcntl(fd, F_GETLEASE) == F_RDLCK, "F_GETLEASE after F_RDLCK");
	/* a second reader may share it; a write lease not */
	rw = open(path, O_RDONLY);
	CHECK_OK(fcntl(rw, F_SETLEASE, F_RDLCK));
	CHECK_ERRNO(fcntl(rw, F_SETLEASE, F_WRLCK), EAGAIN);
	close(rw);                      /* its close ends its lease */
	CHECK_OK(fcntl(fd, F_SETLEASE, F_UNLCK));
	/* a dup is the same open file: a write lease is fine */
	dup_fd = dup(fd);
	CHECK_OK(fcntl(fd, F_SETLEASE, F_WRLCK));
	CHECK(fcntl(dup_fd, F_GETLEASE) == F_WRLCK, "the dup's lease");
	CHECK_OK(fcntl(fd, F_SETLEASE, F_RDLCK));       /* downgrade */
	CHECK_OK(fcntl(fd, F_SETLEASE, F_UNLCK));
	close(dup_fd);
	close(fd);
	CHECK_OK(pipe(p));
	CHECK_ERRNO(fcntl(p[0], F_SETLEASE, F_RDLCK), EINVAL);
	close(p[0]);
	close(p[1]);
	fd = open("/", O_RDONLY | O_DIRECTORY);
	CHECK_ERRNO(fcntl(fd, F_SETLEASE, F_RDLCK), EINVAL);
	close(fd);
}

/* a reader breaks a write lease to a read lease */
static void break_to_read(void)
{
	int fd = open(path, O_RDONLY), rfd, sig = SIGRTMIN + 1;
	pid_t pid;

	CHECK_OK(fcntl(fd, F_SETSIG, sig));
	CHECK_OK(fcntl(fd, F_SETLEASE, F_WRLCK));
	rfd = opener(O_RDONLY | O_NONBLOCK, &pid);
	CHECK(result(rfd, pid) == EWOULDBLOCK, "O_NONBLOCK open of a leased file");
	expect_signal(sig, fd);
	CHECK(fcntl(fd, F_GETLEASE) == F_RDLCK, "while broken for a reader: %d",
	      fcntl(fd, F_GETLEASE));
	rfd = opener(O_RDONLY, &pid);
	CHECK(!ready(rfd, 200), "the reader did not wait for the lease");
	CHECK_OK(fcntl(fd, F_SETLEASE, F_RDLCK));
	CHECK(result(rfd, pid) == 0, "the reader's open after the downgrade");
	CHECK(fcntl(fd, F_GETLEASE) == F_RDLCK, "the read lease stays");
	CHECK_OK(fcntl(fd, F_SETLEASE, F_UNLCK));
	close(fd);
}

/* a writer, or a truncate, breaks a read lease to nothing */
static void break_to_unlock(int flags)
{
	int fd = open(path, O_RDONLY), rfd;
	pid_t pid;

	CHECK_OK(fcntl(fd, F_SETLEASE, F_RDLCK));
	rfd = opener(flags, &pid);
	expect_signal(SIGIO, fd);
	CHECK(fcntl(fd, F_GETLEASE) == F_UNLCK, "while broken for a writer: %d",
	      fcntl(fd, F_GETLEASE));
	CHECK(!ready(rfd, 200), "the writer did not wait for the lease");
	CHECK_ERRNO(fcntl(fd, F_SETLEASE, F_RDLCK), EAGAIN);
	CHECK_OK(fcntl(fd, F_SETLEASE, F_UNLCK));
	CHECK(result(rfd, pid) == 0, "the writer's open after the lease went");
	close(fd);
}

/* a holder that does not answer loses its lease after lease-break-time */
static void break_times_out(void)
{
	int fd = open(path, O_RDONLY), rfd;
	pid_t pid;

	set_time("1\n");
	CHECK_OK(fcntl(fd, F_SETLEASE, F_WRLCK));
	rfd = opener(O_RDWR, &pid);
	expect_signal(SIGIO, fd);
	CHECK(result(rfd, pid) == 0, "the open after the break timed out");
	CHECK(fcntl(fd, F_GETLEASE) == F_UNLCK, "the lease outlived its break");
	close(fd);
}

int main(void)
{
	sigset_t set;
	int fd;

	snprintf(path, sizeof(path), "/tmp/lease.%d", getpid());
	fd = open(path, O_CREAT | O_EXCL | O_RDWR, 0644);
	CHECK(fd >= 0, "create %s: %s", path, strerror(errno));
	close(fd);
	/* the breaks' signals are taken with sigtimedwait */
	sigemptyset(&set);
	sigaddset(&set, SIGIO);
	sigaddset(&set, SIGRTMIN + 1);
	CHECK_OK(sigprocmask(SIG_BLOCK, &set, NULL));
	rules();
	break_to_read();
	break_to_unlock(O_WRONLY);
	break_to_unlock(-1);            /* truncate(2) */
	break_times_out();
	unlink(path);
	return 0;
}
