/* SPDX-License-Identifier: MIT */
/*
 * The runtime's log (--log FILE, --log-format text|json, --debug), as
 * engines expect of runc: podman and containerd read the last error line
 * of the log file to tell the user why a command failed.
 */
#include <jansson.h>
#include <stdlib.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"

static FILE *log_file;
static bool log_json, log_dbg;

void log_open(const char *path, bool json, bool debug)
{
	log_json = json;
	log_dbg = debug;
	if (path && !(log_file = fopen(path, "ae")))
		fprintf(stderr, "cvisor: --log %s: cannot open\n", path);
}

static void log_line(const char *level, const char *msg)
{
	char when[40];
	struct timespec ts;
	struct tm tm;

	if (!log_file)
		return;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (log_json) {
		json_t *j = json_pack("{s:s,s:s,s:s}", "level", level, "msg", msg, "time", when);
		char *s = j ? json_dumps(j, JSON_COMPACT) : NULL;

		if (s)
			fprintf(log_file, "%s\n", s);
		free(s);
		json_decref(j);
	} else {
		fprintf(log_file, "time=\"%s\" level=%s msg=\"%s\"\n", when, level, msg);
	}
	fflush(log_file);
}

/* One message to stderr (after "cvisor: " and what) and to the log. */
static void log_to_both(const char *level, const char *what, const char *fmt, va_list ap)
{
	char msg[2048];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	fprintf(stderr, "cvisor: %s%s\n", what, msg);
	log_line(level, msg);
}

void log_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_to_both("error", "", fmt, ap);
	va_end(ap);
}

void log_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_to_both("warning", "warning: ", fmt, ap);
	va_end(ap);
}

void log_debug(const char *fmt, ...)
{
	char msg[2048];
	va_list ap;

	if (!log_dbg)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_line("debug", msg);
	if (!log_file)
		fprintf(stderr, "cvisor: debug: %s\n", msg);
}
