/* waitid(2) fills siginfo: SIGCHLD, CLD_EXITED/CLD_KILLED, the pid and the
 * status; WNOWAIT leaves the child reapable; WNOHANG with nothing to
 * report returns 0 with si_pid 0; no WEXITED/WSTOPPED/WCONTINUED is EINVAL. */
#include <signal.h>
#include <sys/wait.h>
#include "check.h"

int main(void)
{
	siginfo_t si;

	pid_t c = fork();
	CHECK(c >= 0, "fork");
	if (c == 0)
		_exit(17);

	memset(&si, 0, sizeof(si));
	CHECK(waitid(P_PID, c, &si, WEXITED | WNOWAIT) == 0, "waitid WNOWAIT: %s", strerror(errno));
	CHECK(si.si_signo == SIGCHLD, "si_signo %d", si.si_signo);
	CHECK(si.si_code == CLD_EXITED, "si_code %d, want CLD_EXITED", si.si_code);
	CHECK(si.si_pid == c, "si_pid %d, want %d", si.si_pid, c);
	CHECK(si.si_status == 17, "si_status %d, want 17", si.si_status);
	CHECK(si.si_uid == getuid(), "si_uid %d", si.si_uid);
	/* Still there: P_ALL finds and this time reaps it. */
	memset(&si, 0, sizeof(si));
	CHECK(waitid(P_ALL, 0, &si, WEXITED) == 0, "waitid P_ALL: %s", strerror(errno));
	CHECK(si.si_pid == c && si.si_status == 17, "second waitid: pid %d status %d",
	      si.si_pid, si.si_status);
	CHECK_ERRNO(waitid(P_PID, c, &si, WEXITED), ECHILD);

	/* A child killed by a signal. It waits on a pipe that never gets data. */
	int p[2];
	CHECK_OK(pipe(p));
	c = fork();
	CHECK(c >= 0, "fork 2");
	if (c == 0) {
		char b;
		close(p[1]);
		(void)!read(p[0], &b, 1);
		_exit(0);
	}
	memset(&si, 0x55, sizeof(si));
	CHECK(waitid(P_PID, c, &si, WEXITED | WNOHANG) == 0, "WNOHANG: %s", strerror(errno));
	CHECK(si.si_pid == 0, "WNOHANG with nothing to report: si_pid %d", si.si_pid);
	CHECK_OK(kill(c, SIGKILL));
	memset(&si, 0, sizeof(si));
	CHECK(waitid(P_PID, c, &si, WEXITED) == 0, "waitid killed: %s", strerror(errno));
	CHECK(si.si_code == CLD_KILLED, "si_code %d, want CLD_KILLED", si.si_code);
	CHECK(si.si_status == SIGKILL, "si_status %d, want SIGKILL", si.si_status);
	CHECK(si.si_pid == c, "si_pid %d", si.si_pid);

	/* P_PGID: the child is in our process group. */
	c = fork();
	CHECK(c >= 0, "fork 3");
	if (c == 0)
		_exit(1);
	memset(&si, 0, sizeof(si));
	CHECK(waitid(P_PGID, getpgrp(), &si, WEXITED) == 0, "P_PGID: %s", strerror(errno));
	CHECK(si.si_pid == c && si.si_status == 1, "P_PGID: pid %d status %d", si.si_pid, si.si_status);

	CHECK_ERRNO(waitid(P_ALL, 0, &si, WEXITED), ECHILD);
	CHECK_ERRNO(waitid(P_ALL, 0, &si, WNOHANG), EINVAL);
	CHECK_ERRNO(waitid(7 /* no such idtype */, 0, &si, WEXITED), EINVAL);
	return 0;
}
