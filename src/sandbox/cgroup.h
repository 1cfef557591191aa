/* SPDX-License-Identifier: MIT */
#ifndef CVISOR_SANDBOX_CGROUP_H
#define CVISOR_SANDBOX_CGROUP_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

/*
 * linux.resources on the host: the sandbox's processes (supervisor,
 * sentry, stubs) go into a cgroup of their own, on cgroup v2 when its
 * hierarchy has the memory, pids and cpu controllers, else on the v1
 * hierarchies.
 *
 * Create records, per hierarchy, which levels of the path it made;
 * delete removes those, leaf first, and nothing else: a parent that
 * existed before (another engine's, an administrator's) stays, and so
 * does one that still holds another container's cgroup.
 */
struct cgroup {
	char path[4096];                /* below each hierarchy's root */
	/* "ROOT EXISTED DEPTH\n" for each hierarchy where create made levels:
	 * the path's levels EXISTED+1 .. DEPTH (counted from the root) */
	char made[2048];
	char why[512];                  /* after a failure: what was refused */
};

/*
 * Make the cgroup at cg->path, write linux.resources (JSON text, or NULL)
 * in runc's order and move pid in.  On v1 every mounted controller's
 * hierarchy gets it when all is true, only the freezer's otherwise (a
 * container that asked for nothing: pause still works).  -EOPNOTSUPP
 * without cgroups we can use.  On failure what was made is removed and
 * cg->why says which file refused which value.
 */
int cgroup_create(struct cgroup *cg, const char *resources, bool all, pid_t pid);
/* cvisor update: write linux.resources to the existing cgroup at cg->path
 * (only the fields it has), as create writes them. */
int cgroup_set(struct cgroup *cg, const char *resources);
/* Remove, leaf first, what create made (made: its record).  NULL: a state
 * written before records were kept: the path's leaf in every hierarchy. */
void cgroup_destroy(const char *path, const char *made);

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

#endif
