/* SPDX-License-Identifier: MIT */
/* The sentry's entry point, called by the CLI. */
#ifndef CVISOR_SENTRY_H
#define CVISOR_SENTRY_H

#include <stdbool.h>

struct sentry_run {
	bool strace, stats;
	const char *prog_path;          /* walked inside the sandbox */
	const char *root;               /* host directory shown as /, or NULL: "/" */
	char **rw;                      /* host directories mounted writable */
	int nr_rw;
	char *const *argv;
	char *const *envp;
};

/* Run a sandbox to completion; returns the init process's wait status,
 * or a negative errno if the sandbox could not start. */
int sentry_main(const struct sentry_run *r);

#endif
