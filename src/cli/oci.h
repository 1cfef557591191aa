/* SPDX-License-Identifier: MIT */
/* Helpers shared by the OCI commands (src/cli/oci_*.c). */
#ifndef CVISOR_CLI_OCI_H
#define CVISOR_CLI_OCI_H

#include <stdbool.h>
#include <stddef.h>

#include "cli/cli.h"
#include "oci/state.h"

/* One command-line option: "--name VALUE", "--name=VALUE", "-s VALUE". */
struct opt {
	const char *name;               /* without the dashes */
	char alias;                     /* a one-letter form, or 0 */
	const char **val;               /* takes a value; NULL for a boolean */
	bool *set;
	const char ***multi;            /* repeatable value (--env) */
};

/* Parse options up to the first operand; returns its index or -1. */
int parse_opts(const char *cmd, int argc, char **argv, const struct opt *opts);
/* The container named by argv[i] (one operand), its state read. */
int load_container(const struct gopts *g, const char *cmd, int argc, char **argv, int i,
		   struct oci_state *st);
/* One request over the sentry's control socket: 0 and the reply, or -errno.
 * With fds, the three stdio fds travel with it; keep_fd gets the connection.
 * Without reply, the request is only queued: the sentry reads it when it
 * next serves the socket (a paused container's, at resume). */
int ctl_request(const struct oci_state *st, const char *req, const int *fds,
		char *reply, size_t len, int *keep_fd);
int ctl_bind(const char *dir);
int write_pid_file(const char *path, int pid);
int parse_signal(const char *s);
/* Wait (up to ms) until the sentry is gone; true if it is. */
bool wait_gone(const struct oci_state *st, int ms);
/* poststop hooks, the cgroup and the state directory of a stopped container */
void container_remove(struct oci_state *st);
/* Signal a paused container, whose sentry serves no request (oci_pause.c):
 * req is the control request that carries any signal but SIGKILL. */
int container_kill_paused(const struct oci_state *st, int sig, const char *req);

#endif
