/* sendfile(2) of a 10 MiB file to a blocking TCP socket with SO_SNDTIMEO
 * (issue 14, item 5): each call that the timeout ends returns what the
 * socket took, and the caller, resending what was not reported, delivers
 * exactly the file: no byte twice, none lost.  The receiver drains only
 * after the sender saw a short count, so the timeout really fires (no
 * timing in the test: a full socket that nobody reads always times out).
 * The same file also goes to a pipe and to a file, with an offset pointer
 * and without, and must arrive whole and in order. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdbool.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include "sendfile_util.h"

#define SIZE (10 << 20)
#define ROOM (2 * SIZE)         /* a buggy sender delivers more than SIZE */

static unsigned char *want, *got;
static size_t got_len;
static int rcv;
static sem_t drain_sem;
static volatile bool sender_done;

/* Read what is queued, without waiting; then, once the sender is done,
 * everything to EOF. */
static void *receiver(void *a)
{
	(void)a;
	for (;;) {
		CHECK_OK(sem_wait(&drain_sem));
		bool last = sender_done;

		for (;;) {
			ssize_t r = recv(rcv, got + got_len, ROOM - got_len, last ? 0 : MSG_DONTWAIT);

			if (r < 0 && errno == EAGAIN && !last)
				break;
			CHECK(r >= 0, "recv: %s after %zu", strerror(errno), got_len);
			if (r == 0)
				return NULL;
			got_len += (size_t)r;
			CHECK(got_len < ROOM, "received %zu bytes for a %d-byte file", got_len, SIZE);
		}
	}
}

static void tcp_pair(int *s, int *r)
{
	struct sockaddr_in sa = { .sin_family = AF_INET,
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(sa);
	int l = socket(AF_INET, SOCK_STREAM, 0);

	*s = socket(AF_INET, SOCK_STREAM, 0);
	CHECK(l >= 0 && *s >= 0, "socket: %s", strerror(errno));
	CHECK_OK(bind(l, (struct sockaddr *)&sa, sizeof(sa)));
	CHECK_OK(getsockname(l, (struct sockaddr *)&sa, &len));
	CHECK_OK(listen(l, 1));
	CHECK_OK(setsockopt(*s, SOL_SOCKET, SO_SNDBUF, &(int){ 16384 }, 4));
	CHECK_OK(connect(*s, (struct sockaddr *)&sa, sizeof(sa)));
	*r = accept(l, NULL, NULL);
	CHECK(*r >= 0, "accept: %s", strerror(errno));
	CHECK_OK(setsockopt(*r, SOL_SOCKET, SO_RCVBUF, &(int){ 16384 }, 4));
	close(l);
}

/* Send the file over TCP, resending what sendfile did not report. */
static void over_tcp(int in, bool with_off)
{
	struct timeval tv = { 0, 2000 };
	off_t off = 0, sent = 0;
	int s, shorts = 0;
	pthread_t th;

	tcp_pair(&s, &rcv);
	CHECK_OK(setsockopt(s, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)));
	CHECK(lseek(in, 0, SEEK_SET) == 0, "lseek");
	got_len = 0;
	sender_done = false;
	CHECK_OK(sem_init(&drain_sem, 0, 0));
	CHECK_OK(pthread_create(&th, NULL, receiver, NULL));
	while (sent < SIZE) {
		size_t left = SIZE - (size_t)sent;
		ssize_t n = sendfile(s, in, with_off ? &off : NULL, left);

		CHECK(n > 0 || (n < 0 && errno == EAGAIN), "sendfile: %zd %s at %ld", n,
		      strerror(errno), (long)sent);
		if (n > 0)
			sent += n;
		CHECK((with_off ? off : lseek(in, 0, SEEK_CUR)) == sent,
		      "offset %ld after %ld bytes reported",
		      (long)(with_off ? off : lseek(in, 0, SEEK_CUR)), (long)sent);
		if (n < 0 || (size_t)n < left) {
			shorts++;
			CHECK_OK(sem_post(&drain_sem));     /* full: let it drain */
		}
	}
	sender_done = true;
	CHECK_OK(shutdown(s, SHUT_WR));
	CHECK_OK(sem_post(&drain_sem));
	CHECK_OK(pthread_join(th, NULL));
	CHECK(shorts > 0, "no call was ended by the timeout: the test tested nothing");
	CHECK(got_len == SIZE, "received %zu bytes for a %d-byte file (%d short calls)", got_len,
	      SIZE, shorts);
	CHECK(!memcmp(got, want, SIZE), "the bytes received are not the file's");
	sem_destroy(&drain_sem);
	close(s);
	close(rcv);
}

static void *pipe_reader(void *a)
{
	int fd = (int)(long)a;
	ssize_t r;

	while ((r = read(fd, got + got_len, ROOM - got_len)) > 0)
		got_len += (size_t)r;
	CHECK(r == 0, "read pipe: %s", strerror(errno));
	return NULL;
}

/* The file into a pipe that a thread drains. */
static void to_pipe(int in, bool with_off)
{
	off_t off = 0, sent = 0;
	pthread_t th;
	int p[2];

	CHECK_OK(pipe(p));
	CHECK(lseek(in, 0, SEEK_SET) == 0, "lseek");
	got_len = 0;
	CHECK_OK(pthread_create(&th, NULL, pipe_reader, (void *)(long)p[0]));
	while (sent < SIZE) {
		ssize_t n = sendfile(p[1], in, with_off ? &off : NULL, SIZE - (size_t)sent);

		CHECK(n > 0, "sendfile to pipe: %zd %s at %ld", n, strerror(errno), (long)sent);
		sent += n;
		CHECK((with_off ? off : lseek(in, 0, SEEK_CUR)) == sent, "pipe: offset after %ld",
		      (long)sent);
	}
	close(p[1]);
	CHECK_OK(pthread_join(th, NULL));
	close(p[0]);
	CHECK(got_len == SIZE && !memcmp(got, want, SIZE), "pipe: %zu bytes, or not the file's",
	      got_len);
}

/* The file into another file; with an offset, the input's own offset stays. */
static void to_file(int in, bool with_off)
{
	char path[512];
	off_t off = 0, sent = 0;
	struct stat st;
	int out;

	snprintf(path, sizeof(path), "%s/out", dir);
	out = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	CHECK(out >= 0, "create out: %s", strerror(errno));
	CHECK(lseek(in, 0, SEEK_SET) == 0, "lseek");
	while (sent < SIZE) {
		ssize_t n = sendfile(out, in, with_off ? &off : NULL, SIZE - (size_t)sent);

		CHECK(n > 0, "sendfile to file: %zd %s at %ld", n, strerror(errno), (long)sent);
		sent += n;
	}
	CHECK(lseek(in, 0, SEEK_CUR) == (with_off ? 0 : SIZE), "file: the input's offset");
	CHECK(!with_off || off == SIZE, "file: *offset %ld", (long)off);
	CHECK(fstat(out, &st) == 0 && st.st_size == SIZE, "file: size %ld", (long)st.st_size);
	CHECK(pread(out, got, SIZE, 0) == SIZE && !memcmp(got, want, SIZE),
	      "file: not the input's bytes");
	close(out);
	unlink(path);
}

int main(void)
{
	int in = make_input(SIZE, &want);

	got = malloc(ROOM);
	CHECK(got, "malloc");
	over_tcp(in, true);
	over_tcp(in, false);
	to_pipe(in, true);
	to_pipe(in, false);
	to_file(in, true);
	to_file(in, false);
	remove_input(in);
	return 0;
}
