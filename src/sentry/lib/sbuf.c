/* SPDX-License-Identifier: MIT */
/* The sentry's string builder (lib/sbuf.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/sbuf.h"

#define SB_MIN_CAP 256

bool sb_reserve(struct sbuf *b, size_t more)
{
	size_t cap = b->cap ? b->cap : SB_MIN_CAP;
	char *p;

	if (b->oom)
		return false;
	if (more > (size_t)-1 / 4 - b->len)
		goto oom;               /* would overflow: no buffer is that big */
	while (cap < b->len + more + 1)
		cap *= 2;
	if (cap == b->cap)
		return true;
	p = realloc(b->p, cap);
	if (!p)
		goto oom;
	b->p = p;
	b->cap = cap;
	return true;
oom:
	b->oom = true;
	return false;
}

void sb_add(struct sbuf *b, const void *s, size_t n)
{
	if (!sb_reserve(b, n))
		return;
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = 0;
}

void sb_putc(struct sbuf *b, char c)
{
	sb_add(b, &c, 1);
}

void sb_puts(struct sbuf *b, const char *s)
{
	sb_add(b, s, strlen(s));
}

void sb_printf(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;
	size_t room = b->cap > b->len ? b->cap - b->len : 0;
	int n;

	if (b->oom)
		return;
	/* most lines fit in the room left: format once */
	va_start(ap, fmt);
	n = vsnprintf(room ? b->p + b->len : NULL, room, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= room) {
		if (!sb_reserve(b, (size_t)n))
			return;
		va_start(ap, fmt);
		vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
		va_end(ap);
	}
	b->len += (size_t)n;
}

void sb_pad(struct sbuf *b, size_t start, size_t col)
{
	while (!b->oom && b->len - start < col)
		sb_putc(b, ' ');
}

void sb_escape(struct sbuf *b, const char *s)
{
	for (; *s; s++) {
		if (strchr(" \t\n\\", *s))
			sb_printf(b, "\\%03o", (unsigned char)*s);
		else
			sb_putc(b, *s);
	}
}

void sb_truncate(struct sbuf *b, size_t len)
{
	if (len < b->len) {
		b->len = len;
		b->p[len] = 0;
	}
}

void sb_free(struct sbuf *b)
{
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
	b->oom = false;
}
