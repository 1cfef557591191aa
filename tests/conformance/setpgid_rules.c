/* setpgid's rules, as Linux's: a group that does not exist in the
 * caller's session is EPERM, a child in another session EPERM, a child
 * that has exec'd EACCES, a process not the caller's child ESRCH, a
 * negative group EINVAL.  (The sentry let a process join any group
 * number, and a child that had exec'd be moved.) */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include "check.h"

/* a child that waits on the pipe (after setsid, or an exec of sleep) */
static pid_t child(int how, int p[2])
{
	pid_t pid;
	char c;

	CHECK_OK(pipe(p));
	pid = fork();
	CHECK(pid >= 0, "fork: %s", strerror(errno));
	if (pid == 0) {
		close(p[0]);
		if (how == 1)
			setsid();
		if (how == 2) {
			execl("/bin/sleep", "sleep", "30", (char *)NULL);
			_exit(3);
		}
		if (write(p[1], "x", 1) != 1)
			_exit(2);
		pause();
		_exit(0);
	}
	close(p[1]);
	if (how != 2)
		CHECK(read(p[0], &c, 1) == 1, "child did not start");
	return pid;
}

static void end(pid_t pid, int p[2])
{
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	close(p[0]);
}

static int run(void)
{
	int p[2];
	pid_t pid;

	CHECK_OK(setpgid(0, 0));                /* a group of our own */
	CHECK_ERRNO(setpgid(0, -1), EINVAL);
	CHECK_ERRNO(setpgid(getppid(), getpgrp()), ESRCH);
	/* no group 4194304 (pid_max's largest) exists */
	CHECK_ERRNO(setpgid(0, 4194304), EPERM);

	pid = child(0, p);                      /* a fresh child: may move */
	CHECK_OK(setpgid(pid, pid));
	CHECK_OK(setpgid(pid, getpgrp()));
	end(pid, p);

	pid = child(1, p);                      /* in a session of its own */
	CHECK_ERRNO(setpgid(pid, getpgrp()), EPERM);
	CHECK_ERRNO(setpgid(0, pid), EPERM);    /* its group: another session */
	end(pid, p);

	pid = child(2, p);                      /* has exec'd: EACCES */
	/* wait until it runs sleep */
	for (int i = 0; i < 2000; i++) {
		char path[64], buf[64] = "";
		int f;

		snprintf(path, sizeof(path), "/proc/%d/comm", pid);
		f = open(path, O_RDONLY);
		if (f >= 0 && read(f, buf, sizeof(buf) - 1) > 0 && !strncmp(buf, "sleep", 5)) {
			close(f);
			break;
		}
		if (f >= 0)
			close(f);
		usleep(5000);
	}
	CHECK_ERRNO(setpgid(pid, getpgrp()), EACCES);
	end(pid, p);
	return 0;
}

int main(void)
{
	return run_in_child(run);
}
