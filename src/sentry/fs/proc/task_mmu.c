/* SPDX-License-Identifier: MIT */
/*
 * procfs: a process's memory (Linux's fs/proc/task_mmu.c and base.c's
 * cmdline, environ, auxv), asked of mm/ through mm_stat(),
 * mm_for_each_vma() and mm_auxv().
 */
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "fs/proc/internal.h"
#include "mm/mm.h"

#define USER_MEM_MAX (4UL << 20)        /* cmdline/environ read at most this */

/* The process's address space: under tg->lock, as exec replaces it. */
static struct mm *tg_mm(struct thread_group *tg)
{
	struct mm *mm;

	pthread_mutex_lock(&tg->lock);
	mm = tg->mm;
	pthread_mutex_unlock(&tg->lock);
	return mm;
}

/* Application memory [start, end), page by page, up to the first hole. */
static void sb_user(struct sbuf *b, struct mm *mm, uint64_t start, uint64_t end)
{
	if (!mm || end <= start)
		return;
	if (end - start > USER_MEM_MAX)
		end = start + USER_MEM_MAX;
	while (start < end && !b->oom) {
		size_t n = PAGE_SIZE - (start & (PAGE_SIZE - 1));

		if (n > end - start)
			n = end - start;
		if (!sb_reserve(b, n) || copy_from_user(mm, b->p + b->len, start, n))
			return;
		b->len += n;
		b->p[b->len] = 0;
		start += n;
	}
}

/*
 * argv as the process has it now.  When the NUL that ends argv is gone the
 * process rewrote it (setproctitle): Linux then shows one string, from
 * arg_start to its NUL, within a page.
 */
int proc_show_cmdline(struct sbuf *b, const struct pnode *n, struct thread_group *tg)
{
	struct mm *mm = tg_mm(tg);
	struct mm_stat vs;
	char last = 0;
	size_t len;

	(void)n;
	if (!mm)
		return 0;
	mm_stat(mm, &vs);
	if (vs.arg_end <= vs.arg_start)
		return 0;
	if (copy_from_user(mm, &last, vs.arg_end - 1, 1) || !last) {
		sb_user(b, mm, vs.arg_start, vs.arg_end);
		return 0;
	}
	sb_user(b, mm, vs.arg_start, vs.arg_start + PAGE_SIZE);
	len = b->len ? strnlen(b->p, b->len) : 0;
	sb_truncate(b, len < b->len ? len + 1 : len);
	return 0;
}

int proc_show_environ(struct sbuf *b, const struct pnode *n, struct thread_group *tg)
{
	struct mm *mm = tg_mm(tg);
	struct mm_stat vs;

	(void)n;
	mm_stat(mm, &vs);
	sb_user(b, mm, vs.env_start, vs.env_end);
	return 0;
}

int proc_show_auxv(struct sbuf *b, const struct pnode *n, struct thread_group *tg)
{
	uint64_t auxv[64];

	(void)n;
	sb_add(b, auxv, mm_auxv(tg_mm(tg), auxv, sizeof(auxv)));
	return 0;
}

static const char *vma_name(const struct vma *v)
{
	switch (v->kind) {
	case VMA_HEAP: return "[heap]";
	case VMA_STACK: return "[stack]";
	case VMA_VDSO: return "[vdso]";
	case VMA_VVAR: return "[vvar]";
	default: return NULL;   /* file paths are not known to the mm yet */
	}
}

/* The column the name starts in: Linux pads the line to it. */
#define MAPS_NAME_COL (25 + sizeof(void *) * 6 - 1)

/* One maps line: "start-end perms offset major:minor inode", pad, name. */
static int show_vma(const struct vma *v, void *arg)
{
	struct sbuf *b = arg;
	size_t start = b->len;
	const char *name = vma_name(v);
	struct stat st = { 0 };

	/* the backing file as the sandbox stats it: hostfs shows host numbers */
	if (v->kind == VMA_FILE && v->host_fd >= 0 && fstat(v->host_fd, &st))
		memset(&st, 0, sizeof(st));
	sb_printf(b, "%08lx-%08lx %c%c%c%c %08lx %02x:%02x %lu ", v->start, v->end,
		  v->prot & PROT_READ ? 'r' : '-', v->prot & PROT_WRITE ? 'w' : '-',
		  v->prot & PROT_EXEC ? 'x' : '-', vma_shared(v) ? 's' : 'p',
		  v->kind == VMA_FILE ? v->off : 0, major(st.st_dev), minor(st.st_dev),
		  (unsigned long)st.st_ino);
	if (name) {
		sb_pad(b, start, MAPS_NAME_COL);
		sb_printf(b, " %s", name);
	}
	sb_putc(b, '\n');
	return 0;
}

int proc_show_maps(struct sbuf *b, const struct pnode *n, struct thread_group *tg)
{
	struct mm *mm = tg_mm(tg);

	(void)n;
	if (!mm)
		return 0;
	/* the trampolines of patched syscall sites, below every VMA, as the
	 * application's patched code jumps there (docs/syscall-patching.md) */
	if (stub_proc_patch_mapped(mm->proc)) {
		size_t start = b->len;

		sb_printf(b, "%08lx-%08lx r-xs 00000000 00:00 0 ", PATCH_TABLE, PATCH_TABLE_END);
		sb_pad(b, start, MAPS_NAME_COL);
		sb_printf(b, " [patch]\n");
	}
	mm_for_each_vma(mm, show_vma, b);
	/* the kernel's vDSO, vvar and vsyscall pages, above every VMA */
	for (int i = 0; i < platform_nr_kernel_maps; i++) {
		const struct platform_mapping *m = &platform_kernel_maps[i];
		size_t start = b->len;

		sb_printf(b, "%08lx-%08lx %s 00000000 00:00 0 ", m->start, m->end, m->perms);
		sb_pad(b, start, MAPS_NAME_COL);
		sb_printf(b, " %s\n", m->name);
	}
	return 0;
}
