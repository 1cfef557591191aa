/* SO_RCVTIMEO and SO_SNDTIMEO: read back as set; EDOM and EINVAL for
 * bad values; and they act: a blocking recv, read, accept or send that
 * would wait longer ends with EAGAIN (a send that queued part of its
 * data returns that part); a negative timeout does not wait at all; zero
 * waits for ever (a thread's send wakes it).  The sandbox's host sockets
 * never block, so the sentry must keep these itself. */
#include <netinet/in.h>
#include <pthread.h>
#include <sys/socket.h>
#include <sys/time.h>
#include "check.h"

static int lst, cli, srv;

static void set_timeo(int s, int name, long sec, long usec)
{
	struct timeval tv = { sec, usec };

	CHECK(setsockopt(s, SOL_SOCKET, name, &tv, sizeof(tv)) == 0, "set timeo: %s",
	      strerror(errno));
}

static void pair(void)
{
	struct sockaddr_in sa = { .sin_family = AF_INET,
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(sa);

	lst = socket(AF_INET, SOCK_STREAM, 0);
	CHECK_OK(bind(lst, (struct sockaddr *)&sa, sizeof(sa)));
	CHECK_OK(getsockname(lst, (struct sockaddr *)&sa, &len));
	CHECK_OK(listen(lst, 4));
	cli = socket(AF_INET, SOCK_STREAM, 0);
	CHECK_OK(connect(cli, (struct sockaddr *)&sa, sizeof(sa)));
	srv = accept(lst, NULL, NULL);
	CHECK(srv >= 0, "accept: %s", strerror(errno));
}

static void values(void)
{
	struct timeval tv = { 1, 500000 }, got;
	socklen_t len = sizeof(got);

	CHECK_OK(setsockopt(cli, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)));
	CHECK_OK(getsockopt(cli, SOL_SOCKET, SO_RCVTIMEO, &got, &len));
	CHECK(len == sizeof(got) && got.tv_sec == 1 && got.tv_usec == 500000,
	      "SO_RCVTIMEO: %ld.%06ld len %u", (long)got.tv_sec, (long)got.tv_usec, len);
	tv = (struct timeval){ 2, 0 };
	CHECK_OK(setsockopt(cli, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)));
	CHECK_OK(getsockopt(cli, SOL_SOCKET, SO_SNDTIMEO, &got, &len));
	CHECK(got.tv_sec == 2 && got.tv_usec == 0, "SO_SNDTIMEO");
	tv = (struct timeval){ 1, 1000000 };
	CHECK_ERRNO(setsockopt(cli, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)), EDOM);
	tv = (struct timeval){ 1, -1 };
	CHECK_ERRNO(setsockopt(cli, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)), EDOM);
	CHECK_ERRNO(setsockopt(cli, SOL_SOCKET, SO_RCVTIMEO, &tv, 8), EINVAL);
	/* a failed set keeps the old value */
	CHECK_OK(getsockopt(cli, SOL_SOCKET, SO_RCVTIMEO, &got, &len));
	CHECK(got.tv_sec == 1 && got.tv_usec == 500000, "SO_RCVTIMEO after EDOM");
	/* zero: no timeout */
	set_timeo(cli, SO_RCVTIMEO, 0, 0);
	set_timeo(cli, SO_SNDTIMEO, 0, 0);
	CHECK_OK(getsockopt(cli, SOL_SOCKET, SO_RCVTIMEO, &got, &len));
	CHECK(got.tv_sec == 0 && got.tv_usec == 0, "SO_RCVTIMEO 0");
}

static void *late_send(void *a)
{
	(void)a;
	usleep(50000);
	CHECK(send(cli, "late", 4, 0) == 4, "thread send: %s", strerror(errno));
	return NULL;
}

static void receiving(void)
{
	char buf[64];
	pthread_t th;

	set_timeo(srv, SO_RCVTIMEO, 0, 30000);
	CHECK_ERRNO(recv(srv, buf, sizeof(buf), 0), EAGAIN);
	CHECK_ERRNO(read(srv, buf, sizeof(buf)), EAGAIN);
	set_timeo(lst, SO_RCVTIMEO, 0, 30000);
	CHECK_ERRNO(accept(lst, NULL, NULL), EAGAIN);
	/* negative: as if non-blocking */
	set_timeo(srv, SO_RCVTIMEO, -1, 0);
	CHECK_ERRNO(recv(srv, buf, sizeof(buf), 0), EAGAIN);
	/* data that is there comes at once; zero waits until some comes */
	CHECK(send(cli, "ping", 4, 0) == 4, "send");
	set_timeo(srv, SO_RCVTIMEO, 0, 0);
	CHECK(recv(srv, buf, sizeof(buf), 0) == 4, "recv with data");
	CHECK_OK(pthread_create(&th, NULL, late_send, NULL));
	CHECK(recv(srv, buf, sizeof(buf), 0) == 4 && !memcmp(buf, "late", 4), "blocked recv");
	pthread_join(th, NULL);
}

static void sending(void)
{
	static char chunk[1 << 16];
	long total = 0;
	ssize_t n = 0;

	/* small buffers on both sides, nobody reading: the send side fills */
	CHECK_OK(setsockopt(cli, SOL_SOCKET, SO_SNDBUF, &(int){ 4096 }, 4));
	set_timeo(cli, SO_SNDTIMEO, 0, 30000);
	for (int i = 0; i < 10000; i++) {
		n = send(cli, chunk, sizeof(chunk), 0);
		if (n < 0)
			break;
		total += n;
	}
	CHECK(n < 0 && errno == EAGAIN, "send into a full socket: %zd (%s) after %ld bytes", n,
	      strerror(errno), total);
	CHECK_ERRNO(write(cli, chunk, sizeof(chunk)), EAGAIN);
	set_timeo(cli, SO_SNDTIMEO, -1, 0);
	CHECK_ERRNO(send(cli, chunk, 1, 0), EAGAIN);
}

int main(void)
{
	pair();
	values();
	receiving();
	sending();
	return 0;
}
