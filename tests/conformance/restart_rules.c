/* Which blocking calls a signal interrupts for good (EINTR) and which run
 * again, as man 7 signal lists them: a table of calls, each run in a
 * child in three ways: interrupted by a handler with SA_RESTART, by one
 * without, and by SIGSTOP + SIGCONT with no handler. A helper thread
 * sends the signals while the call is blocked, then makes the call able
 * to finish (writes the pipe, wakes the futex, connects...). A call that
 * runs again ('R') returns what a finished call returns, after that;
 * one that does not ('E') fails with EINTR before it. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/futex.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/file.h>
#include <sys/select.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include "check.h"

enum mode { WITH_RESTART, WITHOUT_RESTART, STOP_CONT };
static const char *mode_name[] = { "handler with SA_RESTART", "handler without SA_RESTART",
				   "SIGSTOP and SIGCONT" };

struct ctx {
	int p[2];               /* a pipe */
	int fd, fd2, lst;       /* the call's other files */
	pid_t kid;              /* a grandchild: waited for, or holding a lock */
	int kid_go;             /* tells it to exit */
	uint32_t word;          /* a futex */
	struct sockaddr_in sa;
	sigset_t usr2;
};

struct row {
	const char *name;
	void (*setup)(struct ctx *);
	long (*call)(struct ctx *);
	void (*finish)(struct ctx *);   /* lets the call return; NULL: its timeout does */
	bool (*done)(long r, int err);  /* what the call returns once finished */
	char want[3];                   /* by mode: 'R' runs again, 'E' EINTR */
};

/* --- what finished calls return --- */
static bool is_zero(long r, int err) { (void)err; return r == 0; }
static bool is_one(long r, int err) { (void)err; return r == 1; }
static bool non_negative(long r, int err) { (void)err; return r >= 0; }
static bool is_usr2(long r, int err) { (void)err; return r == SIGUSR2; }
/* a futex woken, or (restarted after the value changed) EAGAIN */
static bool futex_done(long r, int err) { return r == 0 || (r == -1 && err == EAGAIN); }
/* pause and sigsuspend end only with a handler: SIGUSR2's */
static bool eintr(long r, int err) { return r == -1 && err == EINTR; }

/* --- set-ups and finishers --- */
static void mk_pipe(struct ctx *c) { CHECK_OK(pipe(c->p)); }
static void write_pipe(struct ctx *c) { CHECK(write(c->p[1], "x", 1) == 1, "write"); }
static void read_pipe(struct ctx *c)
{
	char b[4096];
	CHECK(read(c->p[0], b, sizeof(b)) > 0, "read");
}

static void full_pipe(struct ctx *c)
{
	char b[4096] = { 0 };

	mk_pipe(c);
	CHECK_OK(fcntl(c->p[1], F_SETFL, O_NONBLOCK));
	while (write(c->p[1], b, sizeof(b)) > 0)
		;
	CHECK_OK(fcntl(c->p[1], F_SETFL, 0));
}

/* A grandchild that exits when told (through its pipe). */
static void mk_kid(struct ctx *c)
{
	int q[2];

	CHECK_OK(pipe(q));
	c->kid = fork();
	CHECK(c->kid >= 0, "fork");
	if (c->kid == 0) {
		char b;
		close(q[1]);
		_exit(read(q[0], &b, 1) == 1 ? 0 : 1);
	}
	close(q[0]);
	c->kid_go = q[1];
}
static void kid_go(struct ctx *c) { CHECK(write(c->kid_go, "x", 1) == 1, "write"); }

static void wake_futex(struct ctx *c)
{
	__atomic_store_n(&c->word, 1, __ATOMIC_SEQ_CST);
	syscall(SYS_futex, &c->word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
}

static void send_usr2(struct ctx *c)
{
	(void)c;
	CHECK_OK(kill(getpid(), SIGUSR2));
}

static void block_usr2(struct ctx *c)
{
	sigemptyset(&c->usr2);
	sigaddset(&c->usr2, SIGUSR2);
	CHECK_OK(sigprocmask(SIG_BLOCK, &c->usr2, NULL));
}

static void mk_epoll(struct ctx *c)
{
	struct epoll_event ev = { .events = EPOLLIN };

	mk_pipe(c);
	c->fd = epoll_create1(0);
	CHECK(c->fd >= 0, "epoll_create1");
	CHECK_OK(epoll_ctl(c->fd, EPOLL_CTL_ADD, c->p[0], &ev));
}

static void mk_eventfd(struct ctx *c)
{
	c->fd = eventfd(0, 0);
	CHECK(c->fd >= 0, "eventfd");
}
static void post_eventfd(struct ctx *c)
{
	uint64_t one = 1;
	CHECK(write(c->fd, &one, 8) == 8, "eventfd write");
}

static void mk_signalfd(struct ctx *c)
{
	block_usr2(c);
	c->fd = signalfd(-1, &c->usr2, 0);
	CHECK(c->fd >= 0, "signalfd");
}

static void mk_timerfd(struct ctx *c)
{
	c->fd = timerfd_create(CLOCK_MONOTONIC, 0);
	CHECK(c->fd >= 0, "timerfd_create");
}
static void arm_timerfd(struct ctx *c)
{
	struct itimerspec its = { .it_value = { 0, 1 } };
	CHECK_OK(timerfd_settime(c->fd, 0, &its, NULL));
}

/* Two open file descriptions of one file, the first holding a flock. */
static void mk_flock(struct ctx *c)
{
	char path[] = "/tmp/restart_rules.XXXXXX";

	c->fd = mkstemp(path);
	CHECK(c->fd >= 0, "mkstemp: %s", strerror(errno));
	c->fd2 = open(path, O_RDWR);
	CHECK(c->fd2 >= 0, "open");
	unlink(path);
	CHECK_OK(flock(c->fd, LOCK_EX));
}
static void unflock(struct ctx *c) { CHECK_OK(flock(c->fd, LOCK_UN)); }

/* A grandchild holds a POSIX lock on the file until told to drop it. */
static void mk_posix_lock(struct ctx *c)
{
	char path[] = "/tmp/restart_rules.XXXXXX";
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
	int q[2], r[2];
	char b;

	c->fd = mkstemp(path);
	CHECK(c->fd >= 0, "mkstemp: %s", strerror(errno));
	unlink(path);
	CHECK_OK(pipe(q));
	CHECK_OK(pipe(r));
	c->kid = fork();
	CHECK(c->kid >= 0, "fork");
	if (c->kid == 0) {
		close(q[1]);
		close(r[0]);
		CHECK_OK(fcntl(c->fd, F_SETLK, &fl));
		CHECK(write(r[1], "l", 1) == 1, "write");
		if (read(q[0], &b, 1) != 1)
			_exit(1);
		fl.l_type = F_UNLCK;
		_exit(fcntl(c->fd, F_SETLK, &fl) ? 1 : 0);
	}
	close(q[0]);
	CHECK(read(r[0], &b, 1) == 1, "the grandchild did not lock");
	c->kid_go = q[1];
}

/* A socket of type bound to a free loopback port, its address in c->sa. */
static int bound(struct ctx *c, int type)
{
	socklen_t len = sizeof(c->sa);
	int s = socket(AF_INET, type, 0);

	CHECK(s >= 0, "socket");
	c->sa = (struct sockaddr_in){ .sin_family = AF_INET,
				      .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	CHECK_OK(bind(s, (struct sockaddr *)&c->sa, sizeof(c->sa)));
	CHECK_OK(getsockname(s, (struct sockaddr *)&c->sa, &len));
	return s;
}

static void listener(struct ctx *c, int backlog)
{
	c->lst = bound(c, SOCK_STREAM);
	CHECK_OK(listen(c->lst, backlog));
}

/* A socket timeout (SO_RCVTIMEO or SO_SNDTIMEO) of 10 s. */
static void timeo(int fd, int opt)
{
	struct timeval tv = { 10, 0 };
	CHECK_OK(setsockopt(fd, SOL_SOCKET, opt, &tv, sizeof(tv)));
}

static void mk_listener(struct ctx *c) { listener(c, 4); }
static void mk_listener_timeo(struct ctx *c) { listener(c, 4); timeo(c->lst, SO_RCVTIMEO); }
static void connect_one(struct ctx *c)
{
	int s = socket(AF_INET, SOCK_STREAM, 0);
	CHECK(s >= 0 && connect(s, (struct sockaddr *)&c->sa, sizeof(c->sa)) == 0, "connect");
}

/* A connected pair: fd reads what fd2 sends. */
static void mk_tcp_pair(struct ctx *c)
{
	listener(c, 4);
	c->fd2 = socket(AF_INET, SOCK_STREAM, 0);
	CHECK(c->fd2 >= 0, "socket");
	CHECK_OK(connect(c->fd2, (struct sockaddr *)&c->sa, sizeof(c->sa)));
	c->fd = accept(c->lst, NULL, NULL);
	CHECK(c->fd >= 0, "accept");
}
static void mk_tcp_pair_timeo(struct ctx *c) { mk_tcp_pair(c); timeo(c->fd, SO_RCVTIMEO); }
static void send_one(struct ctx *c) { CHECK(send(c->fd2, "x", 1, 0) == 1, "send"); }

static void mk_udp(struct ctx *c) { c->fd = bound(c, SOCK_DGRAM); }
static void send_udp(struct ctx *c)
{
	int s = socket(AF_INET, SOCK_DGRAM, 0);
	CHECK(sendto(s, "x", 1, 0, (struct sockaddr *)&c->sa, sizeof(c->sa)) == 1, "sendto");
	close(s);
}

/*
 * A listener whose accept queue is full (backlog 0, one connection in
 * it): a new connect's SYN is dropped and the connect blocks until the
 * queue has room and the SYN is sent again (about 1 s later).
 */
static void mk_full_listener(struct ctx *c)
{
	listener(c, 0);
	connect_one(c);
	c->fd = socket(AF_INET, SOCK_STREAM, 0);
	CHECK(c->fd >= 0, "socket");
}
static void mk_full_listener_timeo(struct ctx *c)
{
	mk_full_listener(c);
	timeo(c->fd, SO_SNDTIMEO);
}
static void accept_one(struct ctx *c) { CHECK(accept(c->lst, NULL, NULL) >= 0, "accept"); }

/* --- the calls --- */
static long c_read(struct ctx *c) { char b; return read(c->p[0], &b, 1); }
static long c_readv(struct ctx *c)
{
	char b;
	struct iovec v = { &b, 1 };
	return readv(c->p[0], &v, 1);
}
static long c_write(struct ctx *c) { return write(c->p[1], "x", 1); }
static long c_wait4(struct ctx *c) { return wait4(c->kid, NULL, 0, NULL) == c->kid ? 0 : -1; }
static long c_waitid(struct ctx *c)
{
	siginfo_t si;
	return waitid(P_PID, (id_t)c->kid, &si, WEXITED);
}
static long c_futex(struct ctx *c)
{
	return syscall(SYS_futex, &c->word, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0);
}
static long c_futex_timeout(struct ctx *c)
{
	struct timespec ts = { 10, 0 };
	return syscall(SYS_futex, &c->word, FUTEX_WAIT_PRIVATE, 0, &ts, NULL, 0);
}
static long c_futex_abs(struct ctx *c)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	ts.tv_sec += 10;
	return syscall(SYS_futex, &c->word, FUTEX_WAIT_BITSET_PRIVATE, 0, &ts, NULL,
		       FUTEX_BITSET_MATCH_ANY);
}
/* sleeps: long enough for a stop and a continue to come in the middle */
static long c_nanosleep(struct ctx *c)
{
	struct timespec ts = { 0, 400000000 };
	(void)c;
	return nanosleep(&ts, &ts);
}
static long c_clock_nanosleep(struct ctx *c)
{
	struct timespec ts = { 0, 400000000 };
	(void)c;
	errno = clock_nanosleep(CLOCK_MONOTONIC, 0, &ts, &ts);
	return errno ? -1 : 0;
}
static long c_clock_nanosleep_abs(struct ctx *c)
{
	struct timespec ts;
	(void)c;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	ts.tv_nsec += 400000000;
	if (ts.tv_nsec >= 1000000000) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000;
	}
	errno = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
	return errno ? -1 : 0;
}
static long c_poll(struct ctx *c)
{
	struct pollfd p = { c->p[0], POLLIN, 0 };
	return poll(&p, 1, -1);
}
static long c_poll_timeout(struct ctx *c)
{
	struct pollfd p = { c->p[0], POLLIN, 0 };
	return poll(&p, 1, 10000);
}
static long c_ppoll(struct ctx *c)
{
	struct pollfd p = { c->p[0], POLLIN, 0 };
	struct timespec ts = { 10, 0 };
	return ppoll(&p, 1, &ts, NULL);
}
static long c_select(struct ctx *c)
{
	fd_set r;
	FD_ZERO(&r);
	FD_SET(c->p[0], &r);
	return select(c->p[0] + 1, &r, NULL, NULL, NULL);
}
static long c_select_timeout(struct ctx *c)
{
	struct timeval tv = { 10, 0 };
	fd_set r;
	FD_ZERO(&r);
	FD_SET(c->p[0], &r);
	return select(c->p[0] + 1, &r, NULL, NULL, &tv);
}
static long c_pselect(struct ctx *c)
{
	struct timespec ts = { 10, 0 };
	fd_set r;
	FD_ZERO(&r);
	FD_SET(c->p[0], &r);
	return pselect(c->p[0] + 1, &r, NULL, NULL, &ts, NULL);
}
static long c_epoll_wait(struct ctx *c)
{
	struct epoll_event ev;
	return epoll_wait(c->fd, &ev, 1, -1);
}
static long c_epoll_wait_timeout(struct ctx *c)
{
	struct epoll_event ev;
	return epoll_wait(c->fd, &ev, 1, 10000);
}
static long c_epoll_pwait(struct ctx *c)
{
	struct epoll_event ev;
	sigset_t none;
	sigemptyset(&none);
	return epoll_pwait(c->fd, &ev, 1, -1, &none);
}
static long c_sigtimedwait(struct ctx *c)
{
	struct timespec ts = { 10, 0 };
	return sigtimedwait(&c->usr2, NULL, &ts);
}
static long c_sigwaitinfo(struct ctx *c) { return sigwaitinfo(&c->usr2, NULL); }
static long c_pause(struct ctx *c) { (void)c; return pause(); }
static long c_sigsuspend(struct ctx *c)
{
	sigset_t none;
	(void)c;
	sigemptyset(&none);
	return sigsuspend(&none);
}
static long c_accept(struct ctx *c) { return accept(c->lst, NULL, NULL); }
static long c_recv(struct ctx *c) { char b; return recv(c->fd, &b, 1, 0); }
static long c_recvfrom_udp(struct ctx *c) { char b; return recvfrom(c->fd, &b, 1, 0, NULL, NULL); }
static long c_connect(struct ctx *c)
{
	return connect(c->fd, (struct sockaddr *)&c->sa, sizeof(c->sa));
}
static long c_fd_read8(struct ctx *c) { uint64_t v; return read(c->fd, &v, 8) == 8 ? 0 : -1; }
static long c_signalfd_read(struct ctx *c)
{
	struct signalfd_siginfo ss;
	return read(c->fd, &ss, sizeof(ss)) == sizeof(ss) ? 0 : -1;
}
static long c_flock(struct ctx *c) { return flock(c->fd2, LOCK_EX); }
static long c_setlkw(struct ctx *c)
{
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
	return fcntl(c->fd, F_SETLKW, &fl);
}

/* With SA_RESTART, without, after a stop and a continue (man 7 signal). */
static const struct row rows[] = {
	{ "read (pipe)", mk_pipe, c_read, write_pipe, is_one, "RER" },
	{ "readv (pipe)", mk_pipe, c_readv, write_pipe, is_one, "RER" },
	{ "write (full pipe)", full_pipe, c_write, read_pipe, is_one, "RER" },
	{ "wait4", mk_kid, c_wait4, kid_go, is_zero, "RER" },
	{ "waitid", mk_kid, c_waitid, kid_go, is_zero, "RER" },
	{ "futex WAIT", NULL, c_futex, wake_futex, futex_done, "RER" },
	{ "futex WAIT, timeout", NULL, c_futex_timeout, wake_futex, futex_done, "EER" },
	{ "futex WAIT_BITSET, deadline", NULL, c_futex_abs, wake_futex, futex_done, "EER" },
	{ "nanosleep", NULL, c_nanosleep, NULL, is_zero, "EER" },
	{ "clock_nanosleep", NULL, c_clock_nanosleep, NULL, is_zero, "EER" },
	{ "clock_nanosleep, TIMER_ABSTIME", NULL, c_clock_nanosleep_abs, NULL, is_zero, "EER" },
	{ "poll", mk_pipe, c_poll, write_pipe, is_one, "EER" },
	{ "poll, timeout", mk_pipe, c_poll_timeout, write_pipe, is_one, "EER" },
	{ "ppoll", mk_pipe, c_ppoll, write_pipe, is_one, "EER" },
	{ "select", mk_pipe, c_select, write_pipe, is_one, "EER" },
	{ "select, timeout", mk_pipe, c_select_timeout, write_pipe, is_one, "EER" },
	{ "pselect6", mk_pipe, c_pselect, write_pipe, is_one, "EER" },
	{ "epoll_wait", mk_epoll, c_epoll_wait, write_pipe, is_one, "EEE" },
	{ "epoll_wait, timeout", mk_epoll, c_epoll_wait_timeout, write_pipe, is_one, "EEE" },
	{ "epoll_pwait", mk_epoll, c_epoll_pwait, write_pipe, is_one, "EEE" },
	{ "sigtimedwait", block_usr2, c_sigtimedwait, send_usr2, is_usr2, "EEE" },
	{ "sigwaitinfo", block_usr2, c_sigwaitinfo, send_usr2, is_usr2, "EEE" },
	{ "pause", NULL, c_pause, send_usr2, eintr, "EER" },
	{ "sigsuspend", NULL, c_sigsuspend, send_usr2, eintr, "EER" },
	{ "accept", mk_listener, c_accept, connect_one, non_negative, "RER" },
	{ "accept, SO_RCVTIMEO", mk_listener_timeo, c_accept, connect_one, non_negative, "EEE" },
	{ "recv (TCP)", mk_tcp_pair, c_recv, send_one, is_one, "RER" },
	{ "recv (TCP), SO_RCVTIMEO", mk_tcp_pair_timeo, c_recv, send_one, is_one, "EEE" },
	{ "recvfrom (UDP)", mk_udp, c_recvfrom_udp, send_udp, is_one, "RER" },
	{ "connect (TCP)", mk_full_listener, c_connect, accept_one, is_zero, "RER" },
	{ "connect (TCP), SO_SNDTIMEO", mk_full_listener_timeo, c_connect, accept_one, is_zero,
	  "EEE" },
	{ "read (eventfd)", mk_eventfd, c_fd_read8, post_eventfd, is_zero, "RER" },
	{ "read (timerfd)", mk_timerfd, c_fd_read8, arm_timerfd, is_zero, "RER" },
	{ "read (signalfd)", mk_signalfd, c_signalfd_read, send_usr2, is_zero, "RER" },
	{ "flock", mk_flock, c_flock, unflock, is_zero, "RER" },
	{ "fcntl F_SETLKW", mk_posix_lock, c_setlkw, kid_go, is_zero, "RER" },
};

/* --- one row in one mode, in a child --- */
static const struct row *row;
static struct ctx ctx;
static pid_t main_tid;
static volatile sig_atomic_t handled, returned, finished;
static int to_parent, from_parent;

static void on_usr1(int s) { (void)s; handled++; }
static void on_usr2(int s) { (void)s; }

/*
 * The helper thread: once the call is under way, interrupt it (three
 * handler runs, or the parent's stop and continue); then, unless it has
 * returned, let it finish.
 */
static void *disturb(void *arg)
{
	enum mode m = (enum mode)(intptr_t)arg;
	char b;

	usleep(20000);          /* into the call */
	if (m == STOP_CONT) {
		CHECK(write(to_parent, "s", 1) == 1, "write");
		CHECK(read(from_parent, &b, 1) == 1, "read");
		usleep(30000);  /* a call that fails after SIGCONT does so by now */
	} else {
		for (int k = 0; k < 3 && !returned; k++) {
			int before = handled;

			syscall(SYS_tgkill, getpid(), main_tid, SIGUSR1);
			while (handled == before && !returned)
				usleep(1000);
			usleep(5000);
		}
	}
	if (!returned) {
		finished = 1;
		if (row->finish)
			row->finish(&ctx);
	}
	return NULL;
}

/*
 * Exits 0 if the call ran again ('R': it returned what it returns once
 * finished, after the helper let it finish), 1 if it failed with EINTR
 * ('E'; pause and sigsuspend, which end with EINTR anyway, count as run
 * again only if that came after SIGUSR2).
 */
static void subject(enum mode m)
{
	struct sigaction sa = { .sa_handler = on_usr1, .sa_flags = m == WITH_RESTART ? SA_RESTART : 0 };
	sigset_t all, old;
	pthread_t th;
	long r;
	int err;

	main_tid = gettid();
	CHECK_OK(sigaction(SIGUSR1, &sa, NULL));
	sa.sa_handler = on_usr2;
	sa.sa_flags = 0;
	CHECK_OK(sigaction(SIGUSR2, &sa, NULL));
	if (row->setup)
		row->setup(&ctx);
	/* the helper blocks every signal: they are for the main thread */
	sigfillset(&all);
	CHECK_OK(pthread_sigmask(SIG_BLOCK, &all, &old));
	CHECK_OK(pthread_create(&th, NULL, disturb, (void *)(intptr_t)m));
	CHECK_OK(pthread_sigmask(SIG_SETMASK, &old, NULL));
	errno = 0;
	r = row->call(&ctx);
	err = errno;
	returned = 1;
	pthread_join(th, NULL);
	if (finished && row->done(r, err))
		_exit(0);
	if (r == -1 && err == EINTR)
		_exit(1);
	fprintf(stderr, "%s, %s: returned %ld (%s), %s it could finish\n", row->name,
		mode_name[m], r, strerror(err), finished ? "after" : "before");
	_exit(2);
}

static char run(const struct row *rw, enum mode m)
{
	int up[2], down[2], st;
	char b;

	CHECK_OK(pipe(up));
	CHECK_OK(pipe(down));
	row = rw;
	pid_t k = fork();
	CHECK(k >= 0, "fork");
	if (k == 0) {
		to_parent = up[1];
		from_parent = down[0];
		subject(m);
	}
	close(up[1]);
	close(down[0]);
	if (m == STOP_CONT && read(up[0], &b, 1) == 1) {
		CHECK_OK(kill(k, SIGSTOP));
		CHECK(waitpid(k, &st, WUNTRACED) == k && WIFSTOPPED(st), "%s: not stopped", rw->name);
		CHECK_OK(kill(k, SIGCONT));
		CHECK(waitpid(k, &st, WCONTINUED) == k && WIFCONTINUED(st), "%s: not continued",
		      rw->name);
		CHECK(write(down[1], "c", 1) == 1, "write");
	}
	CHECK(waitpid(k, &st, 0) == k, "waitpid");
	close(up[0]);
	close(down[1]);
	if (!WIFEXITED(st) || WEXITSTATUS(st) > 1)
		return '?';
	return WEXITSTATUS(st) ? 'E' : 'R';
}

int main(void)
{
	int failed = 0;

	signal(SIGCHLD, SIG_DFL);
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		for (enum mode m = WITH_RESTART; m <= STOP_CONT; m++) {
			char got = run(&rows[i], m);

			if (got == rows[i].want[m])
				continue;
			fprintf(stderr, "FAIL %s, %s: %s, want %s\n", rows[i].name, mode_name[m],
				got == 'R' ? "ran again" : got == 'E' ? "EINTR" : "neither",
				rows[i].want[m] == 'R' ? "run again" : "EINTR");
			failed++;
		}
	return failed ? 1 : 0;
}
