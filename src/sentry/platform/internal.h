/* SPDX-License-Identifier: MIT */
/* Shared between the files of the systrap platform only. */
#ifndef CVISOR_PLATFORM_INTERNAL_H
#define CVISOR_PLATFORM_INTERNAL_H

#include <pthread.h>
#include <sched.h>

#include "platform/platform.h"

struct stub_proc {
	pid_t host_pid;
	int ctl_fd;                 /* request + response pages, then one
				     * sysmsg page per thread slot */
	struct stub_req *req;       /* the sentry's mappings of them */
	struct stub_resp *resp;
	pthread_mutex_t lock;       /* one host call at a time */
	uint32_t seq;
	uint32_t nr_slots;          /* slots used so far */
	struct sysmsg **msgs;       /* the sentry's mapping of each slot's page */
	struct stub_thread *first;  /* slot 0, made by the process itself,
				     * until stub_thread_create() takes it */
	struct stub_proc *forked_from;  /* a fork's parent, until then */
	bool dead;
	bool broken;                /* killed for breaking the protocol */
	uint32_t reaped;            /* the host reported its end: host_status */
	int host_status;            /* its wait(2) status on the host */
	int refs;
	struct stub_proc *next;     /* in the list of live stub processes */
	/* syscall patching (patch.c) */
	struct patch_table *patch;  /* shared by a fork family, or NULL */
	int mem_fd;                 /* the host's /proc/PID/mem, or <= 0 */
#define PATCH_NOPATCH 256
	uint64_t nopatch[PATCH_NOPATCH];    /* rips found not patchable */
	uint64_t once[PATCH_NOPATCH];       /* rips that trapped once */
};

struct stub_thread {
	struct stub_proc *proc;
	uint32_t slot;
	pid_t host_tid;
	struct sysmsg *msg;         /* the sentry's mapping of the sysmsg page */
	uint32_t posted;            /* the state the sentry last wrote there */
	bool interrupting;          /* an interrupt not answered yet */
};

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

/* hostproc.c: the host's /proc, opened by platform_init(). */
int hostproc_init(void);
/* The host's /proc/PID/mem of a stub process, read-write, or -errno. */
int hostproc_open_mem(pid_t pid);

/* patch.c */
void patch_init(void);
void patch_fork(struct stub_proc *child, struct stub_proc *parent);
void patch_put(struct stub_proc *p);

void futex_wake_word(uint32_t *w);
void futex_wake_all(uint32_t *w);
void futex_wait_word(uint32_t *w, uint32_t val);

extern unsigned sentry_spin_ns;    /* how long a sentry thread spins */
extern uint32_t stub_spin_iters;   /* how long a stub spins, in pauses */

#endif
