/* fstat of the files Linux backs with its one anonymous inode (eventfd,
 * epoll, inotify, timerfd, signalfd): mode 0600 with no type bits, one
 * link, and the same device and inode number for all of them.
 * EXPECT_STDOUT: ok */
#include <signal.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include "check.h"

int main(void)
{
	sigset_t set;
	struct stat st[5];
	int fds[5];

	sigemptyset(&set);
	fds[0] = eventfd(0, 0);
	fds[1] = epoll_create1(0);
	fds[2] = inotify_init1(0);
	fds[3] = timerfd_create(CLOCK_MONOTONIC, 0);
	fds[4] = signalfd(-1, &set, 0);
	for (int i = 0; i < 5; i++) {
		CHECK(fds[i] >= 0, "file %d: %s", i, strerror(errno));
		CHECK(fstat(fds[i], &st[i]) == 0, "fstat of file %d: %s", i, strerror(errno));
		CHECK(st[i].st_mode == 0600, "file %d: mode %o", i, st[i].st_mode);
		CHECK(st[i].st_nlink == 1, "file %d: %lu links", i, (unsigned long)st[i].st_nlink);
		CHECK(st[i].st_dev == st[0].st_dev && st[i].st_ino == st[0].st_ino,
		      "file %d is not the anonymous inode of file 0", i);
	}
	puts("ok");
	return 0;
}
