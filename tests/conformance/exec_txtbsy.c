/* A program a process is running cannot be opened for writing or
 * truncated: ETXTBSY (Linux's deny_write_access).  Reading it is fine,
 * and once the process has exited, so is writing.  The program is a copy
 * of this test, run as "exec_txtbsy hold RFD WFD": it says it runs on
 * WFD, then waits for RFD to close. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include "check.h"

int main(int argc, char **argv)
{
	char path[64], rfd[16], wfd[16], c;
	int go[2], ready[2], st, fd;
	pid_t pid;

	if (argc == 4 && !strcmp(argv[1], "hold")) {
		CHECK(write(atoi(argv[3]), "r", 1) == 1, "ready: %s", strerror(errno));
		CHECK(read(atoi(argv[2]), &c, 1) == 0, "hold: not EOF");
		return 0;
	}
	snprintf(path, sizeof(path), "/tmp/txtbsy.%d", getpid());
	close(copy_self_open(path));
	CHECK_OK(pipe(go));
	CHECK_OK(pipe(ready));
	snprintf(rfd, sizeof(rfd), "%d", go[0]);
	snprintf(wfd, sizeof(wfd), "%d", ready[1]);
	pid = fork();
	CHECK(pid >= 0, "fork: %s", strerror(errno));
	if (pid == 0) {
		close(go[1]);
		close(ready[0]);
		execl(path, path, "hold", rfd, wfd, (char *)NULL);
		_exit(127);
	}
	close(go[0]);
	close(ready[1]);
	CHECK(read(ready[0], &c, 1) == 1, "the copy did not start");

	CHECK_ERRNO(open(path, O_WRONLY), ETXTBSY);
	CHECK_ERRNO(open(path, O_RDWR), ETXTBSY);
	CHECK_ERRNO(open(path, O_RDONLY | O_TRUNC), ETXTBSY);
	CHECK_ERRNO(truncate(path, 0), ETXTBSY);
	fd = open(path, O_RDONLY);
	CHECK(fd >= 0, "open O_RDONLY: %s", strerror(errno));
	close(fd);

	close(go[1]);
	CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0,
	      "child status %#x", st);
	fd = open(path, O_WRONLY);
	CHECK(fd >= 0, "open O_WRONLY after exit: %s", strerror(errno));
	close(fd);
	CHECK_OK(truncate(path, 0));
	CHECK_OK(unlink(path));
	return 0;
}
