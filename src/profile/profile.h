/* SPDX-License-Identifier: MIT */
#ifndef CVISOR_PROFILE_PROFILE_H
#define CVISOR_PROFILE_PROFILE_H

#include <stdbool.h>
#include <sys/types.h>

struct profile_opts {
	double duration;                /* seconds; 0: until the process ends */
	double interval;                /* seconds between lines */
	bool json;
	pid_t pid;                      /* -p */
	bool all;                       /* -a */
	char **cmd;                     /* -- CMD ARGS... */
	const char *output;             /* the report goes here (default: stderr,
					 * stdout for --json) */
	const char *calibration;        /* NULL: the default path */
};

/* The profiled command's exit status (CMD), else 0; 1 on failure. */
int profile_run(const struct profile_opts *o);

#endif
