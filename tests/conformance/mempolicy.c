/* NUMA memory policy calls as Linux answers them with node 0 (every
 * machine has it): set_mempolicy's modes and their checks, get_mempolicy
 * reading them back (MPOL_F_MEMS_ALLOWED, MPOL_F_ADDR, MPOL_F_NODE), the
 * policy kept across fork, and mbind's checks of the range. */
#define _GNU_SOURCE
#include <sys/mman.h>
#include "check.h"

#define MPOL_DEFAULT 0
#define MPOL_PREFERRED 1
#define MPOL_BIND 2
#define MPOL_INTERLEAVE 3
#define MPOL_LOCAL 4
#define MPOL_F_STATIC_NODES (1 << 15)
#define MPOL_F_RELATIVE_NODES (1 << 14)
#define MPOL_F_NODE 1
#define MPOL_F_ADDR 2
#define MPOL_F_MEMS_ALLOWED 4

static long set_pol(int mode, unsigned long *nodes, unsigned long maxnode)
{
	return syscall(SYS_set_mempolicy, mode, nodes, maxnode);
}

static long get_pol(int *mode, unsigned long *nodes, unsigned long maxnode, void *addr,
		    unsigned long flags)
{
	return syscall(SYS_get_mempolicy, mode, nodes, maxnode, addr, flags);
}

static long mbind_(void *a, unsigned long len, int mode, unsigned long *nodes,
		   unsigned long maxnode, unsigned flags)
{
	return syscall(SYS_mbind, a, len, mode, nodes, maxnode, flags);
}

int main(void)
{
	unsigned long node0[16] = { 1 }, none[16] = { 0 }, got[16];
	int mode = -1, st;
	char *m;
	pid_t pid;

	CHECK_OK(get_pol(&mode, got, 1024, NULL, 0));
	CHECK(mode == MPOL_DEFAULT && got[0] == 0, "default: mode %d nodes %#lx", mode, got[0]);
	CHECK_OK(get_pol(&mode, got, 1024, NULL, MPOL_F_MEMS_ALLOWED));
	CHECK(mode == MPOL_DEFAULT && (got[0] & 1), "mems allowed: %d %#lx", mode, got[0]);
	CHECK_ERRNO(get_pol(&mode, got, 0, NULL, 0), EINVAL);          /* maxnode < nodes */
	CHECK_ERRNO(get_pol(&mode, NULL, 0, NULL, 8), EINVAL);         /* unknown flag */
	CHECK_ERRNO(get_pol(&mode, NULL, 0, NULL, MPOL_F_MEMS_ALLOWED | MPOL_F_ADDR), EINVAL);
	CHECK_ERRNO(get_pol(&mode, NULL, 0, (void *)4096, 0), EINVAL); /* addr without F_ADDR */
	CHECK_ERRNO(get_pol(&mode, NULL, 0, NULL, MPOL_F_NODE), EINVAL); /* not interleaving */

	CHECK_ERRNO(set_pol(99, NULL, 0), EINVAL);
	CHECK_ERRNO(set_pol(MPOL_DEFAULT, node0, 64), EINVAL);         /* default takes no nodes */
	CHECK_ERRNO(set_pol(MPOL_BIND, none, 64), EINVAL);             /* bind needs some */
	CHECK_ERRNO(set_pol(MPOL_BIND, NULL, 0), EINVAL);
	CHECK_ERRNO(set_pol(MPOL_LOCAL, node0, 64), EINVAL);
	CHECK_ERRNO(set_pol(MPOL_BIND | MPOL_F_STATIC_NODES | MPOL_F_RELATIVE_NODES, node0, 64),
		    EINVAL);
	CHECK_ERRNO(set_pol(MPOL_BIND, (unsigned long *)KERNEL_PTR, 64), EFAULT);

	CHECK_OK(set_pol(MPOL_BIND, node0, 64));
	CHECK_OK(get_pol(&mode, got, 1024, NULL, 0));
	CHECK(mode == MPOL_BIND && got[0] == 1, "bind: mode %d nodes %#lx", mode, got[0]);
	CHECK_OK(set_pol(MPOL_BIND | MPOL_F_STATIC_NODES, node0, 64));
	CHECK_OK(get_pol(&mode, got, 1024, NULL, 0));
	CHECK(mode == (MPOL_BIND | MPOL_F_STATIC_NODES), "static: mode %#x", mode);

	/* "prefer no node" is local */
	CHECK_OK(set_pol(MPOL_PREFERRED, NULL, 0));
	CHECK_OK(get_pol(&mode, got, 1024, NULL, 0));
	CHECK(mode == MPOL_LOCAL && got[0] == 0, "preferred none: mode %d nodes %#lx", mode, got[0]);

	CHECK_OK(set_pol(MPOL_INTERLEAVE, node0, 64));
	mode = -1;
	CHECK_OK(get_pol(&mode, NULL, 0, NULL, MPOL_F_NODE));
	CHECK(mode == 0, "next interleave node %d", mode);

	/* a child keeps its parent's policy */
	pid = fork();
	CHECK(pid >= 0, "fork: %s", strerror(errno));
	if (pid == 0)
		_exit(get_pol(&mode, got, 1024, NULL, 0) || mode != MPOL_INTERLEAVE || got[0] != 1);
	CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st) && !WEXITSTATUS(st),
	      "child's policy (status %#x)", st);
	CHECK_OK(set_pol(MPOL_DEFAULT, NULL, 0));

	/* ranges: a mapped one binds, a hole is EFAULT, an odd start EINVAL */
	m = mmap(NULL, 3 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(m != MAP_FAILED, "mmap: %s", strerror(errno));
	CHECK_OK(munmap(m + PAGE, PAGE));
	CHECK_OK(mbind_(m, PAGE, MPOL_BIND, node0, 64, 0));
	CHECK_OK(mbind_(m, PAGE, MPOL_DEFAULT, NULL, 0, 0));
	CHECK_OK(mbind_(m, 0, MPOL_BIND, node0, 64, 0));
	CHECK_ERRNO(mbind_(m, 3 * PAGE, MPOL_BIND, node0, 64, 0), EFAULT);
	CHECK_ERRNO(mbind_(m + 1, PAGE, MPOL_BIND, node0, 64, 0), EINVAL);
	CHECK_ERRNO(mbind_(m, PAGE, MPOL_BIND, none, 64, 0), EINVAL);
	CHECK_ERRNO(mbind_(m, PAGE, MPOL_BIND, node0, 64, 1 << 5), EINVAL);
	mode = -1;
	CHECK_OK(get_pol(&mode, got, 1024, m + 2 * PAGE, MPOL_F_ADDR));
	CHECK(mode == MPOL_DEFAULT, "policy at an unbound address: %d", mode);
	CHECK_ERRNO(get_pol(&mode, got, 1024, m + PAGE, MPOL_F_ADDR), EFAULT);
	return 0;
}
