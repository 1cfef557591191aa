/* SPDX-License-Identifier: MIT */
/* Memory system calls: argument decoding; the work is in mm/. */
#include <errno.h>
#include <sys/mman.h>

#include "mm/mm.h"
#include "syscalls/syscalls.h"
#include "vfs/file.h"

long sys_brk(struct task *t, const struct syscall_args *a)
{
	return (long)mm_brk(t->tg->mm, a->a[0]);
}

long sys_mmap(struct task *t, const struct syscall_args *a)
{
	int flags = ARG_INT(a, 3);

	if (!(flags & MAP_ANONYMOUS)) {
		struct file *f = fdt_get(t->tg->fdt, ARG_INT(a, 4));

		if (!f)
			return -EBADF;
		file_put(f);
		return -ENODEV;         /* no mappable files before the VFS */
	}
	return mm_mmap(t->tg->mm, a->a[0], a->a[1], ARG_INT(a, 2), flags, -1, 0,
		       VMA_ANON);
}

long sys_munmap(struct task *t, const struct syscall_args *a)
{
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
