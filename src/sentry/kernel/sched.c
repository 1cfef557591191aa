/* SPDX-License-Identifier: MIT */
/*
 * Scheduling parameters of a thread (docs/syscalls.md): the sandbox keeps
 * what the application set and reads it back; the host runs every stub
 * thread at the sentry's own priority, whatever the application asked.
 */
#include <sched.h>

#include "kernel/kernel.h"

#ifndef SCHED_RESET_ON_FORK
#define SCHED_RESET_ON_FORK 0x40000000
#endif

/*
 * Linux's sched_fork(): a new thread or process starts with its
 * creator's parameters; with SCHED_RESET_ON_FORK it starts as an
 * ordinary thread instead (a real-time policy becomes SCHED_OTHER and a
 * negative nice 0) and the flag is not passed on.
 */
void sched_fork(struct task *child, const struct task *creator)
{
	if (!creator) {
		child->sched = (struct task_sched){ .policy = SCHED_OTHER,
						    .cpus = sandbox.cpu_mask,
						    .slack = TIMER_SLACK_NS,
						    .default_slack = TIMER_SLACK_NS };
		return;
	}
	child->sched = creator->sched;
	child->sched.default_slack = creator->sched.slack;
	if (!creator->sched.reset_on_fork)
		return;
	if (child->sched.policy == SCHED_FIFO || child->sched.policy == SCHED_RR) {
		child->sched.policy = SCHED_OTHER;
		child->sched.rt_priority = 0;
	}
	if (child->sched.nice < 0)
		child->sched.nice = 0;
	child->sched.reset_on_fork = false;
}
