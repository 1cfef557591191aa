/* Shared futexes across processes: a word in a MAP_SHARED mapping, the
 * child waits with FUTEX_WAIT (not private), the parent wakes it. The
 * private op on the same word must not wake it (different key). */
#include <linux/futex.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include "check.h"

static long fx(uint32_t *uaddr, int op, uint32_t val)
{
	return syscall(SYS_futex, uaddr, op, val, NULL, NULL, 0);
}

int main(void)
{
	/* word[0]: the futex; word[1]: the child says it is about to wait. */
	uint32_t *word = mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
			      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	CHECK(word != MAP_FAILED, "mmap");

	pid_t c = fork();
	CHECK(c >= 0, "fork");
	if (c == 0) {
		__atomic_store_n(&word[1], 1, __ATOMIC_SEQ_CST);
		int waits = 0;
		while (__atomic_load_n(&word[0], __ATOMIC_SEQ_CST) == 0) {
			fx(&word[0], FUTEX_WAIT, 0);
			waits++;
		}
		_exit(waits > 0 ? 0 : 2);
	}
	while (!__atomic_load_n(&word[1], __ATOMIC_SEQ_CST))
		usleep(1000);

	/* Wake until the child is really in the wait queue. */
	long n = 0;
	for (int i = 0; i < 5000 && n == 0; i++) {
		usleep(1000);
		/* Private keys are per-mm: this must never find the child. */
		CHECK(fx(&word[0], FUTEX_WAKE_PRIVATE, 1) == 0, "a private wake woke "
		      "a waiter in another process");
		n = fx(&word[0], FUTEX_WAKE, 1);
	}
	CHECK(n == 1, "shared FUTEX_WAKE woke %ld, want 1", n);
	__atomic_store_n(&word[0], 1, __ATOMIC_SEQ_CST);
	fx(&word[0], FUTEX_WAKE, 1);

	int st;
	CHECK(waitpid(c, &st, 0) == c, "waitpid");
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child status %#x", st);
	return 0;
}
