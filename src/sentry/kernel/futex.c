/* SPDX-License-Identifier: MIT */
/*
 * Futexes, in the sentry (DESIGN.md §4).  A waiter checks the word and
 * queues under the bucket lock, and a waker takes the same lock, so a wake
 * between the check and the sleep is never lost.  Keys name the memory, not
 * the address, where memory is shared between processes (futex_key()).
 */
#include <errno.h>
#include <linux/futex.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>

#include "kernel/kernel.h"
#include "mm/mm.h"

#define NR_BUCKETS 64

enum key_type { KEY_MM, KEY_FILE, KEY_SHM };

/* (type, obj, off): (mm, address), (host fd, offset) or (shm id, offset). */
struct futex_key {
	enum key_type type;
	uint64_t obj, off;
};

/*
 * A waiter sleeps in its task's own sleep (task_block()), so that a wake
 * and a signal end the same sleep; requeue can move it to another bucket:
 * b changes only under the locks of both buckets.
 */
struct waiter {
	struct futex_key key;
	uint32_t bitset;
	bool woken;
	struct bucket *b;
	struct task *task;
	struct waiter *next;
};

static struct bucket {
	pthread_mutex_t lock;
	struct waiter *head;
} buckets[NR_BUCKETS];

static pthread_once_t once = PTHREAD_ONCE_INIT;

static void init_buckets(void)
{
	for (int i = 0; i < NR_BUCKETS; i++)
		pthread_mutex_init(&buckets[i].lock, NULL);
}

/*
 * The key of a futex word: (address space, address) for private futexes
 * and shared ones in private memory.  In shared memory, the backing object
 * and offset, which every process mapping it agrees on, as Linux keys by
 * inode and page: for a file, its host inode; for shared anonymous
 * memory, the id fork copies with the VMA.
 */
static int futex_key(struct task *t, uint64_t addr, bool shared, struct futex_key *k)
{
	struct mm *mm = t->tg->mm;
	struct vma *v;
	uint32_t word;

	*k = (struct futex_key){ KEY_MM, (uint64_t)(uintptr_t)mm, addr };
	if (!shared)
		return 0;
	/* a shared key names the page, which must be there to be named:
	 * unmapped, PROT_NONE or past the end of its file is EFAULT, as
	 * Linux's get_futex_key finds no page (a private key needs none) */
	if (copy_from_user(mm, &word, addr, sizeof(word)))
		return -EFAULT;
	pthread_mutex_lock(&mm->lock);
	v = vma_lookup(&mm->vmas, addr);
	if (v && (v->flags & MAP_SHARED)) {
		if (v->shm_id)
			*k = (struct futex_key){ KEY_SHM, v->shm_id, 0 };
		else if (v->kind == VMA_FILE && v->file_id)
			*k = (struct futex_key){ KEY_FILE, v->file_id, 0 };
		if (k->type != KEY_MM)
			k->off = v->off + (addr - v->start);
	}
	pthread_mutex_unlock(&mm->lock);
	return 0;
}

static bool key_eq(const struct futex_key *a, const struct futex_key *b)
{
	return a->type == b->type && a->obj == b->obj && a->off == b->off;
}

static struct bucket *bucket_of(const struct futex_key *k)
{
	uint64_t h = (k->obj ^ k->off ^ ((uint64_t)k->type << 32)) * 0x9e3779b97f4a7c15ULL;

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

/* Wake a waiter its caller has unqueued; w may be gone once b is unlocked. */
static void wake_waiter(struct waiter *w)
{
	struct task *t = w->task;       /* lives on: it is asleep in a syscall */

	__atomic_store_n(&w->woken, true, __ATOMIC_SEQ_CST);
	task_wake(t);
}

/*
 * Lock the bucket w is queued in, having held (and still holding) b, the
 * one it was in: a requeue may have moved it meanwhile.
 */
static struct bucket *relock(struct waiter *w, struct bucket *b)
{
	while (b != __atomic_load_n(&w->b, __ATOMIC_ACQUIRE)) {
		pthread_mutex_unlock(&b->lock);
		b = __atomic_load_n(&w->b, __ATOMIC_ACQUIRE);
		pthread_mutex_lock(&b->lock);
	}
	return b;
}

/*
 * Sleep on w, queued in b (locked), until woken, the deadline
 * (CLOCK_MONOTONIC, NULL: none) or a signal; unqueues w unless woken.
 */
static int sleep_queued(struct task *t, struct waiter *w, struct bucket *b,
			const struct timespec *deadline)
{
	int err = 0;

	for (;;) {
		task_prepare_wait(t);
		if (w->woken)
			break;
		pthread_mutex_unlock(&b->lock);
		err = task_block(t, deadline, NULL, 0);
		b = __atomic_load_n(&w->b, __ATOMIC_ACQUIRE);
		pthread_mutex_lock(&b->lock);
		b = relock(w, b);
		if (err < 0 && !w->woken)
			break;
	}
	if (!w->woken)
		unqueue(b, w);
	else
		err = 0;
	pthread_mutex_unlock(&b->lock);
	return err;
}

static long futex_wait_restart(struct task *t);

/*
 * Interrupted, a wait with no timeout is run again if SA_RESTART says so;
 * one with a timeout fails with EINTR if a handler runs, else goes on in
 * restart_syscall to the same deadline (Linux's futex_wait_restart()).
 */
static int futex_wait(struct task *t, uint64_t addr, bool shared, uint32_t val,
		      uint32_t bitset, const struct timespec *deadline)
{
	struct waiter w = { .bitset = bitset, .task = t };
	struct bucket *b;
	uint32_t cur;
	int err;

	if (futex_key(t, addr, shared, &w.key))
		return -EFAULT;
	b = bucket_of(&w.key);
	pthread_mutex_lock(&b->lock);
	if (copy_from_user(t->tg->mm, &cur, addr, sizeof(cur))) {
		pthread_mutex_unlock(&b->lock);
		return -EFAULT;
	}
	if (cur != val) {
		pthread_mutex_unlock(&b->lock);
		return -EAGAIN;
	}
	w.b = b;
	w.next = b->head;
	b->head = &w;
	err = sleep_queued(t, &w, b, deadline);
	if (err == -ERESTARTSYS && deadline) {
		t->restart = (struct restart_block){
			.fn = futex_wait_restart,
			.args = { .a = { addr, shared, val, bitset } },
			.deadline = *deadline,
		};
		err = -ERESTART_RESTARTBLOCK;
	}
	return err;
}

static long futex_wait_restart(struct task *t)
{
	struct restart_block r = t->restart;

	return futex_wait(t, r.args.a[0], r.args.a[1], (uint32_t)r.args.a[2],
			  (uint32_t)r.args.a[3], &r.deadline);
}

/*
 * Wake up to nr waiters whose bitset meets bitset.  futex(FUTEX_WAKE) with
 * nr 0 (or less) wakes one, as it always has on Linux; futex_wake(2) is
 * strict and wakes none.
 */
static long futex_wake_flags(struct task *t, uint64_t uaddr, bool shared, int nr,
			     uint32_t bitset, bool strict)
{
	struct futex_key k;
	struct bucket *b;
	long woken = 0;

	if (!bitset)
		return -EINVAL;
	if (strict && nr <= 0)
		return 0;
	if (nr <= 0)
		nr = 1;
	if (futex_key(t, uaddr, shared, &k))
		return -EFAULT;
	b = bucket_of(&k);
	pthread_mutex_lock(&b->lock);
	for (struct waiter **pp = &b->head; *pp && woken < nr;) {
		struct waiter *w = *pp;

		if (key_eq(&w->key, &k) && (w->bitset & bitset)) {
			*pp = w->next;
			wake_waiter(w);
			woken++;
		} else {
			pp = &w->next;
		}
	}
	pthread_mutex_unlock(&b->lock);
	return woken;
}

static long futex_wake(struct task *t, uint64_t uaddr, bool shared, int nr, uint32_t bitset)
{
	return futex_wake_flags(t, uaddr, shared, nr, bitset, false);
}

/* Lock two buckets in address order (they are one array), once if the same. */
static void lock_two(struct bucket *b1, struct bucket *b2)
{
	pthread_mutex_lock(&(b1 < b2 ? b1 : b2)->lock);
	if (b1 != b2)
		pthread_mutex_lock(&(b1 < b2 ? b2 : b1)->lock);
}

static void unlock_two(struct bucket *b1, struct bucket *b2)
{
	pthread_mutex_unlock(&b1->lock);
	if (b1 != b2)
		pthread_mutex_unlock(&b2->lock);
}

/*
 * Wake up to nr waiters of k1 in b1 and move up to nr2 more to k2 in b2,
 * both locked; the moved ones are spliced in after the walk, so that a
 * requeue within one bucket never meets them again.  Returns woken + moved.
 */
static long requeue_locked(struct bucket *b1, const struct futex_key *k1,
			   struct bucket *b2, const struct futex_key *k2, int nr, int nr2)
{
	struct waiter *moved = NULL, **tail = &moved;
	long woken = 0, n = 0;

	for (struct waiter **pp = &b1->head; *pp && (woken < nr || n < nr2);) {
		struct waiter *w = *pp;

		if (!key_eq(&w->key, k1)) {
			pp = &w->next;
			continue;
		}
		*pp = w->next;
		if (woken < nr) {
			wake_waiter(w);
			woken++;
			continue;
		}
		w->key = *k2;
		__atomic_store_n(&w->b, b2, __ATOMIC_RELEASE);
		*tail = w;
		tail = &w->next;
		n++;
	}
	*tail = b2->head;
	b2->head = moved;
	return woken + n;
}

/*
 * FUTEX_REQUEUE and FUTEX_CMP_REQUEUE (if *uaddr still holds val): like
 * Linux, both answer the number woken plus the number moved.
 */
static long futex_requeue(struct task *t, uint64_t uaddr, bool shared, uint64_t uaddr2,
			  bool shared2, int nr, int nr2, bool cmp, uint32_t val)
{
	struct futex_key k1, k2;
	struct bucket *b1, *b2;
	uint32_t cur;
	long ret;

	if (nr < 0 || nr2 < 0)
		return -EINVAL;
	if (futex_key(t, uaddr, shared, &k1) || futex_key(t, uaddr2, shared2, &k2))
		return -EFAULT;
	b1 = bucket_of(&k1);
	b2 = bucket_of(&k2);
	lock_two(b1, b2);
	if (cmp && copy_from_user(t->tg->mm, &cur, uaddr, sizeof(cur)))
		ret = -EFAULT;
	else if (cmp && cur != val)
		ret = -EAGAIN;
	else
		ret = requeue_locked(b1, &k1, b2, &k2, nr, nr2);
	unlock_two(b1, b2);
	return ret;
}

/* FUTEX_WAKE_OP: *uaddr2 = op(*uaddr2, arg); wake uaddr; maybe wake uaddr2. */
static long futex_wake_op(struct task *t, uint64_t uaddr, uint64_t uaddr2, bool shared,
			  int nr, int nr2, uint32_t encoded)
{
	int op = (encoded >> 28) & 7, cmp = (encoded >> 24) & 15;
	int oparg = (int)((encoded << 8) >> 20), cmparg = (int)((encoded << 20) >> 20);
	struct futex_key k2;
	struct bucket *b;
	uint32_t old, nv;
	bool hit;
	long n;

	if (encoded & (8U << 28))
		oparg = 1 << (oparg & 31);
	if (futex_key(t, uaddr2, shared, &k2))
		return -EFAULT;
	b = bucket_of(&k2);
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

/*
 * One futex operation (Linux's do_futex()): op with its flags, the
 * timeout as an absolute CLOCK_MONOTONIC deadline (NULL: none), val2 the
 * count of FUTEX_REQUEUE and friends.
 */
long do_futex(struct task *t, uint64_t addr, int op, uint32_t val,
	      const struct timespec *deadline, uint32_t val2, uint64_t addr2, uint32_t val3)
{
	int cmd = op & FUTEX_CMD_MASK;
	bool shared = !(op & FUTEX_PRIVATE_FLAG);

	if (addr & 3)
		return -EINVAL;
	switch (cmd) {
	case FUTEX_WAIT:
	case FUTEX_WAIT_BITSET: {
		uint32_t bitset = cmd == FUTEX_WAIT ? FUTEX_BITSET_MATCH_ANY : val3;

		if (!bitset)
			return -EINVAL;
		return futex_wait(t, addr, shared, val, bitset, deadline);
	}
	case FUTEX_WAKE:
		return futex_wake(t, addr, shared, (int)val, FUTEX_BITSET_MATCH_ANY);
	case FUTEX_WAKE_BITSET:
		return futex_wake(t, addr, shared, (int)val, val3);
	case FUTEX_REQUEUE:
		return futex_requeue(t, addr, shared, addr2, shared, (int)val, (int)val2, false, 0);
	case FUTEX_CMP_REQUEUE:
		return futex_requeue(t, addr, shared, addr2, shared, (int)val, (int)val2, true,
				     val3);
	case FUTEX_WAKE_OP:
		return futex_wake_op(t, addr, addr2, shared, (int)val, (int)val2, val3);
	default:
		return -ENOSYS;         /* PI futexes: not yet */
	}
}

/*
 * The futex2 calls (futex_wait(2), futex_wake(2), futex_requeue(2)): the
 * same operations on 32-bit words, each word with its own private flag.
 */
long futex2_wait(struct task *t, const struct futex_vec *f, uint32_t mask,
		 const struct timespec *deadline)
{
	if (f->addr & 3 || !mask)
		return -EINVAL;
	return futex_wait(t, f->addr, f->shared, f->val, mask, deadline);
}

long futex2_wake(struct task *t, const struct futex_vec *f, uint32_t mask, int nr)
{
	if (f->addr & 3)
		return -EINVAL;
	return futex_wake_flags(t, f->addr, f->shared, nr, mask, true);
}

long futex2_requeue(struct task *t, const struct futex_vec f[2], int nr, int nr2)
{
	if ((f[0].addr | f[1].addr) & 3)
		return -EINVAL;
	return futex_requeue(t, f[0].addr, f[0].shared, f[1].addr, f[1].shared, nr, nr2, true,
			     f[0].val);
}

/* Queue w on f's word if it holds f's value, under its bucket's lock. */
static int queue_checked(struct task *t, struct waiter *w, const struct futex_vec *f)
{
	struct bucket *b;
	uint32_t cur;
	int err = 0;

	*w = (struct waiter){ .bitset = FUTEX_BITSET_MATCH_ANY, .task = t };
	if (futex_key(t, f->addr, f->shared, &w->key))
		return -EFAULT;
	b = bucket_of(&w->key);
	pthread_mutex_lock(&b->lock);
	if (copy_from_user(t->tg->mm, &cur, f->addr, sizeof(cur)))
		err = -EFAULT;
	else if (cur != f->val)
		err = -EAGAIN;
	if (!err) {
		w->b = b;
		w->next = b->head;
		b->head = w;
	}
	pthread_mutex_unlock(&b->lock);
	return err;
}

/* Unqueue w[0..n); the index of the last one woken, or -1. */
static long unqueue_all(struct waiter *w, unsigned n)
{
	long woken = -1;

	for (unsigned i = 0; i < n; i++) {
		struct bucket *b = __atomic_load_n(&w[i].b, __ATOMIC_ACQUIRE);

		pthread_mutex_lock(&b->lock);
		b = relock(&w[i], b);
		if (w[i].woken)
			woken = i;
		else
			unqueue(b, &w[i]);
		pthread_mutex_unlock(&b->lock);
	}
	return woken;
}

static bool any_woken(const struct waiter *w, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		if (__atomic_load_n(&w[i].woken, __ATOMIC_SEQ_CST))
			return true;
	return false;
}

/*
 * futex_waitv(2): sleep on n words at once (Linux's futex_wait_multiple()).
 * Each is queued with its value checked under its bucket lock; one woken
 * while later ones are still being queued is not lost, since the sleep
 * looks at every waiter first.  Returns the index of a woken word (the
 * last, as Linux), or -EAGAIN for a word that no longer held its value,
 * -ETIMEDOUT, -ERESTARTSYS.
 */
long futex_wait_multiple(struct task *t, const struct futex_vec *f, unsigned n,
			 const struct timespec *deadline)
{
	struct waiter *w = calloc(n, sizeof(*w));
	unsigned queued = 0;
	long err = 0, woken;

	if (!w)
		return -ENOMEM;
	while (queued < n && !(err = queue_checked(t, &w[queued], &f[queued])))
		queued++;
	while (!err) {
		task_prepare_wait(t);
		if (any_woken(w, queued))
			break;
		err = task_block(t, deadline, NULL, 0);
	}
	woken = unqueue_all(w, queued);
	free(w);
	return woken >= 0 ? woken : err;
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
