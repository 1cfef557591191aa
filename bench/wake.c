/*
 * bench/wake.c - how long a blocked task takes to be woken: round trips
 * between two threads and between two processes through each way of
 * waiting, and the lateness of a periodic timer.
 *
 * Usage: wake [-t MS] MODE...   (MODE "all": every mode below, in order)
 *   KIND-thread, KIND-proc  ping-pong between the main thread and a partner
 *            (a thread, or a forked process): each side posts to the other
 *            and blocks until posted to, one object per direction.  KIND:
 *     pipe     write 1 byte; the other side blocks in read(2)
 *     poll     the same, the reader blocks in poll(2) first
 *     epoll    the same, the reader blocks in epoll_wait(2) first
 *     eventfd  write(2) 1; the other side blocks in read(2)
 *     futex    a counter word, FUTEX_WAKE; the other side FUTEX_WAITs
 *              (threads: FUTEX_*_PRIVATE; processes: a MAP_SHARED page)
 *     signal   tgkill(2) SIGUSR1 to the thread (processes: kill(2));
 *              the other side blocks in sigwaitinfo(2)
 *   wait4-proc   fork; the child _exit(0)s; the parent blocks in wait4(2)
 *   timerfd      a 1 ms periodic timerfd (absolute start): read(2) blocks
 *                until the next expiry; lateness = now - the last expiry due
 *
 * Each mode runs ~MS ms (default 300; at least 5 operations), after 20
 * untimed ones; each operation is timed by itself (CLOCK_MONOTONIC through
 * the vDSO: no system call).  Prints one line a mode, as soon as it is done:
 *   "MODE ns_per_op MEAN median MEDIAN n N"     (round trip, mean and median)
 *   "timerfd lateness_ns MEAN median MEDIAN n N overruns K"
 * (K: reads that found more than one expiry).  A failed call ends the
 * program with status 2 and a message: the lines already printed stand.
 * Build static: gcc -static -O2 -pthread -Isrc/common (make build/bench/wake).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/futex.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"
#include "timed.h"

/* What the two sides share: a MAP_SHARED page, so that it stays shared
 * after fork.  Direction 0 is main -> partner (the partner waits on it),
 * direction 1 partner -> main. */
struct shared {
	unsigned int word[2]; /* futex: posts made in each direction */
	int stop;             /* main -> partner: leave after this wake-up */
	pid_t id[2];          /* main's and the partner's tid (or pid) */
};
static struct shared *sh;
static bool procs; /* the partner is a process, not a thread */

static int pfd[2][2], epfd[2], efd[2];
static unsigned int seen[2]; /* futex: the posts a waiter has consumed */

static void post_byte(int d)
{
	if (write(pfd[d][1], "x", 1) != 1)
		die("write pipe");
}

static void read_byte(int d)
{
	char c;

	if (read(pfd[d][0], &c, 1) != 1)
		die("read pipe");
}

static void wait_poll(int d)
{
	struct pollfd p = { .fd = pfd[d][0], .events = POLLIN };

	while (poll(&p, 1, -1) != 1)
		if (errno != EINTR)
			die("poll");
	read_byte(d);
}

static void wait_epoll(int d)
{
	struct epoll_event ev;

	while (epoll_wait(epfd[d], &ev, 1, -1) != 1)
		if (errno != EINTR)
			die("epoll_wait");
	read_byte(d);
}

static void post_eventfd(int d)
{
	uint64_t one = 1;

	if (write(efd[d], &one, sizeof(one)) != sizeof(one))
		die("write eventfd");
}

static void wait_eventfd(int d)
{
	uint64_t v;

	if (read(efd[d], &v, sizeof(v)) != sizeof(v))
		die("read eventfd");
}

static long futex(unsigned int *w, int op, unsigned int val)
{
	if (!procs)
		op |= FUTEX_PRIVATE_FLAG;
	return syscall(SYS_futex, w, op, val, NULL, NULL, 0);
}

static void post_futex(int d)
{
	__atomic_add_fetch(&sh->word[d], 1, __ATOMIC_RELEASE);
	if (futex(&sh->word[d], FUTEX_WAKE, 1) < 0)
		die("futex wake");
}

static void wait_futex(int d)
{
	while (__atomic_load_n(&sh->word[d], __ATOMIC_ACQUIRE) == seen[d])
		if (futex(&sh->word[d], FUTEX_WAIT, seen[d]) != 0 && errno != EAGAIN &&
		    errno != EINTR)
			die("futex wait");
	seen[d]++;
}

/* Direction 0 is waited on by the partner (id[1]), 1 by main (id[0]). */
static void post_signal(int d)
{
	pid_t to = sh->id[d == 0 ? 1 : 0];
	long r = procs ? kill(to, SIGUSR1) : syscall(SYS_tgkill, getpid(), to, SIGUSR1);

	if (r != 0)
		die("kill");
}

static void wait_signal(int d)
{
	sigset_t set;
	siginfo_t si;

	(void)d;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	while (sigwaitinfo(&set, &si) != SIGUSR1)
		if (errno != EINTR)
			die("sigwaitinfo");
}

struct kind {
	const char *name;
	void (*post)(int d);
	void (*wait)(int d);
};

static const struct kind kinds[] = {
	{ "pipe", post_byte, read_byte },
	{ "poll", post_byte, wait_poll },
	{ "epoll", post_byte, wait_epoll },
	{ "eventfd", post_eventfd, wait_eventfd },
	{ "futex", post_futex, wait_futex },
	{ "signal", post_signal, wait_signal },
};

static void open_objects(void)
{
	for (int d = 0; d < 2; d++) {
		struct epoll_event ev = { .events = EPOLLIN };

		if (pipe(pfd[d]) != 0)
			die("pipe");
		efd[d] = eventfd(0, 0);
		epfd[d] = epoll_create1(0);
		if (efd[d] < 0 || epfd[d] < 0)
			die("eventfd/epoll_create1");
		ev.data.fd = pfd[d][0];
		if (epoll_ctl(epfd[d], EPOLL_CTL_ADD, pfd[d][0], &ev) != 0)
			die("epoll_ctl");
	}
}

static void close_objects(void)
{
	for (int d = 0; d < 2; d++) {
		close(pfd[d][0]);
		close(pfd[d][1]);
		close(efd[d]);
		close(epfd[d]);
	}
}

static void partner_loop(const struct kind *k)
{
	sh->id[1] = (pid_t)syscall(SYS_gettid);
	for (;;) {
		k->wait(0);
		if (__atomic_load_n(&sh->stop, __ATOMIC_ACQUIRE))
			return;
		k->post(1);
	}
}

static void *partner_thread(void *k)
{
	partner_loop(k);
	return NULL;
}

static const struct kind *cur;

static void round_trip(void)
{
	cur->post(0);
	cur->wait(1);
}

static int run_pingpong(const char *mode, const struct kind *k)
{
	pthread_t thread;
	pid_t child = 0;
	long n;
	int e;

	memset(sh, 0, sizeof(*sh));
	memset(seen, 0, sizeof(seen));
	open_objects();
	cur = k;
	sh->id[0] = (pid_t)syscall(SYS_gettid);
	if (procs) {
		child = fork();
		if (child < 0)
			die("fork");
		if (child == 0) {
			partner_loop(k);
			_exit(0);
		}
	} else if ((e = pthread_create(&thread, NULL, partner_thread, (void *)k)) != 0) {
		errno = e;
		die("pthread_create");
	}
	/* signal needs the partner's id; it is set before its first wait. */
	while (__atomic_load_n(&sh->id[1], __ATOMIC_ACQUIRE) == 0)
		sched_yield();

	n = time_ops(round_trip);

	__atomic_store_n(&sh->stop, 1, __ATOMIC_RELEASE);
	k->post(0);
	if (procs)
		reap(child);
	else if ((e = pthread_join(thread, NULL)) != 0) {
		errno = e;
		die("pthread_join");
	}
	close_objects();
	return print(mode, "ns_per_op", n, "");
}

static void fork_exit_wait(void)
{
	pid_t pid = fork();
	int st;

	if (pid < 0)
		die("fork");
	if (pid == 0)
		_exit(0);
	while (wait4(pid, &st, 0, NULL) != pid)
		if (errno != EINTR)
			die("wait4");
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		errno = 0;
		die("child failed");
	}
}

static int run_wait4(void)
{
	return print("wait4-proc", "ns_per_op", time_ops(fork_exit_wait), "");
}

#define PERIOD_NS 1000000L

static int run_timerfd(void)
{
	struct itimerspec its = { .it_interval = { 0, PERIOD_NS } };
	struct timespec now;
	double first;
	uint64_t due = 0, exp;
	long n = 0, overruns = 0;
	char tail[48];
	int fd = timerfd_create(CLOCK_MONOTONIC, 0);

	if (fd < 0)
		die("timerfd_create");
	clock_gettime(CLOCK_MONOTONIC, &now);
	/* The first expiry 10 ms ahead, absolute: expiry k is due at
	 * first + k ms exactly, whatever the reads cost. */
	its.it_value.tv_sec = now.tv_sec + (now.tv_nsec + 10 * PERIOD_NS) / 1000000000L;
	its.it_value.tv_nsec = (now.tv_nsec + 10 * PERIOD_NS) % 1000000000L;
	first = (double)its.it_value.tv_sec * 1e9 + (double)its.it_value.tv_nsec;
	if (timerfd_settime(fd, TFD_TIMER_ABSTIME, &its, NULL) != 0)
		die("timerfd_settime");
	for (int i = 0; i < WARM; i++) {
		if (read(fd, &exp, sizeof(exp)) != sizeof(exp))
			die("read timerfd");
		due += exp;
	}
	do {
		if (read(fd, &exp, sizeof(exp)) != sizeof(exp))
			die("read timerfd");
		overruns += exp > 1;
		due += exp;
		samples[n++] = now_ns() - (first + (double)(due - 1) * PERIOD_NS);
	} while (n < MAX_OPS && (n < MIN_OPS || (double)n * PERIOD_NS < budget_ns));
	close(fd);
	snprintf(tail, sizeof(tail), " overruns %ld", overruns);
	return print("timerfd", "lateness_ns", n, tail);
}

static const char *const all[] = {
	"pipe-thread", "poll-thread", "epoll-thread", "eventfd-thread", "futex-thread",
	"signal-thread", "pipe-proc", "poll-proc", "epoll-proc", "eventfd-proc",
	"futex-proc", "signal-proc", "wait4-proc", "timerfd",
};

static __attribute__((noreturn)) void usage(void)
{
	errno = 0;
	die("usage: wake [-t MS] all|KIND-thread|KIND-proc|wait4-proc|timerfd... "
	    "(KIND: pipe poll epoll eventfd futex signal)");
}

static int run_mode(const char *mode)
{
	const char *dash = strchr(mode, '-');

	if (!strcmp(mode, "wait4-proc"))
		return run_wait4();
	if (!strcmp(mode, "timerfd"))
		return run_timerfd();
	if (!dash || (strcmp(dash, "-thread") && strcmp(dash, "-proc")))
		usage();
	procs = !strcmp(dash, "-proc");
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strlen(kinds[i].name) == (size_t)(dash - mode) &&
		    !strncmp(kinds[i].name, mode, (size_t)(dash - mode)))
			return run_pingpong(mode, &kinds[i]);
	usage();
}

int main(int argc, char **argv)
{
	sigset_t set;
	int i;

	bench_name = "wake";
	i = timed_args(argc, argv);
	if (!i)
		usage();
	/* SIGUSR1 is only ever waited for: blocked in every thread and child. */
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	if (sigprocmask(SIG_BLOCK, &set, NULL) != 0)
		die("sigprocmask");
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	samples = mmap(NULL, MAX_OPS * sizeof(*samples), PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED || samples == MAP_FAILED)
		die("mmap");
	return run_modes(i, argc, argv, all, sizeof(all) / sizeof(all[0]), run_mode);
}
