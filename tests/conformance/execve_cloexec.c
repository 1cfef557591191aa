/* execve(2) closes exactly the FD_CLOEXEC descriptors (O_CLOEXEC,
 * F_SETFD, pipe2 flags); others survive with their open file (offset,
 * contents still in the pipe). */
#define _GNU_SOURCE
#include <fcntl.h>
#include "check.h"

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "after") == 0) {
		int keep = atoi(argv[2]), gone1 = atoi(argv[3]),
		    gone2 = atoi(argv[4]), gone3 = atoi(argv[5]);
		CHECK_ERRNO(fcntl(gone1, F_GETFD), EBADF);
		CHECK_ERRNO(fcntl(gone2, F_GETFD), EBADF);
		CHECK_ERRNO(fcntl(gone3, F_GETFD), EBADF);
		int fl = fcntl(keep, F_GETFD);
		CHECK(fl == 0, "kept fd %d: F_GETFD %d", keep, fl);
		/* The same pipe: what was written before exec is there. */
		char buf[8] = { 0 };
		CHECK(read(keep, buf, sizeof(buf)) == 5, "read kept pipe: %s", strerror(errno));
		CHECK(memcmp(buf, "hello", 5) == 0, "kept pipe has '%s'", buf);
		/* stdio survives too */
		CHECK(fcntl(1, F_GETFD) == 0 && fcntl(2, F_GETFD) == 0, "stdio closed");
		return 0;
	}

	int p[2], q[2];
	CHECK_OK(pipe(p));                      /* p[0] kept */
	CHECK_OK(pipe2(q, O_CLOEXEC));          /* both closed */
	CHECK(fcntl(q[0], F_GETFD) == FD_CLOEXEC, "pipe2 O_CLOEXEC not set");
	int d = dup(p[1]);                      /* closed via F_SETFD */
	CHECK_OK(fcntl(d, F_SETFD, FD_CLOEXEC));
	CHECK(write(p[1], "hello", 5) == 5, "write");
	close(p[1]);
	/* A dup never inherits FD_CLOEXEC; F_DUPFD_CLOEXEC sets it. */
	int dd = dup(q[1]);
	CHECK(fcntl(dd, F_GETFD) == 0, "dup kept FD_CLOEXEC");
	close(dd);
	dd = fcntl(p[0], F_DUPFD_CLOEXEC, 50);
	CHECK(dd >= 50 && fcntl(dd, F_GETFD) == FD_CLOEXEC, "F_DUPFD_CLOEXEC");

	char a[5][16];
	snprintf(a[0], 16, "%d", p[0]);
	snprintf(a[1], 16, "%d", q[0]);
	snprintf(a[2], 16, "%d", d);
	snprintf(a[3], 16, "%d", dd);
	char *args[] = { argv[0], "after", a[0], a[1], a[2], a[3], NULL };
	execv(argv[0], args);
	CHECK(0, "execv: %s", strerror(errno));
}
