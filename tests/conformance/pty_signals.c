/* The signals of a pty's line discipline (issue 15 item 4): a new
 * session's leader that opens the slave without O_NOCTTY makes it its
 * controlling terminal (TIOCGSID, /dev/tty); Ctrl-C, Ctrl-\ and Ctrl-Z
 * typed on the master reach the slave's foreground process group as
 * SIGINT, SIGQUIT and SIGTSTP (echoed ^C), and a new window size as
 * SIGWINCH; a process outside the session gets ENOTTY for the slave's
 * group, which the master may still read. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <termios.h>
#include "pty_util.h"

/* Wait until the master shows text (the child's "ready"). */
static void wait_for(int m, const char *text)
{
	char buf[512];
	size_t got = 0;

	while (!memmem(buf, got, text, strlen(text))) {
		struct pollfd p = { .fd = m, .events = POLLIN };
		ssize_t k;

		CHECK(poll(&p, 1, 10000) == 1, "never saw '%s'", text);
		k = read(m, buf + got, sizeof(buf) - got);
		CHECK(k > 0 && got + (size_t)k < sizeof(buf), "master read %zd", k);
		got += (size_t)k;
	}
}

static volatile sig_atomic_t caught;

static void on_sig(int sig)
{
	(void)sig;
	caught = 1;
}

/* The child: a session leader with the slave as its terminal. */
static int leader(const char *path, int m)
{
	struct stat a;
	int s, t;
	pid_t sid;

	close(m);
	CHECK(setsid() == getpid(), "setsid: %s", strerror(errno));
	CHECK_ERRNO(open("/dev/tty", O_RDWR), ENXIO);
	s = open(path, O_RDWR);                 /* no O_NOCTTY: it becomes ours */
	CHECK(s >= 0, "open %s: %s", path, strerror(errno));
	CHECK_OK(ioctl(s, TIOCGSID, &sid));
	CHECK(sid == getpid(), "TIOCGSID %d, want %d", sid, getpid());
	CHECK(tcgetpgrp(s) == getpid(), "tcgetpgrp %d", tcgetpgrp(s));
	t = open("/dev/tty", O_RDWR);
	CHECK(t >= 0, "/dev/tty: %s", strerror(errno));
	/* it is the slave by another name: its device stays /dev/tty's */
	CHECK(fstat(t, &a) == 0 && a.st_rdev == makedev(5, 0), "/dev/tty's device");
	CHECK(ioctl(t, TIOCGSID, &sid) == 0 && sid == getpid(), "/dev/tty's TIOCGSID");
	close(t);
	return s;
}

/*
 * The leader puts a job of its own in front, as a shell does, and exits
 * with what became of it: 100 + the signal it died of, 200 + the one that
 * stopped it, or its status.
 */
static void shell(const char *path, int m, bool winch)
{
	int s = leader(path, m), st;
	pid_t job = fork();

	CHECK(job >= 0, "fork");
	if (job == 0) {
		setpgid(0, 0);
		if (winch)
			signal(SIGWINCH, on_sig);
		while (tcgetpgrp(s) != getpid())
			usleep(1000);
		CHECK(write(s, "ready\n", 6) == 6, "write");
		while (!caught)
			pause();
		_exit(42);
	}
	CHECK(setpgid(job, job) == 0 || errno == EACCES, "setpgid: %s", strerror(errno));
	CHECK(tcsetpgrp(s, job) == 0, "tcsetpgrp: %s", strerror(errno));
	CHECK(waitpid(job, &st, WUNTRACED) == job, "waitpid");
	if (WIFSTOPPED(st))
		kill(job, SIGKILL);
	_exit(WIFSIGNALED(st) ? 100 + WTERMSIG(st) : WIFSTOPPED(st) ? 200 + WSTOPSIG(st)
								      : WEXITSTATUS(st));
}

/* Type key on the master: the foreground job gets sig (echoed as echo). */
static void key_signal(const char *key, int sig, const char *echo)
{
	char path[64];
	int m = open_master(path, sizeof(path)), st, want = sig == SIGTSTP ? 200 + sig : 100 + sig;
	pid_t pid = fork();

	CHECK(pid >= 0, "fork");
	if (pid == 0)
		shell(path, m, false);
	wait_for(m, "ready");
	CHECK(write(m, key, 1) == 1, "write the key");
	wait_for(m, echo);
	CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == want,
	      "status %#x, want exit %d", st, want);
	close(m);
}

/* A session leader alone is an orphaned group: Ctrl-Z is dropped for it
 * (no shell would continue it): it still answers a line; Ctrl-C ends it. */
static void orphan_tstp(void)
{
	char path[64];
	int m = open_master(path, sizeof(path)), st;
	pid_t pid = fork();

	CHECK(pid >= 0, "fork");
	if (pid == 0) {
		int s = leader(path, m);
		char line[64];

		CHECK(write(s, "ready\n", 6) == 6, "write");
		while (read(s, line, sizeof(line)) > 0)
			CHECK(write(s, "po" "ng\n", 5) == 5, "write");
		_exit(1);
	}
	wait_for(m, "ready");
	CHECK(write(m, "\x1a", 1) == 1, "write ^Z");
	wait_for(m, "^Z");
	CHECK(write(m, "ping\n", 5) == 5, "write ping");
	wait_for(m, "pong");                    /* not stopped */
	CHECK(write(m, "\x03", 1) == 1, "write ^C");
	wait_for(m, "^C");
	CHECK(waitpid(pid, &st, WUNTRACED) == pid && WIFSIGNALED(st) && WTERMSIG(st) == SIGINT,
	      "status %#x, want SIGINT", st);
	close(m);
}

/* TIOCSCTTY (login_tty, sshd): a session leader takes a terminal it
 * opened with O_NOCTTY; TIOCNOTTY gives it up, with SIGHUP to its
 * foreground group. */
static void sctty(void)
{
	char path[64];
	int m = open_master(path, sizeof(path)), st;
	pid_t pid = fork();

	CHECK(pid >= 0, "fork");
	if (pid == 0) {
		pid_t pgrp;
		int s;

		CHECK(setsid() > 0, "setsid");
		s = open(path, O_RDWR | O_NOCTTY);
		CHECK(s >= 0, "open %s: %s", path, strerror(errno));
		CHECK_ERRNO(ioctl(s, TIOCGPGRP, &pgrp), ENOTTY);       /* not ours yet */
		CHECK_OK(ioctl(s, TIOCSCTTY, 0));
		CHECK(tcgetpgrp(s) == getpid(), "tcgetpgrp after TIOCSCTTY");
		CHECK_OK(ioctl(s, TIOCSCTTY, 0));                      /* already ours */
		signal(SIGHUP, on_sig);
		CHECK_OK(ioctl(s, TIOCNOTTY));
		CHECK(caught, "no SIGHUP at TIOCNOTTY");
		CHECK_ERRNO(ioctl(s, TIOCGPGRP, &pgrp), ENOTTY);
		_exit(0);
	}
	CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0,
	      "TIOCSCTTY child status %#x", st);
	close(m);
}

int main(void)
{
	char path[64];
	int m, s, st;
	pid_t pid, pgrp;
	struct winsize ws = { .ws_row = 10, .ws_col = 20 };

	signal(SIGTTOU, SIG_IGN);               /* whatever terminal the test runs on */
	key_signal("\x03", SIGINT, "^C");
	key_signal("\x1c", SIGQUIT, "^\\");
	key_signal("\x1a", SIGTSTP, "^Z");
	orphan_tstp();
	sctty();

	/* SIGWINCH; and the slave's group, seen from outside its session */
	m = open_master(path, sizeof(path));
	pid = fork();
	CHECK(pid >= 0, "fork");
	if (pid == 0)
		shell(path, m, true);
	wait_for(m, "ready");
	s = open(path, O_RDWR | O_NOCTTY);
	CHECK(s >= 0, "open %s: %s", path, strerror(errno));
	CHECK_ERRNO(ioctl(s, TIOCGPGRP, &pgrp), ENOTTY);
	CHECK_ERRNO(ioctl(s, TIOCGSID, &pgrp), ENOTTY);
	CHECK_ERRNO(ioctl(s, TIOCSCTTY, 0), EPERM);     /* not a session leader */
	CHECK_OK(ioctl(m, TIOCGPGRP, &pgrp));
	CHECK(pgrp != pid && pgrp > 0, "the master's TIOCGPGRP %d: not the job's", pgrp);
	CHECK_OK(ioctl(m, TIOCSWINSZ, &ws));
	CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 42,
	      "SIGWINCH child status %#x", st);
	close(s);
	close(m);
	return 0;
}
