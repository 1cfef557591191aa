/* SPDX-License-Identifier: MIT */
/* The sentry's entry point, called by the CLI. */
#ifndef CVISOR_SENTRY_H
#define CVISOR_SENTRY_H

#include <stdbool.h>

struct sentry_run {
	bool strace, stats;
	int prog_fd;                    /* the executable, opened by the CLI */
	const char *prog_path;          /* its name, as given: AT_EXECFN, comm */
	char *const *argv;
	char *const *envp;
};

/* Run a sandbox to completion; returns the init process's wait status,
 * or a negative errno if the sandbox could not start. */
int sentry_main(const struct sentry_run *r);

#endif
