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
	/* Slots of threads that ended, with the host thread each had: a slot
	 * is taken again once that thread is gone (slot_reuse()). */
	struct free_slot { uint32_t slot; pid_t host_tid; } *free_slots;
	uint32_t nr_free, cap_free;
	struct stub_thread *first;  /* slot 0, made by the process itself,
				     * until stub_thread_create() takes it */
	struct stub_proc *forked_from;  /* a fork's parent, until then */
	/* batch.c: an empty address space's mappings, until its first thread */
	bool batching;
	uint32_t nr_batch;          /* calls waiting in req->batch */
	long batch_err;             /* the first that failed: sticks */
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
	uint32_t traps;             /* trapped calls, up to PATCH_MIN_TRAPS */
};

/* How a sentry thread and its stub thread wait for each other (handoff.c). */
enum { HANDOFF_SPIN, HANDOFF_SLEEP, HANDOFF_MEET, HANDOFF_YIELD, HANDOFF_MODES };

struct handoff {
	uint8_t mode;               /* how the pair waits now */
	uint8_t best;               /* the cheapest so far; trials return to it */
	uint32_t seen;              /* round trips since mode was entered */
	uint32_t n;                 /* a trial's round trips with a cost */
	uint64_t sum;               /* and their costs (TSC ticks) */
	uint64_t cost, chosen;      /* best's moving average, and when chosen */
	uint32_t window, slow;      /* its round trips, and those 4x chosen */
	uint64_t gap[HANDOFF_MODES];    /* ns: how long each mode waits for */
	uint64_t next[HANDOFF_MODES];   /* its next trial (CLOCK_MONOTONIC) */
	uint64_t resumed;           /* TSC of the last answer */
	uint64_t trips[HANDOFF_MODES];  /* round trips in each, for --stats */
};

struct stub_thread {
	struct stub_proc *proc;
	uint32_t slot;
	pid_t host_tid;
	struct sysmsg *msg;         /* the sentry's mapping of the sysmsg page */
	uint32_t posted;            /* the state the sentry last wrote there */
	bool interrupting;          /* an interrupt not answered yet */
	bool reused;                /* its slot's pages are mapped in the stub already */
	struct handoff handoff;
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

/* batch.c: true if the call was batched or failed (*ret its answer). */
bool hostcall_batch(struct stub_proc *p, long nr, const uint64_t args[6], long *ret);
/* Run what is batched (before the sentry reaches the memory): 0 or -errno. */
int hostcall_batch_sync(struct stub_proc *p);
/* The same, and stop batching: the first thread is about to run. */
int hostcall_batch_end(struct stub_proc *p);
/* The address space goes: what is still batched is not run. */
void hostcall_batch_drop(struct stub_proc *p);
extern uint64_t hostcall_requests;     /* counted by hostcall_child() */

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

/* handoff.c */
uint32_t handoff_init(void);
void handoff_event(struct stub_thread *t);
void handoff_flush(struct handoff *h);
unsigned handoff_sentry_spin(const struct stub_thread *t);
unsigned handoff_sentry_yields(const struct stub_thread *t);
uint32_t handoff_resume(struct stub_thread *t);

extern unsigned sentry_spin_ns;    /* how long a sentry thread spins */
extern uint32_t stub_spin_iters;   /* how long a stub spins, in pauses */

/* --stats, the parts of platform_print_stats() (patch.c, handoff.c) */
void patch_print_stats(int fd);
void handoff_print_stats(int fd);
void batch_print_stats(int fd);
void hostcall_print_rtt(int fd);

#endif
