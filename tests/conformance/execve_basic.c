/* execve(2): replaces the image in the same process (same pid), with
 * exactly the new argv and envp. Errors leave the caller running: ENOENT,
 * EACCES (a directory, a file without x), ENOEXEC (text without #!).
 * EXPECT_STDOUT: exec ok */
#include <fcntl.h>
#include <sys/stat.h>
#include "check.h"

extern char **environ;

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "exec-child") == 0) {
		CHECK(argc == 4, "argc %d, want 4", argc);
		CHECK(strcmp(argv[2], "x y") == 0, "argv[2] '%s'", argv[2]);
		CHECK(atol(argv[3]) == getpid(), "pid %d, before exec %s", getpid(), argv[3]);
		CHECK(environ[0] && strcmp(environ[0], "CVT=1") == 0,
		      "environ[0] '%s'", environ[0] ? environ[0] : "(null)");
		CHECK(environ[1] == NULL, "extra env '%s'", environ[1]);
		printf("exec ok\n");
		return 0;
	}

	char *env[] = { "CVT=1", NULL };
	char *none[] = { "x", NULL };
	CHECK_ERRNO(execve("/nonexistent/prog", none, env), ENOENT);
	CHECK_ERRNO(execve("/", none, env), EACCES);

	/* Files in the sandbox's fresh /tmp. */
	char path[64];
	snprintf(path, sizeof(path), "/tmp/execve_basic.%d", getpid());
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	CHECK(fd >= 0, "create %s: %s", path, strerror(errno));
	CHECK(write(fd, "echo hi\n", 8) == 8, "write");
	close(fd);
	/* Even root cannot exec a file with no execute bit at all. */
	CHECK_ERRNO(execve(path, none, env), EACCES);
	CHECK_OK(chmod(path, 0755));
	/* A text file without "#!" is for the shell, not the kernel. */
	CHECK_ERRNO(execve(path, none, env), ENOEXEC);
	unlink(path);

	char pid[16];
	snprintf(pid, sizeof(pid), "%d", getpid());
	char *args[] = { argv[0], "exec-child", "x y", pid, NULL };
	execve(argv[0], args, env);
	CHECK(0, "execve %s: %s", argv[0], strerror(errno));
}
