#define _GNU_SOURCE
/* set_robust_list(2): accepts a head of the right size, EINVAL otherwise;
 * get_robust_list(2) reads another process's with ptrace's read rule. */
#include <linux/futex.h>
#include "check.h"

/* An empty robust list: the list points at its own head. */
static struct robust_list_head head = { .list = { &head.list } };

int main(void)
{
	CHECK_ERRNO(syscall(SYS_set_robust_list, &head, sizeof(head) - 1), EINVAL);
	CHECK_ERRNO(syscall(SYS_set_robust_list, &head, sizeof(head) + 8), EINVAL);
	CHECK_ERRNO(syscall(SYS_set_robust_list, &head, 0), EINVAL);
	CHECK(syscall(SYS_set_robust_list, &head, sizeof(head)) == 0,
	      "set_robust_list: %s", strerror(errno));
	/* The kernel only records the pointer; it is read at exit. */
	CHECK(head.list.next == &head.list, "head modified");

	/* get_robust_list of another process: its head, with ptrace's read
	 * rule (LTP's get_robust_list01) */
	{
		int go[2], back[2], st;
		struct robust_list_head *got = NULL, *its = NULL;
		size_t len = 0;
		pid_t pid, nobody;
		char c;

		CHECK_OK(pipe(go));
		CHECK_OK(pipe(back));
		pid = fork();
		CHECK(pid >= 0, "fork: %s", strerror(errno));
		if (pid == 0) {         /* says its own head (libc sets one after fork) */
			close(go[1]);
			if (syscall(SYS_get_robust_list, 0, &its, &len) ||
			    write(back[1], &its, sizeof(its)) != sizeof(its))
				_exit(1);
			_exit(read(go[0], &c, 1) == 0 ? 0 : 1);
		}
		close(go[0]);
		CHECK(read(back[0], &its, sizeof(its)) == sizeof(its), "the child's own head");
		CHECK_OK(syscall(SYS_get_robust_list, pid, &got, &len));
		CHECK(got == its && len == sizeof(head), "the child's head %p (%zu), it says %p",
		      (void *)got, len, (void *)its);
		nobody = fork();
		CHECK(nobody >= 0, "fork: %s", strerror(errno));
		if (nobody == 0)
			_exit(setresuid(65534, 65534, 65534) ? 2 :
			      syscall(SYS_get_robust_list, pid, &got, &len) == -1 && errno == EPERM
			      ? 0 : 3);
		CHECK(waitpid(nobody, &st, 0) == nobody && WIFEXITED(st) && !WEXITSTATUS(st),
		      "another user's get_robust_list: status %#x", st);
		close(go[1]);
		CHECK(waitpid(pid, &st, 0) == pid, "waitpid: %s", strerror(errno));
		CHECK_ERRNO(syscall(SYS_get_robust_list, pid, &got, &len), ESRCH);
	}
	return 0;
}
