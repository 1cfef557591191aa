/* SPDX-License-Identifier: MIT */
/*
 * timing.h: the clock and the statistics that the timed programs share: the
 * bench programs (bench/NAME.c) and cvisor-loadgen.  Header-only, so that each
 * stays one static file built with a single compiler call, natively and for
 * every sandbox.
 *
 * CLOCK_MONOTONIC is read through the vDSO: no system call, so a sandbox
 * that traps every system call does not charge its trap to the clock.
 */
#ifndef CVISOR_TIMING_H
#define CVISOR_TIMING_H

#include <stddef.h>
#include <stdlib.h>
#include <time.h>

/* Monotonic now in ns, as a double: exact to the ns for ~100 days of
 * uptime, and differences need no casts. */
static inline double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static inline int timing_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* The median of v[0..n-1] (the mean of the middle two when n is even);
 * sorts v in place.  0 when n is 0. */
static inline double median(double *v, size_t n)
{
	if (n == 0)
		return 0;
	qsort(v, n, sizeof(*v), timing_cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

#endif
