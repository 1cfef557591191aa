/* clone with CLONE_PARENT_SETTID / CLONE_CHILD_SETTID pointing nowhere:
 * Linux makes the thread or process anyway and ignores the failed store
 * (kernel_clone's put_user for the parent's, schedule_tail's for the
 * child's), so clone returns the new id, the child runs, and the caller
 * can still exit.  Found by make fuzz: the sentry returned EFAULT after it
 * had counted the new thread, and the process could then never exit
 * (SIGKILL did not end it). */
#define _GNU_SOURCE
#include <sched.h>
#include <signal.h>
#include <sys/wait.h>
#include "check.h"

#define BAD ((void *)8)

static char stack[4096] __attribute__((aligned(16)));

/* The child exits at once, without touching any stack. */
static long clone_exit(unsigned long flags, void *sp, void *ptid, void *ctid)
{
	register long r10 __asm__("r10") = (long)ctid;
	register long r8 __asm__("r8") = 0;
	long ret;

	__asm__ volatile("syscall\n\t"
			 "test %%rax, %%rax\n\t"
			 "jnz 1f\n\t"
			 "mov $60, %%eax\n\t"       /* exit(0): this thread */
			 "xor %%edi, %%edi\n\t"
			 "syscall\n"
			 "1:"
			 : "=a"(ret)
			 : "0"((long)SYS_clone), "D"(flags), "S"(sp), "d"(ptid), "r"(r10), "r"(r8)
			 : "rcx", "r11", "memory");
	return ret;
}

int main(void)
{
	unsigned long thread = CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND |
			       CLONE_THREAD | CLONE_SYSVSEM;
	void *bad[] = { BAD, KERNEL_PTR };
	int st;

	for (int i = 0; i < 2; i++) {
		long tid = clone_exit(thread | CLONE_PARENT_SETTID, stack + sizeof(stack),
				      bad[i], NULL);
		CHECK(tid > 0, "thread, parent_tid %p: %ld, want a tid", bad[i], tid);
		tid = clone_exit(thread | CLONE_CHILD_SETTID, stack + sizeof(stack), NULL,
				 bad[i]);
		CHECK(tid > 0, "thread, child_tid %p: %ld, want a tid", bad[i], tid);

		long pid = clone_exit(SIGCHLD | CLONE_PARENT_SETTID | CLONE_CHILD_SETTID, NULL,
				      bad[i], bad[i]);
		CHECK(pid > 0, "process, both tids %p: %ld, want a pid", bad[i], pid);
		CHECK(waitpid((pid_t)pid, &st, 0) == pid, "waitpid: %s", strerror(errno));
		CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child status %#x, want exit 0", st);
	}
	return 0;       /* exit_group: the threads above must not keep us */
}
