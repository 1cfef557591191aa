/* ioctl(TCGETS) on a non-terminal fails with ENOTTY; the harness never
 * connects a tty. This is what isatty() relies on. */
#include <sys/ioctl.h>
#include <termios.h>
#include "check.h"

int main(void)
{
	struct termios t;
	struct winsize ws;

	for (int fd = 0; fd < 3; fd++) {
		CHECK_ERRNO(ioctl(fd, TCGETS, &t), ENOTTY);
		CHECK_ERRNO(ioctl(fd, TIOCGWINSZ, &ws), ENOTTY);
		CHECK(!isatty(fd), "isatty(%d)", fd);
	}
	CHECK_ERRNO(ioctl(4242, TCGETS, &t), EBADF);
	return 0;
}
