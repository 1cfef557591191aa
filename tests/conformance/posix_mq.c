/* POSIX message queues: mq_open (O_CREAT, O_EXCL, attributes, access
 * modes), priority order, O_NONBLOCK and mq_setattr, timeouts, poll, a
 * receiver blocked until another process sends, mq_notify with a signal,
 * mq_unlink while open, the fd's state line, bad input and permissions as
 * another user.  Needs root (drops to 65534 in a child). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <mqueue.h>
#include <poll.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <time.h>
#include "check.h"

static char name[64], name2[64];

static mqd_t open_q(const char *n, int flags, long maxmsg, long msgsize)
{
	struct mq_attr a = { .mq_maxmsg = maxmsg, .mq_msgsize = msgsize };
	mqd_t q = mq_open(n, flags | O_CREAT, 0600, &a);

	CHECK(q != (mqd_t)-1, "mq_open %s: %s", n, strerror(errno));
	return q;
}

static struct timespec soon(long ms)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_nsec += ms * 1000000;
	ts.tv_sec += ts.tv_nsec / 1000000000;
	ts.tv_nsec %= 1000000000;
	return ts;
}

static int wait_child(pid_t pid)
{
	int st;

	CHECK(waitpid(pid, &st, 0) == pid, "waitpid: %s", strerror(errno));
	return st;
}

static void bad_input(void)
{
	struct mq_attr a = { .mq_maxmsg = 0, .mq_msgsize = 8 };
	char big[300], buf[64];
	int p[2];
	mqd_t q, ro;

	CHECK_ERRNO(mq_open(name, O_RDWR), ENOENT);
	CHECK_ERRNO(mq_open(name, O_RDWR | O_CREAT, 0600, &a), EINVAL);
	a = (struct mq_attr){ .mq_maxmsg = 2, .mq_msgsize = -1 };
	CHECK_ERRNO(mq_open(name, O_RDWR | O_CREAT, 0600, &a), EINVAL);
	CHECK_ERRNO(mq_open(name, O_RDWR | O_CREAT, 0600, KERNEL_PTR), EFAULT);
	memset(big, 'x', sizeof(big));
	big[0] = '/';
	big[sizeof(big) - 1] = 0;
	CHECK_ERRNO(mq_open(big, O_RDWR | O_CREAT, 0600, NULL), ENAMETOOLONG);
	CHECK_ERRNO(mq_open("/a/b", O_RDWR | O_CREAT, 0600, NULL), EACCES);
	CHECK_ERRNO(mq_unlink(name), ENOENT);

	q = open_q(name, O_RDWR | O_EXCL, 2, 16);
	CHECK_ERRNO(mq_open(name, O_RDWR | O_CREAT | O_EXCL, 0600, NULL), EEXIST);
	ro = mq_open(name, O_RDONLY);
	CHECK(ro != (mqd_t)-1, "open existing: %s", strerror(errno));
	CHECK_ERRNO(mq_send(ro, "x", 1, 0), EBADF);
	CHECK_ERRNO(mq_send(-1, "x", 1, 0), EBADF);
	CHECK_OK(pipe(p));
	CHECK_ERRNO(mq_send(p[1], "x", 1, 0), EBADF);   /* not a queue */
	CHECK_ERRNO(mq_getattr(p[0], &a), EBADF);
	close(p[0]);
	close(p[1]);
	CHECK_ERRNO(mq_send(q, big, 17, 0), EMSGSIZE);
	CHECK_ERRNO(mq_send(q, "x", 1, 32768), EINVAL);
	CHECK_ERRNO(mq_send(q, KERNEL_PTR, 1, 0), EFAULT);
	CHECK_ERRNO(mq_timedsend(q, "x", 1, 0, &(struct timespec){ 0, 2000000000 }), EINVAL);
	CHECK_ERRNO(mq_timedsend(q, "x", 1, 0, KERNEL_PTR), EFAULT);
	CHECK_ERRNO(mq_receive(q, buf, 15, NULL), EMSGSIZE);    /* below msgsize */
	CHECK_OK(mq_send(q, "lost", 4, 0));
	CHECK_ERRNO(mq_receive(q, KERNEL_PTR, 16, NULL), EFAULT);
	CHECK_ERRNO(syscall(SYS_mq_notify, q, KERNEL_PTR), EFAULT);     /* glibc reads it */
	CHECK_ERRNO(mq_setattr(q, &(struct mq_attr){ .mq_flags = O_APPEND }, NULL), EINVAL);
	CHECK_OK(mq_getattr(q, &a));
	CHECK(a.mq_curmsgs == 0, "a bad receive buffer loses the message");
	mq_close(ro);
	mq_close(q);
	CHECK_OK(mq_unlink(name));
}

static void order_and_limits(void)
{
	const char *msgs[] = { "a", "b", "c", "d" };
	unsigned prios[] = { 1, 5, 1, 5 }, prio;
	const char *want[] = { "b", "d", "a", "c" };
	unsigned want_prio[] = { 5, 5, 1, 1 };
	struct mq_attr a;
	char buf[64];
	mqd_t q = open_q(name, O_RDWR | O_EXCL, 4, 64);

	CHECK_OK(mq_getattr(q, &a));
	CHECK(a.mq_maxmsg == 4 && a.mq_msgsize == 64 && a.mq_curmsgs == 0 && a.mq_flags == 0,
	      "attributes %ld %ld %ld %ld", a.mq_maxmsg, a.mq_msgsize, a.mq_curmsgs, a.mq_flags);
	for (int i = 0; i < 4; i++)
		CHECK_OK(mq_send(q, msgs[i], 1, prios[i]));
	CHECK_OK(mq_getattr(q, &a));
	CHECK(a.mq_curmsgs == 4, "curmsgs %ld", a.mq_curmsgs);

	/* the state line read(2) shows */
	char line[128] = { 0 };
	CHECK(read(q, line, sizeof(line) - 1) > 0 && !strncmp(line, "QSIZE:4 ", 8),
	      "state line '%s'", line);

	struct pollfd pfd = { q, POLLIN | POLLOUT, 0 };
	CHECK(poll(&pfd, 1, 0) == 1 && pfd.revents == POLLIN, "full queue: revents %x",
	      pfd.revents);
	CHECK_OK(mq_setattr(q, &(struct mq_attr){ .mq_flags = O_NONBLOCK }, NULL));
	CHECK_ERRNO(mq_send(q, "e", 1, 0), EAGAIN);
	CHECK_OK(mq_setattr(q, &(struct mq_attr){ .mq_flags = 0 }, &a));
	CHECK(a.mq_flags == O_NONBLOCK, "mq_setattr's old flags");
	struct timespec ts = soon(20);
	CHECK_ERRNO(mq_timedsend(q, "e", 1, 0, &ts), ETIMEDOUT);

	for (int i = 0; i < 4; i++) {
		ssize_t n = mq_receive(q, buf, sizeof(buf), &prio);

		buf[n > 0 ? n : 0] = 0;
		CHECK(n == 1 && !strcmp(buf, want[i]) && prio == want_prio[i],
		      "receive %d: '%s' prio %u, want '%s' %u", i, buf, prio, want[i],
		      want_prio[i]);
	}
	pfd.revents = 0;
	CHECK(poll(&pfd, 1, 0) == 1 && pfd.revents == POLLOUT, "empty queue: revents %x",
	      pfd.revents);
	ts = soon(20);
	CHECK_ERRNO(mq_timedreceive(q, buf, sizeof(buf), NULL, &ts), ETIMEDOUT);
	mqd_t nb = mq_open(name, O_RDONLY | O_NONBLOCK);
	CHECK(nb != (mqd_t)-1, "open O_NONBLOCK");
	CHECK_ERRNO(mq_receive(nb, buf, sizeof(buf), NULL), EAGAIN);
	mq_close(nb);

	/* unlinked while open: the name is gone, the queue is not */
	CHECK_OK(mq_unlink(name));
	CHECK_ERRNO(mq_open(name, O_RDWR), ENOENT);
	CHECK_OK(mq_send(q, "z", 1, 0));
	CHECK(mq_receive(q, buf, sizeof(buf), NULL) == 1 && buf[0] == 'z', "after unlink");
	mq_close(q);
}

/* epoll sees a queue become readable; the queue may go while watched. */
static void epoll_queue(void)
{
	mqd_t q = open_q(name, O_RDWR | O_EXCL, 2, 16);
	struct epoll_event ev = { .events = EPOLLIN, .data.u32 = 7 };
	int ep = epoll_create1(0);
	char buf[16];

	CHECK(ep >= 0, "epoll_create1");
	CHECK_OK(epoll_ctl(ep, EPOLL_CTL_ADD, q, &ev));
	CHECK(epoll_wait(ep, &ev, 1, 0) == 0, "empty queue readable");
	CHECK_OK(mq_send(q, "e", 1, 0));
	CHECK(epoll_wait(ep, &ev, 1, 0) == 1 && ev.data.u32 == 7 && (ev.events & EPOLLIN),
	      "epoll did not see the message");
	CHECK(mq_receive(q, buf, sizeof(buf), NULL) == 1, "receive");
	CHECK(epoll_wait(ep, &ev, 1, 0) == 0, "still readable after the receive");
	CHECK_OK(mq_send(q, "f", 1, 0));
	CHECK_OK(mq_unlink(name));
	CHECK_OK(mq_close(q));                  /* the queue goes while watched */
	CHECK(epoll_wait(ep, &ev, 1, 0) == 0, "a closed queue's event");
	close(ep);
}

/* A child blocks in mq_receive; the parent's send wakes it. */
static void blocking(void)
{
	mqd_t q = open_q(name, O_RDWR | O_EXCL, 2, 32);
	pid_t pid = fork();

	if (pid == 0) {
		char buf[32];
		unsigned prio;
		ssize_t n = mq_receive(q, buf, sizeof(buf), &prio);

		_exit(n == 5 && !memcmp(buf, "hello", 5) && prio == 3 ? 0 : 1);
	}
	usleep(1000);
	CHECK_OK(mq_send(q, "hello", 5, 3));
	CHECK(wait_child(pid) == 0, "the blocked receiver");
	mq_close(q);
	CHECK_OK(mq_unlink(name));
}

static void notify(void)
{
	mqd_t q = open_q(name, O_RDWR | O_EXCL, 4, 32);
	struct sigevent ev = { .sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGUSR1 };
	sigset_t set;
	siginfo_t si;
	char buf[32];

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	CHECK_OK(sigprocmask(SIG_BLOCK, &set, NULL));
	ev.sigev_value.sival_int = 4242;
	CHECK_OK(mq_notify(q, &ev));
	CHECK_ERRNO(mq_notify(q, &ev), EBUSY);
	CHECK_OK(mq_send(q, "n", 1, 0));
	CHECK(sigwaitinfo(&set, &si) == SIGUSR1, "no notification");
	CHECK(si.si_code == SI_MESGQ && si.si_value.sival_int == 4242 && si.si_pid == getpid(),
	      "siginfo: code %d value %d pid %d", si.si_code, si.si_value.sival_int, si.si_pid);
	CHECK_OK(mq_notify(q, &ev));            /* one shot: free again */
	CHECK_OK(mq_send(q, "m", 1, 0));        /* not empty before: no signal */
	CHECK_OK(mq_notify(q, NULL));
	CHECK(sigpending(&set) == 0 && !sigismember(&set, SIGUSR1), "notified a non-empty queue");
	CHECK(mq_receive(q, buf, sizeof(buf), NULL) == 1, "receive");
	mq_close(q);
	CHECK_OK(mq_unlink(name));
}

static void permissions(void)
{
	mqd_t q = open_q(name, O_RDWR | O_EXCL, 2, 16);
	struct mq_attr a = { .mq_maxmsg = 2, .mq_msgsize = 16 };
	mqd_t pub = mq_open(name2, O_RDWR | O_CREAT | O_EXCL, 0644, &a);
	pid_t pid;

	CHECK(pub != (mqd_t)-1, "mq_open: %s", strerror(errno));
	pid = fork();
	if (pid == 0) {
		CHECK_OK(setgid(65534));
		CHECK_OK(setuid(65534));
		CHECK_ERRNO(mq_open(name, O_RDONLY), EACCES);
		CHECK_ERRNO(mq_open(name2, O_WRONLY), EACCES);
		mqd_t r = mq_open(name2, O_RDONLY);
		CHECK(r != (mqd_t)-1, "read-only open of a 0644 queue: %s", strerror(errno));
		CHECK_ERRNO(mq_unlink(name), EACCES);
		_exit(0);
	}
	CHECK(wait_child(pid) == 0, "the unprivileged child failed");
	mq_close(q);
	mq_close(pub);
	CHECK_OK(mq_unlink(name));
	CHECK_OK(mq_unlink(name2));
}

/* Where an mqueue file system is mounted at /dev/mqueue (cvisor do and
 * containers; not every host), the queues are its files. */
static void mqueue_fs(void)
{
	struct statfs sf;
	struct stat st;
	struct mq_attr a;
	char path[96], line[128] = { 0 };
	int fd;

	if (statfs("/dev/mqueue", &sf) || sf.f_type != 0x19800202)
		return;
	mqd_t q = open_q(name, O_RDWR | O_EXCL, 3, 16);
	snprintf(path, sizeof(path), "/dev/mqueue%s", name);
	CHECK(stat(path, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 0777) == 0600,
	      "stat %s: mode %o", path, st.st_mode);
	CHECK_OK(mq_send(q, "abc", 3, 0));
	fd = open(path, O_RDONLY);
	CHECK(fd >= 0 && read(fd, line, sizeof(line) - 1) > 0 && !strncmp(line, "QSIZE:3 ", 8),
	      "the queue's file reads '%s'", line);
	close(fd);
	CHECK_OK(unlink(path));                 /* mq_unlink by another name */
	CHECK_ERRNO(mq_open(name, O_RDWR), ENOENT);
	mq_close(q);

	fd = open(path, O_RDWR | O_CREAT | O_EXCL, 0640);       /* a queue by open(2) */
	CHECK(fd >= 0, "open(O_CREAT) in /dev/mqueue: %s", strerror(errno));
	close(fd);
	q = mq_open(name, O_RDWR);
	CHECK(q != (mqd_t)-1 && mq_getattr(q, &a) == 0 && a.mq_maxmsg == 10 &&
	      a.mq_msgsize == 8192, "the created queue's attributes");
	mq_close(q);
	CHECK_OK(mq_unlink(name));
	CHECK_ERRNO(stat(path, &st), ENOENT);
}

int main(void)
{
	snprintf(name, sizeof(name), "/cvisor-mq-%d", getpid());
	snprintf(name2, sizeof(name2), "/cvisor-mq2-%d", getpid());
	umask(022);
	bad_input();
	order_and_limits();
	epoll_queue();
	blocking();
	notify();
	permissions();
	mqueue_fs();
	return 0;
}
