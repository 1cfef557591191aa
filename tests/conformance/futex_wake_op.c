/* futex(2) WAKE_OP: does the operation on the second word (ADD, SET,
 * OR with a shifted operand) and, besides waking on the first word, wakes
 * on the second only if the comparison of its old value holds. */
#include <linux/futex.h>
#include <pthread.h>
#include <stdint.h>
#include "check.h"

static uint32_t a, b;
static volatile int stop_b;

static long fx(uint32_t *u, int op, uint32_t val, long val2, uint32_t *u2, uint32_t val3)
{
	return syscall(SYS_futex, u, op, val, (void *)val2, u2, val3);
}

static void *b_waiter(void *arg)
{
	(void)arg;
	while (!__atomic_load_n(&stop_b, __ATOMIC_SEQ_CST))
		fx(&b, FUTEX_WAIT_PRIVATE, 10, 0, NULL, 0);
	return NULL;
}

int main(void)
{
	/* WAKE_OP on values: b += 3, b = 1, b |= 1 << 4 (no waiters). */
	a = 0;
	b = 10;
	CHECK(fx(&a, FUTEX_WAKE_OP_PRIVATE, 1, 1, &b,
		 FUTEX_OP(FUTEX_OP_ADD, 3, FUTEX_OP_CMP_GT, 5)) == 0, "WAKE_OP: %s", strerror(errno));
	CHECK(b == 13, "WAKE_OP ADD: b = %u, want 13", b);
	CHECK(fx(&a, FUTEX_WAKE_OP_PRIVATE, 1, 1, &b,
		 FUTEX_OP(FUTEX_OP_SET, 1, FUTEX_OP_CMP_EQ, 13)) == 0, "WAKE_OP SET");
	CHECK(b == 1, "WAKE_OP SET: b = %u, want 1", b);
	CHECK(fx(&a, FUTEX_WAKE_OP_PRIVATE, 1, 1, &b,
		 FUTEX_OP((FUTEX_OP_OR | FUTEX_OP_OPARG_SHIFT), 4, FUTEX_OP_CMP_EQ, 0)) == 0, "WAKE_OP OR");
	CHECK(b == 17, "WAKE_OP OR 1<<4: b = %u, want 17", b);

	/* WAKE_OP wakes on the second word only when the comparison holds.
	 * The op keeps b at 10, the value the waiter sleeps on. */
	pthread_t t;
	b = 10;
	CHECK(pthread_create(&t, NULL, b_waiter, NULL) == 0, "create");
	usleep(100000);
	CHECK(fx(&a, FUTEX_WAKE_OP_PRIVATE, 1, 1, &b,
		 FUTEX_OP(FUTEX_OP_SET, 10, FUTEX_OP_CMP_NE, 10)) == 0, "false comparison woke someone");
	long r = 0;
	for (int i = 0; i < 5000 && r == 0; i++) {
		r = fx(&a, FUTEX_WAKE_OP_PRIVATE, 1, 1, &b,
		       FUTEX_OP(FUTEX_OP_SET, 10, FUTEX_OP_CMP_EQ, 10));
		usleep(1000);
	}
	CHECK(r == 1, "WAKE_OP with a true comparison woke %ld, want 1", r);
	__atomic_store_n(&stop_b, 1, __ATOMIC_SEQ_CST);
	__atomic_store_n(&b, 11, __ATOMIC_SEQ_CST);
	fx(&b, FUTEX_WAKE_PRIVATE, 1, 0, NULL, 0);
	pthread_join(t, NULL);
	return 0;
}
