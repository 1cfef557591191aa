/* SPDX-License-Identifier: MIT */
/*
 * Address-space operations with Linux's argument checking.  The sentry
 * chooses every address; the stub carries it out with MAP_FIXED, so the
 * VMA list and the host's view never disagree about where things are.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/random.h>
#include <sys/syscall.h>

#include "mm/mm.h"

static uint64_t random_bits(unsigned bits)
{
	uint64_t r = 0;

	if (getrandom(&r, sizeof(r), 0) != sizeof(r))
		r = 0;
	return r & ((1ULL << bits) - 1);
}

struct mm *mm_new(void)
{
	struct mm *mm = calloc(1, sizeof(*mm));

	if (!mm)
		return NULL;
	pthread_mutex_init(&mm->lock, NULL);
	mm->users = 1;
	if (stub_proc_create(NULL, &mm->proc)) {
		free(mm);
		return NULL;
	}
	/* ASLR as Linux does it: stack top and mmap base randomised */
	mm->stack_top = TASK_SIZE - PAGE_SIZE * (1 + random_bits(20));
	mm->mmap_base = PAGE_DOWN(mm->stack_top - (8UL << 20) - (128UL << 20) -
				  random_bits(28) * PAGE_SIZE);
	return mm;
}

/* fork: the host copies the memory; the sentry copies its bookkeeping. */
struct mm *mm_fork(struct mm *from)
{
	struct mm *mm = calloc(1, sizeof(*mm));

	if (!mm)
		return NULL;
	pthread_mutex_init(&mm->lock, NULL);
	mm->users = 1;
	pthread_mutex_lock(&from->lock);
	if (memfile_fork(from)) {
		pthread_mutex_unlock(&from->lock);
		free(mm);
		return NULL;
	}
	mm->vmas.v = malloc((from->vmas.n ? from->vmas.n : 1) * sizeof(struct vma));
	if (mm->vmas.v) {
		memcpy(mm->vmas.v, from->vmas.v, from->vmas.n * sizeof(struct vma));
		mm->vmas.n = mm->vmas.cap = from->vmas.n;
		/* memory locks are not inherited by a child (mlock(2)), nor
		 * MADV_DONTFORK memory, which the host fork did not copy */
		for (size_t i = 0; i < mm->vmas.n; i++)
			mm->vmas.v[i].locked = false;
		vma_drop_dontfork(&mm->vmas);
	}
	mm->mmap_base = from->mmap_base;
	mm->brk_start = from->brk_start;
	mm->brk = from->brk;
	mm->stack_top = from->stack_top;
	mm->arg_start = from->arg_start;
	mm->arg_end = from->arg_end;
	mm->env_start = from->env_start;
	mm->env_end = from->env_end;
	memcpy(mm->auxv, from->auxv, sizeof(mm->auxv));
	mm->auxv_len = from->auxv_len;
	/* the host clone happens with the VMA lock held: no mapping moves meanwhile */
	int err = mm->vmas.v ? stub_proc_create(from->proc, &mm->proc) : -ENOMEM;
	pthread_mutex_unlock(&from->lock);
	if (err) {
		if (mm->proc)
			stub_proc_put(mm->proc);
		free(mm->vmas.v);
		free(mm);
		return NULL;
	}
	if (memfile_wipe_child(mm)) {
		mm_put(mm);
		return NULL;
	}
	return mm;
}

void mm_put(struct mm *mm)
{
	if (__atomic_sub_fetch(&mm->users, 1, __ATOMIC_ACQ_REL) > 0)
		return;
	aio_mm_exit(mm);
	stub_proc_kill(mm->proc);
	stub_proc_put(mm->proc);
	memfile_retire(mm);
	vma_list_free(&mm->vmas);
	free(mm);
}

/* What names a mapped file for good: its host inode (the fd may be reused). */
static uint64_t file_id(int host_fd)
{
	struct stat st;

	if (host_fd < 0 || fstat(host_fd, &st))
		return 0;
	return ((uint64_t)st.st_dev << 40) ^ (uint64_t)st.st_ino;
}

static bool range_ok(uint64_t addr, uint64_t len)
{
	return addr >= MMAP_MIN_ADDR && len <= TASK_SIZE && addr <= TASK_SIZE - len;
}

static uint64_t place(struct mm *mm, uint64_t hint, uint64_t len)
{
	hint = PAGE_DOWN(hint);
	if (hint && range_ok(hint, len) && vma_range_free(&mm->vmas, hint, hint + len))
		return hint;
	return vma_find_gap(&mm->vmas, len, mm->mmap_base, MMAP_MIN_ADDR);
}

/*
 * Shared anonymous memory has no backing object in the sentry (the host
 * shares it across fork), yet shared futexes must name it the same way in
 * every process that maps it: each such mapping gets an id of its own,
 * which fork copies with the VMA.  Never reused, so never confused.
 */
static uint64_t new_shm_id(void)
{
	static uint64_t last;

	return __atomic_add_fetch(&last, 1, __ATOMIC_RELAXED);
}

/* Protection and flags the host sees; everything else stays in the sentry. */
#define HOST_PROT (PROT_READ | PROT_WRITE | PROT_EXEC)
#define HOST_FLAGS (MAP_SHARED | MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | \
		    MAP_POPULATE | MAP_STACK)

static long do_mmap(struct mm *mm, uint64_t addr, uint64_t len, int prot, int flags,
		    int host_fd, uint64_t off, enum vma_kind kind, uint64_t obj)
{
	int type = flags & MAP_TYPE;
	enum vma_backing backing = BACK_HOST;
	uint64_t at, mf_off = 0;
	long ret;

	if (!len || (off & (PAGE_SIZE - 1)))
		return -EINVAL;
	if (type != MAP_SHARED && type != MAP_PRIVATE && type != MAP_SHARED_VALIDATE)
		return -EINVAL;
	if (prot & ~(HOST_PROT | PROT_GROWSDOWN | PROT_GROWSUP))
		return -EINVAL;
	len = PAGE_ALIGN(len);
	if (!len)
		return -ENOMEM;
	if (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) {
		if (addr & (PAGE_SIZE - 1))
			return -EINVAL;
		/* below mmap_min_addr the security check says EPERM; past the
		 * top (or into the stub region, the sandbox's) no room: ENOMEM */
		if (!range_ok(addr, len))
			return (flags & MAP_FIXED) && addr < MMAP_MIN_ADDR ? -EPERM : -ENOMEM;
	}

	pthread_mutex_lock(&mm->lock);
	if (flags & MAP_FIXED)
		at = addr;
	else if (flags & MAP_FIXED_NOREPLACE)
		at = vma_range_free(&mm->vmas, addr, addr + len) ? addr : 0;
	else
		at = place(mm, addr, len);
	if (!at) {
		pthread_mutex_unlock(&mm->lock);
		return (flags & MAP_FIXED_NOREPLACE) ? -EEXIST : -ENOMEM;
	}
	if (type == MAP_PRIVATE && host_fd < 0 && !obj && kind != VMA_FILE &&
	    kind != VMA_VDSO && kind != VMA_VVAR &&
	    !memfile_alloc(mm, len, &host_fd, &mf_off)) {
		/* private anonymous memory, made a shared range of the memory file */
		backing = BACK_MF;
		type = MAP_SHARED;
		off = mf_off;
		flags &= ~MAP_ANONYMOUS;
	}
	ret = hostcall(mm->proc, __NR_mmap, at, len, (uint64_t)(prot & HOST_PROT),
		       (uint64_t)((flags & HOST_FLAGS & ~MAP_TYPE) |
				  (type == MAP_PRIVATE ? MAP_PRIVATE : MAP_SHARED) |
				  MAP_FIXED),
		       (uint64_t)(int64_t)host_fd, off);
	if (backing == BACK_MF) {
		/* the application asked for private anonymous memory */
		type = MAP_PRIVATE;
		flags |= MAP_ANONYMOUS;
		host_fd = -1;
		off = 0;
	}
	if (ret == (long)at) {
		struct vma v = {
			.start = at, .end = at + len, .prot = prot & HOST_PROT,
			.flags = (type == MAP_PRIVATE ? MAP_PRIVATE : MAP_SHARED) |
				 (flags & MAP_ANONYMOUS),
			.kind = kind, .host_fd = host_fd, .off = off,
			.nowrite = (flags & MM_NOWRITE) && type != MAP_PRIVATE,
			.shm_id = obj ? obj : type != MAP_PRIVATE && host_fd < 0 ? new_shm_id() : 0,
			.file_id = type != MAP_PRIVATE && !obj ? file_id(host_fd) : 0,
			.locked = mm->lock_future || (flags & MAP_LOCKED),
			.backing = backing, .mf_off = mf_off,
		};

		memfile_release(mm, at, at + len);
		vma_remove_range(&mm->vmas, at, at + len);
		if (vma_insert(&mm->vmas, &v))
			ret = -ENOMEM;
	} else if (ret >= 0) {
		ret = -EIO;   /* the stub answered something it was not asked */
	}
	pthread_mutex_unlock(&mm->lock);
	return ret;
}

long mm_mmap(struct mm *mm, uint64_t addr, uint64_t len, int prot, int flags,
	     int host_fd, uint64_t off, enum vma_kind kind)
{
	return do_mmap(mm, addr, len, prot, flags, host_fd, off, kind, 0);
}

/* A shared object the sentry names (a System V segment): its VMAs carry
 * obj as their shm_id in every address space that maps it. */
long mm_mmap_obj(struct mm *mm, uint64_t addr, uint64_t len, int prot, int flags,
		 int host_fd, uint64_t obj)
{
	return do_mmap(mm, addr, len, prot, flags, host_fd, 0, VMA_ANON, obj);
}

long mm_munmap(struct mm *mm, uint64_t addr, uint64_t len)
{
	long ret;

	if ((addr & (PAGE_SIZE - 1)) || !len)
		return -EINVAL;
	len = PAGE_ALIGN(len);
	if (!len || addr > TASK_SIZE || len > TASK_SIZE - addr)
		return -EINVAL;
	/* below MMAP_MIN_ADDR nothing is the application's (the table of
	 * patched syscall sites is there): nothing of its to unmap */
	if (addr < MMAP_MIN_ADDR) {
		if (addr + len <= MMAP_MIN_ADDR)
			return 0;
		len -= MMAP_MIN_ADDR - addr;
		addr = MMAP_MIN_ADDR;
	}
	pthread_mutex_lock(&mm->lock);
	ret = hostcall(mm->proc, __NR_munmap, addr, len, 0, 0, 0, 0);
	if (ret == 0) {
		memfile_release(mm, addr, addr + len);
		ret = vma_remove_range(&mm->vmas, addr, addr + len);
	}
	pthread_mutex_unlock(&mm->lock);
	return ret;
}

static bool range_nowrite(const struct vma_list *l, uint64_t start, uint64_t end)
{
	for (size_t i = vma_index(l, start); i < l->n && l->v[i].start < end; i++)
		if (l->v[i].nowrite)
			return true;
	return false;
}

long mm_mprotect(struct mm *mm, uint64_t addr, uint64_t len, int prot)
{
	long ret;

	if ((addr & (PAGE_SIZE - 1)) || (prot & ~(HOST_PROT | PROT_GROWSDOWN | PROT_GROWSUP)))
		return -EINVAL;
	if ((prot & PROT_GROWSDOWN) && (prot & PROT_GROWSUP))
		return -EINVAL;
	len = PAGE_ALIGN(len);
	if (!len)
		return 0;
	if (addr + len < addr || addr + len > TASK_SIZE)
		return -ENOMEM;
	pthread_mutex_lock(&mm->lock);
	if (!vma_range_mapped(&mm->vmas, addr, addr + len)) {
		ret = -ENOMEM;
	} else if ((prot & PROT_WRITE) && range_nowrite(&mm->vmas, addr, addr + len)) {
		ret = -EACCES;
	} else {
		if (prot & PROT_WRITE)  /* it sees and writes its own code */
			stub_proc_unpatch(mm->proc, addr, addr + len);
		ret = hostcall(mm->proc, __NR_mprotect, addr, len,
			       (uint64_t)(prot & HOST_PROT), 0, 0, 0);
		if (ret == 0)
			ret = vma_protect_range(&mm->vmas, addr, addr + len,
						prot & HOST_PROT);
	}
	pthread_mutex_unlock(&mm->lock);
	return ret;
}

/* The host's mremap of [old, old+old_len) to [to, to+new_len). */
static long host_remap(struct mm *mm, uint64_t old, uint64_t old_len, uint64_t new_len,
		       uint64_t to)
{
	long ret;

	if (to == old)
		ret = hostcall(mm->proc, __NR_mremap, old, old_len, new_len, 0, 0, 0);
	else
		ret = hostcall(mm->proc, __NR_mremap, old, old_len, new_len,
			       MREMAP_MAYMOVE | MREMAP_FIXED, to, 0);
	return ret == (long)to ? 0 : ret < 0 ? ret : -EIO;
}

/* Move or resize [old, old+old_len) of one VMA to [to, to+new_len). */
static long remap(struct mm *mm, const struct vma *src, uint64_t old,
		  uint64_t old_len, uint64_t new_len, uint64_t to)
{
	struct vma v = *src;
	long ret = -ENOSPC;

	if (new_len > old_len && v.backing != BACK_HOST)
		ret = memfile_grow(mm, &v, old, old_len, new_len, to);
	if (ret == -ENOSPC) {
		ret = host_remap(mm, old, old_len, new_len, to);
		if (!ret && new_len > old_len && v.backing == BACK_COW)
			/* the host grew a private map of a memory file: what
			 * it added must read as zero, as new anonymous memory */
			ret = memfile_back_host(mm, &v, to + old_len, to + new_len);
		if (ret)
			return ret;
		if (new_len < old_len)  /* moved and shrunk: the rest is gone */
			memfile_release(mm, old + new_len, old + old_len);
		if (vma_has_off(&v))
			v.off += old - v.start;
		if (v.backing == BACK_MF)
			v.mf_off += old - v.start;
	} else if (ret) {
		return ret;
	}
	v.start = to;
	v.end = to + new_len;
	vma_remove_range(&mm->vmas, old, old + old_len);
	vma_remove_range(&mm->vmas, to, to + new_len);
	return vma_insert(&mm->vmas, &v) ? -ENOMEM : (long)to;
}

long mm_mremap(struct mm *mm, uint64_t old, uint64_t old_len, uint64_t new_len,
	       int flags, uint64_t new_addr)
{
	struct vma *v, src;
	uint64_t to;
	long ret;

	if ((old & (PAGE_SIZE - 1)) ||
	    (flags & ~(MREMAP_MAYMOVE | MREMAP_FIXED | MREMAP_DONTUNMAP)))
		return -EINVAL;
	if ((flags & MREMAP_FIXED) && !(flags & MREMAP_MAYMOVE))
		return -EINVAL;
	if (flags & MREMAP_DONTUNMAP)
		return -EINVAL;         /* not supported yet: documented */
	old_len = PAGE_ALIGN(old_len);
	new_len = PAGE_ALIGN(new_len);
	if (!new_len || !old_len)
		return -EINVAL;
	if (!range_ok(old, old_len))
		return -EFAULT;
	if ((flags & MREMAP_FIXED) &&
	    ((new_addr & (PAGE_SIZE - 1)) || !range_ok(new_addr, new_len)))
		return -EINVAL;
	if ((flags & MREMAP_FIXED) && new_addr < old + old_len && old < new_addr + new_len)
		return -EINVAL;

	pthread_mutex_lock(&mm->lock);
	v = vma_lookup(&mm->vmas, old);
	if (!v || v->end < old + old_len) {
		ret = -EFAULT;          /* must lie within one mapping */
		goto out;
	}
	/* a trampoline returns to the address it was made for */
	stub_proc_unpatch(mm->proc, old, old + old_len);
	src = *v;
	if (flags & MREMAP_FIXED) {
		ret = remap(mm, &src, old, old_len, new_len, new_addr);
	} else if (new_len == old_len) {
		ret = (long)old;
	} else if (new_len < old_len) {
		ret = hostcall(mm->proc, __NR_munmap, old + new_len, old_len - new_len,
			       0, 0, 0, 0);
		if (ret == 0) {
			memfile_release(mm, old + new_len, old + old_len);
			vma_remove_range(&mm->vmas, old + new_len, old + old_len);
		}
		ret = ret ? ret : (long)old;
	} else if (src.end == old + old_len && range_ok(old, new_len) &&
		   vma_range_free(&mm->vmas, old + old_len, old + new_len)) {
		ret = remap(mm, &src, old, old_len, new_len, old);
	} else if (flags & MREMAP_MAYMOVE) {
		to = vma_find_gap(&mm->vmas, new_len, mm->mmap_base, MMAP_MIN_ADDR);
		ret = to ? remap(mm, &src, old, old_len, new_len, to) : -ENOMEM;
	} else {
		ret = -ENOMEM;
	}
out:
	pthread_mutex_unlock(&mm->lock);
	return ret;
}

#ifndef MADV_COLLAPSE
#define MADV_COLLAPSE 25
#endif
#ifndef MADV_SOFT_OFFLINE
#define MADV_SOFT_OFFLINE 101
#endif

/* Does [start, end) hold a locked VMA? (mm->lock held) */
static bool range_locked(struct mm *mm, uint64_t start, uint64_t end)
{
	for (size_t i = vma_index(&mm->vmas, start); i < mm->vmas.n; i++) {
		if (mm->vmas.v[i].start >= end)
			break;
		if (mm->vmas.v[i].locked)
			return true;
	}
	return false;
}

/*
 * The advice values of Linux 6.1 (the kernel the sandbox says it is).
 * The stub carries each out in the application's address space, so the
 * host does what Linux does (MADV_DONTNEED really zeroes private anonymous
 * pages, MADV_DONTFORK and MADV_WIPEONFORK act at the host fork that is
 * the application's fork); the sentry adds what its own bookkeeping needs:
 * a VMA the child will not have is marked, and locked memory (which the
 * host does not know is locked) refuses to be dropped.
 */
long mm_madvise(struct mm *mm, uint64_t addr, uint64_t len, int advice)
{
	long ret = 0;

	if (addr & (PAGE_SIZE - 1))
		return -EINVAL;
	switch (advice) {
	case MADV_NORMAL: case MADV_RANDOM: case MADV_SEQUENTIAL:
	case MADV_WILLNEED: case MADV_DONTNEED: case MADV_FREE: case MADV_REMOVE:
	case MADV_DONTFORK: case MADV_DOFORK: case MADV_MERGEABLE:
	case MADV_UNMERGEABLE: case MADV_HUGEPAGE: case MADV_NOHUGEPAGE:
	case MADV_DONTDUMP: case MADV_DODUMP: case MADV_WIPEONFORK: case MADV_KEEPONFORK:
	case MADV_COLD: case MADV_PAGEOUT: case MADV_POPULATE_READ: case MADV_POPULATE_WRITE:
	case MADV_DONTNEED_LOCKED: case MADV_COLLAPSE:
		break;
	case MADV_HWPOISON: case MADV_SOFT_OFFLINE:
		return -EPERM;          /* CAP_SYS_ADMIN of the host's */
	default:
		return -EINVAL;
	}
	if (len && !PAGE_ALIGN(len))
		return -EINVAL;
	len = PAGE_ALIGN(len);
	if (addr + len < addr)
		return -EINVAL;
	if (!len)
		return 0;
	pthread_mutex_lock(&mm->lock);
	if (!vma_range_mapped(&mm->vmas, addr, addr + len))
		ret = -ENOMEM;
	else if ((advice == MADV_DONTNEED || advice == MADV_FREE || advice == MADV_COLD ||
		  advice == MADV_PAGEOUT) && range_locked(mm, addr, addr + len))
		ret = -EINVAL;          /* Linux keeps locked pages */
	else if (memfile_in_range(mm, addr, addr + len))
		ret = memfile_madvise(mm, addr, addr + len, advice);
	else
		ret = hostcall(mm->proc, __NR_madvise, addr, len, (uint64_t)advice,
			       0, 0, 0);
	if (!ret && (advice == MADV_DONTFORK || advice == MADV_DOFORK))
		ret = vma_dontfork_range(&mm->vmas, addr, addr + len,
					 advice == MADV_DONTFORK);
	pthread_mutex_unlock(&mm->lock);
	return ret;
}

/* brk(2): grow or shrink the heap; answers the (possibly unchanged) break. */
uint64_t mm_brk(struct mm *mm, uint64_t addr)
{
	uint64_t old, cur_end, new_end;

	/* above the user range, PAGE_ALIGN would wrap to 0: that shrinks
	 * the heap to nothing and everything below it with it */
	if (addr < mm->brk_start || addr > TASK_SIZE)
		return mm->brk;
	old = mm->brk;
	cur_end = PAGE_ALIGN(old);
	new_end = PAGE_ALIGN(addr);
	if (new_end > cur_end) {
		if (!range_ok(cur_end, new_end - cur_end))
			return old;
		pthread_mutex_lock(&mm->lock);
		bool free = vma_range_free(&mm->vmas, cur_end, new_end);
		pthread_mutex_unlock(&mm->lock);
		if (!free || mm_mmap(mm, cur_end, new_end - cur_end,
				     PROT_READ | PROT_WRITE,
				     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0,
				     VMA_HEAP) < 0)
			return old;
	} else if (new_end < cur_end) {
		if (mm_munmap(mm, new_end, cur_end - new_end) < 0)
			return old;
	}
	mm->brk = addr;
	return addr;
}

static void stat_vma(struct mm_stat *st, const struct vma *v)
{
	uint64_t len = v->end - v->start;

	st->size += len;
	if (v->locked)
		st->locked += len;
	if (v->kind == VMA_STACK)
		st->stk += len;
	else if ((v->prot & PROT_WRITE) && !vma_shared(v))
		st->data += len;
	if (v->kind == VMA_FILE && (v->prot & PROT_EXEC)) {
		st->exec += len;
		/* the lowest one is the program's text, the rest libraries */
		if (!st->end_code) {
			st->start_code = v->start;
			st->end_code = v->end;
		}
	}
}

void mm_stat(struct mm *mm, struct mm_stat *st)
{
	memset(st, 0, sizeof(*st));
	if (!mm)
		return;
	pthread_mutex_lock(&mm->lock);
	for (size_t i = 0; i < mm->vmas.n; i++)
		stat_vma(st, &mm->vmas.v[i]);
	st->start_stack = mm->stack_top;
	st->start_brk = mm->brk_start;
	st->arg_start = mm->arg_start;
	st->arg_end = mm->arg_end;
	st->env_start = mm->env_start;
	st->env_end = mm->env_end;
	pthread_mutex_unlock(&mm->lock);
}

int mm_for_each_vma(struct mm *mm, int (*fn)(const struct vma *v, void *arg), void *arg)
{
	int r = 0;

	if (!mm)
		return 0;
	pthread_mutex_lock(&mm->lock);
	for (size_t i = 0, j; i < mm->vmas.n && !r; i = j) {
		struct vma v = mm->vmas.v[i];

		/* VMAs apart only in their backing are one, as in Linux */
		for (j = i + 1; j < mm->vmas.n && vma_continues(&v, &mm->vmas.v[j]); j++)
			v.end = mm->vmas.v[j].end;
		r = fn(&v, arg);
	}
	pthread_mutex_unlock(&mm->lock);
	return r;
}

size_t mm_auxv(struct mm *mm, void *buf, size_t len)
{
	size_t n;

	if (!mm)
		return 0;
	pthread_mutex_lock(&mm->lock);
	n = mm->auxv_len * sizeof(mm->auxv[0]);
	memcpy(buf, mm->auxv, n < len ? n : len);
	pthread_mutex_unlock(&mm->lock);
	return n;
}
