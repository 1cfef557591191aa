/* AF_UNIX seqpacket sockets: connection-based with record boundaries,
 * MSG_TRUNC, MSG_EOR accepted, ENOTCONN before connect, EOF after the
 * peer closes, EPIPE (no SIGPIPE, as Linux) on sending then, and the
 * accepted socket's name. */
#define _GNU_SOURCE
#include <signal.h>
#include <stddef.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/un.h>
#include "check.h"

static volatile int pipes;

static void on_pipe(int sig)
{
	(void)sig;
	pipes++;
}

int main(void)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct msghdr mh = { 0 };
	struct iovec iov;
	socklen_t len;
	char buf[64];
	int l, c, a;

	signal(SIGPIPE, on_pipe);
	/* an abstract name, unique to this run */
	snprintf(sa.sun_path + 1, sizeof(sa.sun_path) - 1, "cvisor-seqpacket-%d", getpid());
	len = offsetof(struct sockaddr_un, sun_path) + 1 + strlen(sa.sun_path + 1);
	l = socket(AF_UNIX, SOCK_SEQPACKET, 0);
	CHECK_OK(bind(l, (struct sockaddr *)&sa, len));
	CHECK_OK(listen(l, 4));
	c = socket(AF_UNIX, SOCK_SEQPACKET, 0);
	CHECK_ERRNO(send(c, "x", 1, 0), ENOTCONN);
	CHECK_ERRNO(recv(c, buf, 1, 0), ENOTCONN);
	CHECK_OK(connect(c, (struct sockaddr *)&sa, len));
	a = accept(l, NULL, NULL);
	CHECK(a >= 0, "accept");

	CHECK(send(c, "hello", 5, MSG_EOR) == 5, "send");
	CHECK(send(c, "world!", 6, 0) == 6, "send 2");
	CHECK(recv(a, buf, sizeof(buf), 0) == 5, "record 1");
	iov = (struct iovec){ buf, 3 };
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	CHECK(recvmsg(a, &mh, 0) == 3 && (mh.msg_flags & MSG_TRUNC), "truncated record");
	CHECK_ERRNO(recv(a, buf, 1, MSG_DONTWAIT), EAGAIN);   /* its rest is gone */

	/* the server's side answers with the listener's name */
	struct sockaddr_un from;
	socklen_t flen = sizeof(from);
	CHECK(send(a, "re", 2, 0) == 2, "reply");
	CHECK(recvfrom(c, buf, sizeof(buf), 0, (struct sockaddr *)&from, &flen) == 2, "reply rx");
	CHECK(flen == len && !memcmp(&from, &sa, len), "reply from the listener's name (%u)", flen);

	close(a);
	CHECK(recv(c, buf, sizeof(buf), 0) == 0, "EOF");
	pipes = 0;
	CHECK_ERRNO(send(c, "x", 1, 0), EPIPE);
	CHECK(pipes == 0, "no SIGPIPE on seqpacket");
	close(c);
	close(l);
	return 0;
}
