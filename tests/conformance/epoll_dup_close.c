/* An epoll item belongs to its open file, not to the fd it was added by:
 * closing one of two fds of the file keeps it (and its events), a forked
 * child that closed its copy still sees them, and it goes when the file's
 * last fd is closed, so that the number can be added again.
 * EXPECT_STDOUT: ok */
#include <sys/epoll.h>
#include <sys/wait.h>
#include "check.h"

int main(void)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = 42 }, out[4];
	int p[2], q[2], ep = epoll_create1(0), d;

	CHECK(ep >= 0, "epoll_create1: %s", strerror(errno));
	CHECK(pipe(p) == 0, "pipe: %s", strerror(errno));
	d = dup(p[0]);
	CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev) == 0, "ADD: %s", strerror(errno));
	CHECK(close(p[0]) == 0, "close");
	CHECK(write(p[1], "x", 1) == 1, "write");
	int n = epoll_wait(ep, out, 4, 1000);
	CHECK(n == 1 && out[0].data.u64 == 42, "after closing one of two fds: %d events "
	      "(want the item's, data 42)", n);
	/* the key (fd, file): the fd is closed, the dup is another key */
	CHECK(epoll_ctl(ep, EPOLL_CTL_DEL, p[0], NULL) == -1 && errno == EBADF,
	      "DEL of the closed fd: %s", strerror(errno));
	CHECK(epoll_ctl(ep, EPOLL_CTL_DEL, d, NULL) == -1 && errno == ENOENT,
	      "DEL by the dup: %s (want ENOENT)", strerror(errno));

	/* a child that closed its copies still gets the item's events */
	pid_t pid = fork();
	if (pid == 0) {
		close(d);
		n = epoll_wait(ep, out, 4, 1000);
		_exit(n == 1 && out[0].data.u64 == 42 ? 0 : 1);
	}
	int st;
	CHECK(waitpid(pid, &st, 0) == pid, "waitpid");
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "the child did not see the event");

	/* the last fd closed: the item is gone, the number is free for a new one */
	CHECK(close(d) == 0, "close dup");
	n = epoll_wait(ep, out, 4, 0);
	CHECK(n == 0, "%d events after the file's last close", n);
	CHECK(pipe(q) == 0, "pipe");
	int fd = q[0] == p[0] ? q[0] : dup2(q[0], p[0]);
	ev.data.u64 = 7;
	CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) == 0, "ADD of a new file at the old number: %s",
	      strerror(errno));
	CHECK(write(q[1], "y", 1) == 1, "write");
	n = epoll_wait(ep, out, 4, 1000);
	CHECK(n == 1 && out[0].data.u64 == 7, "new item: %d events, data %llu", n,
	      n > 0 ? (unsigned long long)out[0].data.u64 : 0ULL);
	puts("ok");
	return 0;
}
