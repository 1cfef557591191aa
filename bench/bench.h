/* SPDX-License-Identifier: MIT */
/*
 * bench/bench.h: what the bench programs share besides the clock
 * (timing.h): the error exit, the count argument and the result line.
 * Each program sets bench_name to its own name for its messages.
 */
#ifndef CVISOR_BENCH_H
#define CVISOR_BENCH_H

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "timing.h"

static const char *bench_name;

/* "NAME: WHAT: strerror(errno)" on stderr, or "NAME: WHAT" when errno is 0;
 * exits 2.  write(2), not stdio: nothing is left in a buffer. */
static inline __attribute__((noreturn)) void die(const char *what)
{
	char buf[512];
	int len = errno ? snprintf(buf, sizeof(buf), "%s: %s: %s\n", bench_name, what,
				   strerror(errno))
			: snprintf(buf, sizeof(buf), "%s: %s\n", bench_name, what);

	if (len > 0) {
		ssize_t r = write(2, buf, (size_t)len);

		(void)r;
	}
	exit(2);
}

/* The count argument: a decimal > 0, or -1. */
static inline long parse_count(const char *s)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(s, &end, 10);
	if (*s == '\0' || *end != '\0' || errno || n <= 0)
		return -1;
	return n;
}

/* The result line on stdout in one write(2), unbuffered: what the bench
 * script parses.  Returns the program's exit status: 0, or 1 if it failed. */
static inline __attribute__((format(printf, 1, 2))) int report(const char *fmt, ...)
{
	char out[256];
	va_list ap;
	int len;

	va_start(ap, fmt);
	len = vsnprintf(out, sizeof(out), fmt, ap);
	va_end(ap);
	if (len < 0 || len >= (int)sizeof(out) || write(1, out, (size_t)len) != len)
		return 1;
	return 0;
}

#endif
