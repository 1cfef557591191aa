/* SPDX-License-Identifier: MIT */
/*
 * mlock(2) and its kin, msync(2) and mincore(2) on the sentry's VMA list
 * (docs/syscalls.md).  Locking is accounting only: the VMAs are marked,
 * counted in VmLck and held to RLIMIT_MEMLOCK as Linux holds them, but the
 * stubs hold no CAP_IPC_LOCK and the host pins nothing.
 */
#include <errno.h>
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

#include "mm/mm.h"

/* Bytes locked in mm now (mm->lock held). */
static uint64_t locked_bytes(struct mm *mm)
{
	uint64_t total = 0;

	for (size_t i = 0; i < mm->vmas.n; i++)
		if (mm->vmas.v[i].locked)
			total += mm->vmas.v[i].end - mm->vmas.v[i].start;
	return total;
}

/*
 * do_mlock()/munlock(): the range is widened to whole pages; every page
 * must be mapped (else ENOMEM, nothing changed); the pages newly locked
 * plus those locked already must stay within limit.
 */
long mm_mlock(struct mm *mm, uint64_t addr, uint64_t len, bool lock, uint64_t limit)
{
	uint64_t start = PAGE_DOWN(addr), end;
	long ret = 0;

	len = PAGE_ALIGN(len + (addr - start));  /* may wrap to 0: nothing */
	end = start + len;
	if (end < start)
		return -EINVAL;
	if (end == start)
		return 0;
	pthread_mutex_lock(&mm->lock);
	if (!vma_range_mapped(&mm->vmas, start, end))
		ret = -ENOMEM;
	else if (lock && vma_unlocked_bytes(&mm->vmas, start, end) + locked_bytes(mm) > limit)
		ret = -ENOMEM;
	else
		ret = vma_lock_range(&mm->vmas, start, end, lock);
	pthread_mutex_unlock(&mm->lock);
	return ret;
}

/* Lock or unlock every VMA, from the top: merges only move those above. */
static long lock_each(struct mm *mm, bool lock)
{
	long ret = 0;

	for (size_t i = mm->vmas.n; i-- > 0;)
		if (i < mm->vmas.n)
			ret = vma_lock_range(&mm->vmas, mm->vmas.v[i].start,
					     mm->vmas.v[i].end, lock) ?: ret;
	return ret;
}

/* flags were checked by the caller (MCL_CURRENT, MCL_FUTURE, MCL_ONFAULT). */
long mm_mlockall(struct mm *mm, int flags, uint64_t limit)
{
	long ret = 0;

	pthread_mutex_lock(&mm->lock);
	if (flags & MCL_CURRENT) {
		/* Linux compares the whole address space with the limit */
		uint64_t total = 0;

		for (size_t i = 0; i < mm->vmas.n; i++)
			total += mm->vmas.v[i].end - mm->vmas.v[i].start;
		if (total > limit)
			ret = -ENOMEM;
	}
	if (!ret) {
		mm->lock_future = flags & MCL_FUTURE;
		if (flags & MCL_CURRENT)
			ret = lock_each(mm, true);
	}
	pthread_mutex_unlock(&mm->lock);
	return ret;
}

long mm_munlockall(struct mm *mm)
{
	pthread_mutex_lock(&mm->lock);
	mm->lock_future = false;
	lock_each(mm, false);
	pthread_mutex_unlock(&mm->lock);
	return 0;
}

/*
 * Linux's msync(): a hole in the range is ENOMEM, but the mapped parts are
 * still written; MS_INVALIDATE of locked memory is EBUSY; MS_SYNC writes a
 * shared file mapping's data through its host fd (the stub's mapping shares
 * the host page cache with it).  MS_ASYNC has nothing to start.
 */
long mm_msync(struct mm *mm, uint64_t addr, uint64_t len, int flags)
{
	uint64_t end, at;
	long err = 0, unmapped = 0;

	if (flags & ~(MS_ASYNC | MS_INVALIDATE | MS_SYNC))
		return -EINVAL;
	if ((addr & (PAGE_SIZE - 1)) || ((flags & MS_ASYNC) && (flags & MS_SYNC)))
		return -EINVAL;
	len = PAGE_ALIGN(len);
	end = addr + len;
	if (end < addr)
		return -ENOMEM;
	if (end == addr)
		return 0;
	pthread_mutex_lock(&mm->lock);
	at = addr;
	for (size_t i = vma_index(&mm->vmas, at); at < end; i++) {
		const struct vma *v = i < mm->vmas.n ? &mm->vmas.v[i] : NULL;

		if (!v || v->start >= end) {
			err = -ENOMEM;
			break;
		}
		if (v->start > at)
			unmapped = -ENOMEM;
		if ((flags & MS_INVALIDATE) && v->locked) {
			err = -EBUSY;
			break;
		}
		if ((flags & MS_SYNC) && v->kind == VMA_FILE && vma_shared(v) &&
		    v->host_fd >= 0 && fdatasync(v->host_fd) < 0) {
			err = -errno;
			break;
		}
		at = v->end;
	}
	pthread_mutex_unlock(&mm->lock);
	return err ?: unmapped;
}

long mm_mincore(struct mm *mm, uint64_t addr, uint64_t len)
{
	bool mapped;

	pthread_mutex_lock(&mm->lock);
	mapped = vma_range_mapped(&mm->vmas, addr, addr + len);
	pthread_mutex_unlock(&mm->lock);
	return mapped ? 0 : -ENOMEM;
}
