/* execve errors: a missing file (ENOENT), a file without execute
 * permission (EACCES), an executable that is not a valid program (ENOEXEC),
 * a directory (EACCES); the caller keeps running after each. */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "check.h"

int main(void)
{
	char dir[] = "/tmp/cvt.XXXXXX", path[64];
	char *argv[] = { "x", NULL }, *envp[] = { NULL };
	int fd;

	CHECK(mkdtemp(dir), "mkdtemp");
	CHECK_ERRNO(execve("/nonexistent/prog", argv, envp), ENOENT);

	snprintf(path, sizeof(path), "%s/noexec", dir);
	fd = open(path, O_CREAT | O_WRONLY, 0644);
	CHECK(fd >= 0 && write(fd, "#!/bin/sh\n", 10) == 10 && close(fd) == 0, "noexec");
	CHECK_ERRNO(execve(path, argv, envp), EACCES);

	/* ELF magic, then garbage: the loader must refuse it */
	snprintf(path, sizeof(path), "%s/badelf", dir);
	fd = open(path, O_CREAT | O_WRONLY, 0755);
	CHECK(fd >= 0, "badelf");
	CHECK(write(fd, "\177ELF\002\001\001\0garbage-garbage-garbage-garbage", 40) == 40, "w");
	close(fd);
	CHECK_ERRNO(execve(path, argv, envp), ENOEXEC);

	CHECK_ERRNO(execve(dir, argv, envp), EACCES);
	unlink(path);
	snprintf(path, sizeof(path), "%s/noexec", dir);
	unlink(path);
	rmdir(dir);
	return 0;
}
