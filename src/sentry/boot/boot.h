/* SPDX-License-Identifier: MIT */
/*
 * Building the sandbox (DESIGN.md §4): its file-system tree from the
 * config, its first process, and the control socket the CLI talks to.
 * The only part of the sentry that names concrete file systems.
 */
#ifndef CVISOR_BOOT_H
#define CVISOR_BOOT_H

#include <stdbool.h>

#include "kernel/kernel.h"

struct sentry_run;
struct fs_struct;

/* boot/rootfs.c: the root and mounts of the config, then its path rules */
struct fs_struct *build_root(const struct sentry_run *r);
void apply_path_rules(struct task *t, const struct sentry_run *r);

/* boot/spawn.c */
/* Keep the sentry's limits as it started: what processes start with. */
void spawn_save_rlimits(void);
void spawn_cap_rlimit(int resource, struct rlimit *rl);
struct thread_group *tg_new(const char *path);
int spawn_process(struct thread_group *tg, struct fs_struct *fs, const struct spawn *sp,
		  const int stdio[3], struct task **out);
/* Let a spawned process run its first instruction. */
int task_release(struct task *t);

/* boot/control.c: requests from the cvisor CLI (start, kill, exec, ps) */
int control_serve(int listen_fd, bool *started);

#endif
