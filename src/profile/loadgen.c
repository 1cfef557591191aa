/* SPDX-License-Identifier: MIT */
/*
 * cvisor-loadgen: the calibration's load generator (DESIGN.md §8).  A
 * small static program that `cvisor bench` runs natively, under
 * `cvisor do` and under `runsc do`, so that the same instructions are
 * timed everywhere.  It times itself (CLOCK_MONOTONIC, around the loop
 * only: start-up is not measured) and prints numbers on one line.
 *
 *   cvisor-loadgen class NAME SECONDS REPS
 *       REPS measurements of ~SECONDS each of one operation class, printed
 *       as ns per system call (ns per event for ctxsw, block and fault, ns
 *       per operation for fork and forkexec); see the table below.
 *   cvisor-loadgen crowded NAME SECONDS REPS
 *       the same beside idle children, one per two CPUs: a sandbox then
 *       holds more tasks than half its CPUs and nobody spins (DESIGN.md §3).
 *   cvisor-loadgen unit WSS_BYTES
 *       ns per work unit (16 random cache-line updates in a WSS_BYTES
 *       buffer), with no system calls: what `bench curve` spaces calls by.
 *   cvisor-loadgen curve EVERY WSS_BYTES UNITS
 *       UNITS work units with one getppid() after every EVERY units;
 *       prints "ELAPSED_NS SYSCALLS".
 *   cvisor-loadgen pace EVERY WSS_BYTES UNITS
 *       the same, timing each call alone: prints "NS_IN_CALLS SYSCALLS".
 *
 * Exits 2 on bad usage or a failed call.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <linux/futex.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "timing.h"

extern char **environ;
static const char *self;               /* absolute: forkexec's target, stat's */

static void die(const char *what)
{
	fprintf(stderr, "cvisor-loadgen: %s: %s\n", what, errno ? strerror(errno) : "bad usage");
	exit(2);
}

static void reap(pid_t pid)
{
	int st;

	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			die("waitpid");
	if (!WIFEXITED(st) || WEXITSTATUS(st))
		die("child failed");
}

/* ---- one batch of each class: n operations; returns syscalls (events) made ---- */

static int fd_file, pipe_fd[2], epfd, futex_word;
static int ping[2], pong[2];

static long b_trivial(long n)
{
	for (long i = 0; i < n; i++)
		syscall(SYS_getppid);
	return n;
}

static long b_rw(long n)
{
	char c;

	for (long i = 0; i < n; i++)
		if (pread(fd_file, &c, 1, 0) != 1)
			die("pread");
	return n;
}

/*
 * Directories a lookup has not seen lately: the sentry's host file system
 * keeps the last 64 directories it looked up (fs/hostfs.c), so a walk of
 * many distinct ones, as tar's or a compiler's include search, misses it.
 */
#define NDIRS 1024
static char *dirs[NDIRS];
static int ndirs, next_dir;

static void find_dirs(const char *path, int depth)
{
	DIR *d = depth < 6 && ndirs < NDIRS ? opendir(path) : NULL;
	struct dirent *e;

	while (d && (e = readdir(d)) && ndirs < NDIRS) {
		char sub[512];

		if (e->d_type != DT_DIR || e->d_name[0] == '.')
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", path, e->d_name);
		if (!(dirs[ndirs++] = strdup(sub)))
			die("strdup");
		find_dirs(sub, depth + 1);
	}
	if (d)
		closedir(d);
}

/* stat of distinct paths, each directory of the list in turn */
static long b_stat(long n)
{
	struct stat st;

	for (long i = 0; i < n; i++, next_dir = (next_dir + 1) % ndirs)
		if (stat(dirs[next_dir], &st))
			die("stat");
	return n;
}

/* stat of one path over and over: every directory on it cached */
static long b_statc(long n)
{
	struct stat st;

	for (long i = 0; i < n; i++)
		if (stat(self, &st))
			die("stat");
	return n;
}

/* glibc's fstat: newfstatat(fd, "", AT_EMPTY_PATH), its "" in the
 * binary's read-only data, not in memory the sandbox allocated */
static long b_fstat(long n)
{
	struct stat st;

	for (long i = 0; i < n; i++)
		if (fstat(fd_file, &st))
			die("fstat");
	return n;
}

static long b_open(long n)
{
	for (long i = 0; i < n; i++) {
		int fd = open(self, O_RDONLY | O_CLOEXEC);

		if (fd < 0)
			die("open");
		close(fd);
	}
	return 2 * n;
}

static long b_pipe(long n)
{
	char c = 'x';

	for (long i = 0; i < n; i++)
		if (write(pipe_fd[1], &c, 1) != 1 || read(pipe_fd[0], &c, 1) != 1)
			die("pipe");
	return 2 * n;
}

static long b_futex(long n)
{
	for (long i = 0; i < n; i++)
		syscall(SYS_futex, &futex_word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
	return n;
}

static long b_mmap(long n)
{
	for (long i = 0; i < n; i++) {
		void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			       -1, 0);

		if (p == MAP_FAILED || munmap(p, 4096))
			die("mmap");
	}
	return 2 * n;
}

static long b_poll(long n)
{
	struct epoll_event ev;

	for (long i = 0; i < n; i++)
		if (epoll_wait(epfd, &ev, 1, 0) != 1)
			die("epoll_wait");
	return n;
}

static long b_fork(long n)
{
	for (long i = 0; i < n; i++) {
		pid_t pid = fork();

		if (pid < 0)
			die("fork");
		if (pid == 0)
			_exit(0);
		reap(pid);
	}
	return n;
}

static long b_forkexec(long n)
{
	char *const args[] = { (char *)self, (char *)"true", NULL };

	for (long i = 0; i < n; i++) {
		pid_t pid = fork();

		if (pid < 0)
			die("fork");
		if (pid == 0) {
			execve(self, args, environ);
			_exit(127);
		}
		reap(pid);
	}
	return n;
}

/* A round trip through a child that echoes: two context switches. */
static long b_ctxsw(long n)
{
	char c = 'x';

	for (long i = 0; i < n; i++)
		if (write(ping[1], &c, 1) != 1 || read(pong[0], &c, 1) != 1)
			die("ping-pong");
	return 2 * n;
}

/* A call that blocks (100 us): its caller's wait ends with a wake-up. */
static long b_block(long n)
{
	const struct timespec ts = { 0, 100000 };

	for (long i = 0; i < n; i++)
		if (nanosleep(&ts, NULL))
			die("nanosleep");
	return n;
}

/* Fresh anonymous pages, each written once: one minor fault per page. */
static long b_fault(long n)
{
	long pages = 256;

	for (long i = 0; i < n; i++) {
		char *p = mmap(NULL, (size_t)pages * 4096, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED)
			die("mmap");
		for (long k = 0; k < pages; k++)
			p[k * 4096] = 1;
		munmap(p, (size_t)pages * 4096);
	}
	return n * pages;
}

static void setup_ctxsw(void)
{
	pid_t pid;

	if (pipe(ping) || pipe(pong))
		die("pipe");
	pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		char c;

		close(ping[1]);         /* EOF when the parent exits */
		close(pong[0]);
		while (read(ping[0], &c, 1) == 1)
			if (write(pong[1], &c, 1) != 1)
				break;
		_exit(0);
	}
}

/* Children that wait on a pipe, held open until this process exits. */
static void crowd(void)
{
	cpu_set_t set;
	int p[2], n;

	if (sched_getaffinity(0, sizeof(set), &set) || pipe(p))
		die("crowd");
	n = CPU_COUNT(&set) / 2;
	for (int i = 0; i < (n > 0 ? n : 1); i++) {
		pid_t pid = fork();

		if (pid < 0)
			die("fork");
		if (pid == 0) {
			char c;

			close(p[1]);
			while (read(p[0], &c, 1) > 0)
				;
			_exit(0);
		}
	}
	close(p[0]);
}

static void setup(void)
{
	struct epoll_event ev = { .events = EPOLLIN };

	fd_file = open(self, O_RDONLY | O_CLOEXEC);
	if (fd_file < 0 || pipe(pipe_fd))
		die("setup");
	epfd = epoll_create1(0);
	if (epfd < 0 || write(pipe_fd[1], "r", 1) != 1 ||
	    epoll_ctl(epfd, EPOLL_CTL_ADD, pipe_fd[0], &ev))
		die("epoll");
}

static const struct {
	const char *name;
	long (*batch)(long n);
	long n;                         /* operations per batch */
} classes[] = {
	{ "trivial", b_trivial, 2000 }, { "rw", b_rw, 2000 }, { "stat", b_stat, 1000 },
	{ "open", b_open, 500 }, { "pipe", b_pipe, 1000 }, { "futex", b_futex, 2000 },
	{ "mmap", b_mmap, 500 }, { "poll", b_poll, 2000 }, { "fork", b_fork, 5 },
	{ "forkexec", b_forkexec, 2 }, { "ctxsw", b_ctxsw, 200 }, { "fault", b_fault, 4 },
	{ "statc", b_statc, 1000 }, { "fstat", b_fstat, 2000 }, { "block", b_block, 20 },
};

static int run_class(const char *name, double seconds, int reps, bool crowded)
{
	size_t k;

	for (k = 0; k < sizeof(classes) / sizeof(classes[0]); k++)
		if (!strcmp(name, classes[k].name))
			break;
	if (k == sizeof(classes) / sizeof(classes[0]))
		die(name);
	setup();
	if (crowded)
		crowd();
	if (!strcmp(name, "ctxsw"))
		setup_ctxsw();
	if (!strcmp(name, "stat")) {
		find_dirs("/usr/lib", 0);
		find_dirs("/usr/share", 0);
		if (ndirs < 2 * 64)
			die("too few directories under /usr/lib and /usr/share");
	}
	classes[k].batch(classes[k].n);                 /* warm up */
	for (int r = 0; r < reps; r++) {
		double t0 = now_ns(), t;
		long events = 0;

		do
			events += classes[k].batch(classes[k].n);
		while ((t = now_ns() - t0) < seconds * 1e9);
		printf("%s%.1f", r ? " " : "", t / (double)events);
	}
	printf("\n");
	return 0;
}

/* ---- the curve's work: random cache-line updates in a buffer ---- */

static uint64_t lcg = 88172645463325252ULL;
static volatile uint64_t sink;

static uint8_t *wss_buffer(size_t bytes)
{
	uint8_t *b = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (b == MAP_FAILED)
		die("mmap");
	memset(b, 1, bytes);            /* fault it all in before timing */
	return b;
}

static inline void work_unit(uint8_t *b, size_t lines)
{
	for (int i = 0; i < 16; i++) {
		lcg = lcg * 6364136223846793005ULL + 1442695040888963407ULL;
		b[((lcg >> 17) % lines) * 64]++;
	}
}

static int run_unit(size_t bytes)
{
	uint8_t *b = wss_buffer(bytes);
	long n = 200000;
	double t0 = now_ns();

	for (long i = 0; i < n; i++)
		work_unit(b, bytes / 64);
	printf("%.2f\n", (now_ns() - t0) / (double)n);
	sink = b[0];
	return 0;
}

/* curve: the whole run timed; pace: each call timed by itself (the vDSO
 * clock costs no system call), which the noise of the work cannot blur. */
static int run_curve(long every, size_t bytes, long units, bool each)
{
	uint8_t *b = wss_buffer(bytes);
	long calls = 0;
	double t0 = now_ns(), in_calls = 0;

	for (long i = 1; i <= units; i++) {
		work_unit(b, bytes / 64);
		if (i % every == 0) {
			double t = each ? now_ns() : 0;

			syscall(SYS_getppid);
			if (each)
				in_calls += now_ns() - t;
			calls++;
		}
	}
	printf("%.0f %ld\n", each ? in_calls : now_ns() - t0, calls);
	sink = b[0];
	return 0;
}

int main(int argc, char **argv)
{
	self = argv[0];
	if (argc == 2 && !strcmp(argv[1], "true"))
		return 0;
	errno = 0;
	if (self[0] != '/')
		die("run me by an absolute path");
	if (argc == 5 && (!strcmp(argv[1], "class") || !strcmp(argv[1], "crowded")))
		return run_class(argv[2], atof(argv[3]), atoi(argv[4]),
				 !strcmp(argv[1], "crowded"));
	if (argc == 3 && !strcmp(argv[1], "unit") && atol(argv[2]) >= 4096)
		return run_unit((size_t)atol(argv[2]));
	if (argc == 5 && (!strcmp(argv[1], "curve") || !strcmp(argv[1], "pace")) &&
	    atol(argv[2]) > 0 && atol(argv[3]) >= 4096)
		return run_curve(atol(argv[2]), (size_t)atol(argv[3]), atol(argv[4]),
				 !strcmp(argv[1], "pace"));
	die("usage: cvisor-loadgen class|crowded NAME SECONDS REPS | unit WSS | curve EVERY WSS UNITS");
}
