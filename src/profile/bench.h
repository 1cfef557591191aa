/* SPDX-License-Identifier: MIT */
#ifndef CVISOR_PROFILE_BENCH_H
#define CVISOR_PROFILE_BENCH_H

#include <stdbool.h>
#include <stdio.h>

#include "profile/model.h"

/* Where bench curve lets the sentry run: beside the application, or on
 * its CPU (as on a host whose CPUs are all busy). */
enum curve_cpu { CURVE_SPARE, CURVE_SHARED, CURVE_CPUS };
extern const char *const curve_cpu_name[CURVE_CPUS];   /* "spare", "shared" */

struct bench_opts {
	bool quick;                     /* shorter runs (profile's first-use calibration) */
	bool runsc;                     /* also measure runsc (calibrate) */
	const char *out_dir;            /* curve: where the CSV and PNG go */
	double wss_mb[CAL_MAX_WSS];     /* curve: working sets */
	int nwss;
	unsigned cpus;                  /* curve: 1 << CURVE_SPARE | 1 << CURVE_SHARED */
};

bool bench_have_runsc(void);
/* 0, or -1 after a message on stderr */
int bench_calibrate(const struct bench_opts *o, struct calibration *c);
void bench_print_calibration(const struct calibration *c, FILE *f);
/* 0; 1 if the CSV was written but not the PNG; -1 on failure */
int bench_curve(const struct bench_opts *o);

#endif
