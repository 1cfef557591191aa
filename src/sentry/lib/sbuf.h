/* SPDX-License-Identifier: MIT */
/*
 * A growing text buffer: the sentry's one string builder (procfs files,
 * the --strace line).  Like Linux's seq_buf, a failed allocation is not
 * reported at each call: it sets oom, later additions do nothing, and the
 * caller checks oom once at the end.  The text is always NUL-terminated
 * (p[len] == 0) once anything was added, so p is also a C string.
 */
#ifndef CVISOR_SBUF_H
#define CVISOR_SBUF_H

#include <stdbool.h>
#include <stddef.h>

struct sbuf {
	char *p;                        /* NULL until the first addition */
	size_t len, cap;
	bool oom;                       /* an allocation failed: the text is short */
};

/* Room for more bytes (and the NUL) after len; false (and oom) if none. */
bool sb_reserve(struct sbuf *b, size_t more);
void sb_add(struct sbuf *b, const void *s, size_t n);
void sb_putc(struct sbuf *b, char c);
void sb_puts(struct sbuf *b, const char *s);
void sb_printf(struct sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Spaces up to column col of the line that started at offset start. */
void sb_pad(struct sbuf *b, size_t start, size_t col);
/* A path as /proc/mounts shows it: space, tab, newline and '\' as octal. */
void sb_escape(struct sbuf *b, const char *s);
/* Cut the text to len bytes (len <= b->len). */
void sb_truncate(struct sbuf *b, size_t len);
void sb_free(struct sbuf *b);

#endif
