/* SPDX-License-Identifier: MIT */
/* Shared between the files of the systrap platform only. */
#ifndef CVISOR_PLATFORM_INTERNAL_H
#define CVISOR_PLATFORM_INTERNAL_H

#include <sched.h>

#include "platform/platform.h"

/* The only clone flag sets the syscall thread may use (and STUB_CLONE_FIRST_FLAGS). */
#define STUB_CLONE_THREAD (CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | \
			   CLONE_THREAD | CLONE_SYSVSEM | CLONE_CHILD_CLEARTID)
#define STUB_CLONE_PROCESS (CLONE_PARENT | CLONE_FILES)
_Static_assert(STUB_CLONE_FIRST_FLAGS == (STUB_CLONE_THREAD | CLONE_PARENT_SETTID),
	       "the stub's first-thread clone flags");

/* rbx tag the syscall loop reads to tell a clone child what it is. */
#define CHILD_THREAD(slot) ((1ULL << 32) | (slot))
#define CHILD_PROCESS(fd)  ((2ULL << 32) | (uint32_t)(fd))

#define INTERRUPT_SIGNO SIGCHLD

int build_app_filter(struct sock_filter_abi *f, unsigned max);
int build_sys_filter(struct sock_filter_abi *f, unsigned max);

long hostcall_child(struct stub_proc *p, long nr, const uint64_t args[6],
		    uint64_t child);

void futex_wake_word(uint32_t *w);
void futex_wake_all(uint32_t *w);
void futex_wait_word(uint32_t *w, uint32_t val);

extern unsigned sentry_spin_ns;    /* how long a sentry thread spins */
extern uint32_t stub_spin_iters;   /* how long a stub spins, in pauses */

#endif
