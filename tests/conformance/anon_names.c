/* Files without a path show Linux's anonymous-inode names in /proc/self/fd
 * (lsof, ls -l /proc/PID/fd and libraries that tell an eventfd from a pipe
 * read them): [eventfd], [timerfd], [signalfd], [eventpoll], inotify. */
#include <signal.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include "check.h"

static void check_name(int fd, const char *want)
{
	char link[64], buf[128];
	ssize_t n;

	CHECK(fd >= 0, "%s: %s", want, strerror(errno));
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, buf, sizeof(buf) - 1);
	CHECK(n > 0, "readlink %s: %s", link, strerror(errno));
	buf[n] = 0;
	CHECK(!strcmp(buf, want), "fd %d: %s, want %s", fd, buf, want);
	close(fd);
}

int main(void)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	check_name(eventfd(0, 0), "anon_inode:[eventfd]");
	check_name(timerfd_create(CLOCK_MONOTONIC, 0), "anon_inode:[timerfd]");
	check_name(signalfd(-1, &set, 0), "anon_inode:[signalfd]");
	check_name(epoll_create1(0), "anon_inode:[eventpoll]");
	check_name(inotify_init1(0), "anon_inode:inotify");
	return 0;
}
