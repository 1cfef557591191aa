/* vhangup needs CAP_SYS_TTY_CONFIG (EPERM); with it, a process without a
 * controlling terminal gets 0, and a session leader whose terminal is a
 * pty gets SIGHUP and SIGCONT and has no controlling terminal after it
 * (/dev/tty: ENXIO).  (The sentry had no vhangup: ENOSYS.) */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pty.h>
#include <signal.h>
#include "caps.h"

static volatile int hups, conts;

static void on_sig(int sig)
{
	if (sig == SIGHUP)
		hups++;
	else
		conts++;
}

static void no_cap(void)
{
	struct sets s = caps();

	CHECK_OK(caps_set(s.eff & ~BIT(CAP_SYS_TTY_CONFIG), s.perm, s.inh));
	CHECK_ERRNO(syscall(SYS_vhangup), EPERM);
}

static void no_tty(void)
{
	CHECK_OK(setsid());
	CHECK_ERRNO(open("/dev/tty", O_RDWR), ENXIO);
	CHECK(syscall(SYS_vhangup) == 0, "vhangup: %s", strerror(errno));
}

static void pty_ctty(void)
{
	struct sigaction sa = { .sa_handler = on_sig };
	int master, slave, fd;
	char name[64];

	sigemptyset(&sa.sa_mask);
	CHECK_OK(sigaction(SIGHUP, &sa, NULL));
	CHECK_OK(sigaction(SIGCONT, &sa, NULL));
	CHECK_OK(openpty(&master, &slave, name, NULL, NULL));
	close(slave);
	CHECK_OK(setsid());
	slave = open(name, O_RDWR);     /* a session leader's first terminal */
	CHECK_OK(slave);
	fd = open("/dev/tty", O_RDWR);
	CHECK(fd >= 0, "no controlling terminal: %s", strerror(errno));
	close(fd);
	CHECK(syscall(SYS_vhangup) == 0, "vhangup: %s", strerror(errno));
	CHECK(hups == 1 && conts == 1, "SIGHUP %d SIGCONT %d", hups, conts);
	CHECK_ERRNO(open("/dev/tty", O_RDWR), ENXIO);
}

int main(void)
{
	in_child(no_cap, "no_cap");
	in_child(no_tty, "no_tty");
	in_child(pty_ctty, "pty_ctty");
	return 0;
}
