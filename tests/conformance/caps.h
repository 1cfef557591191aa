/* Helpers of the caps_*.c conformance tests: a process's capability sets,
 * capset of the three the syscall sets, and a case run in a child of its
 * own (so that the privileges it gives up are only its own). */
#ifndef CVISOR_CONFORMANCE_CAPS_H
#define CVISOR_CONFORMANCE_CAPS_H

#include <linux/capability.h>
#include <stdint.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include "check.h"

#define BIT(c) (1ULL << (c))

struct sets {
	uint64_t eff, perm, inh;
	uint64_t bnd, amb;              /* the caller's only */
};

/* The sets of pid (0: the caller, whose bounding and ambient sets come too). */
static inline struct sets caps_of(int pid)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, pid };
	struct __user_cap_data_struct d[2];
	struct sets s = { 0, 0, 0, 0, 0 };

	CHECK(syscall(SYS_capget, &h, d) == 0, "capget: %s", strerror(errno));
	s.eff = d[0].effective | (uint64_t)d[1].effective << 32;
	s.perm = d[0].permitted | (uint64_t)d[1].permitted << 32;
	s.inh = d[0].inheritable | (uint64_t)d[1].inheritable << 32;
	for (int c = 0; !pid && c <= CAP_LAST_CAP; c++) {
		if (prctl(PR_CAPBSET_READ, c, 0, 0, 0) == 1)
			s.bnd |= BIT(c);
		if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, c, 0, 0) == 1)
			s.amb |= BIT(c);
	}
	return s;
}

static inline struct sets caps(void)
{
	return caps_of(0);
}

/* capset of the caller's effective, permitted and inheritable sets. */
static inline int caps_set(uint64_t eff, uint64_t perm, uint64_t inh)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2] = {
		{ (uint32_t)eff, (uint32_t)perm, (uint32_t)inh },
		{ (uint32_t)(eff >> 32), (uint32_t)(perm >> 32), (uint32_t)(inh >> 32) },
	};

	return (int)syscall(SYS_capset, &h, d);
}

/* Run fn in a child, which must exit 0 (a failed CHECK exits 1). */
static inline void in_child(void (*fn)(void), const char *name)
{
	pid_t c = fork();
	int st;

	CHECK(c >= 0, "fork");
	if (c == 0) {
		fn();
		_exit(0);
	}
	CHECK(waitpid(c, &st, 0) == c && WIFEXITED(st) && WEXITSTATUS(st) == 0,
	      "%s: the child failed (status %#x)", name, st);
}

#endif
