/* SPDX-License-Identifier: MIT */
/*
 * The memory file (docs/memory.md): private anonymous memory of an
 * address space (anonymous mmap, the brk heap, the stack) lives in a memfd
 * that the sentry maps once, whole, in its own address space; the stub's
 * syscall thread maps ranges of it MAP_SHARED where the application sees
 * them.  The sentry then reaches that memory with memcpy instead of a
 * process_vm_readv/writev host call per copy, and a file read lands in it
 * in one copy.
 *
 * Offsets are handed out upwards and never reused while the file lives:
 * a range the application unmapped is punched out (its pages freed), and
 * a range that left the file's care (mremap, fork: see mm.c) keeps
 * reading its old pages through a private mapping, which a later
 * allocation must never write.  The file is never shrunk, so the sentry's
 * mapping never reaches past its end (that would be SIGBUS in the sentry).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "mm/mm.h"

/* Address space the sentry reserves per file: sparse, nothing is
 * committed until touched.  128 TiB of sentry address space holds
 * about 2000 of them; an address space that has mapped this much falls
 * back to host memory (still correct, only slower to reach). */
#define MEMFILE_SIZE (64ULL << 30)

/* Unmapped ranges wait to be punched out in one go, up to this many
 * bytes or ranges: no page of them is mapped anywhere any more and no
 * offset is reused, so only the memory comes back later. */
#define PEND_BYTES (2UL << 20)
#define PEND_MAX 32

struct memfile {
	int fd;                         /* in the fd table the stubs share */
	char *base;                     /* the sentry's mapping, read-write */
	uint64_t next;                  /* next free offset */
	unsigned npend;
	uint64_t pend_bytes;
	struct { uint64_t off, len; } pend[PEND_MAX];
};

/* CVISOR_MEMFILE=0 turns it off: every mapping is host memory as before. */
static bool memfile_enabled(void)
{
	static int on = -1;

	if (on < 0) {
		const char *e = getenv("CVISOR_MEMFILE");

		on = !(e && !strcmp(e, "0"));
	}
	return on;
}

static struct memfile *memfile_create(void)
{
	struct memfile *f = calloc(1, sizeof(*f));

	if (!f)
		return NULL;
	f->fd = memfd_create("cvisor-mem", MFD_CLOEXEC);
	if (f->fd < 0)
		goto fail;
	if (ftruncate(f->fd, (off_t)MEMFILE_SIZE))
		goto fail_fd;
	f->base = mmap(NULL, MEMFILE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_NORESERVE,
		       f->fd, 0);
	if (f->base == MAP_FAILED)
		goto fail_fd;
	return f;
fail_fd:
	close(f->fd);
fail:
	free(f);
	return NULL;
}

/*
 * Offsets for len bytes of new private anonymous memory (mm->lock held):
 * 0 with *fd and *off set, or -ENOSPC when the mapping is to be ordinary
 * host memory (switched off, file full, or no file could be made).
 */
int memfile_alloc(struct mm *mm, uint64_t len, int *fd, uint64_t *off)
{
	struct memfile *f = mm->mf;

	if (!memfile_enabled())
		return -ENOSPC;
	if (!f && !mm->mf_failed) {
		f = mm->mf = memfile_create();
		mm->mf_failed = !f;
	}
	if (!f || len > MEMFILE_SIZE - f->next)
		return -ENOSPC;
	*fd = f->fd;
	*off = f->next;
	f->next += len;
	return 0;
}

/* Give back the pages of [off, off + len): they read as zero again. */
void memfile_punch(struct mm *mm, uint64_t off, uint64_t len)
{
	if (mm->mf)
		fallocate(mm->mf->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
			  (off_t)off, (off_t)len);
}

static void punch_pending(struct mm *mm)
{
	struct memfile *f = mm->mf;

	for (unsigned i = 0; i < f->npend; i++)
		memfile_punch(mm, f->pend[i].off, f->pend[i].len);
	f->npend = 0;
	f->pend_bytes = 0;
}

/* [off, off + len) is mapped nowhere any more: punch it, soon. */
static void punch_later(struct mm *mm, uint64_t off, uint64_t len)
{
	struct memfile *f = mm->mf;
	unsigned n = f->npend;

	if (n && f->pend[n - 1].off + f->pend[n - 1].len == off) {
		f->pend[n - 1].len += len;
	} else if (n && off + len == f->pend[n - 1].off) {
		f->pend[n - 1].off = off;
		f->pend[n - 1].len += len;
	} else {
		if (n == PEND_MAX)
			punch_pending(mm);
		f->pend[f->npend].off = off;
		f->pend[f->npend++].len = len;
	}
	f->pend_bytes += len;
	if (f->pend_bytes >= PEND_BYTES)
		punch_pending(mm);
}

int memfile_fd(struct mm *mm)
{
	return mm->mf ? mm->mf->fd : -1;
}

/* The sentry's view of offset off (mm->lock held, a BACK_MF VMA's range). */
char *memfile_ptr(struct mm *mm, uint64_t off)
{
	return mm->mf->base + off;
}

/*
 * The file leaves the sentry's care: its pages stay alive as long as a
 * host mapping (now private, copy-on-write) still refers to them.  The
 * next private anonymous mapping starts a new file.
 */
void memfile_retire(struct mm *mm)
{
	struct memfile *f = mm->mf;

	if (!f)
		return;
	punch_pending(mm);      /* copy-on-write maps may keep the file alive */
	munmap(f->base, MEMFILE_SIZE);
	close(f->fd);
	free(f);
	mm->mf = NULL;
}

/* The part of v in [start, end), clipped: 0 if none. */
static bool clip(const struct vma *v, uint64_t start, uint64_t end, uint64_t *s, uint64_t *e)
{
	*s = v->start > start ? v->start : start;
	*e = v->end < end ? v->end : end;
	return *s < *e;
}

/* After the host unmapped [start, end), before its VMAs go: free their
 * memory-file pages. */
void memfile_release(struct mm *mm, uint64_t start, uint64_t end)
{
	struct vma_list *l = &mm->vmas;
	uint64_t s, e;

	for (size_t i = vma_index(l, start); i < l->n && l->v[i].start < end; i++)
		if (l->v[i].backing == BACK_MF && clip(&l->v[i], start, end, &s, &e))
			punch_later(mm, l->v[i].mf_off + (s - l->v[i].start), e - s);
}

bool memfile_in_range(struct mm *mm, uint64_t start, uint64_t end)
{
	struct vma_list *l = &mm->vmas;

	for (size_t i = vma_index(l, start); i < l->n && l->v[i].start < end; i++)
		if (l->v[i].backing != BACK_HOST)
			return true;
	return false;
}

/* The host flags the sentry set on v's host mapping, set again on a new one. */
static long host_advice_again(struct mm *mm, const struct vma *v, uint64_t s, uint64_t e)
{
	long r = 0;

	if (v->dontfork)
		r = hostcall(mm->proc, __NR_madvise, s, e - s, MADV_DONTFORK, 0, 0, 0);
	if (!r && v->wipe)      /* host memory now: the host can keep it */
		r = hostcall(mm->proc, __NR_madvise, s, e - s, MADV_WIPEONFORK, 0, 0, 0);
	return r;
}

/* [s, e) of v becomes new host anonymous memory: zero, v's protection. */
long memfile_back_host(struct mm *mm, const struct vma *v, uint64_t s, uint64_t e)
{
	long r = hostcall(mm->proc, __NR_mmap, s, e - s, (uint64_t)v->prot,
			  MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, (uint64_t)-1, 0);

	if (r != (long)s)
		return r < 0 ? r : -EIO;
	return host_advice_again(mm, v, s, e);
}

/* [s, e) of the BACK_MF VMA v becomes a private map of the same pages. */
static long cow_part(struct mm *mm, const struct vma *v, uint64_t s, uint64_t e)
{
	long r = hostcall(mm->proc, __NR_mmap, s, e - s, (uint64_t)v->prot,
			  MAP_PRIVATE | MAP_FIXED, (uint64_t)memfile_fd(mm),
			  v->mf_off + (s - v->start));

	if (r != (long)s)
		return r < 0 ? r : -EIO;
	/* the wipe flag stays the sentry's: the host refuses it on file maps */
	return v->dontfork ? hostcall(mm->proc, __NR_madvise, s, e - s, MADV_DONTFORK,
				      0, 0, 0) : 0;
}

/*
 * mremap growing [old, old + old_len) of v (BACK_MF or BACK_COW) to
 * new_len bytes at to.  The host would extend the file map into offsets
 * that are another mapping's (or, for a private map, read them), so:
 * the file's last range grows into fresh offsets; anything else gets a
 * new range holding a copy of its contents.  On success v is the new
 * VMA's backing (its bounds are the caller's); -ENOSPC: no memory file,
 * and v is made BACK_COW for the caller's host mremap (which must then
 * clear what the host added).
 */
long memfile_grow(struct mm *mm, struct vma *v, uint64_t old, uint64_t old_len,
		  uint64_t new_len, uint64_t to)
{
	struct memfile *f = mm->mf;
	uint64_t voff = old - v->start, off;
	int fd;
	long r;

	if (v->backing == BACK_MF && v->end == old + old_len &&
	    f->next == v->mf_off + (v->end - v->start) &&
	    new_len - old_len <= MEMFILE_SIZE - f->next) {
		f->next += new_len - old_len;
		r = hostcall(mm->proc, __NR_mremap, old, old_len, new_len,
			     to == old ? 0 : MREMAP_MAYMOVE | MREMAP_FIXED, to, 0);
		if (r != (long)to)
			return r < 0 ? r : -EIO;
		v->mf_off += voff;
		return 0;
	}
	if (memfile_alloc(mm, new_len, &fd, &off)) {
		if (v->backing == BACK_MF) {
			r = cow_part(mm, v, old, old + old_len);
			if (r)
				return r;
			v->backing = BACK_COW;
		}
		return -ENOSPC;
	}
	if (v->backing == BACK_MF) {
		memcpy(mm->mf->base + off, mm->mf->base + v->mf_off + voff, old_len);
	} else {
		/* a copy-on-write map: its pages through the host, readable
		 * for the copy (the mapping is replaced just after) */
		if (!(v->prot & PROT_READ) &&
		    (r = hostcall(mm->proc, __NR_mprotect, old, old_len, PROT_READ, 0, 0, 0)))
			return r;
		if (stub_proc_copy_in(mm->proc, mm->mf->base + off, old, old_len))
			return -EFAULT;
	}
	r = hostcall(mm->proc, __NR_mmap, to, new_len, (uint64_t)v->prot,
		     MAP_SHARED | MAP_FIXED, (uint64_t)fd, off);
	if (r != (long)to)
		return r < 0 ? r : -EIO;
	if (to != old && (r = hostcall(mm->proc, __NR_munmap, old, old_len, 0, 0, 0, 0)))
		return r;
	if (v->backing == BACK_MF)
		memfile_punch(mm, v->mf_off + voff, old_len);
	v->backing = BACK_MF;
	v->mf_off = off;
	return v->dontfork ? hostcall(mm->proc, __NR_madvise, to, new_len, MADV_DONTFORK,
				      0, 0, 0) : 0;
}

/* The whole of the BACK_MF VMA v becomes BACK_COW (code to patch). */
long memfile_cow_vma(struct mm *mm, struct vma *v)
{
	long r = cow_part(mm, v, v->start, v->end);

	if (!r)
		v->backing = BACK_COW;
	return r;
}

/*
 * fork (from->lock held, before the host clone): the host copies private
 * memory copy-on-write, which a MAP_SHARED range would not be, so every
 * memory-file range becomes a private map of the same pages (contents
 * kept, in parent and child alike), and the file is let go: no offset of
 * it is ever written again, and the next mapping starts a new one.
 */
int memfile_fork(struct mm *mm)
{
	struct vma_list *l = &mm->vmas;

	for (size_t i = 0; i < l->n; i++) {
		if (l->v[i].backing != BACK_MF)
			continue;
		if (cow_part(mm, &l->v[i], l->v[i].start, l->v[i].end))
			return -ENOMEM;
		l->v[i].backing = BACK_COW;
	}
	memfile_retire(mm);
	return 0;
}

/* The child of a fork: its MADV_WIPEONFORK private maps read as zero. */
int memfile_wipe_child(struct mm *mm)
{
	struct vma_list *l = &mm->vmas;

	for (size_t i = 0; i < l->n; i++) {
		if (!l->v[i].wipe || l->v[i].backing == BACK_HOST)
			continue;
		if (memfile_back_host(mm, &l->v[i], l->v[i].start, l->v[i].end))
			return -ENOMEM;
		l->v[i].backing = BACK_HOST;
	}
	return 0;
}

/*
 * madvise on a range with memory-file or copy-on-write VMAs, where the
 * host would do other than Linux on private anonymous memory: dropping
 * pages must leave zeros (a punched hole; new anonymous memory over a
 * private file map, which would read the file again), MADV_REMOVE is for
 * shared mappings, MADV_WIPEONFORK the sentry keeps (memfile_wipe_child).
 */
long memfile_madvise(struct mm *mm, uint64_t start, uint64_t end, int advice)
{
	struct vma_list *l = &mm->vmas;
	uint64_t at = start, s, e;
	long r = 0;

	switch (advice) {
	case MADV_REMOVE:
		return -EINVAL;
	case MADV_WIPEONFORK: case MADV_KEEPONFORK:
		for (size_t i = vma_index(l, start); i < l->n && l->v[i].start < end; i++)
			if (l->v[i].kind == VMA_FILE || vma_shared(&l->v[i]))
				return -EINVAL;
		for (size_t i = vma_index(l, start); !r && i < l->n && l->v[i].start < end; i++)
			if (l->v[i].backing == BACK_HOST && clip(&l->v[i], start, end, &s, &e))
				r = hostcall(mm->proc, __NR_madvise, s, e - s,
					     (uint64_t)advice, 0, 0, 0);
		return r ? r : vma_wipe_range(l, start, end, advice == MADV_WIPEONFORK);
	case MADV_DONTNEED: case MADV_DONTNEED_LOCKED: case MADV_FREE:
		break;
	default:
		return hostcall(mm->proc, __NR_madvise, start, end - start, (uint64_t)advice,
				0, 0, 0);
	}
	while (!r && at < end) {
		struct vma v = *vma_lookup(l, at);

		clip(&v, start, end, &s, &e);
		if (v.backing == BACK_MF)
			memfile_punch(mm, v.mf_off + (s - v.start), e - s);
		else if (v.backing == BACK_HOST)
			r = hostcall(mm->proc, __NR_madvise, s, e - s, (uint64_t)advice, 0, 0, 0);
		else if (!(r = memfile_back_host(mm, &v, s, e)))
			r = vma_backing_range(l, s, e, BACK_HOST);
		at = e;
	}
	return r;
}
