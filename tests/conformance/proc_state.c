/* The state letter of /proc/PID/stat and State: of /proc/PID/status:
 * R for the reader itself, S for a child asleep in a blocking call (a
 * read of an empty pipe, epoll_wait), T once it is stopped by SIGSTOP,
 * Z for a child that exited and is not yet waited for, whose /proc/PID
 * stays (every file of it readable or an error) until it is reaped.
 * LTP's TST_PROCESS_STATE_WAIT(pid, 'S') waits for exactly this before it
 * signals the child (epoll_wait08, epoll_pwait01, futex and flock tests). */
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/wait.h>
#include "check.h"

static char state_of(pid_t pid, char *status_line, size_t len)
{
	char path[64], buf[512], *p, state;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	f = fopen(path, "r");
	CHECK(f && fgets(buf, sizeof(buf), f), "read %s", path);
	fclose(f);
	p = strrchr(buf, ')');
	CHECK(p && p[1] == ' ', "stat line %s", buf);
	state = p[2];
	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	f = fopen(path, "r");
	CHECK(f, "open %s", path);
	status_line[0] = 0;
	while (fgets(buf, sizeof(buf), f))
		if (!strncmp(buf, "State:", 6))
			snprintf(status_line, len, "%.60s", buf);
	fclose(f);
	return state;
}

/* Wait until pid shows state want in both files; the bound only ends a
 * broken run.  The two are read one after the other: a sleeper woken for
 * a moment between the reads (a signal, a timer, the sentry's own
 * bookkeeping) shows R in one, so both are read again until they agree. */
static void wait_state(pid_t pid, char want, const char *line)
{
	char got = 0, status[64] = "";

	for (int i = 0; i < 2000 && (got != want || strcmp(status, line)); i++) {
		got = state_of(pid, status, sizeof(status));
		if (got != want || strcmp(status, line))
			usleep(10000);
	}
	CHECK(got == want, "state of %d is %c, want %c", pid, got, want);
	CHECK(!strcmp(status, line), "status says %s, want %s", status, line);
}

static pid_t child_in(int how, int fd)
{
	pid_t pid = fork();
	char c;
	struct epoll_event ev;

	CHECK(pid >= 0, "fork: %s", strerror(errno));
	if (pid == 0) {
		if (how == 0)
			(void)!read(fd, &c, 1);
		else
			epoll_wait(fd, &ev, 1, -1);
		_exit(0);
	}
	return pid;
}

/* Read every file of /proc/PID: a zombie's must not take the kernel down. */
static void read_all(pid_t pid)
{
	char path[300], buf[4096];
	struct dirent *e;
	DIR *d;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d", pid);
	d = opendir(path);
	CHECK(d, "opendir %s: %s", path, strerror(errno));
	while ((e = readdir(d))) {
		snprintf(path, sizeof(path), "/proc/%d/%s", pid, e->d_name);
		if ((fd = open(path, O_RDONLY | O_NONBLOCK)) < 0)
			continue;
		while (read(fd, buf, sizeof(buf)) > 0)
			;
		close(fd);
	}
	closedir(d);
}

int main(void)
{
	char status[64];
	int p[2], ep, st;
	pid_t pid;

	CHECK(state_of(getpid(), status, sizeof(status)) == 'R', "self not R");
	CHECK(!strcmp(status, "State:\tR (running)\n"), "self: %s", status);

	CHECK_OK(pipe(p));
	pid = child_in(0, p[0]);
	wait_state(pid, 'S', "State:\tS (sleeping)\n");
	CHECK_OK(kill(pid, SIGSTOP));
	CHECK(waitpid(pid, &st, WUNTRACED) == pid && WIFSTOPPED(st), "not stopped");
	wait_state(pid, 'T', "State:\tT (stopped)\n");
	CHECK_OK(kill(pid, SIGCONT));
	wait_state(pid, 'S', "State:\tS (sleeping)\n");
	CHECK(write(p[1], "x", 1) == 1, "write");
	CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st), "child did not exit");

	ep = epoll_create1(0);
	CHECK(ep >= 0, "epoll_create1");
	pid = child_in(1, ep);
	wait_state(pid, 'S', "State:\tS (sleeping)\n");
	CHECK_OK(kill(pid, SIGKILL));
	CHECK(waitpid(pid, &st, 0) == pid && WIFSIGNALED(st), "child not killed");

	pid = fork();
	CHECK(pid >= 0, "fork: %s", strerror(errno));
	if (pid == 0)
		_exit(3);
	wait_state(pid, 'Z', "State:\tZ (zombie)\n");
	read_all(pid);
	CHECK(waitpid(pid, &st, 0) == pid && WEXITSTATUS(st) == 3, "zombie's status");
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	CHECK_ERRNO(access(path, F_OK), ENOENT);
	return 0;
}
