/* SPDX-License-Identifier: MIT */
/*
 * futex(2): the arguments read and checked, the timeout turned into a
 * CLOCK_MONOTONIC deadline; the operations are kernel/futex.c's.
 */
#include <errno.h>
#include <linux/futex.h>
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
