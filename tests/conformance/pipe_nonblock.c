/* O_NONBLOCK pipes: reading an empty pipe is EAGAIN (but 0 at EOF),
 * filling one stops with EAGAIN after exactly its capacity, a write of up
 * to PIPE_BUF is all or nothing, a bigger one may be partial. F_SETFL
 * switches the mode on an open pipe. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <limits.h>
#include "check.h"

static char buf[128 * 1024];

static size_t fill(int fd)
{
	size_t total = 0;
	ssize_t n;
	while ((n = write(fd, buf, 4096)) > 0) /* whole pages: no slack */
		total += n;
	CHECK(n == -1 && errno == EAGAIN, "filling stopped with %zd (%s)", n, strerror(errno));
	return total;
}

int main(void)
{
	int p[2];
	CHECK_OK(pipe2(p, O_NONBLOCK));
	CHECK(fcntl(p[0], F_GETFL) & O_NONBLOCK, "O_NONBLOCK not set");
	CHECK_ERRNO(read(p[0], buf, 10), EAGAIN);

	size_t cap = fill(p[1]);
	CHECK(cap == 65536, "a fresh pipe took %zu bytes, want 65536", cap);
	CHECK_ERRNO(write(p[1], buf, 1), EAGAIN);

	/* Make room for PIPE_BUF - 1 bytes: an atomic PIPE_BUF write does not
	 * fit, so nothing is written. */
	CHECK(read(p[0], buf, PIPE_BUF - 1) == PIPE_BUF - 1, "drain");
	CHECK_ERRNO(write(p[1], buf, PIPE_BUF), EAGAIN);
	/* Drain all; a write larger than the space is partial. */
	while (read(p[0], buf, sizeof(buf)) > 0)
		;
	CHECK(write(p[1], buf, 60000) == 60000, "60000 into an empty pipe");
	ssize_t n = write(p[1], buf, 10000);
	/* (How much exactly depends on page packing: Linux writes 4096.) */
	CHECK(n > 0 && n <= 65536 - 60000, "10000 bytes into 5536 free wrote %zd (%s)", n,
	      n < 0 ? strerror(errno) : "want a partial write");
	while (read(p[0], buf, sizeof(buf)) > 0)
		;

	/* A smaller pipe holds less. */
	CHECK(fcntl(p[1], F_SETPIPE_SZ, 4096) == 4096, "F_SETPIPE_SZ 4096: %s", strerror(errno));
	cap = fill(p[1]);
	CHECK(cap == 4096, "a 4096-byte pipe took %zu bytes", cap);
	while (read(p[0], buf, sizeof(buf)) > 0)
		;

	/* EOF beats EAGAIN. */
	close(p[1]);
	CHECK(read(p[0], buf, 10) == 0, "read at EOF is not 0");
	close(p[0]);

	/* F_SETFL toggles O_NONBLOCK on a blocking pipe. */
	CHECK_OK(pipe(p));
	CHECK(!(fcntl(p[0], F_GETFL) & O_NONBLOCK), "pipe() is non-blocking");
	CHECK_OK(fcntl(p[0], F_SETFL, O_NONBLOCK));
	CHECK_ERRNO(read(p[0], buf, 1), EAGAIN);
	return 0;
}
