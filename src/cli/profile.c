/* SPDX-License-Identifier: MIT */
/*
 * cvisor profile [--duration S] [--interval S] [--json] [-o FILE]
 *                [--calibration FILE] (-p PID | -a | -- CMD ARGS...)
 * cvisor bench calibrate [--quick] [--no-runsc] [--out FILE]
 * cvisor bench curve [--quick] [--wss MB,MB,...] [--cpu spare|shared|both] [--out DIR]
 *
 * Argument parsing only: src/profile/ does the work.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "profile/bench.h"
#include "profile/calib.h"
#include "profile/profile.h"

#define PROFILE_USAGE "usage: cvisor profile [--duration S] [--interval S] [--json] [-o FILE] " \
		      "[--calibration FILE] (-p PID | -a | -- CMD [ARGS...])\n"
#define BENCH_USAGE "usage: cvisor bench calibrate [--quick] [--no-runsc] [--out FILE]\n" \
		    "       cvisor bench curve [--quick] [--wss MB,MB,...] [--cpu spare|shared|both] [--out DIR]\n"

/* A positive number of seconds, or -1. */
static double seconds(const char *s)
{
	char *end;
	double v = s ? strtod(s, &end) : -1;

	return s && end != s && !*end && v > 0 && v < 1e7 ? v : -1;
}

int cmd_profile(const struct gopts *g, int argc, char **argv)
{
	struct profile_opts o = { .interval = 1 };
	int i;

	(void)g;
	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(a, "--")) {
			i++;
			break;
		} else if (!strcmp(a, "--duration") && (o.duration = seconds(v)) > 0) {
			i++;
		} else if (!strcmp(a, "--interval") && (o.interval = seconds(v)) > 0) {
			i++;
		} else if (!strcmp(a, "-p") && v && atoi(v) > 0) {
			o.pid = atoi(v);
			i++;
		} else if ((!strcmp(a, "-o") || !strcmp(a, "--output")) && v) {
			o.output = v;
			i++;
		} else if (!strcmp(a, "--calibration") && v) {
			o.calibration = v;
			i++;
		} else if (!strcmp(a, "-a")) {
			o.all = true;
		} else if (!strcmp(a, "--json")) {
			o.json = true;
		} else if (a[0] == '-') {
			fprintf(stderr, "cvisor: profile: bad option '%s'%s\n" PROFILE_USAGE, a,
				v || a[1] == '-' ? "" : " (it needs a value)");
			return 2;
		} else {
			break;
		}
	}
	if (i < argc)
		o.cmd = argv + i;
	if (!!o.cmd + !!o.pid + o.all != 1) {
		fprintf(stderr, "cvisor: profile: give exactly one of -p PID, -a, -- CMD\n"
				PROFILE_USAGE);
		return 2;
	}
	if (o.all && !o.duration)
		o.duration = 10;
	return profile_run(&o);
}

static int parse_wss(const char *s, struct bench_opts *o)
{
	char *end;

	for (o->nwss = 0; s && *s && o->nwss < CAL_MAX_WSS; s = *end ? end + 1 : end) {
		double v = strtod(s, &end);

		if (end == s || v <= 0 || v > 65536 || (*end && *end != ','))
			return -1;
		o->wss_mb[o->nwss++] = v;
	}
	return o->nwss ? 0 : -1;
}

static int bench_calibrate_cmd(int argc, char **argv)
{
	struct bench_opts o = { .runsc = true };
	struct calibration c;
	char path[4096];
	int err;

	calib_default_path(path, sizeof(path));
	for (int i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--quick"))
			o.quick = true;
		else if (!strcmp(argv[i], "--no-runsc"))
			o.runsc = false;
		else if (!strcmp(argv[i], "--out") && i + 1 < argc)
			snprintf(path, sizeof(path), "%s", argv[++i]);
		else {
			fprintf(stderr, "cvisor: bench: bad option '%s'\n" BENCH_USAGE, argv[i]);
			return 2;
		}
	}
	if (o.runsc && !bench_have_runsc()) {
		fprintf(stderr, "cvisor: bench: runsc is not installed (or not root): "
				"calibrating native and cvisor only\n");
		o.runsc = false;
	}
	if (bench_calibrate(&o, &c))
		return 1;
	bench_print_calibration(&c, stdout);
	if ((err = calib_save(&c, path))) {
		fprintf(stderr, "cvisor: bench: cannot write %s: %s\n", path, strerror(-err));
		return 1;
	}
	printf("saved %s\n", path);
	return 0;
}

/* --cpu spare|shared|both */
static int parse_cpu(const char *s, struct bench_opts *o)
{
	for (int c = 0; c < CURVE_CPUS; c++)
		if (!strcmp(s, curve_cpu_name[c])) {
			o->cpus = 1u << c;
			return 0;
		}
	if (strcmp(s, "both"))
		return -1;
	o->cpus = 1u << CURVE_SPARE | 1u << CURVE_SHARED;
	return 0;
}

static int bench_curve_cmd(int argc, char **argv)
{
	struct bench_opts o = { .out_dir = ".", .nwss = 3, .wss_mb = { 1, 10, 100 },
				.cpus = 1u << CURVE_SPARE | 1u << CURVE_SHARED };

	for (int i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--quick"))
			o.quick = true;
		else if (!strcmp(argv[i], "--out") && i + 1 < argc)
			o.out_dir = argv[++i];
		else if (!strcmp(argv[i], "--wss") && i + 1 < argc && !parse_wss(argv[i + 1], &o))
			i++;
		else if (!strcmp(argv[i], "--cpu") && i + 1 < argc && !parse_cpu(argv[i + 1], &o))
			i++;
		else {
			fprintf(stderr, "cvisor: bench: bad option '%s'\n" BENCH_USAGE, argv[i]);
			return 2;
		}
	}
	switch (bench_curve(&o)) {
	case 0:
		return 0;
	case 1:
		return 3;       /* the CSV, without its chart */
	default:
		return 1;
	}
}

int cmd_bench(const struct gopts *g, int argc, char **argv)
{
	(void)g;
	if (argc >= 2 && !strcmp(argv[1], "calibrate"))
		return bench_calibrate_cmd(argc, argv);
	if (argc >= 2 && !strcmp(argv[1], "curve"))
		return bench_curve_cmd(argc, argv);
	fputs(BENCH_USAGE, stderr);
	return 2;
}
