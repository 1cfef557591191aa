/* SPDX-License-Identifier: MIT */
/* cvisor: the command line.  Parsing only; the work is elsewhere. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "oci/state.h"
#include "sandbox/sentry_exec.h"

static void usage(FILE *out)
{
	fputs("usage: cvisor [GLOBAL OPTIONS] COMMAND [OPTIONS]\n"
	      "\n"
	      "commands:\n"
	      "  do [--strace] [--stats] [--host-uds] [--root DIR] [--rw DIR]... [--] PROG [ARGS...]\n"
	      "                 run PROG in a new sandbox over the host's / and exit with its status\n"
	      "  create, start, run, state, kill, delete, exec, pause, resume, ps, list, events,\n"
	      "  update, spec, features\n"
	      "                 the OCI runtime commands, with runc's flags\n"
	      "  install [--runtime NAME] [--config FILE]\n"
	      "                 add cvisor to dockerd's daemon.json (/etc/docker/daemon.json)\n"
	      "  profile [--duration S] [--interval S] [--json] [-o FILE] (-p PID | -a | -- CMD...)\n"
	      "                 measure a workload natively and predict its slowdown in cvisor\n"
	      "  bench calibrate [--quick] [--no-runsc] [--out FILE]\n"
	      "                 measure this machine's costs (~/.cache/cvisor/calibration.json)\n"
	      "  bench curve [--quick] [--wss MB,...] [--cpu spare|shared|both] [--out DIR]\n"
	      "                 overhead against system-call rate and working set (CSV, PNG)\n"
	      "  version        print the version\n"
	      "  help           print this help\n"
	      "\n"
	      "global options:\n"
	      "  --root DIR     container state (default " DEFAULT_STATE_ROOT ")\n"
	      "  --log FILE     also log errors there;  --log-format text|json\n"
	      "  --debug        log debug lines too\n", out);
}

static const struct {
	const char *name;
	int (*fn)(const struct gopts *g, int argc, char **argv);
} commands[] = {
	{ "create", cmd_create }, { "start", cmd_start }, { "run", cmd_run },
	{ "state", cmd_state }, { "kill", cmd_kill }, { "delete", cmd_delete },
	{ "list", cmd_list }, { "ps", cmd_ps }, { "events", cmd_events },
	{ "exec", cmd_exec }, { "spec", cmd_spec }, { "features", cmd_features },
	{ "pause", cmd_pause }, { "resume", cmd_resume }, { "update", cmd_update },
	{ "install", cmd_install }, { "profile", cmd_profile }, { "bench", cmd_bench },
};

/* runc's global flags that take a value; others are booleans */
static bool takes_value(const char *flag)
{
	static const char *const v[] = { "--root", "--log", "--log-format", "--criu",
					 "--rootless", NULL };

	for (int i = 0; v[i]; i++)
		if (!strcmp(flag, v[i]))
			return true;
	return false;
}

/* Global options: "--flag value" or "--flag=value".  Returns the index of
 * the command, or -1 after an error. */
static int parse_global(int argc, char **argv, struct gopts *g, const char **log,
			const char **fmt, const char **ignored)
{
	int i;

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		char flag[64];
		const char *val = NULL, *eq = strchr(argv[i], '=');

		snprintf(flag, sizeof(flag), "%.*s", eq ? (int)(eq - argv[i]) : 63, argv[i]);
		if (!strcmp(flag, "--help") || !strcmp(flag, "-h") || !strcmp(flag, "--version"))
			return i;
		if (eq)
			val = eq + 1;
		else if (takes_value(flag)) {
			if (i + 1 >= argc) {
				fprintf(stderr, "cvisor: %s needs a value\n", flag);
				return -1;
			}
			val = argv[++i];
		}
		if (!strcmp(flag, "--root"))
			g->root = val;
		else if (!strcmp(flag, "--log"))
			*log = val;
		else if (!strcmp(flag, "--log-format"))
			*fmt = val;
		else if (!strcmp(flag, "--debug"))
			g->debug = true;
		else if (!strncmp(flag, "--", 2))
			*ignored = argv[i];     /* --systemd-cgroup, --criu ...: no meaning here */
		else {
			fprintf(stderr, "cvisor: unknown option '%s' (try 'cvisor help')\n", argv[i]);
			return -1;
		}
	}
	return i;
}

int main(int argc, char **argv)
{
	struct gopts g = { .root = DEFAULT_STATE_ROOT };
	const char *log = NULL, *fmt = "text", *ignored = NULL;
	int i = parse_global(argc, argv, &g, &log, &fmt, &ignored);

	if (i < 0)
		return 2;
	if (strcmp(fmt, "text") && strcmp(fmt, "json")) {
		fprintf(stderr, "cvisor: --log-format %s: must be text or json\n", fmt);
		return 2;
	}
	log_open(log, !strcmp(fmt, "json"), g.debug);
	if (ignored)
		log_debug("ignoring global option %s", ignored);
	if (i >= argc) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[i], "do"))
		return cmd_do(argc - i, argv + i);
	if (!strcmp(argv[i], SENTRY_BOOT_VERB))
		return cmd_sentry(argc - i, argv + i);
	for (size_t k = 0; k < sizeof(commands) / sizeof(commands[0]); k++)
		if (!strcmp(argv[i], commands[k].name))
			return commands[k].fn(&g, argc - i, argv + i);
	if (!strcmp(argv[i], "version") || !strcmp(argv[i], "--version")) {
		printf("cvisor version %s\nspec: %s\n", CVISOR_VERSION, OCI_VERSION);
		return 0;
	}
	if (!strcmp(argv[i], "help") || !strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
		usage(stdout);
		return 0;
	}
	fprintf(stderr, "cvisor: unknown command '%s' (try 'cvisor help')\n", argv[i]);
	return 2;
}
