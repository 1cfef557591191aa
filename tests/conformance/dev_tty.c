/* /dev/tty is the caller's controlling terminal: a process without one (a
 * new session's leader) gets ENXIO from open, as Linux says (issue 15
 * item 4).  With one (the test run on a terminal) it opens that terminal. */
#include <fcntl.h>
#include <sys/wait.h>
#include "check.h"

int main(void)
{
	pid_t pid = fork();
	int st;

	CHECK(pid >= 0, "fork: %s", strerror(errno));
	if (pid == 0) {
		CHECK(setsid() > 0, "setsid: %s", strerror(errno));
		CHECK_ERRNO(open("/dev/tty", O_RDWR), ENXIO);
		CHECK_ERRNO(open("/dev/tty", O_RDONLY | O_NOCTTY), ENXIO);
		_exit(0);
	}
	CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0,
	      "child status %#x", st);
	/* the parent's terminal, if it has one, opens and is a terminal */
	if (isatty(0)) {
		int fd = open("/dev/tty", O_RDWR);

		CHECK(fd >= 0, "open /dev/tty on a terminal: %s", strerror(errno));
		CHECK(isatty(fd), "/dev/tty is not a terminal");
		close(fd);
	}
	return 0;
}
