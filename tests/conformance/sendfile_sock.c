/* sendfile(2) from a file to a non-blocking TCP socket that fills up (as
 * nginx serves files): each call returns what the socket took, and the
 * offset (*offset, or the file's own without one) moves by exactly that,
 * so the bytes that arrive are the file's, in order.  A thread drains the
 * other end.  The sandbox moves the data through a buffer of its own: a
 * short write to the socket must give the rest back to the input. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include "sendfile_util.h"

#define SIZE (3 << 20)

static unsigned char *want, *got;
static int rcv;

static void *drain(void *a)
{
	size_t n = 0;

	(void)a;
	while (n < SIZE) {
		ssize_t r = read(rcv, got + n, SIZE - n);

		CHECK(r > 0, "read: %zd %s after %zu", r, strerror(errno), n);
		n += (size_t)r;
	}
	return NULL;
}

/* Send the file through a fresh connection; with_off: an offset pointer. */
static void send_all(int in, bool with_off)
{
	struct sockaddr_in sa = { .sin_family = AF_INET,
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(sa);
	int l = socket(AF_INET, SOCK_STREAM, 0), s = socket(AF_INET, SOCK_STREAM, 0);
	off_t off = 0, sent = 0;
	pthread_t th;

	CHECK_OK(bind(l, (struct sockaddr *)&sa, sizeof(sa)));
	CHECK_OK(getsockname(l, (struct sockaddr *)&sa, &len));
	CHECK_OK(listen(l, 1));
	CHECK_OK(setsockopt(s, SOL_SOCKET, SO_SNDBUF, &(int){ 4096 }, 4));
	CHECK_OK(connect(s, (struct sockaddr *)&sa, sizeof(sa)));
	rcv = accept(l, NULL, NULL);
	CHECK(rcv >= 0, "accept");
	CHECK_OK(fcntl(s, F_SETFL, O_NONBLOCK));
	CHECK(lseek(in, 0, SEEK_SET) == 0, "lseek");
	memset(got, 0, SIZE);
	CHECK_OK(pthread_create(&th, NULL, drain, NULL));
	while (sent < SIZE) {
		ssize_t n = sendfile(s, in, with_off ? &off : NULL, SIZE - (size_t)sent);
		struct pollfd p = { .fd = s, .events = POLLOUT };

		if (n < 0) {
			CHECK(errno == EAGAIN, "sendfile: %s", strerror(errno));
			CHECK(poll(&p, 1, -1) == 1, "poll");
			continue;
		}
		CHECK(n > 0, "sendfile returned 0 at %ld", (long)sent);
		sent += n;
		CHECK((with_off ? off : lseek(in, 0, SEEK_CUR)) == sent,
		      "offset %ld after %ld bytes sent", (long)(with_off ? off : lseek(in, 0, SEEK_CUR)),
		      (long)sent);
	}
	pthread_join(th, NULL);
	CHECK(!memcmp(got, want, SIZE), "the bytes received are not the file's");
	close(s);
	close(rcv);
	close(l);
}

int main(void)
{
	int in = make_input(SIZE, &want);

	got = malloc(SIZE);
	CHECK(got, "malloc");
	send_all(in, true);
	send_all(in, false);
	remove_input(in);
	return 0;
}
