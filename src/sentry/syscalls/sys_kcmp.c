/* SPDX-License-Identifier: MIT */
/*
 * kcmp(2): do two threads share a kernel object?  0 if they do, else 1 or
 * 2 by an order of the objects' addresses that a per-sentry random cookie
 * hides, as Linux's kptr_obfuscate() (the order is stable, its meaning
 * is not).  Both threads must be readable by the caller's real ids
 * (PTRACE_MODE_READ_REALCREDS), else EPERM.
 */
#include <errno.h>
#include <pthread.h>
#include <sys/random.h>

#include "ipc/ipc.h"
#include "mm/mm.h"
#include "syscalls/syscalls.h"
#include "vfs/vfs.h"

enum { KCMP_FILE, KCMP_VM, KCMP_FILES, KCMP_FS, KCMP_SIGHAND, KCMP_IO, KCMP_SYSVSEM,
       KCMP_EPOLL_TFD, KCMP_TYPES };

struct kcmp_epoll_slot {
	uint32_t efd, tfd, toff;
};

static uint64_t cookie[KCMP_TYPES][2];
static pthread_once_t cookie_once = PTHREAD_ONCE_INIT;

static void cookie_init(void)
{
	if (getrandom(cookie, sizeof(cookie), 0) != sizeof(cookie))
		cookie[0][0] = 0x9e3779b97f4a7c15ULL;  /* still an order; only less hidden */
	for (int i = 0; i < KCMP_TYPES; i++)
		cookie[i][1] |= 1;      /* odd: the product keeps the values apart */
}

static long kcmp_ptr(const void *a, const void *b, int type)
{
	uint64_t x, y;

	pthread_once(&cookie_once, cookie_init);
	x = ((uintptr_t)a ^ cookie[type][0]) * cookie[type][1];
	y = ((uintptr_t)b ^ cookie[type][0]) * cookie[type][1];
	return x < y ? 1 : x > y ? 2 : 0;
}

/* The file at fd in tg (no reference: for comparing), or NULL. */
static const struct file *file_at(struct thread_group *tg, int fd)
{
	struct file *f = NULL;

	pthread_mutex_lock(&tg->lock);
	if (tg->fdt)
		f = fdt_get(tg->fdt, fd);
	pthread_mutex_unlock(&tg->lock);
	file_put(f);
	return f;
}

/* KCMP_EPOLL_TFD: is fd1 of tg1 the file slot names in an epoll of tg2? */
static long cmp_epoll_target(struct task *t, struct thread_group *tg1, int fd1,
			     struct thread_group *tg2, uint64_t uslot)
{
	const struct file *f = file_at(tg1, fd1), *target;
	struct kcmp_epoll_slot slot;
	struct file *ep = NULL;

	if (!f)
		return -EBADF;
	if (copy_from_user(t->tg->mm, &slot, uslot, sizeof(slot)))
		return -EFAULT;
	pthread_mutex_lock(&tg2->lock);
	if (tg2->fdt)
		ep = fdt_get(tg2->fdt, (int)slot.efd);
	pthread_mutex_unlock(&tg2->lock);
	if (!ep)
		return -EBADF;
	if (!is_epoll(ep)) {
		file_put(ep);
		return -EINVAL;
	}
	target = epoll_target(ep, (int)slot.tfd, slot.toff);
	file_put(ep);
	if (!target)
		return -ENOENT;
	return kcmp_ptr(f, target, KCMP_EPOLL_TFD);
}

static long kcmp_objects(struct task *t, struct thread_group *g1, const struct fs_struct *fs1,
			 struct thread_group *g2, const struct fs_struct *fs2,
			 int type, uint64_t idx1, uint64_t idx2)
{
	const struct file *f1, *f2;

	switch (type) {
	case KCMP_FILE:
		f1 = file_at(g1, (int)idx1);
		f2 = file_at(g2, (int)idx2);
		return f1 && f2 ? kcmp_ptr(f1, f2, type) : -EBADF;
	case KCMP_VM:
		return kcmp_ptr(g1->mm, g2->mm, type);
	case KCMP_FILES:
		return kcmp_ptr(g1->fdt, g2->fdt, type);
	case KCMP_FS:
		return kcmp_ptr(fs1, fs2, type);
	case KCMP_SIGHAND:
		return kcmp_ptr(g1->sighand, g2->sighand, type);
	case KCMP_IO:
		/* no I/O contexts in the sandbox: as Linux's tasks without one */
		return kcmp_ptr(NULL, NULL, type);
	case KCMP_SYSVSEM:
		/* undo lists are per process, made by the first SEM_UNDO */
		return kcmp_ptr(sem_has_undo(g1->pid) ? g1 : NULL,
				sem_has_undo(g2->pid) ? g2 : NULL, type);
	case KCMP_EPOLL_TFD:
		return cmp_epoll_target(t, g1, (int)idx1, g2, idx2);
	}
	return -EINVAL;
}

long sys_kcmp(struct task *t, const struct syscall_args *a)
{
	const struct fs_struct *fs1, *fs2;
	struct thread_group *g1 = tg_find_tid(ARG_INT(a, 0), &fs1);
	struct thread_group *g2 = tg_find_tid(ARG_INT(a, 1), &fs2);
	long ret;

	if (!g1 || !g2)
		ret = -ESRCH;
	else if (!ptrace_may_access_real(t, g1) || !ptrace_may_access_real(t, g2))
		ret = -EPERM;
	else
		ret = kcmp_objects(t, g1, fs1, g2, fs2, ARG_INT(a, 2), a->a[3], a->a[4]);
	tg_put(g1);
	tg_put(g2);
	return ret;
}
