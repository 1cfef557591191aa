/* SPDX-License-Identifier: MIT */
/*
 * futex(2): the arguments read and checked, the timeout turned into a
 * CLOCK_MONOTONIC deadline; the operations are kernel/futex.c's.
 */
#include <errno.h>
#include <linux/futex.h>
#include <stdint.h>
#include <time.h>

#include "kernel/kernel.h"
#include "mm/mm.h"
#include "syscalls/syscalls.h"

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
	struct timespec dl;
	bool timed = (cmd == FUTEX_WAIT || cmd == FUTEX_WAIT_BITSET) && a->a[3];
	int err;

	if (timed && (err = deadline_of(t, a->a[3], cmd, op, &dl)))
		return err;
	/* the fourth argument is a count, not a timeout, for the requeues */
	return do_futex(t, a->a[0], op, ARG_UINT(a, 2), timed ? &dl : NULL, (uint32_t)a->a[3],
			a->a[4], ARG_UINT(a, 5));
}

/*
 * The futex2 calls (Linux 5.16 and 6.7): 32-bit words only; a word's flags
 * say its size and whether it is private.  FUTEX2_NUMA and FUTEX2_MPOL are
 * refused with EINVAL (the sandbox has one memory node).
 */
#ifndef FUTEX2_SIZE_U32
#define FUTEX2_SIZE_U32 0x02
#define FUTEX2_SIZE_MASK 0x03
#define FUTEX2_PRIVATE FUTEX_PRIVATE_FLAG
#endif

static int futex2_word(uint64_t uaddr, uint64_t val, uint32_t flags, struct futex_vec *f)
{
	if (flags & ~(FUTEX2_SIZE_MASK | FUTEX2_PRIVATE) ||
	    (flags & FUTEX2_SIZE_MASK) != FUTEX2_SIZE_U32 || val > UINT32_MAX || uaddr & 3)
		return -EINVAL;
	*f = (struct futex_vec){ uaddr, (uint32_t)val, !(flags & FUTEX2_PRIVATE) };
	return 0;
}

/* An absolute timeout on clockid (CLOCK_MONOTONIC or CLOCK_REALTIME). */
static int futex2_deadline(struct task *t, uint64_t uts, int clockid, struct timespec *dl)
{
	if (clockid != CLOCK_MONOTONIC && clockid != CLOCK_REALTIME)
		return -EINVAL;
	return deadline_of(t, uts, FUTEX_WAIT_BITSET,
			   clockid == CLOCK_REALTIME ? FUTEX_CLOCK_REALTIME : 0, dl);
}

/* Read and check n struct futex_waitv at uaddr. */
static int read_waitv(struct task *t, uint64_t uaddr, unsigned n, struct futex_vec *f)
{
	struct futex_waitv w;
	int err;

	for (unsigned i = 0; i < n; i++) {
		if (copy_from_user(t->tg->mm, &w, uaddr + i * sizeof(w), sizeof(w)))
			return -EFAULT;
		if (w.__reserved)
			return -EINVAL;
		if ((err = futex2_word(w.uaddr, w.val, w.flags, &f[i])))
			return err;
	}
	return 0;
}

long sys_futex_waitv(struct task *t, const struct syscall_args *a)
{
	unsigned n = ARG_UINT(a, 1);
	struct futex_vec f[FUTEX_WAITV_MAX];
	struct timespec dl;
	int err;

	if (ARG_UINT(a, 2) || !n || n > FUTEX_WAITV_MAX || !a->a[0])
		return -EINVAL;
	if (a->a[3] && (err = futex2_deadline(t, a->a[3], ARG_INT(a, 4), &dl)))
		return err;
	if ((err = read_waitv(t, a->a[0], n, f)))
		return err;
	return futex_wait_multiple(t, f, n, a->a[3] ? &dl : NULL);
}

long sys_futex_wait(struct task *t, const struct syscall_args *a)
{
	struct futex_vec f;
	struct timespec dl;
	int err;

	err = futex2_word(a->a[0], a->a[1], ARG_UINT(a, 3), &f);
	if (!err && a->a[2] > UINT32_MAX)
		err = -EINVAL;
	if (err)
		return err;
	if (a->a[4] && (err = futex2_deadline(t, a->a[4], ARG_INT(a, 5), &dl)))
		return err;
	return futex2_wait(t, &f, (uint32_t)a->a[2], a->a[4] ? &dl : NULL);
}

long sys_futex_wake(struct task *t, const struct syscall_args *a)
{
	struct futex_vec f;
	int err;

	err = futex2_word(a->a[0], 0, ARG_UINT(a, 3), &f);
	if (!err && a->a[1] > UINT32_MAX)
		err = -EINVAL;
	if (err)
		return err;
	return futex2_wake(t, &f, (uint32_t)a->a[1], ARG_INT(a, 2));
}

long sys_futex_requeue(struct task *t, const struct syscall_args *a)
{
	struct futex_vec f[2];
	int err;

	if (ARG_UINT(a, 1))
		return -EINVAL;
	if ((err = read_waitv(t, a->a[0], 2, f)))
		return err;
	return futex2_requeue(t, f, ARG_INT(a, 2), ARG_INT(a, 3));
}
