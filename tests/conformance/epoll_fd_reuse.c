/* epoll and a reused fd number: closing a watched file drops its item
 * (Linux removes it when the file is released), so ADD of a new file that
 * got the same fd number succeeds, 1,000 times over (nginx reuses
 * connection fds so; an item left keyed by the old file made ADD fail with
 * EEXIST), and the new file's events come with the new data, never with
 * the closed one's. */
#include <sys/epoll.h>
#include "check.h"

int main(void)
{
	int ep = epoll_create1(0);
	CHECK(ep >= 0, "epoll_create1: %s", strerror(errno));
	for (int i = 0; i < 1000; i++) {
		int p[2];
		struct epoll_event ev = { .events = EPOLLIN, .data.u64 = (uint64_t)i };

		CHECK_OK(pipe(p));
		CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev) == 0,
		      "round %d: ADD of fd %d: %s", i, p[0], strerror(errno));
		if (i % 2)
			CHECK(write(p[1], "x", 1) == 1, "write");
		CHECK_OK(close(p[0]));
		CHECK_OK(close(p[1]));
	}

	/* a closed file's readiness is not reported; the new file's is, once */
	int p[2];
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = 4242 }, out[8];
	CHECK_OK(pipe(p));
	CHECK_OK(epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev));
	CHECK(epoll_wait(ep, out, 8, 0) == 0, "nothing ready yet");
	CHECK(write(p[1], "x", 1) == 1, "write");
	int n = epoll_wait(ep, out, 8, 0);
	CHECK(n == 1, "one ready item, got %d", n);
	CHECK(out[0].data.u64 == 4242, "its data: %llu", (unsigned long long)out[0].data.u64);
	CHECK_ERRNO(epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev), EEXIST);
	return 0;
}
