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

/* "[-t MS] MODE...": sets budget_ns; returns the index of the first mode,
 * or 0 if the arguments are not of that form. */
static int timed_args(int argc, char **argv)
{
	int i = 1;

	if (argc > 2 && !strcmp(argv[1], "-t")) {
		long ms = parse_count(argv[2]);

		if (ms < 0)
			return 0;
		budget_ns = (double)ms * 1e6;
		i = 3;
	}
	return i < argc ? i : 0;
}

/* Runs run(MODE) for argv[i..argc-1], "all" standing for all[0..n-1] in
 * order; the exit status: 1 if any failed. */
static int run_modes(int i, int argc, char **argv, const char *const *all, size_t n,
		     int (*run)(const char *))
{
	int rc = 0;

	for (; i < argc; i++) {
		if (!strcmp(argv[i], "all")) {
			for (size_t k = 0; k < n; k++)
				rc |= run(all[k]);
		} else {
			rc |= run(argv[i]);
		}
	}
	return rc;
}

#endif
