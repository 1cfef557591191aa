/* SPDX-License-Identifier: MIT */
#ifndef CVISOR_SANDBOX_PIDFD_H
#define CVISOR_SANDBOX_PIDFD_H

#include <sys/types.h>

/*
 * Waiting for host processes without sleeping in slices: a pidfd becomes
 * readable when its process exits, so a wait is one poll() that ends on
 * the exit or on the timeout, whichever comes first.  A process that is
 * not our child (the sentry, once create has exited; the stubs) can only
 * be waited for this way; our own children can be too, which gives
 * waitpid() a timeout (the hooks').
 */

/* A pidfd for pid (close it), or -errno (-ESRCH: there is no such process). */
int pidfd_of(pid_t pid);
/* Wait until one of the n processes exits, or ms pass (ms < 0: no limit);
 * signals do not cut it short.  1: one has exited, 0: the time ran out,
 * or -errno. */
int pidfd_wait_any(const int *fds, int n, long ms);

#endif
