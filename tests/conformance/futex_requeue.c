/* futex(2) REQUEUE and CMP_REQUEUE: wake val waiters and move up to val2
 * others to the second word, where a WAKE finds them; the return value is
 * woken + moved; CMP_REQUEUE fails with EAGAIN when the word no longer
 * holds val3. (WAKE_OP: futex_wake_op.c) */
#include <linux/futex.h>
#include <pthread.h>
#include <stdint.h>
#include "check.h"

#define N 4
static uint32_t a, b;
static volatile int done;

static long fx(uint32_t *u, int op, uint32_t val, long val2, uint32_t *u2, uint32_t val3)
{
	return syscall(SYS_futex, u, op, val, (void *)val2, u2, val3);
}

static void *waiter(void *arg)
{
	(void)arg;
	while (!__atomic_load_n(&a, __ATOMIC_SEQ_CST))
		fx(&a, FUTEX_WAIT_PRIVATE, 0, 0, NULL, 0);
	__atomic_add_fetch(&done, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

static void run(int op, const char *name)
{
	pthread_t t[N];
	a = b = 0;
	done = 0;
	for (int i = 0; i < N; i++)
		CHECK(pthread_create(&t[i], NULL, waiter, NULL) == 0, "create");
	/* Move all N from a to b, waking none. Threads fall asleep at their own
	 * pace: repeat (for at most 5 s) until all N were moved. */
	long total = 0;
	for (int i = 0; i < 5000 && total < N; i++) {
		usleep(1000);
		long r = fx(&a, op, 0, N, &b, 0);
		CHECK(r >= 0, "%s a->b: %s", name, strerror(errno));
		total += r;
	}
	CHECK(total == N, "%s: moved %ld of %d waiters", name, total, N);
	CHECK(fx(&a, FUTEX_WAKE_PRIVATE, N, 0, NULL, 0) == 0, "%s: waiters left on a", name);

	/* And back: wake 1, move the other N-1 to a. */
	long r = fx(&b, op, 1, N, &a, 0);
	CHECK(r == N, "%s b->a: returned %ld, want %d (1 woken + %d moved)", name, r, N, N - 1);
	CHECK(fx(&b, FUTEX_WAKE_PRIVATE, N, 0, NULL, 0) == 0, "%s: waiters left on b", name);

	/* Let them all finish (the woken one may be waiting on a again). */
	__atomic_store_n(&a, 1, __ATOMIC_SEQ_CST);
	r = fx(&a, FUTEX_WAKE_PRIVATE, N, 0, NULL, 0);
	CHECK(r >= N - 1, "%s: woke %ld on a, want at least the %d moved", name, r, N - 1);
	for (int i = 0; i < N; i++)
		pthread_join(t[i], NULL);
	CHECK(done == N, "%s: %d of %d waiters finished", name, done, N);
}

int main(void)
{
	run(FUTEX_REQUEUE_PRIVATE, "REQUEUE");
	run(FUTEX_CMP_REQUEUE_PRIVATE, "CMP_REQUEUE");

	a = 7;
	CHECK_ERRNO(fx(&a, FUTEX_CMP_REQUEUE_PRIVATE, 1, 1, &b, 6), EAGAIN);
	CHECK(fx(&a, FUTEX_CMP_REQUEUE_PRIVATE, 1, 1, &b, 7) == 0, "CMP_REQUEUE, "
	      "value matches, no waiters: %s", strerror(errno));
	CHECK_ERRNO(fx(&a, FUTEX_CMP_REQUEUE_PRIVATE, 1, -1, &b, 7), EINVAL);
	return 0;
}
