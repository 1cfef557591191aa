/* AF_UNIX datagram sockets: sendto a path, recvfrom the sender's name,
 * record boundaries, MSG_TRUNC in and out, MSG_PEEK, connect (and
 * AF_UNSPEC to undo it), EPERM to a socket connected elsewhere,
 * ECONNREFUSED to a dead socket, ENOTCONN without a destination,
 * EMSGSIZE, EAGAIN on a full receiver, readv/writev as one message. */
#define _GNU_SOURCE
#include <stddef.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/un.h>
#include "check.h"
#include "unix_util.h"

static char dir[] = "/tmp/unixdXXXXXX";

static socklen_t addr(struct sockaddr_un *sa, const char *name)
{
	return unix_path(sa, dir, name);
}

static int bound(const char *name)
{
	struct sockaddr_un sa;
	socklen_t len = addr(&sa, name);
	int fd = socket(AF_UNIX, SOCK_DGRAM, 0);

	CHECK(fd >= 0, "socket");
	CHECK_OK(bind(fd, (struct sockaddr *)&sa, len));
	return fd;
}

int main(void)
{
	struct sockaddr_un sa, from;
	socklen_t len, flen;
	struct msghdr mh;
	struct iovec iov[2];
	char buf[64], big[300000];
	int r, s, o, i, n;

	CHECK(mkdtemp(dir), "mkdtemp");
	r = bound("r");
	s = bound("s");
	len = addr(&sa, "r");

	/* records and the sender's name */
	CHECK(sendto(s, "one", 3, 0, (struct sockaddr *)&sa, len) == 3, "sendto");
	CHECK(sendto(s, "three", 5, 0, (struct sockaddr *)&sa, len) == 5, "sendto 2");
	flen = sizeof(from);
	CHECK(recvfrom(r, buf, sizeof(buf), 0, (struct sockaddr *)&from, &flen) == 3, "rec 1");
	addr(&sa, "s");
	CHECK(flen == offsetof(struct sockaddr_un, sun_path) + strlen(sa.sun_path) + 1 &&
	      !strcmp(from.sun_path, sa.sun_path), "from %s %u", from.sun_path, flen);
	/* MSG_PEEK, then MSG_TRUNC both ways */
	CHECK(recv(r, buf, 2, MSG_PEEK) == 2, "peek");
	memset(&mh, 0, sizeof(mh));
	iov[0] = (struct iovec){ buf, 2 };
	mh.msg_iov = iov;
	mh.msg_iovlen = 1;
	CHECK(recvmsg(r, &mh, MSG_TRUNC) == 5 && (mh.msg_flags & MSG_TRUNC) &&
	      !memcmp(buf, "th", 2), "MSG_TRUNC: %x", mh.msg_flags);
	CHECK_ERRNO(recv(r, buf, 1, MSG_DONTWAIT), EAGAIN);

	/* writev is one datagram */
	len = addr(&sa, "r");
	o = socket(AF_UNIX, SOCK_DGRAM, 0);
	CHECK_OK(connect(o, (struct sockaddr *)&sa, len));
	iov[0] = (struct iovec){ "ab", 2 };
	iov[1] = (struct iovec){ "cd", 2 };
	CHECK(writev(o, iov, 2) == 4, "writev");
	flen = sizeof(from);
	CHECK(recvfrom(r, buf, sizeof(buf), 0, (struct sockaddr *)&from, &flen) == 4 &&
	      !memcmp(buf, "abcd", 4), "one datagram");
	CHECK(flen == 0, "an unbound sender has no name: %u", flen);

	/* a receiver connected elsewhere refuses others */
	addr(&sa, "s");
	CHECK_OK(connect(r, (struct sockaddr *)&sa, offsetof(struct sockaddr_un, sun_path) +
			 strlen(sa.sun_path) + 1));
	CHECK_ERRNO(send(o, "x", 1, 0), EPERM);
	sa.sun_family = AF_UNSPEC;
	CHECK_OK(connect(r, (struct sockaddr *)&sa, sizeof(sa.sun_family)));
	CHECK(send(o, "x", 1, 0) == 1, "after AF_UNSPEC");
	CHECK(recv(r, buf, 1, 0) == 1, "recv x");

	/* a full receiver: EAGAIN for a sender it is not connected to */
	for (i = 0, n = 0; i < 100; i++, n++)
		if (send(o, "q", 1, MSG_DONTWAIT) < 0)
			break;
	CHECK(i < 100 && errno == EAGAIN, "full receiver: %d %s", i, strerror(errno));
	CHECK(n == 11, "max_dgram_qlen: %d queued", n);
	CHECK(recv(r, buf, 1, 0) == 1, "make room");
	CHECK(send(o, "q", 1, MSG_DONTWAIT) == 1, "room again");

	/* bad input, a dead destination */
	CHECK_ERRNO(send(s, "x", 1, 0), ENOTCONN);
	len = addr(&sa, "r");
	CHECK_ERRNO(sendto(s, big, sizeof(big), 0, (struct sockaddr *)&sa, len), EMSGSIZE);
	CHECK_ERRNO(sendto(s, "x", 1, 0, (struct sockaddr *)&sa, 2), EINVAL);
	CHECK_ERRNO(sendto(s, KERNEL_PTR, 1, 0, (struct sockaddr *)&sa, len), EFAULT);
	CHECK_ERRNO(sendto(s, "x", 1, 0, KERNEL_PTR, len), EFAULT);
	close(r);
	CHECK_ERRNO(sendto(s, "x", 1, 0, (struct sockaddr *)&sa, len), ECONNREFUSED);
	CHECK_ERRNO(send(o, "x", 1, 0), ECONNREFUSED);
	CHECK_ERRNO(send(o, "x", 1, 0), ENOTCONN);   /* the dead peer is forgotten */
	len = addr(&sa, "nothere");
	CHECK_ERRNO(sendto(s, "x", 1, 0, (struct sockaddr *)&sa, len), ENOENT);
	close(o);
	close(s);
	return 0;
}
