/* SPDX-License-Identifier: MIT */
#ifndef CVISOR_PROFILE_BENCH_H
#define CVISOR_PROFILE_BENCH_H

#include <stdbool.h>
#include <stdio.h>

#include "profile/model.h"

struct bench_opts {
	bool quick;                     /* shorter runs (profile's first-use calibration) */
	bool runsc;                     /* also measure runsc (calibrate) */
	const char *out_dir;            /* curve: where the CSV and PNG go */
	double wss_mb[CAL_MAX_WSS];     /* curve: working sets */
	int nwss;
};

bool bench_have_runsc(void);
/* 0, or -1 after a message on stderr */
int bench_calibrate(const struct bench_opts *o, struct calibration *c);
void bench_print_calibration(const struct calibration *c, FILE *f);
/* 0; 1 if the CSV was written but not the PNG; -1 on failure */
int bench_curve(const struct bench_opts *o);

#endif
