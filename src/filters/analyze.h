/* SPDX-License-Identifier: MIT */
/* What a stack of filters answers, call by call (cvisor-filters). */
#ifndef CVISOR_FILTERS_ANALYZE_H
#define CVISOR_FILTERS_ANALYZE_H

#include "filters/sym.h"

#define NR_CALLS 1024           /* x86_64 numbers read one by one */

/* The inputs read as a whole after the x86_64 numbers one by one. */
enum { REST_X86_64, REST_I386, REST_OTHER_ARCH, NREST };

struct analysis {
	struct paths call[NR_CALLS];    /* x86_64 nr N, merged paths */
	struct paths rest[NREST];       /* x86_64 nr >= NR_CALLS (x32 too), i386, other */
	uint32_t dflt;                  /* the commonest answer of a whole call */
	unsigned long checked;          /* inputs run through the filters, agreeing */
	bool inexact;                   /* a path had to be read loosely */
};

/*
 * Read the stack f[0..n-1] (f[0] the newest) for every input, and check the
 * reading by running inputs on and around every path through the filters
 * (common/bpf_run.h).  0, or -1 with a message.
 */
int analyze(const struct filter *f, unsigned n, struct analysis *a);
void analysis_free(struct analysis *a);

/* The inputs a reading starts from: x86_64 call nr (which < 0) or a rest. */
void analysis_start(struct path *p, int which, uint32_t nr);

/* Whether every input of ps gets the same answer; that answer in *ret. */
bool paths_one_answer(const struct paths *ps, uint32_t *ret);

#endif
