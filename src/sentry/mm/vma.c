/* SPDX-License-Identifier: MIT */
/*
 * The VMA list: a sorted array of non-overlapping ranges.  Pure bookkeeping,
 * no host calls, so that it can be unit tested on its own.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mm/mm.h"

/* Index of the first VMA that ends above addr (n if none). */
size_t vma_index(const struct vma_list *l, uint64_t addr)
{
	size_t lo = 0, hi = l->n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (l->v[mid].end <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

struct vma *vma_lookup(const struct vma_list *l, uint64_t addr)
{
	size_t i = vma_index(l, addr);

	return i < l->n && l->v[i].start <= addr ? &l->v[i] : NULL;
}

static int reserve(struct vma_list *l, size_t extra)
{
	if (l->n + extra <= l->cap)
		return 0;
	size_t cap = l->cap ? l->cap * 2 : 16;
	while (cap < l->n + extra)
		cap *= 2;
	struct vma *v = realloc(l->v, cap * sizeof(*v));
	if (!v)
		return -ENOMEM;
	l->v = v;
	l->cap = cap;
	return 0;
}

static bool mergeable(const struct vma *a, const struct vma *b)
{
	return a->end == b->start && a->prot == b->prot && a->flags == b->flags &&
	       a->nowrite == b->nowrite && a->locked == b->locked &&
	       a->dontfork == b->dontfork &&
	       a->kind == b->kind && a->host_fd == b->host_fd &&
	       a->shm_id == b->shm_id && a->file_id == b->file_id &&
	       (!vma_has_off(a) || a->off + (a->end - a->start) == b->off) &&
	       a->wipe == b->wipe && a->backing == b->backing &&
	       (a->backing != BACK_MF || a->mf_off + (a->end - a->start) == b->mf_off);
}

/*
 * Whether b continues a as Linux would show it: the same VMA but for how
 * the sentry backs it (memory file or host memory, mm/memfile.c).
 */
bool vma_continues(const struct vma *a, const struct vma *b)
{
	struct vma c = *b;

	c.backing = a->backing;
	c.mf_off = a->mf_off + (a->end - a->start);
	return mergeable(a, &c);
}

/* Insert a VMA into a range the caller made free; merges with neighbours. */
int vma_insert(struct vma_list *l, const struct vma *v)
{
	size_t i = vma_index(l, v->start);

	if (v->start >= v->end || (i < l->n && l->v[i].start < v->end))
		return -EINVAL;
	if (i > 0 && mergeable(&l->v[i - 1], v)) {
		l->v[i - 1].end = v->end;
		if (i < l->n && mergeable(&l->v[i - 1], &l->v[i])) {
			l->v[i - 1].end = l->v[i].end;
			memmove(&l->v[i], &l->v[i + 1], (l->n - i - 1) * sizeof(*v));
			l->n--;
		}
		return 0;
	}
	if (i < l->n && mergeable(v, &l->v[i])) {
		l->v[i].start = v->start;
		l->v[i].off = v->off;
		l->v[i].mf_off = v->mf_off;
		return 0;
	}
	if (reserve(l, 1))
		return -ENOMEM;
	memmove(&l->v[i + 1], &l->v[i], (l->n - i) * sizeof(*v));
	l->v[i] = *v;
	l->n++;
	return 0;
}

/* Split the VMA containing addr (if any) so that a VMA boundary is at addr. */
static int split_at(struct vma_list *l, uint64_t addr)
{
	size_t i = vma_index(l, addr);

	if (i >= l->n || l->v[i].start >= addr)
		return 0;
	if (reserve(l, 1))
		return -ENOMEM;
	memmove(&l->v[i + 1], &l->v[i], (l->n - i) * sizeof(struct vma));
	l->n++;
	l->v[i].end = addr;
	l->v[i + 1].start = addr;
	if (vma_has_off(&l->v[i + 1]))
		l->v[i + 1].off += addr - l->v[i].start;
	if (l->v[i + 1].backing == BACK_MF)
		l->v[i + 1].mf_off += addr - l->v[i].start;
	return 0;
}

int vma_remove_range(struct vma_list *l, uint64_t start, uint64_t end)
{
	size_t i, j;

	if (start >= end)
		return 0;
	if (split_at(l, start) || split_at(l, end))
		return -ENOMEM;
	i = vma_index(l, start);
	for (j = i; j < l->n && l->v[j].end <= end; j++)
		;
	memmove(&l->v[i], &l->v[j], (l->n - j) * sizeof(struct vma));
	l->n -= j - i;
	return 0;
}

static void merge_around(struct vma_list *l, size_t i)
{
	if (i + 1 < l->n && mergeable(&l->v[i], &l->v[i + 1])) {
		l->v[i].end = l->v[i + 1].end;
		memmove(&l->v[i + 1], &l->v[i + 2], (l->n - i - 2) * sizeof(struct vma));
		l->n--;
	}
}

/* Set one attribute of every VMA of a mapped range, splitting at its ends. */
static int change_range(struct vma_list *l, uint64_t start, uint64_t end,
			void (*set)(struct vma *v, int val), int val)
{
	size_t i;

	if (!vma_range_mapped(l, start, end))
		return -ENOMEM;
	if (split_at(l, start) || split_at(l, end))
		return -ENOMEM;
	for (i = vma_index(l, start); i < l->n && l->v[i].start < end; i++)
		set(&l->v[i], val);
	/* Merge back what became identical, from the right. */
	for (size_t k = vma_index(l, end); k-- > 0;) {
		merge_around(l, k);
		if (l->v[k].end < start)
			break;
	}
	return 0;
}

static void set_prot(struct vma *v, int prot)
{
	v->prot = prot;
}

/* The vDSO and vvar are special mappings Linux never locks or counts. */
static bool lockable(const struct vma *v)
{
	return v->kind != VMA_VDSO && v->kind != VMA_VVAR;
}

static void set_locked(struct vma *v, int locked)
{
	v->locked = locked && lockable(v);
}

int vma_protect_range(struct vma_list *l, uint64_t start, uint64_t end, int prot)
{
	return change_range(l, start, end, set_prot, prot);
}

int vma_lock_range(struct vma_list *l, uint64_t start, uint64_t end, bool locked)
{
	return change_range(l, start, end, set_locked, locked);
}

static void set_dontfork(struct vma *v, int dontfork)
{
	v->dontfork = dontfork;
}

int vma_dontfork_range(struct vma_list *l, uint64_t start, uint64_t end, bool dontfork)
{
	return change_range(l, start, end, set_dontfork, dontfork);
}

static void set_backing(struct vma *v, int backing)
{
	v->backing = backing;
}

int vma_backing_range(struct vma_list *l, uint64_t start, uint64_t end, enum vma_backing b)
{
	return change_range(l, start, end, set_backing, b);
}

static void set_wipe(struct vma *v, int wipe)
{
	v->wipe = wipe;
}

int vma_wipe_range(struct vma_list *l, uint64_t start, uint64_t end, bool wipe)
{
	return change_range(l, start, end, set_wipe, wipe);
}

void vma_drop_dontfork(struct vma_list *l)
{
	size_t n = 0;

	for (size_t i = 0; i < l->n; i++)
		if (!l->v[i].dontfork)
			l->v[n++] = l->v[i];
	l->n = n;
}

uint64_t vma_unlocked_bytes(const struct vma_list *l, uint64_t start, uint64_t end)
{
	uint64_t n = 0;

	for (size_t i = 0; i < l->n; i++) {
		uint64_t s = l->v[i].start, e = l->v[i].end;

		if (end) {
			s = s > start ? s : start;
			e = e < end ? e : end;
		}
		if (s < e && !l->v[i].locked && lockable(&l->v[i]))
			n += e - s;
	}
	return n;
}

bool vma_range_free(const struct vma_list *l, uint64_t start, uint64_t end)
{
	size_t i = vma_index(l, start);

	return i >= l->n || l->v[i].start >= end;
}

bool vma_range_mapped(const struct vma_list *l, uint64_t start, uint64_t end)
{
	uint64_t at = start;

	for (size_t i = vma_index(l, start); at < end; i++) {
		if (i >= l->n || l->v[i].start > at)
			return false;
		at = l->v[i].end;
	}
	return true;
}

/* Highest free range of len bytes ending at or below top, above bottom. */
uint64_t vma_find_gap(const struct vma_list *l, uint64_t len, uint64_t top,
		      uint64_t bottom)
{
	size_t i = vma_index(l, top);
	uint64_t hi = top;

	if (len > top - bottom)
		return 0;
	/* i: the first VMA that ends above top; walk down from below it */
	if (i < l->n && l->v[i].start < top)
		hi = l->v[i].start;
	while (i-- > 0) {
		if (hi >= bottom + len && hi - len >= l->v[i].end)
			return hi - len;
		if (l->v[i].start < hi)
			hi = l->v[i].start;
		if (hi < bottom + len)
			return 0;
	}
	return hi >= bottom + len ? hi - len : 0;
}

void vma_list_free(struct vma_list *l)
{
	free(l->v);
	l->v = NULL;
	l->n = l->cap = 0;
}
