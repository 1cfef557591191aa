/* A process may open files up to its RLIMIT_NOFILE, whatever its limit
 * is: the last fd it gets is the limit less one and the next open is
 * EMFILE (not ENFILE: the system has room), F_DUPFD too; fork still
 * works with the table full, and once fds are closed opens work again.
 * The soft limit is raised to the hard one (at most 65,536), as LTP's
 * creat05 and fork09 find it. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sys/resource.h>
#include "check.h"

int main(int argc, char **argv)
{
	struct rlimit rl;
	int fd = -1, last = -1, st;
	pid_t pid;

	(void)argc;
	CHECK_OK(getrlimit(RLIMIT_NOFILE, &rl));
	rl.rlim_cur = rl.rlim_max > 65536 ? 65536 : rl.rlim_max;
	CHECK_OK(setrlimit(RLIMIT_NOFILE, &rl));
	while ((fd = open(argv[0], O_RDONLY | O_CLOEXEC)) >= 0)
		last = fd;
	CHECK(errno == EMFILE, "open after fd %d: %s, want EMFILE", last, strerror(errno));
	CHECK((rlim_t)last == rl.rlim_cur - 1, "last fd %d with RLIMIT_NOFILE %llu", last,
	      (unsigned long long)rl.rlim_cur);
	CHECK_ERRNO(fcntl(0, F_DUPFD, 0), EMFILE);

	pid = fork();
	CHECK(pid >= 0, "fork with a full table: %s", strerror(errno));
	if (pid == 0)
		_exit(close(last) || open(argv[0], O_RDONLY) != last);
	CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st) && !WEXITSTATUS(st),
	      "child status %#x", st);
	for (fd = 3; fd <= last; fd++)
		close(fd);
	fd = open(argv[0], O_RDONLY);
	CHECK(fd >= 0, "open after closing: %s", strerror(errno));
	close(fd);
	return 0;
}
