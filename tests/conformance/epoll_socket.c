/* epoll on TCP sockets over loopback (where the sentry sleeps on the host
 * sockets themselves): a listening socket is ready for accept once a
 * client connects; a connected socket is writable at once and readable
 * only when data comes; a blocked epoll_wait(-1) wakes on data a thread
 * sends; a timeout with nothing ready returns 0; level-triggered stays
 * ready until read; EPOLLRDHUP and EPOLLIN when the peer shuts down. */
#include <netinet/in.h>
#include <pthread.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include "check.h"

static int cli;

static void *late_send(void *a)
{
	(void)a;
	usleep(50000);
	CHECK(send(cli, "ping", 4, 0) == 4, "thread send: %s", strerror(errno));
	return NULL;
}

int main(void)
{
	struct sockaddr_in sa = { .sin_family = AF_INET,
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(sa);
	struct epoll_event ev, out[4];
	int lst = socket(AF_INET, SOCK_STREAM, 0), ep = epoll_create1(0), srv;
	pthread_t th;
	char buf[8];

	CHECK(lst >= 0 && ep >= 0, "socket/epoll_create1: %s", strerror(errno));
	CHECK_OK(bind(lst, (struct sockaddr *)&sa, sizeof(sa)));
	CHECK_OK(getsockname(lst, (struct sockaddr *)&sa, &len));
	CHECK_OK(listen(lst, 4));
	ev = (struct epoll_event){ .events = EPOLLIN, .data.u32 = 1 };
	CHECK_OK(epoll_ctl(ep, EPOLL_CTL_ADD, lst, &ev));
	CHECK(epoll_wait(ep, out, 4, 20) == 0, "listener ready with no client");

	cli = socket(AF_INET, SOCK_STREAM, 0);
	CHECK_OK(connect(cli, (struct sockaddr *)&sa, sizeof(sa)));
	CHECK(epoll_wait(ep, out, 4, -1) == 1 && out[0].data.u32 == 1, "listener not ready");
	srv = accept(lst, NULL, NULL);
	CHECK(srv >= 0, "accept: %s", strerror(errno));
	CHECK_OK(epoll_ctl(ep, EPOLL_CTL_DEL, lst, NULL));

	ev = (struct epoll_event){ .events = EPOLLOUT, .data.u32 = 2 };
	CHECK_OK(epoll_ctl(ep, EPOLL_CTL_ADD, srv, &ev));
	CHECK(epoll_wait(ep, out, 4, -1) == 1 && out[0].events == EPOLLOUT, "not writable");

	ev = (struct epoll_event){ .events = EPOLLIN | EPOLLRDHUP, .data.u32 = 3 };
	CHECK_OK(epoll_ctl(ep, EPOLL_CTL_MOD, srv, &ev));
	CHECK(epoll_wait(ep, out, 4, 30) == 0, "readable with no data");
	CHECK_OK(pthread_create(&th, NULL, late_send, NULL));
	CHECK(epoll_wait(ep, out, 4, -1) == 1, "blocked wait not woken by data");
	CHECK(out[0].events == EPOLLIN && out[0].data.u32 == 3, "events %#x", out[0].events);
	pthread_join(th, NULL);
	CHECK(epoll_wait(ep, out, 4, 0) == 1, "level-triggered: not ready again");
	CHECK(recv(srv, buf, sizeof(buf), 0) == 4 && !memcmp(buf, "ping", 4), "recv");
	CHECK(epoll_wait(ep, out, 4, 0) == 0, "ready after the data was read");

	CHECK_OK(shutdown(cli, SHUT_WR));
	CHECK(epoll_wait(ep, out, 4, -1) == 1, "peer shutdown not seen");
	CHECK((out[0].events & (EPOLLIN | EPOLLRDHUP)) == (EPOLLIN | EPOLLRDHUP),
	      "events %#x", out[0].events);
	return 0;
}
