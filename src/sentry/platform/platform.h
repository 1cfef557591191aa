/* SPDX-License-Identifier: MIT */
/*
 * The platform interface (DESIGN.md §3, docs/platform.md): everything the
 * rest of the sentry may ask of the platform that runs application code.
 * A stub_proc is one application address space (a stub process under
 * systrap), a stub_thread one application thread in it.  Both are opaque
 * here: a platform defines them in its own files, and a second platform
 * (syscall user dispatch, ptrace, KVM) is added by implementing this file.
 */
#ifndef CVISOR_PLATFORM_H
#define CVISOR_PLATFORM_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <time.h>

/*
 * The types the interface shares with the stub: struct stub_regs (general
 * registers in user_regs_struct layout), the EV_* events a thread stops
 * for, and STUB_BASE, the first address that is not the application's.
 */
#include "stub_abi.h"

struct stub_proc;
struct stub_thread;

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
/* Tell stubs and sentry threads whether spinning pays (runnable <= CPUs). */
void platform_set_spin(bool spin);
void platform_set_syscall_spin(bool spin);
/* First call of a new sentry thread: not pinned where its creator was. */
void platform_thread_init(void);
/* --stats: syscall patching (sites patched, calls through them), the host
 * calls run by syscall threads (and batched), then
 * how sentry threads and stub threads waited for each other. */
void platform_print_stats(int fd);

/* --- address spaces --- */

/* A new address space: empty (from NULL), or a copy-on-write copy of from. */
int stub_proc_create(struct stub_proc *from, struct stub_proc **out);
void stub_proc_kill(struct stub_proc *p);
/* The same, for breaking the protocol (its threads' waits say STUB_BROKEN). */
void stub_proc_kill_broken(struct stub_proc *p);
void stub_proc_put(struct stub_proc *p);
/* Called by the reaper when the host reports that pid has exited. */
void stub_proc_exited(pid_t pid, int status);
/* Wait until the host has reported p's end; its wait(2) status there. */
int stub_proc_wait(struct stub_proc *p);
/* The host process that is p's address space (its memory counts there). */
pid_t stub_proc_host_pid(const struct stub_proc *p);

/* Run one host system call in the stub's address space. */
long hostcall(struct stub_proc *p, long nr, uint64_t a0, uint64_t a1, uint64_t a2,
	      uint64_t a3, uint64_t a4, uint64_t a5);

/*
 * Copy len bytes from or to the address space: 0, or -EFAULT if any byte
 * of the range cannot be reached (the host checks every page; a bad
 * pointer is never a fault in the sentry).  No range check: the callers
 * (mm/usercopy.c) decide what is the application's.
 */
int stub_proc_copy_in(struct stub_proc *p, void *dst, uint64_t src, size_t len);
int stub_proc_copy_out(struct stub_proc *p, uint64_t dst, const void *src, size_t len);

/*
 * The host's accounting of the address space's process, as of now: its CPU
 * clock, and its rusage (of one of its threads if t is not NULL: CPU time,
 * faults, peak resident set).  -ESRCH once the process is gone.
 */
int stub_proc_cputime(struct stub_proc *p, struct timespec *ts);
int stub_proc_usage(struct stub_proc *p, const struct stub_thread *t, struct rusage *ru);

/* --- threads --- */

int stub_thread_create(struct stub_proc *p, struct stub_thread **out);
void stub_thread_free(struct stub_thread *t);
/* The address space the thread runs in. */
struct stub_proc *stub_thread_proc(const struct stub_thread *t);

/*
 * Wait for the thread's next event (enum sysmsg_event: EV_SYSCALL,
 * EV_FAULT, EV_INTERRUPT) and copy its registers at that event to *regs
 * (if regs is not NULL); a pending interrupt request is answered by it.
 * -1 if the thread died, STUB_BROKEN if the sentry killed its process
 * because the application broke the protocol.
 */
#define STUB_BROKEN (-2)
int stub_thread_wait(struct stub_thread *t, struct stub_regs *regs);
/* Let the thread go on with the registers *regs. */
void stub_thread_resume(struct stub_thread *t, const struct stub_regs *regs);
/* EV_FAULT: the host signal the thread took, and its siginfo. */
int stub_thread_fault_signo(const struct stub_thread *t);
/* The host CPU the thread ran on at its last event, if known (else -1). */
int stub_thread_cpu(const struct stub_thread *t);
void stub_thread_fault_info(const struct stub_thread *t, siginfo_t *info);
/*
 * Where the host saved the FPU state of the thread's current event: on its
 * own signal stack, or 0 if the page (which the application can write)
 * points elsewhere.  An event from a patched syscall site has no signal
 * frame: the thread is made to stop again with one first (a round trip).
 */
uint64_t stub_thread_fpstate(struct stub_thread *t);
/* Set regs so that resuming the thread ends its host thread. */
void stub_thread_set_exit(struct stub_regs *regs);
/* Make a thread that runs application code report EV_INTERRUPT. */
void stub_thread_interrupt(struct stub_thread *t);
/* The answer to the thread's event will take long: it sleeps now, not spins. */
void stub_thread_nospin(struct stub_thread *t);
/*
 * Syscall patching (patch.c, docs/syscall-patching.md), on unless
 * CVISOR_NOPATCH=1 or the CPU lacks FSGSBASE.  The caller of patch and
 * unpatch holds the address space's lock and has checked its mapping.
 */
extern bool platform_patching;
bool stub_proc_patch_skip(struct stub_proc *p, uint64_t rip);
void stub_proc_patch_refuse(struct stub_proc *p, uint64_t rip);
int stub_proc_patch(struct stub_proc *p, uint64_t rip, uint64_t nr);
void stub_proc_unpatch(struct stub_proc *p, uint64_t start, uint64_t end);
/* A SIGILL at a patched site: 1 if *regs are now those of a trapped syscall. */
int stub_proc_patch_fault(struct stub_proc *p, struct stub_regs *regs);
/* Whether p maps the table of trampolines at PATCH_TABLE (/proc/PID/maps). */
bool stub_proc_patch_mapped(const struct stub_proc *p);
/* The thread's event came through a patched site, not a trap (counted). */
bool stub_thread_fast_call(const struct stub_thread *t);

/* The thread's host CPU clock. */
int stub_thread_cputime(const struct stub_thread *t, struct timespec *ts);

#endif
