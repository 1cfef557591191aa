/* SPDX-License-Identifier: MIT */
/*
 * The cost model of `cvisor profile` (DESIGN.md §8, docs/overhead.md): from
 * what a workload does natively (system calls by class, context switches,
 * page faults, working set) and a per-machine calibration table to the
 * slowdown it will see in a sandbox.  Pure arithmetic: tests/unit/test_model.c.
 */
#ifndef CVISOR_PROFILE_MODEL_H
#define CVISOR_PROFILE_MODEL_H

#include <stdbool.h>
#include <stdint.h>

/* System-call classes: calls of one class cost about the same to a sentry. */
enum sc_class {
	SC_TRIVIAL,     /* getppid-like: no object, no copy */
	SC_RW,          /* read/write/pread on files */
	SC_STAT,        /* stat family, access, readlink: a path walk */
	SC_OPEN,        /* open/openat/close: walk + fd table */
	SC_PIPE,        /* pipe and socket I/O */
	SC_FUTEX,
	SC_MMAP,        /* mmap/munmap/mprotect/brk/madvise */
	SC_POLL,        /* poll/select/epoll_wait */
	SC_FORK,        /* clone/fork/vfork: the whole fork+exit+wait */
	SC_EXEC,        /* execve: what forkexec costs over fork */
	SC_FSTAT,       /* newfstatat(fd, "", AT_EMPTY_PATH): glibc's fstat */
	SC_CLASSES
};

/* Events that are not system calls: a switch between two tasks that wake
 * each other, a minor fault, and a call that blocked (its caller woken). */
enum ev_kind { EVT_CTXSW, EVT_FAULT, EVT_BLOCK, EVT_KINDS };

enum rt_kind { RT_NATIVE, RT_CVISOR, RT_RUNSC, RT_KINDS };

/* A measured cost in ns: median and the spread of the repetitions. */
struct cost {
	double med, lo, hi;
};

#define CAL_MAX_WSS 8

/* The pace of the working-set calibration: calls per second, 10 us of work
 * (random cache-line updates across the set) between calls. */
#define CAL_WSS_RATE 1e5

/* Half-decade bins of a call's local pace, centred on 10^(2.5 + k/2) per
 * second: 316/s .. 3.16M/s. */
#define PACE_BINS 9
double pace_bin_rate(int bin);
int pace_bin_of(double rate);

struct calibration {
	bool have[RT_KINDS];
	struct cost sc[RT_KINDS][SC_CLASSES];  /* ns per system call */
	struct cost ev[RT_KINDS][EVT_KINDS];    /* ns per event beyond its calls */
	/* ns per system call when nobody spins for it.  The sentry and the
	 * stubs stop spinning while the sandbox holds more tasks than half
	 * the CPUs (DESIGN.md §3): every call then wakes the other side, as
	 * the hand-off chooses (sleep, or meet on the stub's CPU).  Measured
	 * in such a sandbox: the loops beside idle tasks (bench.c). */
	struct cost crowd[RT_KINDS][SC_CLASSES];
	/* stat of one path over and over (every directory on it cached), for
	 * the table: the stat class is timed on distinct paths */
	struct cost stat_cached[RT_KINDS];
	/* Extra ns per (trivial) system call when calls come at pace_rate[i]
	 * per second, work between them (1 MB working set): slow paces pay
	 * for waking the sentry, which has gone to sleep between calls. */
	int npace;
	double pace_rate[CAL_MAX_WSS];
	struct cost pace_extra[RT_KINDS][CAL_MAX_WSS];
	/* Extra ns per system call when the workload touches a working set of
	 * wss_bytes[i], over the cost at the first (smallest) size. */
	int nwss;
	double wss_bytes[CAL_MAX_WSS];
	struct cost wss_extra[RT_KINDS][CAL_MAX_WSS];
	/* What profile's own tracepoint adds to each call natively: the
	 * profiled run is that much longer than the workload alone. */
	struct cost trace;
	char created[40];               /* ISO 8601 */
	bool quick;                     /* made by profile's quick calibration */
};

/* What the workload did natively, over wall_s seconds. */
struct workload {
	double wall_s, cpu_s;           /* cpu_s: on all CPUs together */
	double sc[SC_CLASSES];          /* system calls by class */
	double ctxsw_vol, faults;
	double wss_bytes;               /* 0: unknown */
	/* Shares of the calls at each pace (sum 1), or all 0: then the
	 * average pace, calls / wall time / busy CPUs, stands for all. */
	double pace_share[PACE_BINS];
	/* Share of the run (0-1) during which the workload had more threads
	 * than half the CPUs: its calls then cost crowd[] in a sandbox. */
	double crowded;
};

struct prediction {
	double slowdown, lo, hi;        /* time in the sandbox / native time */
	/* seconds added, by cause (median costs) */
	double add_sc, add_ctxsw, add_fault, add_wss;
	double parallelism;             /* CPUs the added work spreads over */
	double wall_s;                  /* the native wall time it is over (less
					 * the profiler's own cost) */
};

const char *sc_class_name(enum sc_class c);
const char *ev_kind_name(enum ev_kind e);
int sc_class_by_name(const char *name);
const char *rt_name(enum rt_kind rt);
/* The class of x86_64 system call nr (unknown ones: SC_TRIVIAL). */
enum sc_class sc_class_of(long nr);

/* Cost in rt minus native, never negative; which: 0 med, -1 lo, +1 hi. */
double cost_delta(const struct cost *rt, const struct cost *native, int which);
/* Extra ns per system call at working set wss, or at a pace of rate calls
 * per second (log-linear in between, flat beyond the ends). */
double wss_extra_at(const struct calibration *c, enum rt_kind rt, double wss, int which);
double pace_extra_at(const struct calibration *c, enum rt_kind rt, double rate, int which);
/* Fills p; -1 if the calibration lacks rt or the workload is empty. */
int model_predict(const struct calibration *c, enum rt_kind rt, const struct workload *w,
		  struct prediction *p);
/* Derived costs from raw loadgen results of one runtime: exec from
 * forkexec - fork, ctxsw from a round trip less its four pipe calls. */
void cost_exec(struct cost *exec, const struct cost *forkexec, const struct cost *fork);
/* c less n calls at per_call each (the spread widens), never below 0. */
void cost_less_calls(struct cost *c, double n, const struct cost *per_call);
void cost_ctxsw(struct cost *cs, const struct cost *rtt_half, const struct cost *pipe);

#endif
