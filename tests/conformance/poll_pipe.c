/* poll(2) on pipes: timeout with nothing ready, POLLOUT on an empty write
 * end, POLLIN after a write, POLLHUP when the writer is gone, POLLERR for
 * a writer without reader, POLLNVAL for a closed fd; a blocking poll wakes
 * on a write from a child; negative fds are skipped. */
#include <poll.h>
#include <sys/wait.h>
#include <time.h>
#include "check.h"

static long long now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000LL + t.tv_nsec / 1000000;
}

int main(void)
{
	int p[2];
	CHECK_OK(pipe(p));
	struct pollfd fds[2] = { { p[0], POLLIN, 0 }, { p[1], POLLOUT, 0 } };

	long long t0 = now_ms();
	CHECK(poll(fds, 1, 50) == 0, "empty pipe readable");
	CHECK(now_ms() - t0 >= 45, "timeout of 50 ms returned after %lld ms", now_ms() - t0);
	CHECK(poll(fds, 1, 0) == 0 && fds[0].revents == 0, "revents %#x", fds[0].revents);

	CHECK(poll(fds, 2, 0) == 1, "write end not writable");
	CHECK(fds[0].revents == 0 && fds[1].revents == POLLOUT, "revents %#x %#x",
	      fds[0].revents, fds[1].revents);

	CHECK(write(p[1], "x", 1) == 1, "write");
	CHECK(poll(fds, 2, 0) == 2, "after write");
	CHECK(fds[0].revents == POLLIN, "read end revents %#x, want POLLIN", fds[0].revents);

	/* Skipped: negative fd. Reported: closed fd. */
	struct pollfd odd[2] = { { -1, POLLIN, 0x55 }, { 999, POLLIN, 0 } };
	CHECK(poll(odd, 2, 0) == 1, "poll with a closed fd");
	CHECK(odd[0].revents == 0, "negative fd revents %#x", odd[0].revents);
	CHECK(odd[1].revents == POLLNVAL, "closed fd revents %#x, want POLLNVAL", odd[1].revents);

	close(p[1]);
	CHECK(poll(fds, 1, 0) == 1, "after closing the writer");
	CHECK(fds[0].revents == (POLLIN | POLLHUP), "revents %#x, want POLLIN|POLLHUP", fds[0].revents);
	char b;
	CHECK(read(p[0], &b, 1) == 1, "read");
	CHECK(poll(fds, 1, 0) == 1 && fds[0].revents == POLLHUP, "revents %#x, want POLLHUP",
	      fds[0].revents);
	close(p[0]);

	CHECK_OK(pipe(p));
	close(p[0]);
	fds[1].fd = p[1];
	CHECK(poll(&fds[1], 1, 0) == 1, "writer without reader");
	CHECK(fds[1].revents & POLLERR, "revents %#x, want POLLERR", fds[1].revents);
	close(p[1]);

	/* Blocking: a child writes after 100 ms. */
	CHECK_OK(pipe(p));
	pid_t c = fork();
	CHECK(c >= 0, "fork");
	if (c == 0) {
		usleep(100000);
		_exit(write(p[1], "y", 1) == 1 ? 0 : 1);
	}
	fds[0].fd = p[0];
	t0 = now_ms();
	CHECK(poll(fds, 1, 10000) == 1 && fds[0].revents == POLLIN, "blocking poll");
	CHECK(now_ms() - t0 < 5000, "woke only after %lld ms", now_ms() - t0);
	int st;
	CHECK(waitpid(c, &st, 0) == c && st == 0, "child");
	CHECK_ERRNO(poll(KERNEL_PTR, 1, 0), EFAULT);
	return 0;
}
