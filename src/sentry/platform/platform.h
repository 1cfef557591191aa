/* SPDX-License-Identifier: MIT */
/*
 * The platform interface (DESIGN.md §3): what the rest of the sentry may ask
 * of the systrap platform.  A stub_proc is one application address space (a
 * stub process), a stub_thread one application thread in it.
 */
#ifndef CVISOR_PLATFORM_H
#define CVISOR_PLATFORM_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "stub_abi.h"

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
};

struct stub_thread {
	struct stub_proc *proc;
	uint32_t slot;
	pid_t host_tid;
	struct sysmsg *msg;         /* the sentry's mapping of the sysmsg page */
	uint32_t posted;            /* the state the sentry last wrote there */
	bool interrupting;          /* an interrupt not answered yet */
};

/* The host kernel's own mappings in every stub process (vDSO, vvar,
 * vsyscall), at the same addresses in all: /proc/PID/maps shows them. */
struct platform_mapping {
	uint64_t start, end;
	char perms[5];
	char name[16];
};
#define PLATFORM_MAX_KERNEL_MAPS 8
extern struct platform_mapping platform_kernel_maps[PLATFORM_MAX_KERNEL_MAPS];
extern int platform_nr_kernel_maps;

/* Whether the stub saves and restores FS/GS bases itself (FSGSBASE). */
extern bool platform_fsgsbase;

/* Set-up, once per sentry, before it confines itself. */
int platform_init(void);
/* Keep an empty address space ready for execve (after confinement). */
void platform_spare_start(void);
/* Kill the template; every stub process goes with the sentry. */
void platform_fini(void);

int stub_proc_create(struct stub_proc *from, struct stub_proc **out);
void stub_proc_kill(struct stub_proc *p);
/* The same, for breaking the protocol (its threads' waits say STUB_BROKEN). */
void stub_proc_kill_broken(struct stub_proc *p);
void stub_proc_put(struct stub_proc *p);
/* Called by the reaper when the host reports that pid has exited. */
void stub_proc_exited(pid_t pid, int status);
/* Wait until the host has reported p's end; its wait(2) status there. */
int stub_proc_wait(struct stub_proc *p);

/* Run one host system call in the stub's address space. */
long hostcall(struct stub_proc *p, long nr, uint64_t a0, uint64_t a1, uint64_t a2,
	      uint64_t a3, uint64_t a4, uint64_t a5);

int stub_thread_create(struct stub_proc *p, struct stub_thread **out);
void stub_thread_free(struct stub_thread *t);

/*
 * Wait for the thread's next event (enum sysmsg_event); -1 if it died,
 * STUB_BROKEN if the sentry killed it because the application broke the
 * protocol in the process's pages.
 */
#define STUB_BROKEN (-2)
int stub_thread_wait(struct stub_thread *t);
/* Let the thread go on with the registers in t->msg->regs. */
void stub_thread_resume(struct stub_thread *t);
/*
 * Where the host saved the FPU state of the thread's current event: on its
 * own signal stack, or 0 if the page (which the application can write)
 * points elsewhere.
 */
uint64_t stub_thread_fpstate(const struct stub_thread *t);
/* Set regs so that resuming the thread ends its host thread. */
void stub_thread_set_exit(struct stub_regs *regs);
/* Make a thread that runs application code report EV_INTERRUPT. */
void stub_thread_interrupt(struct stub_thread *t);
/* The answer to the thread's event will take long: it sleeps now, not spins. */
void stub_thread_nospin(struct stub_thread *t);
/* Tell stubs and sentry threads whether spinning pays (runnable <= CPUs). */
void platform_set_spin(bool spin);

#endif
