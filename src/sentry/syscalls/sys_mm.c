/* SPDX-License-Identifier: MIT */
/* Memory system calls: argument decoding; the work is in mm/. */
#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>

#include "mm/mm.h"
#include "syscalls/syscalls.h"
#include "vfs/vfs.h"

long sys_brk(struct task *t, const struct syscall_args *a)
{
	return (long)mm_brk(t->tg->mm, a->a[0]);
}

/* A file mapping: the file system names the host fd the stub maps. */
static long mmap_file(struct task *t, const struct syscall_args *a, int flags)
{
	struct file *f = fget(t, ARG_INT(a, 4));
	int prot = ARG_INT(a, 2), type = flags & MAP_TYPE, acc;
	bool shared_write;
	long ret;

	if (!f)
		return -EBADF;
	acc = f->flags & O_ACCMODE;
	shared_write = type != MAP_PRIVATE && (prot & PROT_WRITE);
	/* Linux's do_mmap: a length of 0 and a mapping of no type are
	 * EINVAL before the file's access mode is looked at */
	if (!a->a[1] || (type != MAP_SHARED && type != MAP_PRIVATE && type != MAP_SHARED_VALIDATE))
		ret = -EINVAL;
	else if (acc == O_WRONLY || (shared_write && acc != O_RDWR))
		ret = -EACCES;
	else if (devfs_is_zero(f))      /* /dev/zero maps anonymous memory */
		ret = mm_mmap(t->tg->mm, a->a[0], a->a[1], prot,
			      flags | MAP_ANONYMOUS | (acc == O_RDWR ? 0 : MM_NOWRITE), -1, 0,
			      VMA_ANON);
	else if (!f->ops->mmap_fd)
		ret = -ENODEV;
	else if ((ret = f->ops->mmap_fd(f, shared_write)) >= 0)
		ret = mm_mmap(t->tg->mm, a->a[0], a->a[1], prot,
			      flags | (acc == O_RDWR ? 0 : MM_NOWRITE), (int)ret, a->a[5],
			      VMA_FILE);
	file_put(f);
	return ret;
}

/* The flags Linux knows (LEGACY_MAP_MASK, MAP_SYNC, MAP_FIXED_NOREPLACE). */
#define KNOWN_MAP_FLAGS (MAP_SHARED | MAP_PRIVATE | MAP_FIXED | MAP_ANONYMOUS | \
			 MAP_DENYWRITE | MAP_EXECUTABLE | MAP_GROWSDOWN | MAP_LOCKED | \
			 MAP_NORESERVE | MAP_POPULATE | MAP_NONBLOCK | MAP_STACK | \
			 MAP_HUGETLB | MAP_SYNC | MAP_FIXED_NOREPLACE | 0x4000000)

long sys_mmap(struct task *t, const struct syscall_args *a)
{
	int flags = ARG_INT(a, 3);

	if ((flags & MAP_TYPE) == MAP_SHARED_VALIDATE && (flags & ~(KNOWN_MAP_FLAGS | MAP_TYPE)))
		return -EOPNOTSUPP;
	if (flags & MAP_HUGETLB)
		return -EINVAL;         /* no huge pages in the sandbox */
	flags &= ~MM_NOWRITE;

	if (!(flags & MAP_ANONYMOUS))
		return mmap_file(t, a, flags);
	return mm_mmap(t->tg->mm, a->a[0], a->a[1], ARG_INT(a, 2), flags, -1, 0,
		       VMA_ANON);
}

/*
 * The host munmap of a touched page must flush the TLB of every CPU that
 * runs the address space, and the task's own stub thread, spinning there
 * for the answer, is such a CPU: an IPI to a running vCPU cost 9-37 us a
 * munmap here (the memory file's shared pages two flushes, anonymous ones
 * one), against 2-3 us with the thread asleep (docs/memory.md).  So it
 * sleeps for this call, and its CPU leaves the address space.
 */
long sys_munmap(struct task *t, const struct syscall_args *a)
{
	task_long_wait(t);
	return mm_munmap(t->tg->mm, a->a[0], a->a[1]);
}

long sys_mprotect(struct task *t, const struct syscall_args *a)
{
	return mm_mprotect(t->tg->mm, a->a[0], a->a[1], ARG_INT(a, 2));
}

long sys_mremap(struct task *t, const struct syscall_args *a)
{
	return mm_mremap(t->tg->mm, a->a[0], a->a[1], a->a[2], ARG_INT(a, 3), a->a[4]);
}

long sys_madvise(struct task *t, const struct syscall_args *a)
{
	return mm_madvise(t->tg->mm, a->a[0], a->a[1], ARG_INT(a, 2));
}
