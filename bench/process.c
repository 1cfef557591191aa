/*
 * bench/process.c - time process and thread operations.
 *
 * Usage: process MODE N      (for forkexec, argv[0] must be this program's
 *                            absolute path: it is what the child execs)
 *        process true        (exits 0 at once: the target of forkexec)
 *   forkwait   N x (fork; the child _exit(0)s; the parent waitpid()s);
 *              ns per iteration.
 *   forkexec   N x (fork; the child execve()s argv[0] with the argument
 *              "true", i.e. this same static program, which exits 0; the
 *              parent waitpid()s); ns per iteration.  A static target keeps
 *              the work identical in every environment (no dynamic loader,
 *              no libraries to provide in a container rootfs).
 *   pathexec   as forkexec, but the child first tries the program where a
 *              shell's PATH search would (Debian's default PATH): execve of
 *              /usr/local/sbin/, /usr/local/bin/ and /usr/sbin/ + its name,
 *              each failing with ENOENT, as dash's and execvp's searches
 *              do before /usr/bin (make's shells and gcc's drivers do it
 *              for every command); ns per iteration.
 *   pipepong   a forked child echoes bytes: N round trips of 1 byte, parent
 *              -> child over one pipe and back over another; ns per round
 *              trip.
 *   futexpong  two threads in one process: N round trips of futex wake and
 *              wait on two shared words (FUTEX_*_PRIVATE); each side always
 *              wakes the other and waits (blocks) until its word changes;
 *              ns per round trip.
 *   script     N x (fork; the child execl()s /bin/busybox as "sh -c" on a
 *              generated 200-line script of shell builtins: x=$((x+1)),
 *              every tenth line an `echo $x > /dev/null`, and a final check
 *              of x that exits 3 if the arithmetic went wrong; the parent
 *              waitpid()s); ns per run.  /bin/busybox must be a static
 *              busybox (Debian's busybox-static).
 *
 * Every child must exit with status 0, else the program fails.  Before the
 * timed loop, N/10 (at least 1) untimed warm-up operations are made.  Only
 * the timed loop is measured, with clock_gettime(CLOCK_MONOTONIC).
 *
 * Prints one line: "MODE ns_per_op <ns>".  Exits 2 on bad usage or any
 * failed call or child.  Build static: gcc -static -O2 -pthread (make
 * build/bench/process, or see bench/process.sh).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <linux/futex.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"

extern char **environ;

static const char *self; /* argv[0]: absolute path of this program */

static void usage(void)
{
	errno = 0;
	die("usage: process forkwait|forkexec|pathexec|pipepong|futexpong|script N>0 | process true");
}

/* Waits for child pid; dies unless it exited with status 0. */
static void reap(pid_t pid)
{
	int st;
	pid_t r;

	do
		r = waitpid(pid, &st, 0);
	while (r < 0 && errno == EINTR);
	if (r != pid)
		die("waitpid");
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		char msg[96];

		errno = 0;
		if (WIFEXITED(st))
			snprintf(msg, sizeof(msg), "child exited with status %d", WEXITSTATUS(st));
		else if (WIFSIGNALED(st))
			snprintf(msg, sizeof(msg), "child killed by signal %d", WTERMSIG(st));
		else
			snprintf(msg, sizeof(msg), "child wait status 0x%x", st);
		die(msg);
	}
}

static void do_forkwait(long n)
{
	for (long i = 0; i < n; i++) {
		pid_t pid = fork();

		if (pid < 0)
			die("fork");
		if (pid == 0)
			_exit(0);
		reap(pid);
	}
}

static void do_forkexec(long n)
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
}

/* The directories of Debian's default PATH before /usr/bin, where no
 * program of this name is (pathexec). */
static const char *const miss_dirs[] = { "/usr/local/sbin/", "/usr/local/bin/", "/usr/sbin/" };

static void do_pathexec(long n)
{
	char *const args[] = { (char *)self, (char *)"true", NULL };
	const char *base = strrchr(self, '/') + 1;
	char miss[3][PATH_MAX];

	for (int d = 0; d < 3; d++)
		snprintf(miss[d], sizeof(miss[d]), "%s%s", miss_dirs[d], base);
	for (long i = 0; i < n; i++) {
		pid_t pid = fork();

		if (pid < 0)
			die("fork");
		if (pid == 0) {
			for (int d = 0; d < 3; d++)
				if (execve(miss[d], args, environ) < 0 && errno != ENOENT)
					_exit(126);
			execve(self, args, environ);
			_exit(127);
		}
		reap(pid);
	}
}

/* pipepong: the child is started once, before the warm-up, and echoes until
 * EOF on its input pipe. */
static int to_child = -1, from_child = -1;
static pid_t echo_pid;

static void start_echo(void)
{
	int down[2], up[2];

	if (pipe(down) != 0 || pipe(up) != 0)
		die("pipe");
	echo_pid = fork();
	if (echo_pid < 0)
		die("fork");
	if (echo_pid == 0) {
		char c;
		ssize_t r;

		close(down[1]);
		close(up[0]);
		for (;;) {
			r = read(down[0], &c, 1);
			if (r == 0)
				_exit(0);
			if (r < 0 && errno == EINTR)
				continue;
			if (r != 1 || write(up[1], &c, 1) != 1)
				_exit(3);
		}
	}
	close(down[0]);
	close(up[1]);
	to_child = down[1];
	from_child = up[0];
}

static void do_pipepong(long n)
{
	for (long i = 0; i < n; i++) {
		char c = (char)i, d = 0;

		errno = 0;
		if (write(to_child, &c, 1) != 1)
			die("write");
		if (read(from_child, &d, 1) != 1)
			die("read");
		if (d != c) {
			errno = 0;
			die("pipepong: wrong byte back");
		}
	}
}

/* futexpong: ping counts the main thread's sends, pong the partner's
 * replies.  The partner is started before the warm-up and makes exactly
 * futex_total round trips. */
static unsigned int ping, pong;
static long futex_total;
static pthread_t partner;

static long futex(unsigned int *uaddr, int op, unsigned int val)
{
	return syscall(SYS_futex, uaddr, op, val, NULL, NULL, 0);
}

/* Blocks until *w != old. */
static void wait_change(unsigned int *w, unsigned int old)
{
	while (__atomic_load_n(w, __ATOMIC_ACQUIRE) == old)
		if (futex(w, FUTEX_WAIT_PRIVATE, old) != 0 && errno != EAGAIN &&
		    errno != EINTR)
			die("futex wait");
}

static void post(unsigned int *w, unsigned int val)
{
	__atomic_store_n(w, val, __ATOMIC_RELEASE);
	if (futex(w, FUTEX_WAKE_PRIVATE, 1) < 0)
		die("futex wake");
}

static void *partner_main(void *arg)
{
	(void)arg;
	for (long i = 0; i < futex_total; i++) {
		wait_change(&ping, (unsigned int)i);
		post(&pong, (unsigned int)(i + 1));
	}
	return NULL;
}

static long futex_done;

static void do_futexpong(long n)
{
	for (long i = 0; i < n; i++) {
		unsigned int seq = (unsigned int)futex_done++;

		post(&ping, seq + 1);
		wait_change(&pong, seq);
	}
}

/* script: 200 lines, built once: x=0, 198 lines of work (every tenth an
 * echo, the rest increments), and a check of the sum. */
static char script[4096];

static void append(size_t *len, const char *fmt, int arg)
{
	int w = snprintf(script + *len, sizeof(script) - *len, fmt, arg);

	if (w < 0 || (size_t)w >= sizeof(script) - *len) {
		errno = 0;
		die("script buffer too small");
	}
	*len += (size_t)w;
}

static void make_script(void)
{
	size_t len = 0;
	int incs = 0;

	append(&len, "x=%d\n", 0);
	for (int line = 2; line <= 199; line++) {
		if (line % 10 == 0) {
			append(&len, "echo $x > /dev/null\n", 0);
		} else {
			append(&len, "x=$((x+1))\n", 0);
			incs++;
		}
	}
	append(&len, "[ \"$x\" -eq %d ] || exit 3\n", incs);
}

static void do_script(long n)
{
	for (long i = 0; i < n; i++) {
		pid_t pid = fork();

		if (pid < 0)
			die("fork");
		if (pid == 0) {
			execl("/bin/busybox", "sh", "-c", script, (char *)NULL);
			_exit(127);
		}
		reap(pid);
	}
}

int main(int argc, char **argv)
{
	void (*op)(long);
	const char *mode;
	double t0, t1;
	long n, warm;

	bench_name = "process";
	if (argc == 2 && strcmp(argv[1], "true") == 0)
		return 0;
	if (argc != 3)
		usage();
	self = argv[0];
	mode = argv[1];
	n = parse_count(argv[2]);
	if (n < 0)
		usage();
	warm = n / 10 > 0 ? n / 10 : 1;

	if (strcmp(mode, "forkwait") == 0) {
		op = do_forkwait;
	} else if (strcmp(mode, "forkexec") == 0) {
		op = do_forkexec;
		if (self[0] != '/') {
			errno = 0;
			die("forkexec: run this program by its absolute path");
		}
	} else if (strcmp(mode, "pathexec") == 0) {
		op = do_pathexec;
		if (self[0] != '/') {
			errno = 0;
			die("pathexec: run this program by its absolute path");
		}
	} else if (strcmp(mode, "pipepong") == 0) {
		op = do_pipepong;
		start_echo();
	} else if (strcmp(mode, "futexpong") == 0) {
		int e;

		op = do_futexpong;
		if (n > (long)(UINT_MAX / 2) - warm) {
			errno = 0;
			die("futexpong: N too large");
		}
		futex_total = warm + n;
		e = pthread_create(&partner, NULL, partner_main, NULL);
		if (e != 0) {
			errno = e;
			die("pthread_create");
		}
	} else if (strcmp(mode, "script") == 0) {
		op = do_script;
		make_script();
	} else {
		usage();
	}

	op(warm);

	t0 = now_ns();
	op(n);
	t1 = now_ns();

	if (op == do_pipepong) {
		close(to_child);
		reap(echo_pid);
	} else if (op == do_futexpong) {
		int e = pthread_join(partner, NULL);

		if (e != 0) {
			errno = e;
			die("pthread_join");
		}
	}

	return report("%s ns_per_op %.1f\n", mode, (t1 - t0) / (double)n);
}
