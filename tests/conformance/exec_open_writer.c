/* A program open for writing cannot be run: execve is ETXTBSY (Linux's
 * deny_write_access at exec), whichever process holds the writer, while
 * readers do not stop it; once the last writer is closed it runs.  The
 * program is a copy of this test, run as "exec_open_writer ok". */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include "check.h"

/* Run path in a child: its exit status, 100 + errno if execve failed. */
static int run(const char *path)
{
	int st;
	pid_t pid = fork();

	CHECK(pid >= 0, "fork: %s", strerror(errno));
	if (pid == 0) {
		execl(path, path, "ok", (char *)NULL);
		_exit(100 + errno);
	}
	CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st), "child status %#x", st);
	return WEXITSTATUS(st);
}

int main(int argc, char **argv)
{
	char path[64], c;
	int w, r, go[2], ready[2], st;
	pid_t holder;

	if (argc == 2 && !strcmp(argv[1], "ok"))
		return 0;
	snprintf(path, sizeof(path), "/tmp/openwriter.%d", getpid());
	w = copy_self_open(path);
	CHECK(run(path) == 100 + ETXTBSY, "exec with a writer in this process: %d", run(path));

	/* a writer in another process only */
	CHECK_OK(pipe(go));
	CHECK_OK(pipe(ready));
	holder = fork();
	CHECK(holder >= 0, "fork: %s", strerror(errno));
	if (holder == 0) {
		int fd = open(path, O_RDWR);

		close(go[1]);
		_exit(fd < 0 || write(ready[1], "r", 1) != 1 || read(go[0], &c, 1) != 0);
	}
	close(go[0]);
	close(ready[1]);
	CHECK(read(ready[0], &c, 1) == 1, "the holder did not open the file");
	close(w);
	CHECK(run(path) == 100 + ETXTBSY, "exec with a writer in another process: %d", run(path));

	close(go[1]);
	CHECK(waitpid(holder, &st, 0) == holder && WIFEXITED(st) && !WEXITSTATUS(st),
	      "holder status %#x", st);
	r = open(path, O_RDONLY);
	CHECK(r >= 0, "open O_RDONLY: %s", strerror(errno));
	CHECK(run(path) == 0, "exec with a reader only: %d", run(path));
	close(r);
	CHECK_OK(unlink(path));
	return 0;
}
