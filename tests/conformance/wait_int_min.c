/* wait4(INT_MIN) is ESRCH: -INT_MIN names no process group (Linux's
 * kernel_wait4), where another negative pid with no such group is ECHILD;
 * /proc/sys/kernel/tainted reads as a number (LTP's waitpid04, wait403,
 * whose library reads the taint flags around the test). */
#include <limits.h>
#include <sys/wait.h>
#include "check.h"

int main(void)
{
	char buf[32] = "";
	FILE *f;
	pid_t pid = fork();

	CHECK(pid >= 0, "fork");
	if (pid == 0)
		_exit(0);
	CHECK_ERRNO(wait4(INT_MIN, NULL, 0, NULL), ESRCH);
	CHECK_ERRNO(waitpid(INT_MIN, NULL, WNOHANG), ESRCH);
	CHECK_ERRNO(waitpid(-999999, NULL, 0), ECHILD);
	CHECK(waitpid(pid, NULL, 0) == pid, "the child is still there to reap");

	f = fopen("/proc/sys/kernel/tainted", "r");
	CHECK(f && fgets(buf, sizeof(buf), f), "read /proc/sys/kernel/tainted");
	CHECK(buf[0] >= '0' && buf[0] <= '9', "tainted: %s", buf);
	fclose(f);
	return 0;
}
