/* execve(2) with an empty argv: the new program gets argc 1 and argv[0]
 * "", as Linux does since 5.18 (no program sees argc 0; LTP's execve06). */
#include <sys/wait.h>
#include "check.h"

int main(int argc, char **argv)
{
	char *const none[] = { NULL };
	char *const env[] = { "EMPTY_ARGV_CHILD=1", NULL };
	int st;
	pid_t pid;

	if (getenv("EMPTY_ARGV_CHILD"))
		return argc == 1 && argv[0] && !argv[0][0] && !argv[1] ? 0 : 1;
	pid = fork();
	CHECK(pid >= 0, "fork");
	if (pid == 0) {
		execve("/proc/self/exe", none, env);
		_exit(2);
	}
	CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st), "child");
	CHECK(WEXITSTATUS(st) == 0, "child saw argc 0 or a non-empty argv[0] (status %d)",
	      WEXITSTATUS(st));
	return 0;
}
