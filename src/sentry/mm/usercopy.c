/* SPDX-License-Identifier: MIT */
/*
 * Application memory I/O.  Memory-file ranges (mm/memfile.c) are a memcpy
 * through the sentry's own mapping, after the checks the host would make
 * (mapped, and readable or writable as the copy needs).  Everything else
 * goes through the platform (process_vm_readv/writev on systrap): the host
 * checks every page, so a bad pointer is an error return (-EFAULT for the
 * application), never a fault in the sentry.
 */
#include <errno.h>
#include <string.h>

#include "mm/mm.h"

/*
 * Linux's access_ok(): the range lies in the application's part of the
 * address space.  Checked up front by calls that must fail with EFAULT
 * before doing anything (read at EOF, writev of a bad vector).  The stub
 * region is not the application's.
 */
bool access_ok(uint64_t addr, size_t len)
{
	return len <= TASK_SIZE && addr <= TASK_SIZE - len;
}

#define user_range access_ok

/*
 * fn(the sentry's view of [addr, addr + len), len, arg) under mm->lock,
 * when every byte of the range is in memory-file VMAs whose protection
 * allows the access (the same rule process_vm_readv/writev applies:
 * PROT_READ to read, PROT_WRITE to write).  -EFAULT where the host would
 * fail the copy (a hole or a protection that forbids it), -ENODEV where
 * part of the range is host memory (the caller goes through the host).
 * The range may span VMAs whose offsets are not contiguous: fn is called
 * once per piece, and its results (byte counts) are added up.
 */
long mm_direct(struct mm *mm, uint64_t addr, size_t len, bool write,
	       long (*fn)(void *p, size_t len, void *arg), void *arg)
{
	const int need = write ? PROT_WRITE : PROT_READ;
	struct vma_list *l = &mm->vmas;
	uint64_t end = addr + len, at = addr;
	long ret = 0;
	size_t i;

	if (!__atomic_load_n(&mm->mf, __ATOMIC_RELAXED))   /* a peek: saves the lock */
		return -ENODEV;
	pthread_mutex_lock(&mm->lock);
	for (i = vma_index(l, addr); at < end; at = l->v[i++].end) {
		if (i >= l->n || l->v[i].start > at || !(l->v[i].prot & need)) {
			ret = -EFAULT;
			goto out;
		}
		if (l->v[i].backing != BACK_MF) {
			ret = -ENODEV;
			goto out;
		}
	}
	for (i = vma_index(l, addr), at = addr; at < end; i++) {
		const struct vma *v = &l->v[i];
		size_t n = (v->end < end ? v->end : end) - at;
		long r = fn(memfile_ptr(mm, v->mf_off + (at - v->start)), n, arg);

		if (r < 0) {
			ret = ret ? ret : r;
			break;
		}
		ret += r;
		at += n;
		if ((size_t)r < n)
			break;
	}
out:
	pthread_mutex_unlock(&mm->lock);
	return ret;
}

/*
 * How many bytes from addr (at most len) the VMAs allow a copy to (write)
 * or from: a read that consumes what it reads (a pipe, a socket) takes no
 * more than it can hand over, as Linux leaves data whose copy faulted in
 * the pipe.  The host may still refuse a page the VMAs allow (a shared file
 * page past the end of its file): then the copy fails as before.
 */
size_t mm_user_room(struct mm *mm, uint64_t addr, size_t len, bool write)
{
	const int need = write ? PROT_WRITE : PROT_READ;
	struct vma_list *l = &mm->vmas;
	uint64_t end, at = addr;

	if (!user_range(addr, len))
		len = addr < TASK_SIZE ? TASK_SIZE - addr : 0;
	end = addr + len;
	pthread_mutex_lock(&mm->lock);
	for (size_t i = vma_index(l, addr); at < end; at = l->v[i++].end)
		if (i >= l->n || l->v[i].start > at || !(l->v[i].prot & need))
			break;
	pthread_mutex_unlock(&mm->lock);
	return (at < end ? at : end) - addr;
}

struct copy_arg {
	char *buf;
	bool out;                       /* to the application */
};

static long copy_piece(void *p, size_t len, void *arg)
{
	struct copy_arg *c = arg;

	if (c->out)
		memcpy(p, c->buf, len);
	else
		memcpy(c->buf, p, len);
	c->buf += len;
	return (long)len;
}

int copy_from_user(struct mm *mm, void *dst, uint64_t src, size_t len)
{
	struct copy_arg c = { dst, false };
	long r;

	if (!len)
		return 0;
	if (!user_range(src, len))
		return -EFAULT;
	r = mm_direct(mm, src, len, false, copy_piece, &c);
	if (r != -ENODEV)
		return r < 0 ? (int)r : 0;
	return stub_proc_copy_in(mm->proc, dst, src, len);
}

int copy_to_user(struct mm *mm, uint64_t dst, const void *src, size_t len)
{
	struct copy_arg c = { (char *)src, true };
	long r;

	if (!len)
		return 0;
	if (!user_range(dst, len))
		return -EFAULT;
	r = mm_direct(mm, dst, len, true, copy_piece, &c);
	if (r != -ENODEV)
		return r < 0 ? (int)r : 0;
	return stub_proc_copy_out(mm->proc, dst, src, len);
}

int clear_user(struct mm *mm, uint64_t dst, size_t len)
{
	static const char zeros[4096];

	while (len) {
		size_t n = len < sizeof(zeros) ? len : sizeof(zeros);

		if (copy_to_user(mm, dst, zeros, n))
			return -EFAULT;
		dst += n;
		len -= n;
	}
	return 0;
}

/*
 * Copy a NUL-terminated string of at most max-1 bytes with read(), a page
 * at a time, so that a string ending just before an unmapped page still
 * works.  Returns its length, -EFAULT, or -ENAMETOOLONG.
 */
static long strncpy_paged(char *dst, uint64_t src, size_t max,
			  int (*read)(void *ctx, void *dst, uint64_t src, size_t len), void *ctx)
{
	for (size_t done = 0; done < max;) {
		size_t n = PAGE_SIZE - ((src + done) & (PAGE_SIZE - 1));
		char *nul;

		if (n > max - done)
			n = max - done;
		if (read(ctx, dst + done, src + done, n))
			return -EFAULT;
		nul = memchr(dst + done, 0, n);
		if (nul)
			return nul - dst;
		done += n;
	}
	return -ENAMETOOLONG;
}

static int read_mm(void *mm, void *dst, uint64_t src, size_t len)
{
	return copy_from_user(mm, dst, src, len);
}

long strncpy_from_user(struct mm *mm, char *dst, uint64_t src, size_t max)
{
	return strncpy_paged(dst, src, max, read_mm, mm);
}

/* Make the page holding addr the reader's current one. */
static int reader_load(struct user_reader *r, uint64_t addr)
{
	uint64_t page = addr & ~(uint64_t)(PAGE_SIZE - 1);

	if (r->valid && r->page == page)
		return 0;
	r->valid = false;
	if (copy_from_user(r->mm, r->buf, page, PAGE_SIZE))
		return -EFAULT;
	r->page = page;
	r->valid = true;
	return 0;
}

int reader_copy(struct user_reader *r, void *dst, uint64_t src, size_t len)
{
	char *d = dst;

	if (!user_range(src, len))
		return -EFAULT;
	while (len) {
		size_t off = src & (PAGE_SIZE - 1), n = PAGE_SIZE - off;

		if (n > len)
			n = len;
		if (reader_load(r, src))
			return -EFAULT;
		memcpy(d, r->buf + off, n);
		d += n;
		src += n;
		len -= n;
	}
	return 0;
}

static int read_reader(void *r, void *dst, uint64_t src, size_t len)
{
	return reader_copy(r, dst, src, len);
}

/* strncpy_from_user() through the reader: same results. */
long reader_strncpy(struct user_reader *r, char *dst, uint64_t src, size_t max)
{
	return strncpy_paged(dst, src, max, read_reader, r);
}

/*
 * The same, without the application-range check: the sentry reading or
 * writing stub memory it owns (the FPU state in a stub signal frame).
 */
int copy_from_user_raw(struct mm *mm, void *dst, uint64_t src, size_t len)
{
	return stub_proc_copy_in(mm->proc, dst, src, len);
}

int copy_to_user_raw(struct mm *mm, uint64_t dst, const void *src, size_t len)
{
	return stub_proc_copy_out(mm->proc, dst, src, len);
}
