/* SPDX-License-Identifier: MIT */
/*
 * Memory calls beyond mapping (docs/syscalls.md): mlock and its kin
 * (accounted against RLIMIT_MEMLOCK, the work in mm/mlock.c), msync,
 * mincore, membarrier, and the protection keys the sandbox does not have.
 */
#include <errno.h>
#include <linux/capability.h>
#include <linux/membarrier.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "mm/mm.h"
#include "syscalls/syscalls.h"

#ifndef MLOCK_ONFAULT
#define MLOCK_ONFAULT 0x01
#endif
#ifndef MCL_ONFAULT
#define MCL_ONFAULT 4
#endif

/*
 * can_do_mlock(): without CAP_IPC_LOCK a zero RLIMIT_MEMLOCK forbids
 * locking at all (EPERM); else the limit in bytes, none with the capability.
 */
static long memlock_limit(struct task *t, uint64_t *limit)
{
	rlim_t cur = t->tg->rlim[RLIMIT_MEMLOCK].rlim_cur;

	if (capable(&t->tg->cred, CAP_IPC_LOCK)) {
		*limit = UINT64_MAX;
		return 0;
	}
	if (!cur)
		return -EPERM;
	*limit = cur == RLIM_INFINITY ? UINT64_MAX : cur;
	return 0;
}

static long do_mlock(struct task *t, uint64_t addr, uint64_t len)
{
	uint64_t limit;
	long err = memlock_limit(t, &limit);

	return err ?: mm_mlock(t->tg->mm, addr, len, true, limit);
}

long sys_mlock(struct task *t, const struct syscall_args *a)
{
	return do_mlock(t, a->a[0], a->a[1]);
}

long sys_mlock2(struct task *t, const struct syscall_args *a)
{
	if (a->a[2] & ~(uint64_t)MLOCK_ONFAULT)
		return -EINVAL;
	return do_mlock(t, a->a[0], a->a[1]);
}

long sys_munlock(struct task *t, const struct syscall_args *a)
{
	return mm_mlock(t->tg->mm, a->a[0], a->a[1], false, 0);
}

long sys_mlockall(struct task *t, const struct syscall_args *a)
{
	int flags = ARG_INT(a, 0);
	uint64_t limit;
	long err;

	if (!flags || (flags & ~(MCL_CURRENT | MCL_FUTURE | MCL_ONFAULT)) ||
	    flags == MCL_ONFAULT)
		return -EINVAL;
	err = memlock_limit(t, &limit);
	return err ?: mm_mlockall(t->tg->mm, flags, limit);
}

long sys_munlockall(struct task *t, const struct syscall_args *a)
{
	(void)a;
	return mm_munlockall(t->tg->mm);
}

long sys_msync(struct task *t, const struct syscall_args *a)
{
	return mm_msync(t->tg->mm, a->a[0], a->a[1], ARG_INT(a, 2));
}

/*
 * mincore: every page of a mapped range is reported resident, as gVisor
 * does; the sentry does not ask the host which pages it has.  A hole in
 * the range is ENOMEM, a bad vector EFAULT.
 */
#define MINCORE_CHUNK 4096UL            /* pages per copy */

long sys_mincore(struct task *t, const struct syscall_args *a)
{
	uint64_t addr = a->a[0], len = a->a[1], vec = a->a[2];
	uint64_t pages = PAGE_ALIGN(len) / PAGE_SIZE;
	unsigned char *ones;
	long err = 0;

	if (addr & (PAGE_SIZE - 1))
		return -EINVAL;
	if (!access_ok(addr, len) || PAGE_ALIGN(len) < len)
		return -ENOMEM;
	if (!access_ok(vec, pages))
		return -EFAULT;
	ones = malloc(MINCORE_CHUNK);
	if (!ones)
		return -ENOMEM;
	memset(ones, 1, MINCORE_CHUNK);
	for (uint64_t done = 0; done < pages && !err;) {
		uint64_t n = pages - done < MINCORE_CHUNK ? pages - done : MINCORE_CHUNK;

		err = mm_mincore(t->tg->mm, addr + done * PAGE_SIZE, n * PAGE_SIZE) ?:
		      copy_to_user(t->tg->mm, vec + done, ones, n);
		done += n;
	}
	free(ones);
	return err;
}

/*
 * membarrier: every command is served by one host
 * membarrier(MEMBARRIER_CMD_GLOBAL) from the sentry, which orders memory
 * on every CPU that runs a thread of the sandbox (a slower, stronger
 * barrier than the expedited ones).  The registrations are kept per
 * address space so that an expedited command without one is EPERM, as
 * in Linux.
 */
#define MB_SUPPORTED (MEMBARRIER_CMD_GLOBAL | MEMBARRIER_CMD_GLOBAL_EXPEDITED | \
		      MEMBARRIER_CMD_REGISTER_GLOBAL_EXPEDITED | \
		      MEMBARRIER_CMD_PRIVATE_EXPEDITED | \
		      MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED | \
		      MEMBARRIER_CMD_PRIVATE_EXPEDITED_SYNC_CORE | \
		      MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_SYNC_CORE)

static long host_barrier(void)
{
	return syscall(SYS_membarrier, MEMBARRIER_CMD_GLOBAL, 0, 0) < 0 ? -errno : 0;
}

long sys_membarrier(struct task *t, const struct syscall_args *a)
{
	int cmd = ARG_INT(a, 0);
	struct mm *mm = t->tg->mm;
	int *reg = &mm->membarrier_reg;

	if (a->a[1])
		return -EINVAL;
	switch (cmd) {
	case MEMBARRIER_CMD_QUERY:
		return MB_SUPPORTED;
	case MEMBARRIER_CMD_GLOBAL:
		return host_barrier();
	case MEMBARRIER_CMD_GLOBAL_EXPEDITED:
	case MEMBARRIER_CMD_PRIVATE_EXPEDITED:
	case MEMBARRIER_CMD_PRIVATE_EXPEDITED_SYNC_CORE: {
		/* each one needs its own registration first */
		int need = cmd << 1;

		if (!(__atomic_load_n(reg, __ATOMIC_ACQUIRE) & need) &&
		    cmd != MEMBARRIER_CMD_GLOBAL_EXPEDITED)
			return -EPERM;
		return host_barrier();
	}
	case MEMBARRIER_CMD_REGISTER_GLOBAL_EXPEDITED:
	case MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED:
	case MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_SYNC_CORE:
		__atomic_fetch_or(reg, cmd, __ATOMIC_RELEASE);
		return 0;
	default:
		return -EINVAL;
	}
}

/*
 * Protection keys: none in the sandbox, as in gVisor.  The answer is a
 * quiet ENOSYS (not the unsupported-syscall report): V8, and so every
 * Node start, probes pkey_alloc and goes on without keys.
 */
long sys_pkey_alloc(struct task *t, const struct syscall_args *a)
{
	(void)t;
	(void)a;
	return -ENOSYS;
}

long sys_pkey_free(struct task *t, const struct syscall_args *a)
{
	return sys_pkey_alloc(t, a);
}

long sys_pkey_mprotect(struct task *t, const struct syscall_args *a)
{
	return sys_pkey_alloc(t, a);
}
