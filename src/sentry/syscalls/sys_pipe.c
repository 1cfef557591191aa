/* SPDX-License-Identifier: MIT */
/* pipe and pipe2: two fds for a new pipe of fs/pipe.c. */
#include <errno.h>
#include <fcntl.h>

#include "kernel/kernel.h"
#include "mm/mm.h"
#include "syscalls/syscalls.h"
#include "vfs/vfs.h"

static long do_pipe(struct task *t, uint64_t ufds, int flags)
{
	struct file *r, *w;
	int fds[2], err;

	if (flags & ~(O_CLOEXEC | O_NONBLOCK | O_DIRECT))
		return -EINVAL;
	err = pipe_files_new(flags, &r, &w);
	if (err)
		return err;
	fds[0] = fd_alloc_install(t, 0, r, flags & O_CLOEXEC);
	if (fds[0] < 0) {
		file_put(r);
		file_put(w);
		return fds[0];
	}
	fds[1] = fd_install_new(t, w, flags & O_CLOEXEC);
	if (fds[1] < 0) {
		fdt_close(t->tg->fdt, fds[0]);
		return fds[1];
	}
	if (copy_to_user(t->tg->mm, ufds, fds, sizeof(fds))) {
		fdt_close(t->tg->fdt, fds[0]);
		fdt_close(t->tg->fdt, fds[1]);
		return -EFAULT;
	}
	return 0;
}

long sys_pipe(struct task *t, const struct syscall_args *a)
{
	return do_pipe(t, a->a[0], 0);
}

long sys_pipe2(struct task *t, const struct syscall_args *a)
{
	return do_pipe(t, a->a[0], ARG_INT(a, 1));
}
