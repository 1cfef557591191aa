/* Scheduling queries: sched_getaffinity gives a non-empty mask that
 * sched_setaffinity accepts back; the policy is SCHED_OTHER with priority
 * 0; setpriority/getpriority round-trip a nice value (the raw syscall
 * returns 20 - nice); a child inherits it. */
#define _GNU_SOURCE
#include <sched.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include "check.h"

int main(void)
{
	cpu_set_t set;
	CPU_ZERO(&set);
	CHECK_OK(sched_getaffinity(0, sizeof(set), &set));
	int n = CPU_COUNT(&set);
	CHECK(n >= 1, "affinity mask is empty");
	CHECK_OK(sched_setaffinity(0, sizeof(set), &set));
	/* The raw syscall returns the size of the kernel's mask it wrote. */
	long sz = syscall(SYS_sched_getaffinity, 0, sizeof(set), &set);
	CHECK(sz > 0 && sz <= (long)sizeof(set) && sz % 8 == 0, "raw getaffinity returned %ld", sz);
	cpu_set_t none;
	CPU_ZERO(&none);
	CHECK_ERRNO(sched_setaffinity(0, sizeof(none), &none), EINVAL);
	CHECK_ERRNO(sched_getaffinity(999999, sizeof(set), &set), ESRCH);

	CHECK(sched_getscheduler(0) == SCHED_OTHER, "policy %d", sched_getscheduler(0));
	struct sched_param sp = { .sched_priority = 99 };
	CHECK_OK(sched_getparam(0, &sp));
	CHECK(sp.sched_priority == 0, "priority %d", sp.sched_priority);
	CHECK_ERRNO(sched_getscheduler(-1), EINVAL);

	errno = 0;
	int nice0 = getpriority(PRIO_PROCESS, 0);
	CHECK(errno == 0, "getpriority: %s", strerror(errno));
	CHECK_OK(setpriority(PRIO_PROCESS, 0, nice0 + 5 > 19 ? 19 : nice0 + 5));
	int want = nice0 + 5 > 19 ? 19 : nice0 + 5;
	CHECK(getpriority(PRIO_PROCESS, 0) == want, "nice %d, want %d", getpriority(PRIO_PROCESS, 0), want);
	long raw = syscall(SYS_getpriority, PRIO_PROCESS, 0);
	CHECK(raw == 20 - want, "raw getpriority %ld, want %d", raw, 20 - want);
	/* Out-of-range values are clamped to 19. */
	CHECK_OK(setpriority(PRIO_PROCESS, 0, 100));
	CHECK(getpriority(PRIO_PROCESS, 0) == 19, "nice after 100: %d", getpriority(PRIO_PROCESS, 0));

	pid_t c = fork();
	CHECK(c >= 0, "fork");
	if (c == 0)
		_exit(getpriority(PRIO_PROCESS, 0) == 19 ? 0 : 1);
	int st;
	CHECK(waitpid(c, &st, 0) == c && WIFEXITED(st) && WEXITSTATUS(st) == 0, "child's nice differs");
	CHECK_ERRNO(setpriority(99, 0, 0), EINVAL);
	CHECK_ERRNO(setpriority(PRIO_PROCESS, 999999, 0), ESRCH);
	return 0;
}
