/* SPDX-License-Identifier: MIT */
#ifndef CVISOR_SANDBOX_CGROUP_H
#define CVISOR_SANDBOX_CGROUP_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

/*
 * linux.resources on the host: the sandbox's processes (supervisor,
 * sentry, stubs) go into a cgroup of their own, on cgroup v2 when its
 * hierarchy has the controllers, else on the v1 hierarchies.
 */
struct cgroup_limits {
	int64_t memory;                 /* bytes, <= 0: none */
	int64_t pids;                   /* host tasks, <= 0: none */
	uint64_t cpu_quota, cpu_period; /* us, 0: none */
};

/* cgroup v2 (its hierarchy has the memory, pids and cpu controllers): make
 * the cgroup, set the limits and move pid into it.  -errno on failure
 * (nothing is left behind); -EOPNOTSUPP without such a hierarchy. */
int cgroup_enter(const char *path, const struct cgroup_limits *l, pid_t pid);
/*
 * The engine's cgroupsPath on the v1 hierarchies: every mounted controller
 * gets the directory, the whole of linux.resources (JSON) is written to
 * the files it names (one this kernel lacks is skipped) and pid joins.
 */
int cgroup_enter_oci(const char *path, const char *resources, pid_t pid);
/* Remove it again (after the sandbox is gone). */
void cgroup_remove(const char *path);

/*
 * The freezer of a container's cgroup (cvisor pause and resume), as runc
 * uses it: the v1 freezer hierarchy's if it has the cgroup at path, else
 * cgroup v2's cgroup.freeze.
 *
 * cgroup_freeze() asks for the state and waits until the cgroup reads it
 * back: freezer.state FROZEN or THAWED, cgroup.events "frozen 1" or
 * "frozen 0".  A freeze that does not complete within 10 s is undone and
 * fails with -EBUSY.  -ENOENT: no freezer has the cgroup.
 *
 * cgroup_frozen(): 1 if the cgroup itself was asked to freeze (not merely
 * an ancestor), 0 if not, -ENOENT as above.
 */
int cgroup_freeze(const char *path, bool frozen);
int cgroup_frozen(const char *path);
/* The v1 freezer's cgroup alone, for a container that asked for no other:
 * made at path, and pid moved in (nothing is left behind on failure). */
int cgroup_enter_freezer(const char *path, pid_t pid);

#endif
