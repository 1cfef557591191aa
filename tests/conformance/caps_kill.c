/* Who may signal whom (check_kill_permission, kill_ok_by_cred): a process
 * of another user only with CAP_KILL, signal 0 included, by kill, tgkill,
 * rt_sigqueueinfo and to a process group; SIGCONT within the session;
 * kill(-1) does not fail for the ones it may not signal.  A root target
 * and a sender that gives up its privileges, both children.  Needs root. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdbool.h>
#include "caps.h"

static pid_t target, other_session;

static void become(uint64_t eff)
{
	CHECK_OK(prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0));
	CHECK_OK(setresuid(1000, 1000, 1000));
	CHECK(caps_set(eff, eff, 0) == 0, "capset: %s", strerror(errno));
}

static void refused(void)
{
	siginfo_t si = { .si_signo = SIGUSR1, .si_code = SI_QUEUE };

	become(0);
	CHECK_ERRNO(kill(target, 0), EPERM);
	CHECK_ERRNO(kill(target, SIGTERM), EPERM);
	CHECK_ERRNO(syscall(SYS_tgkill, target, target, SIGTERM), EPERM);
	CHECK_ERRNO(syscall(SYS_rt_sigqueueinfo, target, SIGUSR1, &si), EPERM);
	CHECK_ERRNO(kill(-target, 0), EPERM);           /* its own process group */
	CHECK_OK(kill(target, SIGCONT));                /* same session */
	CHECK_ERRNO(kill(other_session, SIGCONT), EPERM);
	CHECK_OK(kill(-1, 0));
	/* its own kind is fine */
	pid_t mine = fork();
	CHECK(mine >= 0, "fork");
	if (mine == 0) {
		pause();
		_exit(0);
	}
	CHECK_OK(kill(mine, SIGKILL));
	CHECK(waitpid(mine, NULL, 0) == mine, "waitpid");
}

static void with_cap_kill(void)
{
	become(BIT(CAP_KILL));
	CHECK_OK(kill(target, 0));
	CHECK_OK(kill(-target, 0));
	CHECK_OK(syscall(SYS_tgkill, target, target, 0));
}

/* A root process asleep in a group (or a session) of its own, once there. */
static pid_t sleeper(bool new_session)
{
	int p[2];
	char c;
	pid_t pid;

	CHECK_OK(pipe(p));
	pid = fork();
	CHECK(pid >= 0, "fork");
	if (pid == 0) {
		if (new_session)
			setsid();
		else
			setpgid(0, 0);
		close(p[0]);
		close(p[1]);
		for (;;)
			pause();
	}
	close(p[1]);
	CHECK(read(p[0], &c, 1) == 0, "sleeper: ready");
	close(p[0]);
	return pid;
}

int main(void)
{
	int st;

	if (geteuid() != 0)
		return 0;
	target = sleeper(false);
	other_session = sleeper(true);
	in_child(refused, "refused");
	in_child(with_cap_kill, "with_cap_kill");
	CHECK_OK(kill(target, SIGKILL));
	CHECK_OK(kill(other_session, SIGKILL));
	CHECK(waitpid(target, &st, 0) == target && WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL,
	      "the target was not left to the final SIGKILL (status %#x)", st);
	CHECK(waitpid(other_session, NULL, 0) == other_session, "waitpid");
	return 0;
}
