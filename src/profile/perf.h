/* SPDX-License-Identifier: MIT */
/*
 * perf_event_open(2), used directly: counters of a process tree (inherited
 * by its children) or of the whole system, one set per CPU, and a sampler
 * on raw_syscalls:sys_enter whose records carry the system call number.
 */
#ifndef CVISOR_PROFILE_PERF_H
#define CVISOR_PROFILE_PERF_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

/* The last ones count the rare, dear calls exactly (their own tracepoints:
 * one sample in 127 would miss most of them in a short run): forks, execs
 * and the memory-map calls, which a sentry pays most for.  Execs are
 * counted when they succeed (sched_process_exec): a PATH search fails
 * many execve calls cheaply (pyenv's shims try a dozen directories). */
enum pc_kind {
	PC_SYSCALLS, PC_CTXSW, PC_FAULT_MIN, PC_FAULT_MAJ, PC_TASK_CLOCK,
	PC_CLONE, PC_CLONE3, PC_FORK, PC_VFORK, PC_EXEC,
	PC_MMAP, PC_MUNMAP, PC_MPROTECT, PC_BRK, PC_MADVISE, PC_MREMAP, PC_KINDS
};

#define PERF_MAX_CPUS 256
#define PERF_SAMPLE_PERIOD 127  /* prime: loops of a few calls do not alias */
#define NR_SYSCALLS_MAX 512
#define TID_SLOTS 4096

#include "profile/model.h"

struct perf_set {
	int ncpu;
	int ntargets;
	int *fd;                        /* [target][cpu][PC_KINDS + 1 sampler] */
	void **ring;                    /* [target][cpu] */
	bool system_wide;
	uint64_t samples[NR_SYSCALLS_MAX], samples_total, lost;
	/* of samples[SYS_newfstatat], those with AT_EMPTY_PATH: glibc's
	 * fstat, no path to look up (model.h's SC_FSTAT) */
	uint64_t samples_fstat;
	/* The pace of each thread's calls: a sample's local rate is the
	 * period over the time since that thread's previous sample. */
	uint64_t pace_hist[PACE_BINS];
	struct { uint32_t tid; uint64_t time; } last[TID_SLOTS];
};

struct perf_counts {
	uint64_t v[PC_KINDS];
	uint64_t syscalls_cpu[PERF_MAX_CPUS];
};

/* The tracepoint's id, mounting tracefs if needed; negative errno. */
int perf_sys_enter_id(void);
/*
 * Open counters on each pid of pids (n of them; with inherit, their future
 * children count too) or, with pids NULL, on every CPU of the system.
 * enable_on_exec: start counting at the target's next execve (perf stat's
 * way to leave out the launcher).  0, or a negative errno after a message
 * on stderr saying what to change.
 */
int perf_open(struct perf_set *ps, const pid_t *pids, int n, bool enable_on_exec);
void perf_read(struct perf_set *ps, struct perf_counts *c);
/* Move the sampler's records into ps->samples. */
void perf_drain(struct perf_set *ps);
void perf_close(struct perf_set *ps);
/*
 * Run argv (PATH searched) counted from its execve on: forked and held
 * until the events are open, then let go (perf stat's way to leave out the
 * launcher).  stdout_fd >= 0 becomes its stdout.  0 with its pid in *pid,
 * or a negative errno (the events could not be opened; nothing runs).
 */
int perf_spawn(struct perf_set *ps, char *const argv[], int stdout_fd, pid_t *pid);
/* Can this process count system calls at all?  0, or a negative errno
 * after perf_open's explanation. */
int perf_probe(void);

#endif
