/* clone3(2) as fork (exit_signal SIGCHLD): 0 in the child, the child's pid
 * in the parent, CLONE_PARENT_SETTID stores it; bad sizes are EINVAL.
 * clone(2) with CLONE_VM: the child runs a function on its own stack in
 * our memory. */
#define _GNU_SOURCE
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <sys/wait.h>
#include "check.h"

static volatile int written;

static int in_vm_child(void *arg)
{
	written = *(int *)arg;
	return 8;
}

int main(void)
{
	pid_t ptid = 0;
	struct clone_args ca = { 0 };
	ca.flags = CLONE_PARENT_SETTID;
	ca.parent_tid = (uintptr_t)&ptid;
	ca.exit_signal = SIGCHLD;

	long c = syscall(SYS_clone3, &ca, sizeof(ca));
	CHECK(c >= 0, "clone3: %s", strerror(errno));
	if (c == 0)
		_exit(getppid() > 0 ? 6 : 1);
	CHECK(ptid == c, "CLONE_PARENT_SETTID stored %d, want %ld", ptid, c);
	int st;
	CHECK(waitpid(c, &st, 0) == c, "waitpid: %s", strerror(errno));
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 6, "status %#x, want exit 6", st);

	CHECK_ERRNO(syscall(SYS_clone3, &ca, 8), EINVAL);   /* below CLONE_ARGS_SIZE_VER0 */
	CHECK_ERRNO(syscall(SYS_clone3, KERNEL_PTR, sizeof(ca)), EFAULT);
	/* a larger struct than the kernel's: its extra bytes must be zero,
	 * a size past a page is E2BIG; a stack needs its size and back */
	{
		struct { struct clone_args ca; uint64_t extra[2]; } big = { ca, { 0, 1 } };
		struct clone_args nostack = ca;

		CHECK_ERRNO(syscall(SYS_clone3, &big, sizeof(big)), E2BIG);
		CHECK_ERRNO(syscall(SYS_clone3, &ca, 4097), E2BIG);
		nostack.stack_size = 4096;
		CHECK_ERRNO(syscall(SYS_clone3, &nostack, sizeof(nostack)), EINVAL);
		nostack.stack_size = 0;
		nostack.stack = (uintptr_t)&big;
		CHECK_ERRNO(syscall(SYS_clone3, &nostack, sizeof(nostack)), EINVAL);
		big.extra[1] = 0;
		big.ca.parent_tid = (uintptr_t)&ptid;
		c = syscall(SYS_clone3, &big, sizeof(big));
		CHECK(c >= 0, "clone3 with zero extra bytes: %s", strerror(errno));
		if (c == 0)
			_exit(7);
		CHECK(waitpid(c, &st, 0) == c && WIFEXITED(st) && WEXITSTATUS(st) == 7,
		      "status %#x, want exit 7", st);
	}
	/* CLONE_THREAD needs CLONE_SIGHAND, which needs CLONE_VM. */
	struct clone_args bad = { .flags = CLONE_THREAD };
	CHECK_ERRNO(syscall(SYS_clone3, &bad, sizeof(bad)), EINVAL);
	bad.flags = CLONE_SIGHAND;
	CHECK_ERRNO(syscall(SYS_clone3, &bad, sizeof(bad)), EINVAL);

	/* clone(2) with CLONE_VM: same memory, separate process. */
	size_t sz = 64 * 1024;
	char *stack = malloc(sz);
	CHECK(stack, "malloc");
	int val = 1234;
	c = clone(in_vm_child, stack + sz, CLONE_VM | SIGCHLD, &val);
	CHECK(c > 0, "clone CLONE_VM: %s", strerror(errno));
	CHECK(waitpid(c, &st, 0) == c, "waitpid clone: %s", strerror(errno));
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 8, "clone status %#x, want exit 8", st);
	CHECK(written == 1234, "CLONE_VM child's write not seen (%d)", written);
	free(stack);
	return 0;
}
