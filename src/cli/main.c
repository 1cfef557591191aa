/* SPDX-License-Identifier: MIT */
/* cvisor: the command line.  Parsing only; the work is elsewhere. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

static void usage(FILE *out)
{
	fputs("usage: cvisor COMMAND [OPTIONS]\n"
	      "\n"
	      "commands:\n"
	      "  do [--strace] [--stats] [--] PROG [ARGS...]\n"
	      "                 run PROG in a new sandbox and exit with its status\n"
	      "  version        print the version\n"
	      "  help           print this help\n", out);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "do"))
		return cmd_do(argc - 1, argv + 1);
	if (!strcmp(argv[1], "version") || !strcmp(argv[1], "--version")) {
		printf("cvisor version %s\n", CVISOR_VERSION);
		return 0;
	}
	if (!strcmp(argv[1], "help") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		usage(stdout);
		return 0;
	}
	fprintf(stderr, "cvisor: unknown command '%s' (try 'cvisor help')\n", argv[1]);
	return 2;
}
