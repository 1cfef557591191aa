/* futex(2) WAIT/WAKE and the BITSET variants, private: EAGAIN when the
 * word does not hold the expected value, ETIMEDOUT after a relative (WAIT)
 * or absolute (WAIT_BITSET) timeout, a waiter in another thread is woken
 * and WAKE returns how many were woken. */
#include <linux/futex.h>
#include <pthread.h>
#include <stdint.h>
#include <time.h>
#include "check.h"

static uint32_t word;
static volatile int woke;

static long fx(uint32_t *uaddr, int op, uint32_t val, const struct timespec *ts, uint32_t val3)
{
	return syscall(SYS_futex, uaddr, op, val, ts, NULL, val3);
}

static long long now_ns(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000000000LL + t.tv_nsec;
}

static void *waiter(void *a)
{
	int op = (int)(intptr_t)a;
	while (__atomic_load_n(&word, __ATOMIC_SEQ_CST) == 0)
		fx(&word, op, 0, NULL, 0x2);   /* bitset 0x2 for WAIT_BITSET */
	woke = 1;
	return NULL;
}

/* Start a waiter, then wake it with op: spin on WAKE until it returns 1. */
static void wake_one(int wait_op, int wake_op, uint32_t bits)
{
	pthread_t t;
	word = 0;
	woke = 0;
	CHECK(pthread_create(&t, NULL, waiter, (void *)(intptr_t)wait_op) == 0, "create");
	long n = 0;
	for (int i = 0; i < 5000 && n == 0; i++) {
		usleep(1000);
		n = fx(&word, wake_op, 1, NULL, bits);
	}
	CHECK(n == 1, "wake (op %d) woke %ld, want 1", wake_op, n);
	__atomic_store_n(&word, 1, __ATOMIC_SEQ_CST);
	fx(&word, wake_op, 1, NULL, bits);
	CHECK(pthread_join(t, NULL) == 0 && woke, "waiter did not finish");
}

int main(void)
{
	word = 5;
	CHECK_ERRNO(fx(&word, FUTEX_WAIT_PRIVATE, 4, NULL, 0), EAGAIN);
	CHECK(fx(&word, FUTEX_WAKE_PRIVATE, 1, NULL, 0) == 0, "wake with no waiters");

	struct timespec ts = { 0, 50000000 };
	long long t0 = now_ns();
	CHECK_ERRNO(fx(&word, FUTEX_WAIT_PRIVATE, 5, &ts, 0), ETIMEDOUT);
	CHECK(now_ns() - t0 >= 50000000, "relative timeout too short: %lld ns", now_ns() - t0);

	/* WAIT_BITSET takes an absolute CLOCK_MONOTONIC time. */
	clock_gettime(CLOCK_MONOTONIC, &ts);
	ts.tv_nsec += 50000000;
	if (ts.tv_nsec >= 1000000000) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000;
	}
	t0 = now_ns();
	CHECK_ERRNO(fx(&word, FUTEX_WAIT_BITSET_PRIVATE, 5, &ts, FUTEX_BITSET_MATCH_ANY), ETIMEDOUT);
	CHECK(now_ns() - t0 >= 40000000, "absolute timeout too short: %lld ns", now_ns() - t0);
	CHECK_ERRNO(fx(&word, FUTEX_WAIT_BITSET_PRIVATE, 5, NULL, 0), EINVAL);
	struct timespec bad = { 0, 1000000000 };
	CHECK_ERRNO(fx(&word, FUTEX_WAIT_PRIVATE, 5, &bad, 0), EINVAL);
	CHECK_ERRNO(fx((uint32_t *)((char *)&word + 1), FUTEX_WAIT_PRIVATE, 5, NULL, 0), EINVAL);
	CHECK_ERRNO(fx(KERNEL_PTR, FUTEX_WAIT_PRIVATE, 5, NULL, 0), EFAULT);

	wake_one(FUTEX_WAIT_PRIVATE, FUTEX_WAKE_PRIVATE, 0);
	wake_one(FUTEX_WAIT, FUTEX_WAKE, 0);   /* shared ops on private memory */
	wake_one(FUTEX_WAIT_BITSET_PRIVATE, FUTEX_WAKE_BITSET_PRIVATE, 0x6);

	/* A WAKE_BITSET whose bits miss the waiter's bitset wakes nobody. */
	pthread_t t;
	word = 0;
	woke = 0;
	CHECK(pthread_create(&t, NULL, waiter, (void *)(intptr_t)FUTEX_WAIT_BITSET_PRIVATE) == 0, "create");
	usleep(100000);
	CHECK(fx(&word, FUTEX_WAKE_BITSET_PRIVATE, 1, NULL, 0x1) == 0, "bitset 0x1 woke a 0x2 waiter");
	CHECK(!woke, "waiter woke");
	__atomic_store_n(&word, 1, __ATOMIC_SEQ_CST);
	CHECK(fx(&word, FUTEX_WAKE_PRIVATE, 1, NULL, 0) == 1, "plain WAKE (any bits) missed it");
	pthread_join(t, NULL);
	return 0;
}
