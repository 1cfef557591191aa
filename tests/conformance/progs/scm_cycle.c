/* scm_cycle N: make N times each kind of unreachable AF_UNIX cycle, then
 * release one more socket, as the collector needs (Linux's unix_gc runs
 * when an AF_UNIX socket is released).  A run with N = 0 leaves as many
 * files open in the sentry as one with N > 0 (tests/integration/scm.bats
 * reads it from --stats); natively it only shows the calls succeed.
 *  - a socket in its own queue: a's fd sent on b lands in a's queue;
 *  - two in each other's: b's fd in a's queue, a's in b's;
 *  - a listener holding, in a not yet accepted connection's queue, a
 *    socket whose queue holds the listener. */
#define _GNU_SOURCE
#include <stddef.h>
#include <sys/un.h>
#include "../scm_util.h"

static void pair(int sv[2])
{
	CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
}

static void self_cycle(void)
{
	int s[2];

	pair(s);
	CHECK(send_fd(s[1], s[0]) == 1, "send: %s", strerror(errno));
	CHECK_OK(close(s[0]));
	CHECK_OK(close(s[1]));
}

static void two_cycle(void)
{
	int s[2];

	pair(s);
	CHECK(send_fd(s[1], s[1]) == 1, "send: %s", strerror(errno));  /* b in a's queue */
	CHECK(send_fd(s[0], s[0]) == 1, "send: %s", strerror(errno));  /* a in b's queue */
	CHECK_OK(close(s[0]));
	CHECK_OK(close(s[1]));
}

static void listener_cycle(void)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	socklen_t len = sizeof(a);
	int l = socket(AF_UNIX, SOCK_STREAM, 0), c = socket(AF_UNIX, SOCK_STREAM, 0), s[2];

	CHECK(l >= 0 && c >= 0, "socket: %s", strerror(errno));
	CHECK_OK(bind(l, (struct sockaddr *)&a, sizeof(sa_family_t)));  /* autobind */
	CHECK_OK(getsockname(l, (struct sockaddr *)&a, &len));
	CHECK_OK(listen(l, 1));
	CHECK_OK(connect(c, (struct sockaddr *)&a, len));
	pair(s);
	CHECK(send_fd(s[1], l) == 1, "send: %s", strerror(errno));     /* l in s0's queue */
	CHECK(send_fd(c, s[0]) == 1, "send: %s", strerror(errno));     /* s0 in the embryo's */
	CHECK_OK(close(l));
	CHECK_OK(close(c));
	CHECK_OK(close(s[0]));
	CHECK_OK(close(s[1]));
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 1, s[2];

	for (int i = 0; i < n; i++) {
		self_cycle();
		two_cycle();
		listener_cycle();
	}
	pair(s);
	CHECK_OK(close(s[0]));
	CHECK_OK(close(s[1]));
	return 0;
}
