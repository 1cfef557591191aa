/* SPDX-License-Identifier: MIT */
/* Writing down what the filters of one party allow (cvisor-filters). */
#ifndef CVISOR_FILTERS_REPORT_H
#define CVISOR_FILTERS_REPORT_H

#include <stdio.h>

#include "filters/analyze.h"
#include "filters/dump.h"

/* One kind of thread and the filters it carries. */
struct party {
	const char *key;        /* sentry, syscall-thread, app; thread-TID */
	char title[256];        /* which threads, in words */
	const struct stack *stack;
	struct analysis a;
};

/* For a reader: allowed calls with their conditions, then the rest. */
void report_text(FILE *out, const struct party *p);

/* For scripts: one tab-separated line per answer (see the header it writes). */
void report_list_header(FILE *out);
void report_list(FILE *out, const struct party *p);

#endif
