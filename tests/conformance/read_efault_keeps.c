/* A read from a pipe or a socket into a buffer the process cannot write
 * fails with EFAULT and leaves the data where it was, for the next read,
 * as Linux does; a buffer with room for what is there reads it all even
 * when pages past that room are unmapped.  (The sentry took the data and
 * then lost it: the next read found nothing.) */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include "check.h"

static void keeps(int rd, int wr, char *hole, const char *what)
{
	char buf[16] = "";

	/* non-blocking: lost data is EAGAIN, not a hang */
	CHECK_OK(fcntl(rd, F_SETFL, O_NONBLOCK));
	CHECK(write(wr, "hello", 5) == 5, "%s: write: %s", what, strerror(errno));
	CHECK_ERRNO(read(rd, hole, 5), EFAULT);
	CHECK_ERRNO(read(rd, KERNEL_PTR, 5), EFAULT);
	CHECK(read(rd, buf, sizeof(buf)) == 5 && !memcmp(buf, "hello", 5),
	      "%s: the data after EFAULT: '%s'", what, buf);
}

int main(void)
{
	char *p = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *edge;
	int fds[2], sv[2];

	CHECK(p != MAP_FAILED, "mmap: %s", strerror(errno));
	CHECK_OK(munmap(p + PAGE, PAGE));
	CHECK_OK(pipe(fds));
	keeps(fds[0], fds[1], p + PAGE, "pipe");
	CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	keeps(sv[0], sv[1], p + PAGE, "unix stream");
	/* 100 bytes of room, then a hole: 10 bytes waiting fit */
	edge = p + PAGE - 100;
	CHECK(write(fds[1], "0123456789", 10) == 10, "write: %s", strerror(errno));
	CHECK(read(fds[0], edge, 4096) == 10 && !memcmp(edge, "0123456789", 10),
	      "a read with room for what is there");
	return 0;
}
