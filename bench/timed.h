/* SPDX-License-Identifier: MIT */
/*
 * bench/timed.h: the timed loop of the programs that time one operation at
 * a time until a budget is spent (wake.c, net.c): the samples, the loop,
 * the result line of their mean and median, and reaping a forked partner.
 * Include after bench.h.
 */
#ifndef CVISOR_BENCH_TIMED_H
#define CVISOR_BENCH_TIMED_H

#include <sys/wait.h>

#define WARM 20                 /* untimed operations before the timed ones */
#define MIN_OPS 5
#define MAX_OPS (1L << 20)

static double budget_ns = 300e6;        /* -t MS */
static double *samples;                 /* one duration per timed operation */

/* Waits for child pid; dies unless it exited with status 0. */
static void reap(pid_t pid)
{
	int st;

	while (waitpid(pid, &st, 0) != pid)
		if (errno != EINTR)
			die("waitpid");
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		errno = 0;
		die("child failed");
	}
}

/* "MODE WHAT MEAN median MEDIAN n N TAIL" of samples[0..n-1]. */
static int print(const char *mode, const char *what, long n, const char *tail)
{
	double sum = 0;

	for (long i = 0; i < n; i++)
		sum += samples[i];
	return report("%s %s %.1f median %.1f n %ld%s\n", mode, what, sum / (double)n,
		      median(samples, (size_t)n), n, tail);
}

/* Times op() until the budget is spent; returns how many were timed. */
static long time_ops(void (*op)(void))
{
	double start;
	long n = 0;

	for (int i = 0; i < WARM; i++)
		op();
	start = now_ns();
	do {
		double t = now_ns();

		op();
		samples[n++] = now_ns() - t;
	} while (n < MAX_OPS && (n < MIN_OPS || now_ns() - start < budget_ns));
	return n;
}

#endif
