/* Helper of the vfs_*.c permission tests: become another user, holding
 * only the capabilities given.  Needs _GNU_SOURCE (setresuid). */
#ifndef CVISOR_CONFORMANCE_BECOME_H
#define CVISOR_CONFORMANCE_BECOME_H

#include <grp.h>
#include "caps.h"

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
