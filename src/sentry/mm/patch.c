/* SPDX-License-Identifier: MIT */
/*
 * Which code syscall patching may change (docs/syscall-patching.md): the
 * platform rewrites the bytes (platform/patch.c); the address space says
 * whether the application could see the change as anything but its own
 * code running faster.  Never code in a shared mapping (the write would
 * reach the file or another process), code the application can write now
 * (it may be rewriting it: a JIT), nor the kernel's vDSO.  Checked under
 * mm->lock, which every mprotect, mmap and munmap takes, so the answer
 * still holds while the bytes change.
 */
#include "mm/mm.h"

static bool vma_patchable(const struct vma *v, uint64_t start, uint64_t end)
{
	if (!v || v->start > start || v->end < end)
		return false;           /* across two mappings: leave it */
	if (!(v->prot & PROT_EXEC) || (v->prot & PROT_WRITE) || vma_shared(v))
		return false;
	/* a private file page, once patched, is the process's own copy: it
	 * no longer shows later writes to the file, which mmap(2) leaves
	 * unspecified (the sandbox cannot write a running executable, nor
	 * the read-only lower layer of cvisor do) */
	return v->kind == VMA_ANON || v->kind == VMA_FILE;
}

/* After a trapped syscall that returns to rip: patch its site if it may be. */
void mm_patch_syscall(struct mm *mm, struct stub_thread *st, uint64_t rip, uint64_t nr)
{
	struct stub_proc *p = mm->proc;

	if (!platform_patching || stub_thread_fast_call(st) ||
	    rip < MMAP_MIN_ADDR + PAGE_SIZE || rip > TASK_SIZE || stub_proc_patch_skip(p, rip))
		return;
	pthread_mutex_lock(&mm->lock);
	struct vma *v = vma_lookup(&mm->vmas, rip - PATCH_LEN);
	/* the host writes code only into private maps (FOLL_FORCE makes a
	 * private copy of the page): a memory-file range becomes one */
	if (vma_patchable(v, rip - PATCH_LEN, rip) &&
	    (v->backing != BACK_MF || !memfile_cow_vma(mm, v)))
		stub_proc_patch(p, rip, nr);
	else
		stub_proc_patch_refuse(p, rip);
	pthread_mutex_unlock(&mm->lock);
}

int mm_patch_fault(struct mm *mm, struct stub_regs *regs)
{
	return stub_proc_patch_fault(mm->proc, regs);
}
