/* pidfd_send_signal(2) takes a /proc/<pid> directory fd as well as a
 * pidfd (Linux's pidfd_to_pid): signal 0 to oneself succeeds, SIGKILL
 * through a child's /proc directory kills it; a file of /proc/<pid> or a
 * /proc/<pid>/task/<tid> directory is EBADF (LTP's pidfd_send_signal01,
 * 02). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include "check.h"

static long send(int fd, int sig)
{
	return syscall(SYS_pidfd_send_signal, fd, sig, NULL, 0);
}

int main(void)
{
	char path[64];
	int fd, st;
	pid_t pid;

	fd = open("/proc/self", O_DIRECTORY | O_CLOEXEC);
	CHECK(fd >= 0, "open /proc/self: %s", strerror(errno));
	CHECK(send(fd, 0) == 0, "signal 0 through /proc/self: %s", strerror(errno));
	close(fd);

	snprintf(path, sizeof(path), "/proc/self/task/%d", getpid());
	fd = open(path, O_DIRECTORY);
	CHECK(fd >= 0, "open %s: %s", path, strerror(errno));
	CHECK_ERRNO(send(fd, 0), EBADF);
	close(fd);
	fd = open("/proc/self/stat", O_RDONLY);
	CHECK(fd >= 0, "open /proc/self/stat");
	CHECK_ERRNO(send(fd, 0), EBADF);
	close(fd);

	pid = fork();
	CHECK(pid >= 0, "fork");
	if (pid == 0) {
		pause();
		_exit(0);
	}
	snprintf(path, sizeof(path), "/proc/%d", pid);
	fd = open(path, O_DIRECTORY);
	CHECK(fd >= 0, "open %s: %s", path, strerror(errno));
	CHECK(send(fd, SIGKILL) == 0, "SIGKILL through %s: %s", path, strerror(errno));
	CHECK(waitpid(pid, &st, 0) == pid && WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL,
	      "child not killed");
	return 0;
}
