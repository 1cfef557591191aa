/* SPDX-License-Identifier: MIT */
/*
 * Futexes, in the sentry (DESIGN.md §4).  A waiter checks the word and
 * queues under the bucket lock, and a waker takes the same lock, so a wake
 * between the check and the sleep is never lost.  Keys are (address space,
 * address) for private futexes and shared ones alike until processes can
 * share memory (the process model adds shared keys).
 */
#include <errno.h>
#include <linux/futex.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>

#include "kernel/kernel.h"
#include "mm/mm.h"
#include "syscalls/syscalls.h"

#define NR_BUCKETS 64

struct waiter {
	const void *mm;
	uint64_t addr;
	uint32_t bitset;
	bool woken;
	struct task *t;
	struct waiter *next;
};

static struct bucket {
	pthread_mutex_t lock;
	pthread_cond_t cv;
	struct waiter *head;
} buckets[NR_BUCKETS];

static pthread_once_t once = PTHREAD_ONCE_INIT;

static void init_buckets(void)
{
	pthread_condattr_t ca;

	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	for (int i = 0; i < NR_BUCKETS; i++) {
		pthread_mutex_init(&buckets[i].lock, NULL);
		pthread_cond_init(&buckets[i].cv, &ca);
	}
}

/*
 * The key of a futex word: (address space, address) for private futexes;
 * for shared ones in a shared file mapping, (backing host fd, file offset),
 * which every process mapping that file agrees on (memfs files have one
 * memfd each).
 */
static void futex_key(struct task *t, uint64_t addr, bool shared, const void **k1,
		      uint64_t *k2)
{
	struct mm *mm = t->tg->mm;
	struct vma *v;

	*k1 = mm;
	*k2 = addr;
	if (!shared)
		return;
	pthread_mutex_lock(&mm->lock);
	v = vma_lookup(&mm->vmas, addr);
	if (v && v->kind == VMA_FILE && (v->flags & MAP_SHARED) && v->host_fd >= 0) {
		*k1 = (const void *)(uintptr_t)(0x100000000ULL + (uint64_t)v->host_fd);
		*k2 = v->off + (addr - v->start);
	}
	pthread_mutex_unlock(&mm->lock);
}

static struct bucket *bucket_of(const void *mm, uint64_t addr)
{
	uint64_t h = ((uint64_t)(uintptr_t)mm ^ addr) * 0x9e3779b97f4a7c15ULL;

	pthread_once(&once, init_buckets);
	return &buckets[h >> 58];
}

static void unqueue(struct bucket *b, struct waiter *w)
{
	for (struct waiter **pp = &b->head; *pp; pp = &(*pp)->next)
		if (*pp == w) {
			*pp = w->next;
			return;
		}
}

/*
 * Sleep until woken, the deadline (CLOCK_MONOTONIC, NULL: none) or a kick.
 * Kicks cannot signal the condition variable, so sleeps are sliced.
 */
static int futex_wait(struct task *t, uint64_t addr, bool shared, uint32_t val,
		      uint32_t bitset, const struct timespec *deadline)
{
	struct waiter w = { .bitset = bitset, .t = t };
	struct bucket *b;
	uint32_t cur;
	int err = 0;

	futex_key(t, addr, shared, &w.mm, &w.addr);
	b = bucket_of(w.mm, w.addr);
	pthread_mutex_lock(&b->lock);
	if (copy_from_user(t->tg->mm, &cur, addr, sizeof(cur))) {
		pthread_mutex_unlock(&b->lock);
		return -EFAULT;
	}
	if (cur != val) {
		pthread_mutex_unlock(&b->lock);
		return -EAGAIN;
	}
	w.next = b->head;
	b->head = &w;
	while (!w.woken) {
		struct timespec now, until;

		if (__atomic_load_n(&t->kicked, __ATOMIC_SEQ_CST)) {
			err = -EINTR;
			break;
		}
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (deadline && (now.tv_sec > deadline->tv_sec ||
				 (now.tv_sec == deadline->tv_sec && now.tv_nsec >= deadline->tv_nsec))) {
			err = -ETIMEDOUT;
			break;
		}
		until = now;
		until.tv_nsec += 50000000;
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
		if (deadline && (deadline->tv_sec < until.tv_sec ||
				 (deadline->tv_sec == until.tv_sec && deadline->tv_nsec < until.tv_nsec)))
			until = *deadline;
		pthread_cond_timedwait(&b->cv, &b->lock, &until);
	}
	if (!w.woken)
		unqueue(b, &w);
	else
		err = 0;
	pthread_mutex_unlock(&b->lock);
	return err;
}

static long futex_wake(struct task *t, uint64_t uaddr, bool shared, int nr, uint32_t bitset)
{
	const void *mm;
	uint64_t addr;
	struct bucket *b;
	long woken = 0;

	if (!bitset)
		return -EINVAL;
	futex_key(t, uaddr, shared, &mm, &addr);
	b = bucket_of(mm, addr);
	pthread_mutex_lock(&b->lock);
	for (struct waiter **pp = &b->head; *pp && woken < nr;) {
		struct waiter *w = *pp;

		if (w->mm == mm && w->addr == addr && (w->bitset & bitset)) {
			*pp = w->next;
			w->woken = true;
			woken++;
		} else {
			pp = &w->next;
		}
	}
	if (woken)
		pthread_cond_broadcast(&b->cv);
	pthread_mutex_unlock(&b->lock);
	return woken;
}

/* The timeout argument as an absolute CLOCK_MONOTONIC deadline. */
static int deadline_of(struct task *t, uint64_t uts, int cmd, int op,
		       struct timespec *dl)
{
	struct timespec ts, now, mono;

	if (copy_from_user(t->tg->mm, &ts, uts, sizeof(ts)))
		return -EFAULT;
	if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= 1000000000L)
		return -EINVAL;
	if (cmd == FUTEX_WAIT) {                /* relative */
		clock_gettime(CLOCK_MONOTONIC, &now);
	} else {                                /* absolute, on its clock */
		clock_gettime((op & FUTEX_CLOCK_REALTIME) ? CLOCK_REALTIME : CLOCK_MONOTONIC,
			      &now);
		clock_gettime(CLOCK_MONOTONIC, &mono);
		ts.tv_sec -= now.tv_sec;
		ts.tv_nsec -= now.tv_nsec;
		now = mono;
	}
	dl->tv_sec = now.tv_sec + ts.tv_sec;
	dl->tv_nsec = now.tv_nsec + ts.tv_nsec;
	while (dl->tv_nsec >= 1000000000L) {
		dl->tv_sec++;
		dl->tv_nsec -= 1000000000L;
	}
	while (dl->tv_nsec < 0) {
		dl->tv_sec--;
		dl->tv_nsec += 1000000000L;
	}
	return 0;
}

long sys_futex(struct task *t, const struct syscall_args *a)
{
	int op = ARG_INT(a, 1), cmd = op & FUTEX_CMD_MASK;
	bool shared = !(op & FUTEX_PRIVATE_FLAG);
	uint64_t addr = a->a[0];
	struct timespec dl;
	int err;

	if (addr & 3)
		return -EINVAL;
	switch (cmd) {
	case FUTEX_WAIT:
	case FUTEX_WAIT_BITSET: {
		uint32_t bitset = cmd == FUTEX_WAIT ? FUTEX_BITSET_MATCH_ANY : ARG_UINT(a, 5);

		if (!bitset)
			return -EINVAL;
		if (a->a[3] && (err = deadline_of(t, a->a[3], cmd, op, &dl)))
			return err;
		return futex_wait(t, addr, shared, ARG_UINT(a, 2), bitset, a->a[3] ? &dl : NULL);
	}
	case FUTEX_WAKE:
		return futex_wake(t, addr, shared, ARG_INT(a, 2), FUTEX_BITSET_MATCH_ANY);
	case FUTEX_WAKE_BITSET:
		return futex_wake(t, addr, shared, ARG_INT(a, 2), ARG_UINT(a, 5));
	default:
		return -ENOSYS;         /* REQUEUE, WAKE_OP, PI: the process model issue */
	}
}
