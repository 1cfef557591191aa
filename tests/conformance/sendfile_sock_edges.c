/* sendfile(2) from a file to a blocking TCP socket, at its edges: a count
 * past the end of the file sends up to the end and moves *offset there;
 * at the end it sends 0 and moves nothing; without an offset pointer it
 * reads from and advances the file's own offset, with one it leaves that
 * offset alone; the receiver gets exactly those bytes; a socket whose
 * peer is gone answers EPIPE and raises SIGPIPE.  In cvisor a host file
 * to a host socket is one host sendfile (net/sockmsg.c; issue 16):
 * tests/integration/net.bats runs this on a --rw host directory
 * (SENDFILE_DIR), where the input is a host file. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include "sendfile_util.h"

#define SIZE 100000

static unsigned char *want;
static volatile sig_atomic_t pipes;

static void on_pipe(int sig)
{
	(void)sig;
	pipes++;
}

/* A connected pair on loopback: *s sends, the result receives. */
static int pair(int *s)
{
	struct sockaddr_in sa = { .sin_family = AF_INET,
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(sa);
	int l = socket(AF_INET, SOCK_STREAM, 0), r;

	*s = socket(AF_INET, SOCK_STREAM, 0);
	CHECK(l >= 0 && *s >= 0, "socket: %s", strerror(errno));
	CHECK_OK(bind(l, (struct sockaddr *)&sa, sizeof(sa)));
	CHECK_OK(getsockname(l, (struct sockaddr *)&sa, &len));
	CHECK_OK(listen(l, 1));
	CHECK_OK(connect(*s, (struct sockaddr *)&sa, sizeof(sa)));
	r = accept(l, NULL, NULL);
	CHECK(r >= 0, "accept: %s", strerror(errno));
	close(l);
	return r;
}

/* Receive exactly n bytes and compare them with the file's from off. */
static void expect(int r, off_t off, size_t n)
{
	static unsigned char buf[SIZE];
	size_t got = 0;

	while (got < n) {
		ssize_t k = read(r, buf + got, n - got);

		CHECK(k > 0, "read: %zd %s after %zu of %zu", k, strerror(errno), got, n);
		got += (size_t)k;
	}
	CHECK(!memcmp(buf, want + off, n), "the bytes from %ld are not the file's", (long)off);
}

int main(void)
{
	int in = make_input(SIZE, &want), s, r;
	off_t off;

	signal(SIGPIPE, on_pipe);
	r = pair(&s);

	/* past the end: up to the end */
	off = SIZE - 100;
	CHECK(sendfile(s, in, &off, 1000) == 100, "sendfile past the end");
	CHECK(off == SIZE, "offset %ld after the end", (long)off);
	expect(r, SIZE - 100, 100);
	/* at the end: nothing */
	CHECK(sendfile(s, in, &off, 1000) == 0, "sendfile at the end");
	CHECK(off == SIZE, "offset %ld at the end", (long)off);
	/* beyond the end: nothing either */
	off = SIZE + 5000;
	CHECK(sendfile(s, in, &off, 10) == 0, "sendfile beyond the end");
	CHECK(off == SIZE + 5000, "offset %ld beyond the end", (long)off);

	/* the file's own offset, read and advanced */
	CHECK(lseek(in, 5, SEEK_SET) == 5, "lseek");
	CHECK(sendfile(s, in, NULL, 10) == 10, "sendfile without an offset");
	CHECK(lseek(in, 0, SEEK_CUR) == 15, "file offset %ld", (long)lseek(in, 0, SEEK_CUR));
	expect(r, 5, 10);
	/* with a pointer the file's offset stays */
	off = 1000;
	CHECK(sendfile(s, in, &off, 50000) == 50000, "sendfile 50000");
	CHECK(off == 51000, "offset %ld", (long)off);
	CHECK(lseek(in, 0, SEEK_CUR) == 15, "file offset %ld moved", (long)lseek(in, 0, SEEK_CUR));
	expect(r, 1000, 50000);
	/* the rest of the file from its own offset */
	CHECK(sendfile(s, in, NULL, SIZE) == SIZE - 15, "sendfile the rest");
	CHECK(lseek(in, 0, SEEK_CUR) == SIZE, "file offset at the end");
	expect(r, 15, SIZE - 15);

	/* the peer gone: EPIPE, and SIGPIPE (the first send may still go
	 * out and draw the peer's reset) */
	close(r);
	ssize_t n = 0;
	for (int i = 0; i < 100 && n >= 0; i++) {
		off = 0;
		n = sendfile(s, in, &off, 10);
	}
	CHECK(n < 0 && errno == EPIPE, "sendfile to a closed peer: %zd %s", n, strerror(errno));
	CHECK(pipes > 0, "no SIGPIPE");

	close(s);
	remove_input(in);
	puts("ok");
	return 0;
}
