/* SPDX-License-Identifier: MIT */
/*
 * What cgroup.c (directories, the record of what was made, the freezer)
 * and cgroup_res.c (linux.resources written to the files) share.
 */
#ifndef CVISOR_SANDBOX_CGROUP_INTERNAL_H
#define CVISOR_SANDBOX_CGROUP_INTERNAL_H

#include <stdbool.h>
#include <sys/types.h>

#include "sandbox/cgroup.h"

#define CG_ROOT "/sys/fs/cgroup"

/* A file of the cgroup directory dir (an fd), never through a symlink. */
int cg_write_at(int dir, const char *file, const char *val);
ssize_t cg_read_at(int dir, const char *file, char *buf, size_t len);
/* The cgroup at path below the hierarchy mounted at root: an O_PATH fd or
 * -errno (no levels are made). */
int cg_find(const char *root, const char *path);
/* The cgroup v2 hierarchy, if it has the controllers we need, or NULL. */
const char *cg_v2_root(void);

/* What failed, for the message (cg->why). */
void cg_why(struct cgroup *cg, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Write linux.resources (JSON text) to the cgroup at cg->path: on the v1
 * hierarchies (cg_res_v1) or in the v2 directory dir (cg_res_v2), each in
 * runc's order.  The first refusal stops it: -errno, and cg->why names
 * the file and the value. */
int cg_res_v1(struct cgroup *cg, const char *resources);
int cg_res_v2(struct cgroup *cg, int dir, const char *resources);

#endif
