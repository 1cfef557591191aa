/* SPDX-License-Identifier: MIT */
#ifndef CVISOR_CLI_H
#define CVISOR_CLI_H

#include <stdbool.h>

#define CVISOR_VERSION "0.2.0"

/* Global options, before the command (runc's set). */
struct gopts {
	const char *root;               /* state directory root */
	bool debug;
};

int cmd_do(int argc, char **argv);
/* The sentry: exec'd inside the sandbox's namespaces (src/cli/do.c). */
struct sentry_run;
void sentry_exec_or_die(const struct sentry_run *r) __attribute__((noreturn));
int cmd_sentry(int argc, char **argv);

/* OCI runtime commands (src/cli/oci_*.c) */
int cmd_create(const struct gopts *g, int argc, char **argv);
int cmd_run(const struct gopts *g, int argc, char **argv);
int cmd_start(const struct gopts *g, int argc, char **argv);
int cmd_state(const struct gopts *g, int argc, char **argv);
int cmd_kill(const struct gopts *g, int argc, char **argv);
int cmd_delete(const struct gopts *g, int argc, char **argv);
int cmd_list(const struct gopts *g, int argc, char **argv);
int cmd_ps(const struct gopts *g, int argc, char **argv);
int cmd_events(const struct gopts *g, int argc, char **argv);
int cmd_exec(const struct gopts *g, int argc, char **argv);
int cmd_spec(const struct gopts *g, int argc, char **argv);
int cmd_features(const struct gopts *g, int argc, char **argv);
int cmd_pause(const struct gopts *g, int argc, char **argv);
int cmd_resume(const struct gopts *g, int argc, char **argv);
int cmd_update(const struct gopts *g, int argc, char **argv);
int cmd_install(const struct gopts *g, int argc, char **argv);

/* What a workload will cost (src/cli/profile.c) */
int cmd_profile(const struct gopts *g, int argc, char **argv);
int cmd_bench(const struct gopts *g, int argc, char **argv);

/* src/cli/log.c: errors go to stderr and to --log (text or json) */
void log_open(const char *path, bool json, bool debug);
void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Exit status of `cvisor do` and `run` from a sentry result. */
int exit_code(int status);

#endif
