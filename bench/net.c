/*
 * bench/net.c - sockets between two processes: round trips and a stream.
 *
 * Usage: net [-t MS] MODE...   (MODE "all": every mode below, in order)
 *   unix-pingpong        AF_UNIX SOCK_STREAM, a listener bound to a path in
 *                        a fresh directory under $TMPDIR (or /tmp); a forked
 *                        child connects; each side writes 1 byte and blocks
 *                        in read(2) for the other's
 *   socketpair-pingpong  the same over socketpair(AF_UNIX, SOCK_STREAM)
 *   tcp-pingpong         the same over TCP on 127.0.0.1 (TCP_NODELAY)
 *   unix-stream          a forked child writes 64 KiB chunks to a path-bound
 *                        AF_UNIX stream as fast as it can; the parent reads
 *                        them (an operation: one whole 64 KiB chunk read)
 *
 * Each mode runs ~MS ms (default 300; at least 5 operations), after 20
 * untimed ones; each operation is timed by itself (CLOCK_MONOTONIC through
 * the vDSO: no system call).  Prints one line a mode, as soon as it is done:
 *   "MODE ns_per_op MEAN median MEDIAN n N"            (round trips)
 *   "MODE ns_per_op MEAN median MEDIAN n N MB/s RATE"  (the stream; MB = 10^6 B)
 * A failed call ends the program with status 2 and a message naming it
 * (socketpair in a sandbox without AF_UNIX: "net: socketpair: Function not
 * implemented"): the lines already printed stand.
 * Build static: gcc -static -O2 -Isrc/common (make build/bench/net).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"
#include "timed.h"

#define CHUNK (64 << 10)

static int peer;        /* the parent's end of the connection */
static char chunk[CHUNK];

/* ---------- making a connected pair: parent's end, child's end ---------- */

static char sock_dir[64], sock_path[108];

static int unix_listener(struct sockaddr_un *sa)
{
	const char *tmp = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	int l = socket(AF_UNIX, SOCK_STREAM, 0);

	if (l < 0)
		die("socket AF_UNIX");
	snprintf(sock_dir, sizeof(sock_dir), "%s/netbench.XXXXXX", tmp);
	if (!mkdtemp(sock_dir))
		die("mkdtemp");
	snprintf(sock_path, sizeof(sock_path), "%s/s", sock_dir);
	*sa = (struct sockaddr_un){ .sun_family = AF_UNIX };
	strcpy(sa->sun_path, sock_path);
	if (bind(l, (struct sockaddr *)sa, sizeof(*sa)))
		die("bind AF_UNIX");
	if (listen(l, 1))
		die("listen AF_UNIX");
	return l;
}

static void unix_cleanup(void)
{
	unlink(sock_path);
	rmdir(sock_dir);
}

/* A connected pair of the mode's kind in fds[0] (kept by the parent) and
 * fds[1] (the child's), both made here, before the fork. */
static void make_pair(const char *kind, int fds[2])
{
	if (!strcmp(kind, "socketpair")) {
		if (socketpair(AF_UNIX, SOCK_STREAM, 0, fds))
			die("socketpair");
		return;
	}
	if (!strcmp(kind, "unix")) {
		struct sockaddr_un sa;
		int l = unix_listener(&sa);

		fds[1] = socket(AF_UNIX, SOCK_STREAM, 0);
		if (fds[1] < 0 || connect(fds[1], (struct sockaddr *)&sa, sizeof(sa)))
			die("connect AF_UNIX");
		fds[0] = accept(l, NULL, NULL);
		if (fds[0] < 0)
			die("accept AF_UNIX");
		close(l);
		unix_cleanup();
		return;
	}
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(sa);
	int l = socket(AF_INET, SOCK_STREAM, 0), one = 1;

	if (l < 0 || bind(l, (struct sockaddr *)&sa, sizeof(sa)) ||
	    getsockname(l, (struct sockaddr *)&sa, &len) || listen(l, 1))
		die("listen on 127.0.0.1");
	fds[1] = socket(AF_INET, SOCK_STREAM, 0);
	if (fds[1] < 0 || connect(fds[1], (struct sockaddr *)&sa, sizeof(sa)))
		die("connect 127.0.0.1");
	fds[0] = accept(l, NULL, NULL);
	if (fds[0] < 0)
		die("accept 127.0.0.1");
	if (setsockopt(fds[0], IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) ||
	    setsockopt(fds[1], IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)))
		die("setsockopt TCP_NODELAY");
	close(l);
}

/* ---------- the operations ---------- */

static void read_full(int fd, char *buf, size_t len)
{
	while (len) {
		ssize_t r = read(fd, buf, len);

		if (r <= 0) {
			if (r < 0 && errno == EINTR)
				continue;
			if (r == 0)
				errno = 0;
			die(r ? "read" : "read: the peer closed");
		}
		buf += r;
		len -= (size_t)r;
	}
}

static void round_trip(void)
{
	char c = 'x';

	if (write(peer, &c, 1) != 1)
		die("write");
	read_full(peer, &c, 1);
}

static void read_chunk(void)
{
	read_full(peer, chunk, CHUNK);
}

/* The child: echo bytes until the parent closes, or write chunks until the
 * parent stops reading (EPIPE: SIGPIPE is ignored). */
static __attribute__((noreturn)) void child(int fd, bool stream)
{
	char c;
	ssize_t r;

	if (stream) {
		signal(SIGPIPE, SIG_IGN);
		while (write(fd, chunk, CHUNK) > 0)
			;
		_exit(errno == EPIPE || errno == ECONNRESET ? 0 : 3);
	}
	while ((r = read(fd, &c, 1)) == 1)
		if (write(fd, &c, 1) != 1)
			_exit(3);
	_exit(r == 0 ? 0 : 3);
}

static int run_mode(const char *mode)
{
	const char *dash = strchr(mode, '-');
	bool stream = dash && !strcmp(dash, "-stream");
	char kind[16], tail[48] = "";
	double sum = 0;
	int fds[2];
	pid_t pid;
	long n;

	if (!dash || (size_t)(dash - mode) >= sizeof(kind) ||
	    (strcmp(dash, "-pingpong") && !stream)) {
		errno = 0;
		die("usage: net [-t MS] all|unix-pingpong|socketpair-pingpong|tcp-pingpong|"
		    "unix-stream...");
	}
	snprintf(kind, sizeof(kind), "%.*s", (int)(dash - mode), mode);
	if (strcmp(kind, "unix") && strcmp(kind, "socketpair") && strcmp(kind, "tcp")) {
		errno = 0;
		die("unknown mode");
	}
	make_pair(kind, fds);
	pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		close(fds[0]);
		child(fds[1], stream);
	}
	close(fds[1]);
	peer = fds[0];
	n = time_ops(stream ? read_chunk : round_trip);
	close(peer);
	reap(pid);
	for (long i = 0; i < n; i++)
		sum += samples[i];
	if (stream)     /* bytes per ns = 1000 MB/s */
		snprintf(tail, sizeof(tail), " MB/s %.1f", (double)n * CHUNK / sum * 1e3);
	return print(mode, "ns_per_op", n, tail);
}

static const char *const all[] = {
	"unix-pingpong", "socketpair-pingpong", "tcp-pingpong", "unix-stream",
};

int main(int argc, char **argv)
{
	int i;

	bench_name = "net";
	i = timed_args(argc, argv);
	if (!i) {
		errno = 0;
		die("usage: net [-t MS] all|MODE...");
	}
	samples = malloc(MAX_OPS * sizeof(*samples));
	if (!samples)
		die("malloc");
	return run_modes(i, argc, argv, all, sizeof(all) / sizeof(all[0]), run_mode);
}
