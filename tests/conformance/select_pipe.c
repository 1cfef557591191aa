/* select(2) on pipes: timeout when nothing is ready (and the timeval is
 * updated to what is left: 0), write end writable, read end readable after
 * a write or at EOF, EBADF for a closed fd in a set, EINVAL for nfds < 0. */
#include <sys/select.h>
#include <time.h>
#include "check.h"

int main(void)
{
	int p[2];
	CHECK_OK(pipe(p));
	int nfds = (p[0] > p[1] ? p[0] : p[1]) + 1;
	fd_set r, w;

	FD_ZERO(&r);
	FD_SET(p[0], &r);
	struct timeval tv = { 0, 50000 };
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	CHECK(select(nfds, &r, NULL, NULL, &tv) == 0, "empty pipe readable");
	clock_gettime(CLOCK_MONOTONIC, &t1);
	long long ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
	CHECK(ms >= 45, "50 ms timeout after %lld ms", ms);
	CHECK(!FD_ISSET(p[0], &r), "set not cleared on timeout");
	CHECK(tv.tv_sec == 0 && tv.tv_usec == 0, "timeval left %ld.%06ld, want 0",
	      (long)tv.tv_sec, (long)tv.tv_usec);

	FD_ZERO(&r);
	FD_ZERO(&w);
	FD_SET(p[0], &r);
	FD_SET(p[1], &w);
	tv = (struct timeval){ 0, 0 };
	CHECK(select(nfds, &r, &w, NULL, &tv) == 1, "only the write end is ready");
	CHECK(FD_ISSET(p[1], &w) && !FD_ISSET(p[0], &r), "wrong fds set");

	CHECK(write(p[1], "x", 1) == 1, "write");
	FD_ZERO(&r);
	FD_SET(p[0], &r);
	tv = (struct timeval){ 5, 0 };
	CHECK(select(nfds, &r, NULL, NULL, &tv) == 1 && FD_ISSET(p[0], &r), "not readable after write");
	CHECK(tv.tv_sec > 0, "time left %ld s: did it wait?", (long)tv.tv_sec);

	/* EOF counts as readable. */
	char b;
	CHECK(read(p[0], &b, 1) == 1, "read");
	close(p[1]);
	FD_ZERO(&r);
	FD_SET(p[0], &r);
	CHECK(select(nfds, &r, NULL, NULL, NULL) == 1 && FD_ISSET(p[0], &r), "EOF not readable");

	FD_ZERO(&r);
	FD_SET(p[1], &r); /* closed */
	CHECK_ERRNO(select(nfds, &r, NULL, NULL, NULL), EBADF);
	CHECK_ERRNO(select(-1, NULL, NULL, NULL, NULL), EINVAL);
	tv = (struct timeval){ 0, -1 };
	CHECK_ERRNO(select(0, NULL, NULL, NULL, &tv), EINVAL);
	/* select with no fds is a sleep. */
	tv = (struct timeval){ 0, 20000 };
	CHECK(select(0, NULL, NULL, NULL, &tv) == 0, "select as sleep");
	return 0;
}
