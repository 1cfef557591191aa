/* SCM_RIGHTS on AF_UNIX sockets: a pipe, a tmpfs file, a memfd, a file of
 * the root file system, an O_PATH fd, an eventfd, an epoll fd and a socket
 * pass and work on the other side; MSG_CMSG_CLOEXEC; a control buffer too
 * small (MSG_CTRUNC, no fd leaked); a full fd table (MSG_CTRUNC); bad fds
 * (EBADF), more than 253 fds (EINVAL), malformed cmsgs (EINVAL), other
 * levels skipped; MSG_PEEK then a read gives two working fds; and the
 * per-user limit of fds in flight (ETOOMANYREFS). */
#define _GNU_SOURCE
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include "scm_util.h"

static int sv[2];

/* Send fd over sv[0], receive it on sv[1]: a new fd for the same file. */
static int pass(int fd)
{
	CHECK(send_fd(sv[0], fd) == 1, "send fd %d: %s", fd, strerror(errno));
	int r = recv_fd(sv[1], 0);
	CHECK(r != fd, "a new fd: %d", r);
	return r;
}

static void same_file(int a, int b)
{
	struct stat x, y;

	CHECK_OK(fstat(a, &x));
	CHECK_OK(fstat(b, &y));
	CHECK(x.st_dev == y.st_dev && x.st_ino == y.st_ino, "fds %d and %d: one file", a, b);
}

/* Two fds of one eventfd (EFD_NONBLOCK): what one adds the other reads.
 * (Not fstat: the sandbox's fstat of an eventfd is another matter.) */
static void same_eventfd(int a, int b)
{
	uint64_t v = 1;

	CHECK(write(a, &v, 8) == 8, "write eventfd %d: %s", a, strerror(errno));
	CHECK(read(b, &v, 8) == 8 && v == 1, "eventfds %d and %d: one counter", a, b);
}

static void test_pipe(void)
{
	int p[2], w;
	char buf[8];

	CHECK_OK(pipe(p));
	w = pass(p[1]);
	CHECK_OK(close(p[1]));
	CHECK(write(w, "pipe", 4) == 4, "write the received end");
	CHECK_OK(close(w));
	CHECK(read(p[0], buf, sizeof(buf)) == 4 && !memcmp(buf, "pipe", 4), "read it back");
	CHECK(read(p[0], buf, sizeof(buf)) == 0, "EOF: the received end was the last writer");
	CHECK_OK(close(p[0]));
}

/* A file in the sandbox's tmpfs (/tmp) and a memfd: the offset is shared. */
static void test_memory_files(void)
{
	char path[] = "/tmp/scm_rights.XXXXXX", buf[8];
	int fd = mkstemp(path), r;

	CHECK(fd >= 0, "mkstemp: %s", strerror(errno));
	CHECK_OK(unlink(path));
	r = pass(fd);
	same_file(fd, r);
	CHECK(write(r, "tmpfile", 7) == 7, "write the received fd");
	CHECK(lseek(fd, 0, SEEK_CUR) == 7, "one open file: one offset");
	CHECK(pread(fd, buf, 7, 0) == 7 && !memcmp(buf, "tmpfile", 7), "read back");
	CHECK_OK(close(r));
	CHECK_OK(close(fd));

	fd = memfd_create("scm", 0);
	CHECK(fd >= 0, "memfd_create: %s", strerror(errno));
	CHECK(write(fd, "memfd", 5) == 5, "write");
	r = pass(fd);
	same_file(fd, r);
	CHECK(pread(r, buf, 5, 0) == 5 && !memcmp(buf, "memfd", 5), "read the received memfd");
	CHECK_OK(close(r));
	CHECK_OK(close(fd));
}

/* A file of the root file system (the host's, in the sandbox), and an
 * O_PATH fd, which passes too (Linux takes it with fget_raw). */
static void test_root_file(void)
{
	char a[64], b[64];
	int fd = open("/etc/passwd", O_RDONLY), r;
	long n;

	CHECK(fd >= 0, "open /etc/passwd: %s", strerror(errno));
	r = pass(fd);
	same_file(fd, r);
	n = pread(fd, a, sizeof(a), 0);
	CHECK(n > 0 && pread(r, b, sizeof(b), 0) == n && !memcmp(a, b, (size_t)n),
	      "the same bytes through both fds");
	CHECK_OK(close(r));
	CHECK_OK(close(fd));

	fd = open("/etc", O_PATH | O_DIRECTORY);
	CHECK(fd >= 0, "open O_PATH: %s", strerror(errno));
	r = pass(fd);
	same_file(fd, r);
	CHECK((fcntl(r, F_GETFL) & O_PATH) == O_PATH, "still O_PATH");
	int e = openat(r, "passwd", O_RDONLY);
	CHECK(e >= 0, "openat the received O_PATH dir: %s", strerror(errno));
	CHECK_OK(close(e));
	CHECK_OK(close(r));
	CHECK_OK(close(fd));
}

static void test_eventfd_epoll(void)
{
	int ev = eventfd(0, 0), r, ep, rep;
	uint64_t v = 5;
	struct epoll_event e = { .events = EPOLLIN, .data.u64 = 77 }, out;

	CHECK(ev >= 0, "eventfd: %s", strerror(errno));
	r = pass(ev);
	CHECK(write(r, &v, 8) == 8, "write the received eventfd");
	CHECK(read(ev, &v, 8) == 8 && v == 5, "read 5 on the original, got %llu",
	      (unsigned long long)v);

	ep = epoll_create1(0);
	CHECK(ep >= 0, "epoll_create1");
	CHECK_OK(epoll_ctl(ep, EPOLL_CTL_ADD, ev, &e));
	rep = pass(ep);
	CHECK_OK(write(ev, &v, 8));
	CHECK(epoll_wait(rep, &out, 1, 0) == 1 && out.data.u64 == 77,
	      "the received epoll fd sees the eventfd ready");
	CHECK_OK(close(rep));
	CHECK_OK(close(ep));
	CHECK_OK(close(r));
	CHECK_OK(close(ev));
}

static void test_socket(void)
{
	int p[2], r;
	char buf[8];

	CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM, 0, p));
	r = pass(p[0]);
	CHECK_OK(close(p[0]));
	CHECK(send(r, "sock", 4, 0) == 4, "send on the received socket");
	CHECK(recv(p[1], buf, sizeof(buf), 0) == 4 && !memcmp(buf, "sock", 4), "recv");
	CHECK_OK(close(r));
	CHECK(recv(p[1], buf, sizeof(buf), 0) == 0, "EOF: the received fd was the last");
	CHECK_OK(close(p[1]));
}

static void test_cloexec(void)
{
	int fd = eventfd(0, 0), r, n, fl;

	CHECK(send_fd(sv[0], fd) == 1, "send");
	CHECK(recv_fds(sv[1], MSG_CMSG_CLOEXEC, CMSG_SPACE(sizeof(int)), &r, 1, &n, &fl) == 1 &&
	      n == 1, "recv with MSG_CMSG_CLOEXEC");
	CHECK(fcntl(r, F_GETFD) == FD_CLOEXEC, "FD_CLOEXEC set");
	CHECK_OK(close(r));
	r = pass(fd);
	CHECK(fcntl(r, F_GETFD) == 0, "FD_CLOEXEC not set without the flag");
	CHECK_OK(close(r));
	CHECK_OK(close(fd));
}

/* Three fds sent, room for one (CMSG_SPACE would hold two), then for none: MSG_CTRUNC, and the fds
 * that did not fit are not left open anywhere. */
static void test_ctrunc(void)
{
	int fds[3], got[3], n, fl, before;

	for (int i = 0; i < 3; i++)
		CHECK((fds[i] = eventfd(0, EFD_NONBLOCK)) >= 0, "eventfd");
	before = count_fds();
	CHECK(send_fds(sv[0], fds, 3) == 1, "send 3 fds: %s", strerror(errno));
	CHECK(recv_fds(sv[1], 0, CMSG_LEN(sizeof(int)), got, 3, &n, &fl) == 1, "recv");
	CHECK(fl & MSG_CTRUNC, "MSG_CTRUNC, msg_flags %#x", fl);
	CHECK(n == 1, "the one that fits, got %d", n);
	same_eventfd(got[0], fds[0]);
	CHECK(count_fds() == before + 1, "one new fd, %d -> %d", before, count_fds());
	CHECK_OK(close(got[0]));

	CHECK(send_fds(sv[0], fds, 3) == 1, "send 3 fds");
	CHECK(recv_fds(sv[1], 0, 0, got, 3, &n, &fl) == 1, "recv without control room");
	CHECK((fl & MSG_CTRUNC) && n == 0, "MSG_CTRUNC and no fd, flags %#x n %d", fl, n);
	CHECK(count_fds() == before, "no fd leaked: %d -> %d", before, count_fds());
	for (int i = 0; i < 3; i++)
		CHECK_OK(close(fds[i]));
}

/* A full fd table: what cannot be installed is dropped, MSG_CTRUNC. */
static void test_emfile(void)
{
	struct rlimit rl;
	int fds[3], got[3], n, fl, spare = -1, last = -1;

	CHECK_OK(getrlimit(RLIMIT_NOFILE, &rl));
	rl.rlim_cur = 1024;
	CHECK_OK(setrlimit(RLIMIT_NOFILE, &rl));
	for (int i = 0; i < 3; i++)
		CHECK((fds[i] = eventfd(0, 0)) >= 0, "eventfd");
	CHECK(send_fds(sv[0], fds, 3) == 1, "send 3 fds");
	for (;;) {
		int d = dup(0);
		if (d < 0) {
			CHECK(errno == EMFILE, "dup until EMFILE: %s", strerror(errno));
			break;
		}
		if (spare < 0)
			spare = d;
		last = d;
	}
	CHECK_OK(close(spare));         /* room for exactly one */
	CHECK(recv_fds(sv[1], 0, CMSG_SPACE(3 * sizeof(int)), got, 3, &n, &fl) == 1, "recv");
	CHECK(n == 1 && (fl & MSG_CTRUNC), "one installed and MSG_CTRUNC: n %d flags %#x", n, fl);
	CHECK(got[0] == spare, "in the one free slot");
	for (int d = spare; d <= last; d++)
		close(d);
	for (int i = 0; i < 3; i++)
		CHECK_OK(close(fds[i]));
}

/* Bad input loses nothing: the call fails and nothing is queued. */
static void nothing_queued(void)
{
	char c;

	CHECK_ERRNO(recv(sv[1], &c, 1, MSG_DONTWAIT), EAGAIN);
}

static long send_ctl(const void *ctl, size_t len)
{
	char byte = 'x';
	struct iovec v = { &byte, 1 };
	struct msghdr m = { .msg_iov = &v, .msg_iovlen = 1,
			    .msg_control = (void *)ctl, .msg_controllen = len };

	return sendmsg(sv[0], &m, 0);
}

static void test_bad_input(void)
{
	int fds[MAX_FDS], got[MAX_FDS], n, fl, ev = eventfd(0, EFD_NONBLOCK);
	union ctlbuf u;

	CHECK(ev >= 0, "eventfd");
	int bad[2] = { ev, -1 };
	CHECK_ERRNO(send_fds(sv[0], bad, 2), EBADF);
	bad[1] = 1000;
	CHECK_ERRNO(send_fds(sv[0], bad, 2), EBADF);
	nothing_queued();

	for (int i = 0; i < MAX_FDS; i++)
		fds[i] = ev;
	CHECK_ERRNO(send_fds(sv[0], fds, 254), EINVAL);
	nothing_queued();
	CHECK(send_fds(sv[0], fds, 253) == 1, "253 fds: %s", strerror(errno));
	CHECK(recv_fds(sv[1], 0, sizeof(u), got, MAX_FDS, &n, &fl) == 1, "recv 253");
	CHECK(n == 253 && !(fl & MSG_CTRUNC), "253 fds received, got %d flags %#x", n, fl);
	for (int i = 0; i < n; i++) {
		same_eventfd(got[i], ev);
		CHECK_OK(close(got[i]));
	}

	/* two cmsgs of 200 fds each: 400 in one message */
	size_t one = CMSG_SPACE(200 * sizeof(int));
	char *big = calloc(2, one);
	CHECK(big, "calloc");
	for (int k = 0; k < 2; k++) {
		struct cmsghdr h = { CMSG_LEN(200 * sizeof(int)), SOL_SOCKET, SCM_RIGHTS };

		memcpy(big + k * one, &h, sizeof(h));
		memcpy(big + k * one + CMSG_LEN(0), fds, 200 * sizeof(int));
	}
	CHECK_ERRNO(send_ctl(big, 2 * one), EINVAL);
	free(big);
	nothing_queued();

	/* cmsg_len shorter than its header, longer than the buffer */
	memset(&u, 0, sizeof(u));
	u.h.cmsg_level = SOL_SOCKET;
	u.h.cmsg_type = SCM_RIGHTS;
	memcpy(CMSG_DATA(&u.h), &ev, sizeof(int));
	u.h.cmsg_len = sizeof(struct cmsghdr) - 1;
	CHECK_ERRNO(send_ctl(u.buf, CMSG_SPACE(sizeof(int))), EINVAL);
	u.h.cmsg_len = CMSG_SPACE(sizeof(int)) + 1;
	CHECK_ERRNO(send_ctl(u.buf, CMSG_SPACE(sizeof(int))), EINVAL);
	/* a type SOL_SOCKET does not have */
	u.h.cmsg_len = CMSG_LEN(sizeof(int));
	u.h.cmsg_type = 99;
	CHECK_ERRNO(send_ctl(u.buf, CMSG_SPACE(sizeof(int))), EINVAL);
	nothing_queued();

	/* a cmsg_len that is not a whole number of ints: the whole ones count */
	u.h.cmsg_type = SCM_RIGHTS;
	u.h.cmsg_len = CMSG_LEN(sizeof(int)) + 2;
	CHECK(send_ctl(u.buf, CMSG_SPACE(sizeof(int) + 2)) == 1, "send: %s", strerror(errno));
	int r = recv_fd(sv[1], 0);
	same_eventfd(r, ev);
	CHECK_OK(close(r));

	/* another level is not this family's: skipped, the data goes */
	u.h.cmsg_level = SOL_IP;
	u.h.cmsg_len = CMSG_LEN(sizeof(int));
	CHECK(send_ctl(u.buf, CMSG_SPACE(sizeof(int))) == 1, "send: %s", strerror(errno));
	CHECK(recv_fds(sv[1], 0, sizeof(u), got, 1, &n, &fl) == 1 && n == 0 && !fl,
	      "data, no fd: n %d flags %#x", n, fl);
	CHECK_OK(close(ev));
}

/* MSG_PEEK installs the fds and keeps them queued: the read after it
 * installs them again, so two working fds. */
static void test_peek(void)
{
	int ev = eventfd(0, 0), a, b;
	uint64_t v = 3;

	CHECK(send_fd(sv[0], ev) == 1, "send");
	a = recv_fd(sv[1], MSG_PEEK);
	b = recv_fd(sv[1], 0);
	CHECK(a != b, "two fds: %d %d", a, b);
	CHECK_OK(close(ev));
	CHECK(write(a, &v, 8) == 8, "write the peeked fd");
	CHECK(read(b, &v, 8) == 8 && v == 3, "read the received one");
	CHECK_OK(close(a));
	CHECK_OK(close(b));
	nothing_queued();
}

/*
 * A user with more fds in flight than its RLIMIT_NOFILE (checked before
 * each message, so one more goes) gets ETOOMANYREFS, unless it holds
 * CAP_SYS_RESOURCE or CAP_SYS_ADMIN: as nobody, with a limit of 8.
 */
static void test_toomanyrefs(void)
{
	struct rlimit rl = { 8, 8 };
	int ev = eventfd(0, 0), i, n, fl, got;
	pid_t c;

	CHECK(ev >= 0, "eventfd");
	c = fork();
	CHECK(c >= 0, "fork");
	if (c == 0) {
		CHECK_OK(setrlimit(RLIMIT_NOFILE, &rl));
		CHECK_OK(setgid(65534));
		CHECK_OK(setuid(65534));
		for (i = 0; i < 9; i++)
			CHECK(send_fd(sv[0], ev) == 1, "send %d: %s", i, strerror(errno));
		CHECK_ERRNO(send_fd(sv[0], ev), ETOOMANYREFS);
		CHECK(send_fds(sv[0], NULL, 0) == 1, "data without fds still goes");
		_exit(0);
	}
	int st;
	CHECK(waitpid(c, &st, 0) == c && WIFEXITED(st) && WEXITSTATUS(st) == 0,
	      "the child failed: status %#x", st);
	for (i = 0; i < 9; i++) {
		CHECK(recv_fds(sv[1], 0, CMSG_SPACE(sizeof(int)), &got, 1, &n, &fl) == 1 && n == 1,
		      "recv %d", i);
		CHECK_OK(close(got));
	}
	CHECK(recv_fds(sv[1], 0, CMSG_SPACE(sizeof(int)), &got, 1, &n, &fl) == 1 && n == 0,
	      "the last byte, without fds");
	nothing_queued();
	CHECK_OK(close(ev));
}

int main(void)
{
	CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	test_pipe();
	test_memory_files();
	test_root_file();
	test_eventfd_epoll();
	test_socket();
	test_cloexec();
	test_ctrunc();
	test_bad_input();
	test_peek();
	test_toomanyrefs();
	test_emfile();
	return 0;
}
