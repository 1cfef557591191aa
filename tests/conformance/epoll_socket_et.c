/* Edge-triggered epoll on a TCP socket over loopback (where the sentry
 * sleeps on the host socket itself), watched for EPOLLIN | EPOLLOUT as
 * nginx watches each connection: the socket is writable, and stays so,
 * from the start; data that arrives later is a new edge and must wake
 * epoll_wait although the EPOLLOUT half was already reported and is still
 * ready.  nginx then reads less than its buffer and takes the socket as
 * drained without a read that returns EAGAIN: the next request on the
 * keep-alive connection is a new edge too.  (issue 16: each keep-alive
 * request waited for an unrelated wake-up, nginx served 10 requests/s.) */
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include "check.h"

/* epoll_wait that must report EPOLLIN on the only item, with want: the
 * generous timeout only bounds a failing run. */
static void wait_in(int ep, uint32_t want, const char *what)
{
	struct epoll_event out[2];
	int n = epoll_wait(ep, out, 2, 10000);

	CHECK(n == 1, "%s: epoll_wait gave %d, want 1 (errno %s)", what, n, strerror(errno));
	CHECK(out[0].events == want, "%s: events %#x, want %#x", what, out[0].events, want);
}

int main(void)
{
	struct sockaddr_in sa = { .sin_family = AF_INET,
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(sa);
	struct epoll_event ev, out[2];
	int lst = socket(AF_INET, SOCK_STREAM, 0), ep = epoll_create1(0), cli, srv;
	char buf[64];

	CHECK(lst >= 0 && ep >= 0, "socket/epoll_create1: %s", strerror(errno));
	CHECK_OK(bind(lst, (struct sockaddr *)&sa, sizeof(sa)));
	CHECK_OK(getsockname(lst, (struct sockaddr *)&sa, &len));
	CHECK_OK(listen(lst, 4));
	cli = socket(AF_INET, SOCK_STREAM, 0);
	CHECK(cli >= 0, "socket: %s", strerror(errno));
	CHECK_OK(connect(cli, (struct sockaddr *)&sa, sizeof(sa)));
	srv = accept(lst, NULL, NULL);
	CHECK(srv >= 0, "accept: %s", strerror(errno));

	ev = (struct epoll_event){ .events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET };
	CHECK_OK(epoll_ctl(ep, EPOLL_CTL_ADD, srv, &ev));
	wait_in(ep, EPOLLOUT, "new connection");
	CHECK(epoll_wait(ep, out, 2, 0) == 0, "edge-triggered EPOLLOUT reported twice");

	CHECK(send(cli, "GET / 1", 7, 0) == 7, "send: %s", strerror(errno));
	wait_in(ep, EPOLLIN | EPOLLOUT, "first request");
	CHECK(recv(srv, buf, sizeof(buf), 0) == 7, "recv: %s", strerror(errno));
	CHECK(send(srv, "200", 3, 0) == 3, "send reply: %s", strerror(errno));
	CHECK(recv(cli, buf, sizeof(buf), 0) == 3, "client recv: %s", strerror(errno));

	/* the next request on the same connection, no EAGAIN read between */
	CHECK(send(cli, "GET / 2", 7, 0) == 7, "send: %s", strerror(errno));
	wait_in(ep, EPOLLIN | EPOLLOUT, "second request");
	CHECK(recv(srv, buf, sizeof(buf), 0) == 7, "recv: %s", strerror(errno));
	return 0;
}
