/* SO_RCVTIMEO and SO_SNDTIMEO bound blocking socket calls: accept, recv
 * and recvfrom fail with EAGAIN when the timeout runs out, and a connect
 * that cannot finish (the listener's accept queue is full) with
 * EINPROGRESS. */
#include <netinet/in.h>
#include <sys/socket.h>
#include "check.h"

static void timeo(int fd, int opt)
{
	struct timeval tv = { 0, 100000 };
	CHECK_OK(setsockopt(fd, SOL_SOCKET, opt, &tv, sizeof(tv)));
}

int main(void)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(sa);
	int lst = socket(AF_INET, SOCK_STREAM, 0), cli, srv, udp, late;
	char b;

	CHECK(lst >= 0, "socket");
	CHECK_OK(bind(lst, (struct sockaddr *)&sa, sizeof(sa)));
	CHECK_OK(getsockname(lst, (struct sockaddr *)&sa, &len));
	CHECK_OK(listen(lst, 0));
	timeo(lst, SO_RCVTIMEO);
	CHECK_ERRNO(accept(lst, NULL, NULL), EAGAIN);

	cli = socket(AF_INET, SOCK_STREAM, 0);
	CHECK_OK(connect(cli, (struct sockaddr *)&sa, sizeof(sa)));
	srv = accept(lst, NULL, NULL);
	CHECK(srv >= 0, "accept: %s", strerror(errno));
	timeo(srv, SO_RCVTIMEO);
	CHECK_ERRNO(recv(srv, &b, 1, 0), EAGAIN);

	/* backlog 0 and one connection queued: the next SYN is dropped */
	CHECK_OK(connect(socket(AF_INET, SOCK_STREAM, 0), (struct sockaddr *)&sa, sizeof(sa)));
	late = socket(AF_INET, SOCK_STREAM, 0);
	timeo(late, SO_SNDTIMEO);
	CHECK_ERRNO(connect(late, (struct sockaddr *)&sa, sizeof(sa)), EINPROGRESS);

	udp = socket(AF_INET, SOCK_DGRAM, 0);
	sa.sin_port = 0;
	CHECK_OK(bind(udp, (struct sockaddr *)&sa, sizeof(sa)));
	timeo(udp, SO_RCVTIMEO);
	CHECK_ERRNO(recvfrom(udp, &b, 1, 0, NULL, NULL), EAGAIN);
	return 0;
}
