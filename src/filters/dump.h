/* SPDX-License-Identifier: MIT */
/* Reading the seccomp filters of live host threads (cvisor-filters). */
#ifndef CVISOR_FILTERS_DUMP_H
#define CVISOR_FILTERS_DUMP_H

#include <sys/types.h>

#include "filters/sym.h"

#define MAX_STACK 8

/* The filters of one thread, newest first (the kernel's index 0). */
struct stack {
	pid_t pid, tid;
	unsigned n;
	struct filter f[MAX_STACK];
};

/*
 * Stop thread tid with ptrace (PTRACE_SEIZE + PTRACE_INTERRUPT), read
 * every filter with PTRACE_SECCOMP_GET_FILTER, and let it go.  Only a
 * thread that such a stop cannot disturb is taken (stop_is_safe()), else
 * -EBUSY.  0 or a negative errno.
 */
int dump_thread(pid_t pid, pid_t tid, struct stack *out);

/*
 * Whether a ptrace stop leaves tid's current call as it was: it is running,
 * or it sleeps in a call the kernel restarts unchanged (futex wait without
 * a timeout, ppoll, pselect6, pause, rt_sigsuspend, wait4, waitid).  Other sleeps come back as
 * EINTR or through restart_syscall, which the stub's or the sentry's own
 * filter may not allow.
 */
int stop_is_safe(pid_t pid, pid_t tid);

/* "Seccomp_filters:" of /proc/PID/task/TID/status, or -1. */
int filter_count(pid_t pid, pid_t tid);

/* The thread ids of pid, sorted (at most max), or -1. */
int thread_ids(pid_t pid, pid_t *tids, int max);

/*
 * The sandbox around pid (the `cvisor do` CLI, the supervisor that is an
 * OCI container's pid, the sentry or a stub process): its sentry, and
 * the sentry's children that are stub processes.  0 or -1.
 */
int find_sandbox(pid_t pid, pid_t *sentry, pid_t *stubs, int max, int *nstubs);

void stack_free(struct stack *s);
int stack_equal(const struct stack *a, const struct stack *b);

#endif
