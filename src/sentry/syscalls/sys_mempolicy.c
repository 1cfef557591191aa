/* SPDX-License-Identifier: MIT */
/*
 * NUMA memory policy: set_mempolicy, get_mempolicy, mbind
 * (docs/syscalls.md).  The sandbox is one node, node 0, as a machine
 * without NUMA is to Linux, so every policy places memory where it goes
 * anyway: the calls check their arguments as Linux's mm/mempolicy.c
 * does, and a thread's policy is kept (struct task_sched, copied at
 * clone) and read back.  A range's policy from mbind is checked and
 * accepted but not kept: get_mempolicy(MPOL_F_ADDR) reports the default
 * policy for every mapped address, as Linux does for a range never bound.
 */
#include <errno.h>
#include <linux/capability.h>
#include <stdbool.h>
#include <string.h>

#include "mm/mm.h"
#include "syscalls/syscalls.h"

enum { MPOL_DEFAULT, MPOL_PREFERRED, MPOL_BIND, MPOL_INTERLEAVE, MPOL_LOCAL,
       MPOL_PREFERRED_MANY, MPOL_WEIGHTED_INTERLEAVE, MPOL_MAX };
#define MPOL_F_NUMA_BALANCING   (1 << 13)
#define MPOL_F_RELATIVE_NODES   (1 << 14)
#define MPOL_F_STATIC_NODES     (1 << 15)
#define MPOL_MODE_FLAGS (MPOL_F_STATIC_NODES | MPOL_F_RELATIVE_NODES | MPOL_F_NUMA_BALANCING)
#define MPOL_F_NODE             (1 << 0)
#define MPOL_F_ADDR             (1 << 1)
#define MPOL_F_MEMS_ALLOWED     (1 << 2)
#define MPOL_MF_STRICT          (1 << 0)
#define MPOL_MF_MOVE            (1 << 1)
#define MPOL_MF_MOVE_ALL        (1 << 2)

#define MAX_NUMNODES 1024       /* Debian's CONFIG_NODES_SHIFT=10: the mask's bits */
#define NODE_BYTES (MAX_NUMNODES / 8)

/* A nodemask from the application (Linux's get_nodes): maxnode - 1 bits
 * at nmask, none set past MAX_NUMNODES; the sandbox's nodes in *nodes
 * (bit 0), and whether any other node was named in *others. */
static int get_nodes(struct task *t, uint64_t nmask, uint64_t maxnode, uint64_t *nodes,
		     bool *others)
{
	uint64_t words[NODE_BYTES / 8] = { 0 }, extra;
	size_t nwords;

	*nodes = 0;
	*others = false;
	if (maxnode)
		maxnode--;
	if (!maxnode || !nmask)
		return 0;
	if (maxnode > PAGE_SIZE * 8)
		return -EINVAL;
	nwords = (maxnode + 63) / 64;
	/* bits past MAX_NUMNODES must be clear, as Linux checks them */
	for (size_t i = NODE_BYTES / 8; i < nwords; i++) {
		if (copy_from_user(t->tg->mm, &extra, nmask + i * 8, 8))
			return -EFAULT;
		if (i == nwords - 1 && maxnode % 64)
			extra &= (1ULL << (maxnode % 64)) - 1;
		if (extra)
			return -EINVAL;
	}
	if (nwords > NODE_BYTES / 8)
		nwords = NODE_BYTES / 8;
	if (copy_from_user(t->tg->mm, words, nmask, nwords * 8))
		return -EFAULT;
	if (maxnode < MAX_NUMNODES && maxnode % 64)
		words[nwords - 1] &= (1ULL << (maxnode % 64)) - 1;
	*nodes = words[0] & 1;
	*others = (words[0] & ~1ULL) != 0;
	for (size_t i = 1; i < nwords && !*others; i++)
		*others = words[i] != 0;
	return 0;
}

/* Linux's sanitize_mpol_flags and mpol_new: is (mode, flags, nodes) a
 * policy?  Nodes outside the sandbox's are dropped as outside a cpuset's
 * mems; a policy left with none is EINVAL. */
static int check_policy(int mode, int flags, uint64_t nodes, bool others)
{
	bool empty = !nodes && !others;

	if (mode < 0 || mode >= MPOL_MAX)
		return -EINVAL;
	if ((flags & MPOL_F_STATIC_NODES) && (flags & MPOL_F_RELATIVE_NODES))
		return -EINVAL;
	if ((flags & MPOL_F_NUMA_BALANCING) && mode != MPOL_BIND && mode != MPOL_PREFERRED_MANY)
		return -EINVAL;
	switch (mode) {
	case MPOL_DEFAULT:
		return empty ? 0 : -EINVAL;
	case MPOL_LOCAL:
		return empty && !(flags & (MPOL_F_STATIC_NODES | MPOL_F_RELATIVE_NODES))
			       ? 0 : -EINVAL;
	case MPOL_PREFERRED:
		if (empty)
			return flags & (MPOL_F_STATIC_NODES | MPOL_F_RELATIVE_NODES) ? -EINVAL : 0;
		break;
	default:
		if (empty)
			return -EINVAL;
	}
	/* relative nodes fold onto the allowed ones: any node is node 0 */
	return nodes || (flags & MPOL_F_RELATIVE_NODES) ? 0 : -EINVAL;
}

/* set_mempolicy(mode | flags, nmask, maxnode): the calling thread's. */
long sys_set_mempolicy(struct task *t, const struct syscall_args *a)
{
	int mode = ARG_INT(a, 0), flags = mode & MPOL_MODE_FLAGS;
	uint64_t nodes;
	bool others;
	int err;

	mode &= ~MPOL_MODE_FLAGS;
	if (mode < 0 || mode >= MPOL_MAX)
		return -EINVAL;
	if ((err = get_nodes(t, a->a[1], a->a[2], &nodes, &others)) ||
	    (err = check_policy(mode, flags, nodes, others)))
		return err;
	if (mode == MPOL_PREFERRED && !nodes && !others)
		mode = MPOL_LOCAL;      /* Linux's mpol_new: "prefer no node" is local */
	t->sched.mempolicy = mode;
	t->sched.mempolicy_flags = mode == MPOL_DEFAULT ? 0 : flags;
	t->sched.mempolicy_nodes = mode == MPOL_DEFAULT || mode == MPOL_LOCAL ? 0 : 1;
	return 0;
}

/* Linux's copy_nodes_to_user: maxnode - 1 bits, the ones past the
 * kernel's mask cleared. */
static int put_nodes(struct task *t, uint64_t nmask, uint64_t maxnode, uint64_t nodes)
{
	uint64_t words[NODE_BYTES / 8] = { nodes };
	size_t copy = ((maxnode - 1 + 63) / 64) * 8;

	if (!nmask)
		return 0;
	if (copy > NODE_BYTES) {
		if (copy > PAGE_SIZE)
			return -EINVAL;
		if (clear_user(t->tg->mm, nmask + NODE_BYTES, copy - NODE_BYTES))
			return -EFAULT;
		copy = NODE_BYTES;
	}
	return copy_to_user(t->tg->mm, nmask, words, copy) ? -EFAULT : 0;
}

static bool addr_mapped(struct mm *mm, uint64_t addr)
{
	bool mapped;

	pthread_mutex_lock(&mm->lock);
	mapped = vma_range_mapped(&mm->vmas, addr & ~(PAGE_SIZE - 1),
				  (addr & ~(PAGE_SIZE - 1)) + PAGE_SIZE);
	pthread_mutex_unlock(&mm->lock);
	return mapped;
}

/* get_mempolicy(mode, nmask, maxnode, addr, flags) */
long sys_get_mempolicy(struct task *t, const struct syscall_args *a)
{
	uint64_t nmask = a->a[1], maxnode = a->a[2], addr = a->a[3], flags = a->a[4];
	int mode = t->sched.mempolicy | t->sched.mempolicy_flags, err;
	uint64_t nodes = t->sched.mempolicy_nodes;

	if (flags & ~(uint64_t)(MPOL_F_NODE | MPOL_F_ADDR | MPOL_F_MEMS_ALLOWED))
		return -EINVAL;
	if (nmask && maxnode < 1)               /* nr_node_ids */
		return -EINVAL;
	if (flags & MPOL_F_MEMS_ALLOWED) {
		if (flags & (MPOL_F_NODE | MPOL_F_ADDR))
			return -EINVAL;
		mode = MPOL_DEFAULT;
		nodes = 1;
	} else if (flags & MPOL_F_ADDR) {
		if (!addr_mapped(t->tg->mm, addr))
			return -EFAULT;
		mode = MPOL_DEFAULT;            /* no range keeps a policy here */
		nodes = 0;
	} else if (addr) {
		return -EINVAL;
	}
	if (flags & MPOL_F_NODE) {
		/* the node of the page at addr, or the next interleave node */
		if (!(flags & MPOL_F_ADDR) && t->sched.mempolicy != MPOL_INTERLEAVE)
			return -EINVAL;
		mode = 0;
	}
	if (a->a[0] && copy_to_user(t->tg->mm, a->a[0], &mode, sizeof(mode)))
		return -EFAULT;
	if (maxnode && (err = put_nodes(t, nmask, maxnode, nodes)))
		return err;
	return 0;
}

/* mbind(start, len, mode | flags, nmask, maxnode, flags) */
long sys_mbind(struct task *t, const struct syscall_args *a)
{
	uint64_t start = a->a[0], len = a->a[1], end, nodes;
	int mode = ARG_INT(a, 2), mflags = mode & MPOL_MODE_FLAGS, err;
	unsigned long flags = a->a[5];
	bool others, mapped;

	mode &= ~MPOL_MODE_FLAGS;
	if (flags & ~(unsigned long)(MPOL_MF_STRICT | MPOL_MF_MOVE | MPOL_MF_MOVE_ALL))
		return -EINVAL;
	if ((flags & MPOL_MF_MOVE_ALL) && !capable(&t->tg->cred, CAP_SYS_NICE))
		return -EPERM;
	if (start & (PAGE_SIZE - 1))
		return -EINVAL;
	if (mode < 0 || mode >= MPOL_MAX)
		return -EINVAL;
	len = (len + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
	end = start + len;
	if (end < start)
		return -EINVAL;
	if ((err = get_nodes(t, a->a[3], a->a[4], &nodes, &others)) ||
	    (err = check_policy(mode, mflags, nodes, others)))
		return err;
	if (end == start)
		return 0;
	pthread_mutex_lock(&t->tg->mm->lock);
	mapped = vma_range_mapped(&t->tg->mm->vmas, start, end);
	pthread_mutex_unlock(&t->tg->mm->lock);
	return mapped ? 0 : -EFAULT;
}
