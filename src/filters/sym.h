/* SPDX-License-Identifier: MIT */
/*
 * Symbolic reading of seccomp BPF programs (cvisor-filters).
 *
 * The fields of struct seccomp_data are symbols: 16 32-bit words (nr, arch,
 * the instruction pointer's two halves, each argument's two halves).  A
 * *path* is one way through a program: for each word, the set of values it
 * may hold on that way, and the answer the program gives there.  The paths
 * of a program partition every input it can be given, so "which calls are
 * allowed, and under which conditions" is the list of its ALLOW paths.
 */
#ifndef CVISOR_FILTERS_SYM_H
#define CVISOR_FILTERS_SYM_H

#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdbool.h>
#include <stdint.h>

#define SD_WORDS   16
#define W_NR       0
#define W_ARCH     1
#define W_IP       2                    /* low half; the high half is W_IP + 1 */
#define W_ARG(i)   (4 + 2 * (i))        /* likewise */

struct range { uint32_t lo, hi; };

/* (word & mask) == value, or != value when !eq */
struct mcons { uint32_t mask, value; bool eq; };

/* The values one word may hold: in one of the ranges, and every mask holds. */
struct word {
	struct range *r;        /* sorted, disjoint, not adjacent */
	unsigned nr;
	struct mcons *m;
	unsigned nm;
};

struct path {
	struct word w[SD_WORDS];
	uint32_t ret;           /* the program's answer, SECCOMP_RET_* | data */
	bool inexact;           /* an instruction had to be read loosely */
};

struct paths { struct path *v; unsigned n, cap; };

struct filter { struct sock_filter *insn; unsigned len; };

void path_init(struct path *p);
void path_copy(struct path *dst, const struct path *src);
void path_free(struct path *p);
void paths_free(struct paths *ps);

/* Limit word i of p to [lo, hi]; false if nothing is left. */
bool path_limit(struct path *p, int i, uint32_t lo, uint32_t hi);
/* Take [lo, hi] out of word i of p; false if nothing is left. */
bool path_exclude(struct path *p, int i, uint32_t lo, uint32_t hi);
bool word_full(const struct word *w);
bool word_equal(const struct word *a, const struct word *b);

/*
 * Every path of the stack of n filters (f[0] the newest, as the kernel runs
 * them) from the inputs of start, answered as the kernel answers.  0, or
 * -1 if there were too many paths or an instruction it cannot read.
 */
int stack_paths(const struct filter *f, unsigned n, const struct path *start,
		struct paths *out);

/* Join paths of the same answer that differ in one word only. */
void paths_merge(struct paths *ps);

/* An input on path p, and whether an input is on p. */
bool path_witness(const struct path *p, struct seccomp_data *d);
bool path_holds(const struct path *p, const struct seccomp_data *d);

/* The stack's answer to d, run concretely (common/bpf_run.h). */
uint32_t stack_run(const struct filter *f, unsigned n, const struct seccomp_data *d);

#endif
