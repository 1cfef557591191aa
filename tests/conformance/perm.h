/* Helpers of the vfs_*.c permission tests: a fresh directory of /tmp for
 * the test's files, paths in it, and becoming another user holding only
 * the capabilities given (in a child: see in_child).  Needs _GNU_SOURCE. */
#ifndef CVISOR_CONFORMANCE_PERM_H
#define CVISOR_CONFORMANCE_PERM_H

#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <sys/stat.h>
#include "caps.h"

static char top[64];

/* Make the test's directory, /tmp/NAME.XXXXXX, mode 0755. */
static inline void make_top(const char *name)
{
	snprintf(top, sizeof(top), "/tmp/%s.XXXXXX", name);
	CHECK(mkdtemp(top), "mkdtemp: %s", strerror(errno));
	CHECK(chmod(top, 0755) == 0, "chmod: %s", strerror(errno));
}

/* top/name (four at a time may be in use) */
static inline const char *at(const char *name)
{
	static char path[4][160];
	static int i;

	i = (i + 1) % 4;
	snprintf(path[i], sizeof(path[i]), "%s/%s", top, name);
	return path[i];
}

/* Become uid:gid with the supplementary groups given, holding only eff in
 * the effective and permitted sets. */
static inline void caps_become(uid_t uid, gid_t gid, uint64_t eff, int ngroups,
			       const gid_t *groups)
{
	CHECK(setgroups((size_t)ngroups, groups) == 0, "setgroups: %s", strerror(errno));
	CHECK(setresgid(gid, gid, gid) == 0, "setresgid: %s", strerror(errno));
	CHECK(prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) == 0, "KEEPCAPS: %s", strerror(errno));
	CHECK(setresuid(uid, uid, uid) == 0, "setresuid: %s", strerror(errno));
	CHECK(caps_set(eff, eff, 0) == 0, "capset: %s", strerror(errno));
}

#endif
