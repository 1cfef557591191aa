/* clone(2) with CLONE_PARENT_SETTID or CLONE_CHILD_SETTID at a bad address:
 * Linux ignores the failed store (kernel_clone, schedule_tail) and the
 * thread or process is made and runs; clone returns its id.  (The sentry
 * used to return EFAULT after making the thread, which never started and
 * kept its process from ever exiting, even under SIGKILL.) */
#define _GNU_SOURCE
#include <sched.h>
#include <signal.h>
#include <sys/wait.h>
#include "check.h"

#define THREAD_FLAGS (CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | \
		      CLONE_THREAD | CLONE_SYSVSEM)

static volatile int ran;
static char stacks[2][64 << 10] __attribute__((aligned(16)));

static int thread_fn(void *arg)
{
	__atomic_add_fetch(&ran, 1, __ATOMIC_SEQ_CST);
	(void)arg;
	syscall(SYS_exit, 0);   /* this thread only */
	return 0;
}

static void wait_ran(int n)
{
	for (long i = 0; __atomic_load_n(&ran, __ATOMIC_SEQ_CST) < n; i++) {
		CHECK(i < 100000000L, "the thread never ran");
		sched_yield();
	}
}

int main(void)
{
	int st;
	long c;

	c = clone(thread_fn, stacks[0] + sizeof(stacks[0]), THREAD_FLAGS | CLONE_PARENT_SETTID,
		  NULL, (pid_t *)KERNEL_PTR, NULL, NULL);
	CHECK(c > 0, "thread, parent_tid bad: %ld (%s), want its tid", c, strerror(errno));
	wait_ran(1);
	c = clone(thread_fn, stacks[1] + sizeof(stacks[1]), THREAD_FLAGS | CLONE_CHILD_SETTID,
		  NULL, NULL, NULL, (pid_t *)KERNEL_PTR);
	CHECK(c > 0, "thread, child_tid bad: %ld (%s), want its tid", c, strerror(errno));
	wait_ran(2);

	c = syscall(SYS_clone, SIGCHLD | CLONE_PARENT_SETTID, 0, KERNEL_PTR, 0, 0);
	CHECK(c >= 0, "fork, parent_tid bad: %s, want its pid", strerror(errno));
	if (c == 0)
		_exit(7);
	CHECK(waitpid(c, &st, 0) == c, "waitpid: %s", strerror(errno));
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 7, "status %#x, want exit 7", st);
	return 0;   /* and the process exits: no thread was left half-made */
}
