/* futex_waitv(2), and the futex2 calls futex_wait/futex_wake/futex_requeue
 * (Linux 6.7): the index of the woken word, EAGAIN for a word that changed,
 * ETIMEDOUT at an absolute deadline on either clock, EINTR from a handler
 * without SA_RESTART, EINVAL for bad flags, counts, alignment and clocks,
 * EFAULT for a bad vector or word; futex_wake(2) with nr 0 wakes none
 * where FUTEX_WAKE with 0 wakes one.  (The sentry had none of them.) */
#define _GNU_SOURCE
#include <linux/futex.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <time.h>
#include "check.h"

#ifndef FUTEX2_SIZE_U32
#define FUTEX2_SIZE_U32 0x02
#define FUTEX2_PRIVATE FUTEX_PRIVATE_FLAG
#endif
#ifndef SYS_futex_wake
#define SYS_futex_wake 454
#define SYS_futex_wait 455
#define SYS_futex_requeue 456
#endif
#define U32P (FUTEX2_SIZE_U32 | FUTEX2_PRIVATE)

static uint32_t words[3];
static struct futex_waitv vec[3];
static volatile long result, result_errno;
static volatile int done;

static long waitv(struct futex_waitv *v, unsigned n, unsigned flags, struct timespec *ts,
		  clockid_t clk)
{
	return syscall(SYS_futex_waitv, v, n, flags, ts, clk);
}

static void setvec(unsigned flags)
{
	for (int i = 0; i < 3; i++)
		vec[i] = (struct futex_waitv){ .val = words[i], .uaddr = (uintptr_t)&words[i],
					       .flags = flags };
}

static void *waiter(void *arg)
{
	(void)arg;
	errno = 0;
	result = waitv(vec, 3, 0, NULL, 0);
	result_errno = errno;
	__atomic_store_n(&done, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

/* Wake word i with wake() until it wakes the waiter thread; its result. */
static long wake_until(pthread_t th, long (*wake)(uint32_t *), int i)
{
	for (int n = 0; n < 10000 && !wake(&words[i]); n++)
		usleep(1000);
	pthread_join(th, NULL);
	return result;
}

static long old_wake(uint32_t *w)
{
	return syscall(SYS_futex, w, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
}

static long new_wake(uint32_t *w)
{
	return syscall(SYS_futex_wake, w, FUTEX_BITSET_MATCH_ANY, 1, U32P);
}

static void deadline(clockid_t clk, struct timespec *ts)
{
	clock_gettime(clk, ts);
	ts->tv_nsec += 20 * 1000000;
	if (ts->tv_nsec >= 1000000000) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000;
	}
}

static void on_usr1(int sig)
{
	(void)sig;
}

static void errors(void)
{
	struct timespec ts;
	struct futex_waitv bad;

	setvec(U32P);
	CHECK_ERRNO(waitv(vec, 3, 1, NULL, 0), EINVAL);
	CHECK_ERRNO(waitv(vec, 0, 0, NULL, 0), EINVAL);
	CHECK_ERRNO(waitv(vec, FUTEX_WAITV_MAX + 1, 0, NULL, 0), EINVAL);
	CHECK_ERRNO(waitv(NULL, 1, 0, NULL, 0), EINVAL);
	CHECK_ERRNO(waitv(KERNEL_PTR, 1, 0, NULL, 0), EFAULT);
	deadline(CLOCK_MONOTONIC, &ts);
	CHECK_ERRNO(waitv(vec, 3, 0, &ts, CLOCK_BOOTTIME), EINVAL);
	CHECK_ERRNO(waitv(vec, 3, 0, KERNEL_PTR, CLOCK_MONOTONIC), EFAULT);
	bad = vec[0];
	bad.flags = FUTEX2_PRIVATE;                     /* no size */
	CHECK_ERRNO(waitv(&bad, 1, 0, NULL, 0), EINVAL);
	bad = vec[0];
	bad.__reserved = 1;
	CHECK_ERRNO(waitv(&bad, 1, 0, NULL, 0), EINVAL);
	bad = vec[0];
	bad.uaddr += 1;                                 /* unaligned */
	CHECK_ERRNO(waitv(&bad, 1, 0, NULL, 0), EINVAL);
	bad = vec[0];
	bad.val = 1ULL << 32;                           /* does not fit 32 bits */
	CHECK_ERRNO(waitv(&bad, 1, 0, NULL, 0), EINVAL);
	bad = vec[0];
	bad.uaddr = 4096;                               /* unmapped word */
	CHECK_ERRNO(waitv(&bad, 1, 0, NULL, 0), EFAULT);
	vec[2].val = words[2] + 1;                      /* the third changed */
	CHECK_ERRNO(waitv(vec, 3, 0, NULL, 0), EAGAIN);
}

static void timeouts(void)
{
	struct timespec ts, t0, t1;

	setvec(U32P);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	deadline(CLOCK_MONOTONIC, &ts);
	CHECK_ERRNO(waitv(vec, 3, 0, &ts, CLOCK_MONOTONIC), ETIMEDOUT);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	CHECK(t1.tv_sec > ts.tv_sec || (t1.tv_sec == ts.tv_sec && t1.tv_nsec >= ts.tv_nsec),
	      "returned before its deadline");
	deadline(CLOCK_REALTIME, &ts);
	CHECK_ERRNO(waitv(vec, 3, 0, &ts, CLOCK_REALTIME), ETIMEDOUT);
}

static void wakes(void)
{
	pthread_t th;

	/* woken by futex(FUTEX_WAKE_PRIVATE) on the second word */
	setvec(U32P);
	CHECK_OK(-pthread_create(&th, NULL, waiter, NULL));
	CHECK(wake_until(th, old_wake, 1) == 1, "waitv woken on word 1 gave %ld (%s)", result,
	      strerror((int)result_errno));
	/* a shared word (no FUTEX2_PRIVATE), woken by futex_wake(2) on the third */
	setvec(FUTEX2_SIZE_U32);
	for (int i = 0; i < 3; i++)
		vec[i].flags = i == 2 ? U32P : FUTEX2_SIZE_U32;
	CHECK_OK(-pthread_create(&th, NULL, waiter, NULL));
	CHECK(wake_until(th, new_wake, 2) == 2, "waitv woken on word 2 gave %ld (%s)", result,
	      strerror((int)result_errno));
	/* a signal whose handler has no SA_RESTART: EINTR */
	struct sigaction sa = { .sa_handler = on_usr1 };
	CHECK_OK(sigaction(SIGUSR1, &sa, NULL));
	setvec(U32P);
	done = 0;
	CHECK_OK(-pthread_create(&th, NULL, waiter, NULL));
	for (int n = 0; n < 2000 && !__atomic_load_n(&done, __ATOMIC_SEQ_CST); n++) {
		usleep(5000);
		pthread_kill(th, SIGUSR1);
	}
	pthread_join(th, NULL);
	CHECK(result == -1 && result_errno == EINTR, "waitv interrupted: %ld errno %ld", result,
	      result_errno);
}

static uint32_t word_a, word_b;
static volatile long w2_result;

static void *waiter2(void *arg)
{
	(void)arg;
	w2_result = syscall(SYS_futex_wait, &word_a, 0, FUTEX_BITSET_MATCH_ANY, U32P, NULL, 0);
	return NULL;
}

/* futex_wait/futex_wake/futex_requeue (6.7); 0 if the host lacks them. */
static int futex2(void)
{
	struct futex_waitv rq[2] = {
		{ .val = 0, .uaddr = (uintptr_t)&word_a, .flags = U32P },
		{ .val = 0, .uaddr = (uintptr_t)&word_b, .flags = U32P },
	};
	struct timespec ts;
	pthread_t th;
	long moved = 0;

	if (syscall(SYS_futex_wake, &word_a, FUTEX_BITSET_MATCH_ANY, 1, U32P) < 0 &&
	    errno == ENOSYS)
		return 0;
	CHECK_ERRNO(syscall(SYS_futex_wait, &word_a, 1, FUTEX_BITSET_MATCH_ANY, U32P, NULL, 0),
		    EAGAIN);
	CHECK_ERRNO(syscall(SYS_futex_wait, &word_a, 0, 0, U32P, NULL, 0), EINVAL);
	CHECK_ERRNO(syscall(SYS_futex_wait, &word_a, 0, FUTEX_BITSET_MATCH_ANY, FUTEX2_PRIVATE,
			    NULL, 0), EINVAL);
	deadline(CLOCK_MONOTONIC, &ts);
	CHECK_ERRNO(syscall(SYS_futex_wait, &word_a, 0, FUTEX_BITSET_MATCH_ANY, U32P, &ts,
			    CLOCK_MONOTONIC), ETIMEDOUT);
	CHECK_ERRNO(syscall(SYS_futex_wait, &word_a, 0, FUTEX_BITSET_MATCH_ANY, U32P, &ts,
			    CLOCK_TAI), EINVAL);
	CHECK_ERRNO(syscall(SYS_futex_requeue, rq, 1, 0, 1), EINVAL);
	rq[0].val = 1;
	CHECK_ERRNO(syscall(SYS_futex_requeue, rq, 0, 0, 1), EAGAIN);
	rq[0].val = 0;
	/* a waiter on a, moved to b, woken there; nr 0 wakes none */
	CHECK_OK(-pthread_create(&th, NULL, waiter2, NULL));
	for (int n = 0; n < 10000 && !moved; n++) {
		usleep(1000);
		moved = syscall(SYS_futex_requeue, rq, 0, 0, 1);
		CHECK(moved >= 0, "futex_requeue: %s", strerror(errno));
	}
	CHECK(moved == 1, "futex_requeue moved %ld", moved);
	CHECK(syscall(SYS_futex_wake, &word_a, FUTEX_BITSET_MATCH_ANY, 1, U32P) == 0,
	      "a waiter left on a");
	CHECK(syscall(SYS_futex_wake, &word_b, FUTEX_BITSET_MATCH_ANY, 0, U32P) == 0,
	      "futex_wake(2) with nr 0 woke someone");
	CHECK(syscall(SYS_futex, &word_b, FUTEX_WAKE_PRIVATE, 0, NULL, NULL, 0) == 1,
	      "FUTEX_WAKE with nr 0 did not wake the one waiter");
	pthread_join(th, NULL);
	CHECK(w2_result == 0, "futex_wait(2) woken: %ld", w2_result);
	return 1;
}

int main(void)
{
	words[0] = 7;
	words[1] = 0;
	words[2] = 0xffffffff;
	errors();
	timeouts();
	wakes();
	if (!futex2())
		printf("futex_wait/futex_wake/futex_requeue: not in this kernel, not checked\n");
	return 0;
}
