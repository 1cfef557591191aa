/* sched_setattr/sched_getattr: the policy, nice value and priority of a
 * thread in struct sched_attr, the same state sched_getscheduler and
 * getpriority read; SCHED_FLAG_KEEP_POLICY/KEEP_PARAMS; sizes (E2BIG
 * writes the kernel's size back); bad input. */
#define _GNU_SOURCE
#include <sched.h>
#include <stdint.h>
#include <sys/resource.h>
#include "check.h"

/* linux/sched/types.h clashes with glibc's sched.h: the ABI's own copy */
struct sched_attr {
	uint32_t size, sched_policy;
	uint64_t sched_flags;
	int32_t sched_nice;
	uint32_t sched_priority;
	uint64_t sched_runtime, sched_deadline, sched_period;
	uint32_t sched_util_min, sched_util_max;
};
#define SCHED_FLAG_RESET_ON_FORK 0x01
#define SCHED_FLAG_KEEP_POLICY 0x08
#define SCHED_FLAG_KEEP_PARAMS 0x10

static long setattr(pid_t pid, struct sched_attr *a, unsigned flags)
{
	return syscall(SYS_sched_setattr, pid, a, flags);
}

static long getattr(pid_t pid, struct sched_attr *a, unsigned size, unsigned flags)
{
	return syscall(SYS_sched_getattr, pid, a, size, flags);
}

int main(void)
{
	struct sched_attr a = { .size = sizeof(a) }, g;
	unsigned char big[sizeof(a) + 16];

	/* SCHED_BATCH with nice 4 */
	a.sched_policy = SCHED_BATCH;
	a.sched_nice = 4;
	CHECK_OK(setattr(0, &a, 0));
	CHECK(sched_getscheduler(0) == SCHED_BATCH, "policy");
	CHECK(getpriority(PRIO_PROCESS, 0) == 4, "nice");
	memset(&g, 0xff, sizeof(g));
	CHECK_OK(getattr(0, &g, sizeof(g), 0));
	CHECK(g.size == sizeof(g) && g.sched_policy == SCHED_BATCH && g.sched_nice == 4 &&
	      g.sched_priority == 0 && g.sched_flags == 0, "getattr %u %u %d %u", g.size,
	      g.sched_policy, g.sched_nice, g.sched_priority);
	/* a VER0-sized read */
	memset(&g, 0, sizeof(g));
	CHECK_OK(getattr(0, &g, 48, 0));
	CHECK(g.size == 48 && g.sched_policy == SCHED_BATCH, "VER0 read: size %u", g.size);

	/* keep the policy, change the nice value */
	a.sched_flags = SCHED_FLAG_KEEP_POLICY;
	a.sched_policy = SCHED_FIFO;    /* ignored */
	a.sched_nice = 6;
	CHECK_OK(setattr(0, &a, 0));
	CHECK(sched_getscheduler(0) == SCHED_BATCH && getpriority(PRIO_PROCESS, 0) == 6,
	      "KEEP_POLICY");
	/* keep the parameters (utilisation hints alone): policy and nice stay */
	a.sched_flags = SCHED_FLAG_KEEP_PARAMS;
	a.sched_policy = SCHED_OTHER;
	a.sched_nice = 0;
	CHECK_OK(setattr(0, &a, 0));
	CHECK(sched_getscheduler(0) == SCHED_BATCH && getpriority(PRIO_PROCESS, 0) == 6,
	      "KEEP_PARAMS: policy %d nice %d", sched_getscheduler(0),
	      getpriority(PRIO_PROCESS, 0));

	/* real time, with reset-on-fork */
	a.sched_flags = SCHED_FLAG_RESET_ON_FORK;
	a.sched_policy = SCHED_RR;
	a.sched_priority = 7;
	CHECK_OK(setattr(0, &a, 0));
	CHECK(sched_getscheduler(0) == (SCHED_RR | SCHED_RESET_ON_FORK), "RR|RESET_ON_FORK");
	CHECK_OK(getattr(0, &g, sizeof(g), 0));
	CHECK(g.sched_priority == 7 && g.sched_flags == SCHED_FLAG_RESET_ON_FORK, "rt attr");
	a.sched_flags = 0;
	a.sched_policy = SCHED_OTHER;
	a.sched_priority = 0;
	CHECK_OK(setattr(0, &a, 0));

	/* bad input */
	CHECK_ERRNO(setattr(0, NULL, 0), EINVAL);
	CHECK_ERRNO(setattr(-1, &a, 0), EINVAL);
	CHECK_ERRNO(setattr(0, &a, 1), EINVAL);
	a.sched_policy = 12345;
	CHECK_ERRNO(setattr(0, &a, 0), EINVAL);
	a.sched_policy = SCHED_FIFO;
	a.sched_priority = 0;
	CHECK_ERRNO(setattr(0, &a, 0), EINVAL);
	a.sched_priority = 100;
	CHECK_ERRNO(setattr(0, &a, 0), EINVAL);
	a.sched_policy = SCHED_OTHER;
	a.sched_priority = 0;
	a.sched_flags = 0x1000;
	CHECK_ERRNO(setattr(0, &a, 0), EINVAL);
	a.sched_flags = 0;
	a.size = 20;
	CHECK_ERRNO(setattr(0, &a, 0), E2BIG);
	CHECK(a.size == sizeof(a), "E2BIG writes the kernel's size: %u", a.size);
	/* a larger struct with non-zero extra bytes */
	memset(big, 0, sizeof(big));
	memcpy(big, &a, sizeof(a));
	((struct sched_attr *)big)->size = sizeof(big);
	CHECK_OK(setattr(0, (struct sched_attr *)big, 0));
	big[sizeof(a) + 3] = 1;
	CHECK_ERRNO(setattr(0, (struct sched_attr *)big, 0), E2BIG);
	CHECK_ERRNO(setattr(0, KERNEL_PTR, 0), EFAULT);
	CHECK_ERRNO(getattr(0, &g, 47, 0), EINVAL);
	CHECK_ERRNO(getattr(0, &g, sizeof(g), 1), EINVAL);
	CHECK_ERRNO(getattr(-1, &g, sizeof(g), 0), EINVAL);
	CHECK_ERRNO(getattr(0x3fffffff, &g, sizeof(g), 0), ESRCH);
	CHECK_ERRNO(getattr(0, KERNEL_PTR, sizeof(g), 0), EFAULT);
	return 0;
}
