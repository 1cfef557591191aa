/* SPDX-License-Identifier: MIT */
/*
 * Writing down a reading: the conditions of each path as fields of
 * seccomp_data (the instruction pointer and arguments as 64-bit values
 * where the two halves allow it), the conditions all allowing paths of a
 * call share first, then the others joined with "or".
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "filters/names.h"
#include "filters/report.h"
#include "stub_abi.h"

#define NFIELDS 9               /* nr, arch, ip, arg0-5 */

struct buf { char *s; size_t n, cap; };

static void bprintf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (b->n + n + 1 > b->cap) {
		b->cap = 2 * (b->n + n + 1);
		b->s = realloc(b->s, b->cap);
		if (!b->s) {
			perror("cvisor-filters");
			exit(1);
		}
	}
	va_start(ap, fmt);
	vsnprintf(b->s + b->n, n + 1, fmt, ap);
	va_end(ap);
	b->n += n;
}

static const char *text(struct buf *b)
{
	return b->s ? b->s : "";
}

static const char *answer_name(uint32_t ret, char *buf, size_t size)
{
	uint32_t data = ret & SECCOMP_RET_DATA;

	switch (ret & SECCOMP_RET_ACTION_FULL) {
	case SECCOMP_RET_KILL_PROCESS: return "KILL_PROCESS";
	case SECCOMP_RET_KILL_THREAD: return "KILL_THREAD";
	case SECCOMP_RET_ALLOW: return "ALLOW";
	case SECCOMP_RET_LOG: return "LOG";
	case SECCOMP_RET_USER_NOTIF: return "USER_NOTIF";
	case SECCOMP_RET_ERRNO:
		snprintf(buf, size, "ERRNO(%s)", strerrorname_np(data) ? strerrorname_np(data) : "?");
		return buf;
	case SECCOMP_RET_TRAP:
		if (!data)
			return "TRAP";
		snprintf(buf, size, "TRAP(%u)", data);
		return buf;
	case SECCOMP_RET_TRACE:
		snprintf(buf, size, "TRACE(%u)", data);
		return buf;
	}
	snprintf(buf, size, "%#x", ret);
	return buf;
}

/* --- one field of one path --- */

struct r64 { uint64_t lo, hi; };

static const char *const field_names[NFIELDS] = {
	"nr", "arch", "ip", "arg0", "arg1", "arg2", "arg3", "arg4", "arg5"
};

static int field_word(int field)
{
	return field < 2 ? field : field == 2 ? W_IP : W_ARG(field - 3);
}

static bool field_is_64(int field)
{
	return field >= 2;
}

/* The field's values as 64-bit ranges, if its halves allow it. */
static bool field_ranges(const struct path *p, int field, struct r64 **out, unsigned *n)
{
	const struct word *lo = &p->w[field_word(field)], *hi;

	*n = 0;
	if (!field_is_64(field)) {
		if (lo->nm)
			return false;
		*out = malloc(lo->nr * sizeof(**out) + 1);
		for (unsigned i = 0; i < lo->nr; i++)
			(*out)[(*n)++] = (struct r64){ lo->r[i].lo, lo->r[i].hi };
		return true;
	}
	hi = lo + 1;
	if (lo->nm || hi->nm)
		return false;
	if (hi->nr == 1 && hi->r[0].lo == hi->r[0].hi) {
		uint64_t h = (uint64_t)hi->r[0].lo << 32;

		*out = malloc(lo->nr * sizeof(**out) + 1);
		for (unsigned i = 0; i < lo->nr; i++)
			(*out)[(*n)++] = (struct r64){ h | lo->r[i].lo, h | lo->r[i].hi };
		return true;
	}
	if (!word_full(lo))
		return false;
	*out = malloc(hi->nr * sizeof(**out) + 1);
	for (unsigned i = 0; i < hi->nr; i++)
		(*out)[(*n)++] = (struct r64){ (uint64_t)hi->r[i].lo << 32,
					       (uint64_t)hi->r[i].hi << 32 | UINT32_MAX };
	return true;
}

/* setsockopt's level on this path, when it is one value */
static long path_level(const struct path *p)
{
	const struct word *lo = &p->w[W_ARG(1)];

	if (lo->nm || lo->nr != 1 || lo->r[0].lo != lo->r[0].hi)
		return -1;
	return lo->r[0].lo;
}

/* r with each range of a few values written out as its values */
static struct r64 *expand(const struct r64 *r, unsigned *n)
{
	unsigned total = 0, k = 0;
	struct r64 *out;

	for (unsigned i = 0; i < *n; i++)
		total += r[i].hi - r[i].lo < 16 ? (unsigned)(r[i].hi - r[i].lo) + 1 : 1;
	out = malloc(total * sizeof(*out) + 1);
	for (unsigned i = 0; i < *n; i++) {
		if (r[i].hi - r[i].lo >= 16) {
			out[k++] = r[i];
			continue;
		}
		for (uint64_t v = r[i].lo;; v++) {
			out[k++] = (struct r64){ v, v };
			if (v == r[i].hi)
				break;
		}
	}
	*n = k;
	return out;
}

static void value_list(struct buf *b, const char *sys, int arg, long level,
		       const struct r64 *given, unsigned n, uint64_t max)
{
	char name[256];
	uint64_t points = 0, gaps = 0;
	struct r64 *r = expand(given, &n);

	for (unsigned i = 0; i < n; i++)
		points += r[i].lo == r[i].hi;
	/* all but a few values: name what is left out */
	if (n >= 1 && (r[0].lo == 0 || r[0].lo == 1) && r[n - 1].hi == max) {
		gaps = r[0].lo;
		for (unsigned i = 1; i < n; i++)
			gaps += r[i].lo - r[i - 1].hi - 1;
	}
	if (gaps && gaps <= 8) {
		bprintf(b, gaps == 1 ? " != " : " not in {");
		for (unsigned i = 0, k = 0; i <= n; i++) {
			uint64_t from = i ? r[i - 1].hi + 1 : 0, to = i < n ? r[i].lo : max + 1;

			for (uint64_t v = from; v < to; v++)
				bprintf(b, "%s%s", k++ ? ", " : "",
					value_name(sys, arg, v, level, name, sizeof(name)));
		}
		bprintf(b, gaps == 1 ? "" : "}");
	} else if (n == 1 && points == 1) {
		bprintf(b, " == %s", value_name(sys, arg, r[0].lo, level, name, sizeof(name)));
	} else if (n == 1) {
		bprintf(b, " in [%#llx, %#llx]", (unsigned long long)r[0].lo,
			(unsigned long long)r[0].hi);
	} else {
		bprintf(b, " in {");
		for (unsigned i = 0; i < n; i++) {
			if (r[i].lo == r[i].hi)
				bprintf(b, "%s%s", i ? ", " : "",
					value_name(sys, arg, r[i].lo, level, name, sizeof(name)));
			else
				bprintf(b, "%s[%#llx, %#llx]", i ? ", " : "",
					(unsigned long long)r[i].lo, (unsigned long long)r[i].hi);
		}
		bprintf(b, "}");
	}
	free(r);
}

/* Whether every range lies in [lo, hi]. */
static bool within(const struct r64 *r, unsigned n, uint64_t lo, uint64_t hi)
{
	for (unsigned i = 0; i < n; i++)
		if (r[i].lo < lo || r[i].hi > hi)
			return false;
	return n > 0;
}

/* One half of a field that cannot be read as 64-bit ranges. */
static void half(struct buf *b, const char *sys, int arg, const char *name, const char *part,
		 const struct word *w, int shift, long level)
{
	char v1[256], v2[256];

	if (w->nr != 1 || w->r[0].lo != 0 || w->r[0].hi != UINT32_MAX) {
		struct r64 *r = malloc(w->nr * sizeof(*r) + 1);

		for (unsigned i = 0; i < w->nr; i++)
			r[i] = (struct r64){ w->r[i].lo, w->r[i].hi };
		bprintf(b, "%s%s%s", b->n ? ", " : "", name, part);
		value_list(b, sys, shift ? -1 : arg, level, r, w->nr, UINT32_MAX);
		free(r);
	}
	for (unsigned i = 0; i < w->nm; i++)
		bprintf(b, "%s%s & %s %s %s", b->n ? ", " : "", name,
			value_name(sys, arg, (uint64_t)w->m[i].mask << shift, level, v1, sizeof(v1)),
			w->m[i].eq ? "==" : "!=",
			value_name(sys, arg, (uint64_t)w->m[i].value << shift, level, v2, sizeof(v2)));
}

/* The condition path p sets on field, or "" if none. */
static void field_text(struct buf *b, const char *sys, const struct path *p, int field)
{
	const char *name = field_names[field];
	int arg = field >= 3 ? field - 3 : -1;
	long level = path_level(p);
	uint64_t max = field_is_64(field) ? UINT64_MAX : UINT32_MAX;
	struct r64 *r = NULL;
	unsigned n;

	if (field_ranges(p, field, &r, &n)) {
		if (!(n == 1 && r[0].lo == 0 && r[0].hi == max)) {
			bprintf(b, "%s", name);
			value_list(b, sys, arg, level, r, n, max);
			if (field == 2 && within(r, n, STUB_CODE, STUB_CODE + STUB_CODE_SIZE))
				bprintf(b, " (stub code)");
			else if (arg >= 0 && within(r, n, STUB_BASE, STUB_END))
				bprintf(b, " (stub region)");
		}
		free(r);
		return;
	}
	free(r);
	if (!field_is_64(field)) {
		half(b, sys, arg, name, "", &p->w[field_word(field)], 0, level);
		return;
	}
	half(b, sys, arg, name, ".hi32", &p->w[field_word(field) + 1], 32, level);
	half(b, sys, arg, name, ".lo32", &p->w[field_word(field)], 0, level);
}

/* --- one call --- */

struct cond {
	struct buf f[NFIELDS];
};

static void conds_free(struct cond *c, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		for (int j = 0; j < NFIELDS; j++)
			free(c[i].f[j].s);
	free(c);
}

/*
 * The condition under which the paths of ps answering ret are taken:
 * what they all share, then each one's own, joined with "or".
 */
static void condition(struct buf *out, const char *sys, const struct paths *ps,
		      const struct path *start, uint32_t ret)
{
	struct cond *c = calloc(ps->n + 1, sizeof(*c));
	unsigned n = 0;
	bool shared[NFIELDS], several;

	for (unsigned i = 0; i < ps->n; i++) {
		if (ps->v[i].ret != ret)
			continue;
		for (int j = 0; j < NFIELDS; j++)
			if (!(j < 2 && word_equal(&ps->v[i].w[j], &start->w[j])))
				field_text(&c[n].f[j], sys, &ps->v[i], j);
		n++;
	}
	for (int j = 0; j < NFIELDS; j++) {
		shared[j] = true;
		for (unsigned i = 1; i < n; i++)
			shared[j] &= !strcmp(text(&c[i].f[j]), text(&c[0].f[j]));
		if (shared[j] && c[0].f[j].n)
			bprintf(out, "%s%s", out->n ? ", " : "", text(&c[0].f[j]));
	}
	several = false;
	for (unsigned i = 0; i < n; i++)
		for (int j = 0; j < NFIELDS; j++)
			several |= !shared[j] && c[i].f[j].n;
	for (unsigned i = 0; i < n && several; i++) {
		unsigned parts = 0;

		for (int j = 0; j < NFIELDS; j++)
			parts += !shared[j] && c[i].f[j].n;
		bprintf(out, "%s%s", i ? " or " : out->n ? ", " : "", parts > 1 ? "(" : "");
		for (int j = 0, k = 0; j < NFIELDS; j++)
			if (!shared[j] && c[i].f[j].n)
				bprintf(out, "%s%s", k++ ? ", " : "", text(&c[i].f[j]));
		bprintf(out, "%s", parts > 1 ? ")" : "");
	}
	conds_free(c, ps->n + 1);
}

/* A condition too long to read (x32's or i386's hundreds of numbers) is cut;
 * a call's own conditions never are. */
static void cut(struct buf *c)
{
	enum { MAX = 600 };

	if (c->n > MAX) {
		size_t more = c->n - MAX;

		c->n = MAX;
		c->s[c->n] = 0;
		bprintf(c, " ... (%zu more characters)", more);
	}
}

/* Where the allowing paths may be called from: any, stub, ip. */
static const char *from(const struct paths *ps)
{
	bool any = true, stub = true;

	for (unsigned i = 0; i < ps->n; i++) {
		struct r64 *r = NULL;
		unsigned n;

		if (ps->v[i].ret != SECCOMP_RET_ALLOW)
			continue;
		if (!field_ranges(&ps->v[i], 2, &r, &n)) {
			any = stub = false;
		} else {
			any &= n == 1 && r[0].lo == 0 && r[0].hi == UINT64_MAX;
			stub &= within(r, n, STUB_CODE, STUB_CODE + STUB_CODE_SIZE);
		}
		free(r);
	}
	return any ? "any" : stub ? "stub" : "ip";
}

static bool allows(const struct paths *ps)
{
	for (unsigned i = 0; i < ps->n; i++)
		if (ps->v[i].ret == SECCOMP_RET_ALLOW)
			return true;
	return false;
}

static bool args_checked(const struct paths *ps)
{
	for (unsigned i = 0; i < ps->n; i++)
		for (int a = 0; a < 6 && ps->v[i].ret == SECCOMP_RET_ALLOW; a++)
			if (!word_full(&ps->v[i].w[W_ARG(a)]) || !word_full(&ps->v[i].w[W_ARG(a) + 1]))
				return true;
	return false;
}

static bool inexact(const struct paths *ps)
{
	for (unsigned i = 0; i < ps->n; i++)
		if (ps->v[i].inexact)
			return true;
	return false;
}

/* The distinct answers of ps other than ALLOW, at most max. */
static unsigned refusals(const struct paths *ps, uint32_t *out, unsigned max)
{
	unsigned n = 0;

	for (unsigned i = 0; i < ps->n; i++) {
		unsigned j;

		if (ps->v[i].ret == SECCOMP_RET_ALLOW)
			continue;
		for (j = 0; j < n && out[j] != ps->v[i].ret; j++)
			;
		if (j == n && n < max)
			out[n++] = ps->v[i].ret;
	}
	return n;
}

static const char *call_name(uint32_t nr, char *buf, size_t size)
{
	const char *s = syscall_name(nr);

	if (s)
		return s;
	snprintf(buf, size, "nr_%u", nr);
	return buf;
}

static const char *const rest_keys[NREST] = { "x86_64>=1024", "i386", "other-arch" };
static const char *const rest_titles[NREST] = {
	"x86_64 numbers from 1024 (x32's among them)", "i386 (int $0x80)", "other architectures"
};

/*
 * Every answer of one reading (a call or a rest) that is not the default:
 * emit(ctx, answer, condition or "", shared-by-all-the-rest).
 */
typedef void emit_fn(FILE *out, const struct party *p, const char *call, const char *answer,
		     const char *from, const char *cond, bool loose);

static void answers(FILE *out, const struct party *p, const char *call, const struct paths *ps,
		    const struct path *start, emit_fn *emit, bool long_ok)
{
	char an[64];
	uint32_t ret, other[16];
	unsigned nother = refusals(ps, other, 16);
	bool loose = inexact(ps);

	if (paths_one_answer(ps, &ret) && ret != SECCOMP_RET_ALLOW) {
		emit(out, p, call, answer_name(ret, an, sizeof(an)), "any", "", loose);
		return;
	}
	if (allows(ps)) {
		struct buf c = { 0 };

		condition(&c, call, ps, start, SECCOMP_RET_ALLOW);
		if (!long_ok)
			cut(&c);
		emit(out, p, call, "ALLOW", from(ps), text(&c), loose);
		free(c.s);
	}
	for (unsigned i = 0; i < nother; i++) {
		struct buf c = { 0 };

		if (nother == 1 && other[i] == p->a.dflt)
			continue;       /* said once for all: "everything else" */
		if (nother == 1)
			bprintf(&c, "otherwise");
		else
			condition(&c, call, ps, start, other[i]);
		if (!long_ok)
			cut(&c);
		emit(out, p, call, answer_name(other[i], an, sizeof(an)), "any", text(&c), loose);
		free(c.s);
	}
}

/* Numbers no call has, answered whole other than the default: one line per
 * answer, as "nr 335-423,470-1023". */
static void unnamed(FILE *out, const struct party *p, emit_fn *emit)
{
	uint32_t seen[16], ret, r;
	unsigned nseen = 0;
	char an[64];

	for (uint32_t nr = 0; nr < NR_CALLS; nr++) {
		struct buf b = { 0 };
		unsigned k;

		if (syscall_name(nr) || !paths_one_answer(&p->a.call[nr], &ret) ||
		    ret == p->a.dflt || ret == SECCOMP_RET_ALLOW)
			continue;
		for (k = 0; k < nseen && seen[k] != ret; k++)
			;
		if (k < nseen || nseen == 16)
			continue;
		seen[nseen++] = ret;
		for (uint32_t from = nr, to; from < NR_CALLS; from = to + 1) {
			for (; from < NR_CALLS; from++)     /* the next run of this answer */
				if (!syscall_name(from) && paths_one_answer(&p->a.call[from], &r) &&
				    r == ret)
					break;
			for (to = from; to + 1 < NR_CALLS && !syscall_name(to + 1) &&
			     paths_one_answer(&p->a.call[to + 1], &r) && r == ret; to++)
				;
			if (from < NR_CALLS)
				bprintf(&b, b.n ? ",%u" : "nr %u", from);
			if (from < to)
				bprintf(&b, "-%u", to);
		}
		emit(out, p, text(&b), answer_name(ret, an, sizeof(an)), "any", "", false);
		free(b.s);
	}
}

static void walk_answers(FILE *out, const struct party *p, emit_fn *emit, bool allowed)
{
	char buf[32];
	uint32_t ret;

	for (uint32_t nr = 0; nr < NR_CALLS; nr++) {
		const struct paths *ps = &p->a.call[nr];
		bool whole = paths_one_answer(ps, &ret);
		struct path start;

		if (allows(ps) != allowed)
			continue;
		if (whole && (ret == p->a.dflt || (!syscall_name(nr) && ret != SECCOMP_RET_ALLOW)))
			continue;       /* the default, or unnamed() says it */
		analysis_start(&start, -1, nr);
		answers(out, p, call_name(nr, buf, sizeof(buf)), ps, &start, emit, true);
		path_free(&start);
	}
	if (!allowed)
		unnamed(out, p, emit);
}

static void summary(const struct party *p, unsigned *n, unsigned *args, unsigned *any,
		    unsigned *stub)
{
	*n = *args = *any = *stub = 0;
	for (uint32_t nr = 0; nr < NR_CALLS; nr++) {
		const struct paths *ps = &p->a.call[nr];
		const char *f;

		if (!allows(ps))
			continue;
		f = from(ps);
		(*n)++;
		*args += args_checked(ps);
		*any += !strcmp(f, "any");
		*stub += !strcmp(f, "stub");
	}
}

/* --- text --- */

static void emit_text(FILE *out, const struct party *p, const char *call, const char *answer,
		      const char *from, const char *cond, bool loose)
{
	(void)p;
	(void)from;
	if (!strcmp(answer, "ALLOW"))
		fprintf(out, "  %-20s %s%s\n", call, *cond ? cond : "any arguments",
			loose ? " (read loosely)" : "");
	else
		fprintf(out, "  %-20s %s%s%s%s\n", call, answer,
			!*cond ? "" : !strcmp(cond, "otherwise") ? " " : " if ", cond,
			loose ? " (read loosely)" : "");
}

void report_text(FILE *out, const struct party *p)
{
	unsigned n, args, any, stub;
	char an[64];

	fprintf(out, "== %s: %s\n", p->key, p->title);
	fprintf(out, "filters:");
	for (unsigned i = 0; i < p->stack->n; i++)
		fprintf(out, "%s #%u %u instructions", i ? "," : "", i, p->stack->f[i].len);
	fprintf(out, "%s\n", p->stack->n > 1 ? " (stacked: the most restrictive answer wins)" : "");
	summary(p, &n, &args, &any, &stub);
	fprintf(out, "allowed: %u calls (%u with argument checks; %u from any address, "
		"%u only from stub code)\n", n, args, any, stub);
	walk_answers(out, p, emit_text, true);
	fprintf(out, "other answers:\n");
	walk_answers(out, p, emit_text, false);
	fprintf(out, "  %-20s %s\n", "everything else", answer_name(p->a.dflt, an, sizeof(an)));
	for (int r = 0; r < NREST; r++) {
		struct path start;

		analysis_start(&start, r, 0);
		answers(out, p, rest_titles[r], &p->a.rest[r], &start, emit_text, false);
		path_free(&start);
	}
	fprintf(out, "checked: %lu inputs run through the filters agree with this reading%s\n\n",
		p->a.checked, p->a.inexact ? " (some paths read loosely)" : "");
}

/* --- lines for scripts --- */

void report_list_header(FILE *out)
{
	fprintf(out, "# cvisor-filters --list: party, call, answer, from (any: any instruction "
		"pointer; stub: only from the stub's code; ip: some other), condition\n");
}

static void emit_list(FILE *out, const struct party *p, const char *call, const char *answer,
		      const char *from, const char *cond, bool loose)
{
	fprintf(out, "%s\t%s\t%s\t%s\t%s%s\n", p->key, call, answer, from, *cond ? cond : "-",
		loose ? " (read loosely)" : "");
}

void report_list(FILE *out, const struct party *p)
{
	unsigned n, args, any, stub;
	char an[64];

	fprintf(out, "#party\t%s\t%s\tfilters=", p->key, p->title);
	for (unsigned i = 0; i < p->stack->n; i++)
		fprintf(out, "%s%u", i ? "," : "", p->stack->f[i].len);
	summary(p, &n, &args, &any, &stub);
	fprintf(out, "\tallowed=%u\targs=%u\tany=%u\tstub=%u\tchecked=%lu%s\n", n, args, any, stub,
		p->a.checked, p->a.inexact ? "\tinexact" : "");
	walk_answers(out, p, emit_list, true);
	walk_answers(out, p, emit_list, false);
	fprintf(out, "%s\t*\t%s\tany\tevery other x86_64 call\n", p->key,
		answer_name(p->a.dflt, an, sizeof(an)));
	for (int r = 0; r < NREST; r++) {
		struct path start;

		analysis_start(&start, r, 0);
		answers(out, p, rest_keys[r], &p->a.rest[r], &start, emit_list, false);
		path_free(&start);
	}
}
