/* A pseudo-terminal pair from /dev/ptmx (issue 15 item 4): the slave is
 * locked until unlockpt, TIOCGPTN names it, TIOCGPTPEER opens it; bytes go
 * both ways through the line discipline: canonical lines with echo, erase
 * and VEOF, ICRNL on input, ONLCR on output, raw mode, FIONREAD, window
 * size, poll readiness and a reader blocked until the master writes. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <termios.h>
#include "check.h"

/* Read what the master has, up to len, waiting for the first byte. */
static ssize_t master_read(int m, char *buf, size_t len)
{
	struct pollfd p = { .fd = m, .events = POLLIN };

	CHECK(poll(&p, 1, 10000) == 1, "master never became readable");
	return read(m, buf, len);
}

static void expect_master(int m, const char *want)
{
	char buf[256];
	size_t got = 0, n = strlen(want);

	while (got < n) {
		ssize_t k = master_read(m, buf + got, sizeof(buf) - 1 - got);

		CHECK(k > 0, "master read: %zd %s", k, strerror(errno));
		got += (size_t)k;
	}
	buf[got] = 0;
	CHECK(got == n && !memcmp(buf, want, n), "master read '%s', want '%s'", buf, want);
}

static void expect_slave(int s, const char *want, size_t n)
{
	char buf[256];
	ssize_t k = read(s, buf, sizeof(buf));

	CHECK(k == (ssize_t)n && !memcmp(buf, want, n), "slave read %zd '%.*s', want %zu '%s'",
	      k, k > 0 ? (int)k : 0, buf, n, want);
}

static int poll_in(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN | POLLOUT };

	CHECK(poll(&p, 1, 0) >= 0, "poll: %s", strerror(errno));
	return p.revents;
}

static void *late_writer(void *arg)
{
	usleep(100 * 1000);
	CHECK(write(*(int *)arg, "late\n", 5) == 5, "late write");
	return NULL;
}

int main(void)
{
	int m = posix_openpt(O_RDWR | O_NOCTTY), s, peer, n, lk;
	char path[64], name[64];
	struct termios tio;
	struct winsize ws = { .ws_row = 33, .ws_col = 77 }, ws2;
	struct stat st;
	pthread_t th;

	CHECK(m >= 0, "posix_openpt: %s", strerror(errno));
	CHECK(isatty(m), "the master is not a terminal");
	CHECK_OK(ioctl(m, TIOCGPTN, &n));
	CHECK_OK(ioctl(m, TIOCGPTLCK, &lk));
	CHECK(lk == 1, "a new pty is not locked");
	snprintf(path, sizeof(path), "/dev/pts/%d", n);
	CHECK(!strcmp(ptsname(m), path), "ptsname %s, want %s", ptsname(m), path);
	CHECK_ERRNO(open(path, O_RDWR | O_NOCTTY), EIO);
	CHECK_ERRNO(ioctl(m, TIOCGPTPEER, O_RDWR | O_NOCTTY), EIO);
	CHECK_OK(grantpt(m));
	CHECK_OK(unlockpt(m));
	s = open(path, O_RDWR | O_NOCTTY);
	CHECK(s >= 0, "open %s: %s", path, strerror(errno));
	CHECK(isatty(s), "the slave is not a terminal");
	CHECK_OK(fstat(s, &st));
	CHECK(S_ISCHR(st.st_mode) && major(st.st_rdev) == 136 + (unsigned)n / 256 &&
	      minor(st.st_rdev) == (unsigned)n % 256, "slave rdev %u:%u",
	      major(st.st_rdev), minor(st.st_rdev));
	CHECK(ttyname_r(s, name, sizeof(name)) == 0 && !strcmp(name, path),
	      "ttyname of the slave: %s", name);
	peer = ioctl(m, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
	CHECK(peer >= 0, "TIOCGPTPEER: %s", strerror(errno));
	CHECK(ttyname_r(peer, name, sizeof(name)) == 0 && !strcmp(name, path),
	      "ttyname of the peer: %s", name);
	CHECK(fcntl(peer, F_GETFD) == FD_CLOEXEC, "O_CLOEXEC of TIOCGPTPEER");
	close(peer);

	/* the slave's default termios, as Linux's pts driver sets it */
	CHECK_OK(tcgetattr(s, &tio));
	CHECK((tio.c_lflag & (ICANON | ECHO | ISIG)) == (ICANON | ECHO | ISIG) &&
	      (tio.c_oflag & (OPOST | ONLCR)) == (OPOST | ONLCR) && (tio.c_iflag & ICRNL) &&
	      tio.c_cc[VINTR] == 3 && tio.c_cc[VEOF] == 4 && tio.c_cc[VERASE] == 127,
	      "default termios %o %o %o", tio.c_iflag, tio.c_oflag, tio.c_lflag);
	CHECK((poll_in(s) & POLLIN) == 0 && (poll_in(m) & POLLIN) == 0, "readable when empty");

	/* canonical: a line is read once complete, echoed with ONLCR */
	CHECK(write(m, "ab", 2) == 2, "master write");
	expect_master(m, "ab");
	CHECK((poll_in(s) & POLLIN) == 0, "a partial line is readable");
	CHECK_OK(ioctl(s, FIONREAD, &n));
	CHECK(n == 0, "FIONREAD of a partial line: %d", n);
	CHECK(write(m, "c\x7f" "d\r", 4) == 4, "master write");   /* erase, then CR */
	expect_master(m, "c\b \bd\r\n");
	CHECK(poll_in(s) & POLLIN, "a complete line is not readable");
	CHECK_OK(ioctl(s, FIONREAD, &n));
	CHECK(n == 4, "FIONREAD %d, want 4", n);
	expect_slave(s, "abd\n", 4);                            /* ICRNL */
	CHECK(write(m, "x\n", 2) == 2 && write(m, "y\n", 2) == 2, "master write");
	expect_master(m, "x\r\ny\r\n");
	expect_slave(s, "x\n", 2);                              /* one line a read */
	expect_slave(s, "y\n", 2);
	/* VEOF ends a line without itself; alone, it is end-of-file */
	CHECK(write(m, "q\x04" "\x04", 3) == 3, "master write");
	expect_slave(s, "q", 1);
	expect_slave(s, "", 0);
	expect_master(m, "q");                                  /* VEOF is not echoed */
	/* the slave's output: ONLCR */
	CHECK(write(s, "out\n", 4) == 4, "slave write");
	expect_master(m, "out\r\n");
	/* a reader sleeps until a line comes */
	CHECK(pthread_create(&th, NULL, late_writer, &m) == 0, "pthread_create");
	expect_slave(s, "late\n", 5);
	pthread_join(th, NULL);
	expect_master(m, "late\r\n");

	/* raw mode: no echo, bytes as they come, no output processing */
	cfmakeraw(&tio);
	CHECK_OK(tcsetattr(s, TCSANOW, &tio));
	CHECK(write(m, "r\r", 2) == 2, "master write");
	expect_slave(s, "r\r", 2);
	CHECK(write(s, "o\n", 2) == 2, "slave write");
	expect_master(m, "o\n");
	CHECK_OK(fcntl(s, F_SETFL, O_NONBLOCK));
	CHECK_ERRNO(read(s, name, sizeof(name)), EAGAIN);
	/* VMIN 0, VTIME 0: a read returns at once */
	tio.c_cc[VMIN] = 0;
	tio.c_cc[VTIME] = 0;
	CHECK_OK(tcsetattr(s, TCSANOW, &tio));
	CHECK_OK(fcntl(s, F_SETFL, 0));
	CHECK(read(s, name, sizeof(name)) == 0, "VMIN 0 read");

	/* the window size, set on the master, read on the slave */
	CHECK_OK(ioctl(m, TIOCSWINSZ, &ws));
	CHECK_OK(ioctl(s, TIOCGWINSZ, &ws2));
	CHECK(ws2.ws_row == 33 && ws2.ws_col == 77, "winsize %d x %d", ws2.ws_row, ws2.ws_col);
	/* a bad pointer is EFAULT, on either side */
	CHECK_ERRNO(ioctl(m, TIOCGPTN, KERNEL_PTR), EFAULT);
	CHECK_ERRNO(ioctl(s, TCSETS, KERNEL_PTR), EFAULT);
	CHECK_ERRNO(ioctl(s, TCGETS, KERNEL_PTR), EFAULT);
	CHECK_ERRNO(ioctl(m, TIOCSWINSZ, KERNEL_PTR), EFAULT);
	CHECK_ERRNO(ioctl(s, FIONREAD, KERNEL_PTR), EFAULT);
	CHECK_ERRNO(write(m, KERNEL_PTR, 8), EFAULT);
	close(s);
	close(m);

	/* openpty(3) does it all, through TIOCGPTPEER */
	CHECK_OK(openpty(&m, &s, name, NULL, &ws));
	CHECK(isatty(s) && !strncmp(name, "/dev/pts/", 9), "openpty: %s", name);
	CHECK(write(s, "z", 1) == 1, "slave write");
	expect_master(m, "z");
	close(s);
	close(m);
	return 0;
}
