/* SPDX-License-Identifier: MIT */
/*
 * process_vm_readv(2), process_vm_writev(2) between processes of the
 * sandbox.  The data passes through the sentry in chunks: the target's side
 * under its tg->lock (exec swaps the address space under it), the caller's
 * with the usual user copies.  As Linux's process_vm_rw(): the local
 * vector is checked first (EINVAL, EFAULT), an empty transfer is 0, then
 * the target must exist (ESRCH) and be attachable by the caller's real
 * ids (EPERM); a remote address outside the application's half is a fault,
 * and a fault on either side ends the transfer where it is, a page at a
 * time as Linux pins and copies pages: the bytes moved so far, or EFAULT.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/uio.h>

#include "mm/mm.h"
#include "syscalls/syscalls.h"

#define MAX_RW_COUNT ((size_t)INT_MAX & ~(size_t)(PAGE_SIZE - 1))
#define CHUNK (64 * 1024)

struct xfer {
	struct task *t;
	struct thread_group *tg;        /* the target */
	bool write;                     /* to the target */
	char buf[CHUNK];
};

/* An iovec array from the caller (iovec_from_user); a local one is also
 * checked and capped as import_iovec does.  *total: its byte count. */
static long iov_import(struct task *t, uint64_t uiov, unsigned long cnt, bool local,
		       struct iovec **out, size_t *total)
{
	struct iovec *iov;
	size_t sum = 0;

	if (cnt > UIO_MAXIOV)
		return -EINVAL;
	iov = calloc(cnt ? cnt : 1, sizeof(*iov));
	if (!iov)
		return -ENOMEM;
	if (copy_from_user(t->tg->mm, iov, uiov, cnt * sizeof(*iov))) {
		free(iov);
		return -EFAULT;
	}
	for (unsigned long i = 0; i < cnt; i++) {
		size_t len = iov[i].iov_len;

		if ((ssize_t)len < 0 || (local && !access_ok((uint64_t)iov[i].iov_base, len))) {
			free(iov);
			return (ssize_t)len < 0 ? -EINVAL : -EFAULT;
		}
		if (local && len > MAX_RW_COUNT - sum)
			iov[i].iov_len = len = MAX_RW_COUNT - sum;
		sum += local ? len : (len != 0);
	}
	*out = iov;
	*total = sum;
	return 0;
}

/* The target's memory at raddr, n bytes, to or from x->buf. */
static int remote_copy(struct xfer *x, uint64_t raddr, size_t n)
{
	struct thread_group *tg = x->tg;
	int err = -EFAULT;

	pthread_mutex_lock(&tg->lock);
	if (tg->mm)
		err = x->write ? copy_to_user(tg->mm, raddr, x->buf, n)
			       : copy_from_user(tg->mm, x->buf, raddr, n);
	pthread_mutex_unlock(&tg->lock);
	return err;
}

static int move_once(struct xfer *x, uint64_t raddr, uint64_t laddr, size_t n)
{
	struct mm *mm = x->t->tg->mm;

	if (x->write)
		return copy_from_user(mm, x->buf, laddr, n) ?: remote_copy(x, raddr, n);
	return remote_copy(x, raddr, n) ?: copy_to_user(mm, laddr, x->buf, n);
}

static size_t page_left(uint64_t addr)
{
	return PAGE_SIZE - (addr & (PAGE_SIZE - 1));
}

/* Move n bytes; after a fault, again a page at a time to stop where it is. */
static size_t move(struct xfer *x, uint64_t raddr, uint64_t laddr, size_t n)
{
	size_t done = 0;

	if (!move_once(x, raddr, laddr, n))
		return n;
	while (done < n) {
		size_t k = n - done;

		if (k > page_left(raddr + done))
			k = page_left(raddr + done);
		if (k > page_left(laddr + done))
			k = page_left(laddr + done);
		if (move_once(x, raddr + done, laddr + done, k))
			break;
		done += k;
	}
	return done;
}

/* Walk both vectors together; the bytes moved before the first fault. */
static size_t transfer(struct xfer *x, const struct iovec *lv, unsigned long lcnt,
		       const struct iovec *rv, unsigned long rcnt)
{
	unsigned long li = 0, ri = 0;
	size_t loff = 0, roff = 0, total = 0;

	for (;;) {
		while (li < lcnt && loff == lv[li].iov_len)
			li++, loff = 0;
		while (ri < rcnt && roff == rv[ri].iov_len)
			ri++, roff = 0;
		if (li == lcnt || ri == rcnt)
			return total;
		size_t n = lv[li].iov_len - loff, got;

		if (n > rv[ri].iov_len - roff)
			n = rv[ri].iov_len - roff;
		if (n > CHUNK)
			n = CHUNK;
		got = move(x, (uint64_t)rv[ri].iov_base + roff, (uint64_t)lv[li].iov_base + loff, n);
		total += got;
		if (got < n)
			return total;
		loff += n;
		roff += n;
	}
}

static long process_vm_rw(struct task *t, const struct syscall_args *a, bool write)
{
	const struct fs_struct *fs;
	struct iovec *lv = NULL, *rv = NULL;
	size_t ltotal, rnonzero;
	struct xfer *x = NULL;
	long ret;

	if (a->a[5])
		return -EINVAL;
	ret = iov_import(t, a->a[1], a->a[2], true, &lv, &ltotal);
	if (ret || !ltotal)
		goto out;
	ret = iov_import(t, a->a[3], a->a[4], false, &rv, &rnonzero);
	if (ret || !rnonzero)
		goto out;
	x = malloc(sizeof(*x));
	if (!x) {
		ret = -ENOMEM;
		goto out;
	}
	*x = (struct xfer){ .t = t, .write = write };
	x->tg = tg_find_tid(ARG_INT(a, 0), &fs);
	if (!x->tg)
		ret = -ESRCH;
	else if (!ptrace_may_access_real(t, x->tg))
		ret = -EPERM;
	else
		ret = (long)transfer(x, lv, a->a[2], rv, a->a[4]) ?: -EFAULT;
	tg_put(x->tg);
out:
	free(x);
	free(lv);
	free(rv);
	return ret;
}

long sys_process_vm_readv(struct task *t, const struct syscall_args *a)
{
	return process_vm_rw(t, a, false);
}

long sys_process_vm_writev(struct task *t, const struct syscall_args *a)
{
	return process_vm_rw(t, a, true);
}
