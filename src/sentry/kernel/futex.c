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

/*
 * Move up to nr2 waiters of uaddr to uaddr2 after waking nr (REQUEUE), if
 * *uaddr still holds val (CMP_REQUEUE).  A waiter sleeps on its bucket, so
 * it is only moved within one; across buckets it is woken instead (a
 * spurious wake-up, which every futex user must accept).
 */
static long futex_requeue(struct task *t, uint64_t uaddr, uint64_t uaddr2, bool shared,
			  int nr, int nr2, bool cmp, uint32_t val)
{
	const void *m1, *m2;
	uint64_t a1, a2;
	struct bucket *b1, *b2;
	long done = 0;
	int moved = 0;

	if (nr < 0 || nr2 < 0)
		return -EINVAL;
	futex_key(t, uaddr, shared, &m1, &a1);
	futex_key(t, uaddr2, shared, &m2, &a2);
	b1 = bucket_of(m1, a1);
	b2 = bucket_of(m2, a2);
	pthread_mutex_lock(&b1->lock);
	if (cmp) {
		uint32_t cur;

		if (copy_from_user(t->tg->mm, &cur, uaddr, sizeof(cur)))
			done = -EFAULT;
		else if (cur != val)
			done = -EAGAIN;
	}
	for (struct waiter **pp = &b1->head; done >= 0 && *pp;) {
		struct waiter *w = *pp;

		if (w->mm != m1 || w->addr != a1) {
			pp = &w->next;
			continue;
		}
		if (done < nr) {
			*pp = w->next;
			w->woken = true;
			done++;
		} else if (moved < nr2) {
			if (b1 == b2) {
				w->mm = m2;
				w->addr = a2;
				pp = &w->next;
			} else {
				*pp = w->next;
				w->woken = true;
			}
			moved++;
		} else {
			break;
		}
	}
	pthread_cond_broadcast(&b1->cv);
	pthread_mutex_unlock(&b1->lock);
	return done < 0 ? done : done + (cmp ? moved : 0);
}

/* FUTEX_WAKE_OP: *uaddr2 = op(*uaddr2, arg); wake uaddr; maybe wake uaddr2. */
static long futex_wake_op(struct task *t, uint64_t uaddr, uint64_t uaddr2, bool shared,
			  int nr, int nr2, uint32_t encoded)
{
	int op = (encoded >> 28) & 7, cmp = (encoded >> 24) & 15;
	int oparg = (int)((encoded << 8) >> 20), cmparg = (int)((encoded << 20) >> 20);
	struct bucket *b = bucket_of(t->tg->mm, uaddr2);
	uint32_t old, nv;
	bool hit;
	long n;

	if (encoded & (8U << 28))
		oparg = 1 << (oparg & 31);
	pthread_mutex_lock(&b->lock);   /* serialises against waiters of uaddr2 */
	if (copy_from_user(t->tg->mm, &old, uaddr2, 4)) {
		pthread_mutex_unlock(&b->lock);
		return -EFAULT;
	}
	switch (op) {
	case 0: nv = (uint32_t)oparg; break;
	case 1: nv = old + (uint32_t)oparg; break;
	case 2: nv = old | (uint32_t)oparg; break;
	case 3: nv = old & ~(uint32_t)oparg; break;
	case 4: nv = old ^ (uint32_t)oparg; break;
	default:
		pthread_mutex_unlock(&b->lock);
		return -ENOSYS;
	}
	if (copy_to_user(t->tg->mm, uaddr2, &nv, 4)) {
		pthread_mutex_unlock(&b->lock);
		return -EFAULT;
	}
	pthread_mutex_unlock(&b->lock);
	switch (cmp) {
	case 0: hit = (int)old == cmparg; break;
	case 1: hit = (int)old != cmparg; break;
	case 2: hit = (int)old < cmparg; break;
	case 3: hit = (int)old <= cmparg; break;
	case 4: hit = (int)old > cmparg; break;
	case 5: hit = (int)old >= cmparg; break;
	default: return -ENOSYS;
	}
	n = futex_wake(t, uaddr, shared, nr, FUTEX_BITSET_MATCH_ANY);
	if (n >= 0 && hit)
		n += futex_wake(t, uaddr2, shared, nr2, FUTEX_BITSET_MATCH_ANY);
	return n;
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
	case FUTEX_REQUEUE:
		return futex_requeue(t, addr, a->a[4], shared, ARG_INT(a, 2), (int)a->a[3],
				     false, 0);
	case FUTEX_CMP_REQUEUE:
		return futex_requeue(t, addr, a->a[4], shared, ARG_INT(a, 2), (int)a->a[3],
				     true, ARG_UINT(a, 5));
	case FUTEX_WAKE_OP:
		return futex_wake_op(t, addr, a->a[4], shared, ARG_INT(a, 2), (int)a->a[3],
				     ARG_UINT(a, 5));
	default:
		return -ENOSYS;         /* PI futexes: not yet */
	}
}

/*
 * Robust futexes at thread exit: every lock the thread still holds on its
 * robust list gets FUTEX_OWNER_DIED and one waiter woken, as Linux's
 * exit_robust_list() does, so that pthread robust mutexes recover.
 */
void exit_robust_list(struct task *t)
{
	struct { uint64_t next; int64_t offset; uint64_t pending; } head;
	struct mm *mm = t->tg->mm;
	uint64_t entry;

	if (!t->robust_list || copy_from_user(mm, &head, t->robust_list, sizeof(head)))
		return;
	entry = head.next;
	for (int n = 0; entry && entry != t->robust_list && n < 2048; n++) {
		uint64_t word = entry + (uint64_t)head.offset, next;
		uint32_t v;

		if (copy_from_user(mm, &next, entry, sizeof(next)))
			break;
		if (!copy_from_user(mm, &v, word, sizeof(v)) &&
		    (v & FUTEX_TID_MASK) == (uint32_t)t->tid) {
			v = (v & FUTEX_WAITERS) | FUTEX_OWNER_DIED;
			if (!copy_to_user(mm, word, &v, sizeof(v)))
				futex_wake(t, word, true, 1, FUTEX_BITSET_MATCH_ANY);
		}
		entry = next;
	}
}
