/* The argument checks of the TCP calls, as Linux's net/socket.c makes
 * them (LTP's connect01, getsockname01, recvfrom01, recvmsg01):
 * connect on a socket a blocking connect connected is EISCONN;
 * getsockname and getpeername write the address even to NULL (EFAULT
 * when there is room), recvfrom and accept skip a NULL one; a negative
 * address length is EINVAL for recvfrom, and a negative msg_namelen for
 * recvmsg before anything is read. */
#include <netinet/in.h>
#include <sys/socket.h>
#include "check.h"

int main(void)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(sin);
	int lis, c, a;
	char buf[8];
	socklen_t bad = (socklen_t)-1;
	struct iovec iov = { buf, sizeof(buf) };
	struct msghdr mh = { .msg_name = &sin, .msg_namelen = (socklen_t)-1, .msg_iov = &iov,
			     .msg_iovlen = 1 };

	lis = socket(AF_INET, SOCK_STREAM, 0);
	CHECK(lis >= 0, "socket: %s", strerror(errno));
	CHECK_OK(bind(lis, (struct sockaddr *)&sin, sizeof(sin)));
	CHECK_OK(listen(lis, 4));
	CHECK_OK(getsockname(lis, (struct sockaddr *)&sin, &len));

	c = socket(AF_INET, SOCK_STREAM, 0);
	CHECK(c >= 0, "socket: %s", strerror(errno));
	CHECK_OK(connect(c, (struct sockaddr *)&sin, sizeof(sin)));
	CHECK_ERRNO(connect(c, (struct sockaddr *)&sin, sizeof(sin)), EISCONN);
	a = accept(lis, NULL, NULL);                    /* NULL address: skipped */
	CHECK(a >= 0, "accept with no address: %s", strerror(errno));

	len = sizeof(sin);
	CHECK_ERRNO(getsockname(c, NULL, &len), EFAULT);
	CHECK_ERRNO(getpeername(c, NULL, &len), EFAULT);
	len = 0;
	CHECK_OK(getsockname(c, NULL, &len));           /* no room: nothing to write */
	CHECK(len == sizeof(sin), "getsockname's length %u", len);

	CHECK(write(a, "hi", 2) == 2, "write: %s", strerror(errno));
	CHECK_ERRNO(recvmsg(c, &mh, 0), EINVAL);        /* before anything is read */
	CHECK_ERRNO(recvfrom(c, buf, sizeof(buf), 0, (struct sockaddr *)&sin, &bad), EINVAL);
	CHECK(recvfrom(c, buf, sizeof(buf), MSG_DONTWAIT, NULL, NULL) == -1 && errno == EAGAIN,
	      "the refused recvfrom left its data: Linux reads first, then checks the length");
	close(a);
	close(c);
	close(lis);
	return 0;
}
