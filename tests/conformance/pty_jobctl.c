/* Job control on a pty slave (issue 15 item 4), as a shell's background
 * job meets it: reading the terminal stops it with SIGTTIN (EIO if it
 * ignores or blocks that, EINTR after a handler); writing is free unless
 * TOSTOP is set, then SIGTTOU; changing the terminal (tcsetattr,
 * tcsetpgrp) is SIGTTOU unless it is ignored or blocked; a group with no
 * parent left in the session (orphaned) gets EIO instead of a stop. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include "check.h"

static int tty;                 /* the slave, the leader's controlling terminal */
static int orphan_done[2];      /* the orphan says it passed */
static volatile sig_atomic_t caught;

static void on_sig(int sig)
{
	(void)sig;
	caught++;
}

static void set_action(int sig, void (*h)(int))
{
	struct sigaction sa = { .sa_handler = h };     /* no SA_RESTART */

	CHECK_OK(sigaction(sig, &sa, NULL));
}

static void block(int sig)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, sig);
	CHECK_OK(sigprocmask(SIG_BLOCK, &set, NULL));
}

static void tostop(bool on)
{
	struct termios t;

	CHECK_OK(tcgetattr(tty, &t));
	t.c_lflag = on ? t.c_lflag | TOSTOP : t.c_lflag & ~TOSTOP;
	CHECK_OK(tcsetattr(tty, TCSANOW, &t));
}

/* The background jobs, one process each. */
static void bg_read(void)
{
	char c;

	(void)!read(tty, &c, 1);
}

static void bg_read_ignored(void)
{
	char c;

	set_action(SIGTTIN, SIG_IGN);
	CHECK_ERRNO(read(tty, &c, 1), EIO);
}

static void bg_read_blocked(void)
{
	char c;

	block(SIGTTIN);
	CHECK_ERRNO(read(tty, &c, 1), EIO);
}

static void bg_read_handler(void)
{
	char c;

	set_action(SIGTTIN, on_sig);
	CHECK_ERRNO(read(tty, &c, 1), EINTR);
	CHECK(caught == 1, "SIGTTIN handler ran %d times", caught);
}

static void bg_write(void)
{
	CHECK(write(tty, "bg\n", 3) == 3, "write: %s", strerror(errno));
}

static void bg_write_ignored(void)
{
	set_action(SIGTTOU, SIG_IGN);
	CHECK(write(tty, "bg\n", 3) == 3, "write: %s", strerror(errno));
}

static void bg_tcsetattr(void)
{
	struct termios t;

	CHECK_OK(tcgetattr(tty, &t));           /* reading the attributes is free */
	(void)tcsetattr(tty, TCSANOW, &t);
}

static void bg_tcsetattr_blocked(void)
{
	struct termios t;

	block(SIGTTOU);
	CHECK_OK(tcgetattr(tty, &t));
	CHECK_OK(tcsetattr(tty, TCSANOW, &t));
}

static void bg_tcsetpgrp(void)
{
	(void)tcsetpgrp(tty, getpgrp());
}

static void bg_tcsetpgrp_ignored(void)
{
	set_action(SIGTTOU, SIG_IGN);
	CHECK_OK(tcsetpgrp(tty, getpgrp()));
	CHECK(tcgetpgrp(tty) == getpgrp(), "tcsetpgrp did not take");
}

/* An orphaned group: its member's parent left, so no one would continue
 * a stop: the read is EIO, the attributes are EIO. */
static void bg_orphaned(void)
{
	pid_t parent = getpid(), pid = fork();
	char c;

	CHECK(pid >= 0, "fork");
	if (pid > 0)
		_exit(0);
	while (getppid() == parent)
		usleep(1000);
	CHECK_ERRNO(read(tty, &c, 1), EIO);
	CHECK_ERRNO(tcsetattr(tty, TCSANOW, &(struct termios){ 0 }), EIO);
	CHECK(write(tty, "done\n", 5) == 5, "orphan write");
	CHECK(write(orphan_done[1], "k", 1) == 1, "orphan done");
}

/* Run job in a background group of the leader's session: 200 + the signal
 * that stopped it, or its exit status. */
static int run_bg(void (*job)(void))
{
	pid_t pid = fork();
	int st;

	CHECK(pid >= 0, "fork");
	if (pid == 0) {
		CHECK_OK(setpgid(0, 0));
		job();
		_exit(0);
	}
	setpgid(pid, pid);
	CHECK(waitpid(pid, &st, WUNTRACED) == pid, "waitpid");
	if (WIFSTOPPED(st)) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		return 200 + WSTOPSIG(st);
	}
	CHECK(WIFEXITED(st), "job status %#x", st);
	return WEXITSTATUS(st);
}

#define RUN(job, want) \
	do { int r_ = run_bg(job); CHECK(r_ == (want), #job ": %d, want %d", r_, want); } while (0)

static void leader(const char *path)
{
	CHECK(setsid() > 0, "setsid");
	tty = open(path, O_RDWR);
	CHECK(tty >= 0, "open %s: %s", path, strerror(errno));
	CHECK(tcgetpgrp(tty) == getpid(), "not the foreground");
	RUN(bg_read, 200 + SIGTTIN);
	RUN(bg_read_ignored, 0);
	RUN(bg_read_blocked, 0);
	RUN(bg_read_handler, 0);
	RUN(bg_write, 0);
	tostop(true);
	RUN(bg_write, 200 + SIGTTOU);
	RUN(bg_write_ignored, 0);
	tostop(false);
	RUN(bg_tcsetattr, 200 + SIGTTOU);
	RUN(bg_tcsetattr_blocked, 0);
	RUN(bg_tcsetpgrp, 200 + SIGTTOU);
	CHECK_OK(pipe(orphan_done));
	RUN(bg_orphaned, 0);
	close(orphan_done[1]);
	CHECK(read(orphan_done[0], &(char){ 0 }, 1) == 1, "the orphaned job failed");
	RUN(bg_tcsetpgrp_ignored, 0);   /* last: the leader is in the background then */
	_exit(0);
}

int main(void)
{
	int m = posix_openpt(O_RDWR | O_NOCTTY), st;
	char buf[256], path[64];
	pid_t pid;

	CHECK(m >= 0 && grantpt(m) == 0 && unlockpt(m) == 0, "posix_openpt: %s", strerror(errno));
	snprintf(path, sizeof(path), "%s", ptsname(m));
	pid = fork();
	CHECK(pid >= 0, "fork");
	if (pid == 0) {
		close(m);
		leader(path);
	}
	CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0,
	      "leader status %#x", st);
	/* what the jobs wrote: two "bg" writes (the others were stopped) and
	 * the orphan's "done" */
	fcntl(m, F_SETFL, O_NONBLOCK);
	ssize_t n = read(m, buf, sizeof(buf) - 1);
	buf[n > 0 ? n : 0] = 0;
	CHECK(!strcmp(buf, "bg\r\nbg\r\ndone\r\n"), "the master read '%s'", buf);
	close(m);
	return 0;
}
