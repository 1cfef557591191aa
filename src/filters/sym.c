/* SPDX-License-Identifier: MIT */
/*
 * Symbolic reading of seccomp BPF programs: every path through a program,
 * each with the values of seccomp_data it holds for (see sym.h).
 *
 * The accumulator holds a constant, a word of seccomp_data under a mask
 * (what libseccomp's masked comparisons load), or something this reader
 * cannot follow (any other arithmetic on a word: then both ways of a jump
 * are taken and the path is marked inexact).  A jump on a word narrows
 * that word's set on each side; a side whose set is empty is not taken.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bpf_run.h"
#include "filters/sym.h"

#define MAX_PATHS   (1u << 16)
#define DFS_BUDGET  200000      /* nodes of one witness search */

static void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p) {
		perror("cvisor-filters");
		exit(1);
	}
	return p;
}

static void *xmemdup(const void *src, size_t n)
{
	void *p = xmalloc(n);

	if (n)
		memcpy(p, src, n);
	return p;
}

/* --- one word's set of values --- */

static void word_init(struct word *w)
{
	w->r = xmalloc(sizeof(*w->r));
	w->r[0] = (struct range){ 0, UINT32_MAX };
	w->nr = 1;
	w->m = NULL;
	w->nm = 0;
}

static void word_copy(struct word *dst, const struct word *src)
{
	dst->r = xmemdup(src->r, src->nr * sizeof(*src->r));
	dst->nr = src->nr;
	dst->m = xmemdup(src->m, src->nm * sizeof(*src->m));
	dst->nm = src->nm;
}

static void word_free(struct word *w)
{
	free(w->r);
	free(w->m);
}

bool word_full(const struct word *w)
{
	return w->nm == 0 && w->nr == 1 && w->r[0].lo == 0 && w->r[0].hi == UINT32_MAX;
}

bool word_equal(const struct word *a, const struct word *b)
{
	if (a->nr != b->nr || a->nm != b->nm)
		return false;
	for (unsigned i = 0; i < a->nr; i++)
		if (a->r[i].lo != b->r[i].lo || a->r[i].hi != b->r[i].hi)
			return false;
	for (unsigned i = 0; i < a->nm; i++)
		if (a->m[i].mask != b->m[i].mask || a->m[i].value != b->m[i].value ||
		    a->m[i].eq != b->m[i].eq)
			return false;
	return true;
}

static bool masks_hold(const struct word *w, uint32_t v);

/* A word down to one value: its masks are decided, and go. */
static void word_settle(struct word *w)
{
	if (w->nm && w->nr == 1 && w->r[0].lo == w->r[0].hi) {
		if (!masks_hold(w, w->r[0].lo))
			w->nr = 0;
		w->nm = 0;
	}
}

/* w's ranges, intersected with the sorted ranges b */
static void ranges_and(struct word *w, const struct range *b, unsigned nb)
{
	struct range *out = xmalloc((w->nr + nb) * sizeof(*out));
	unsigned n = 0, i = 0, j = 0;

	while (i < w->nr && j < nb) {
		uint32_t lo = w->r[i].lo > b[j].lo ? w->r[i].lo : b[j].lo;
		uint32_t hi = w->r[i].hi < b[j].hi ? w->r[i].hi : b[j].hi;

		if (lo <= hi)
			out[n++] = (struct range){ lo, hi };
		if (w->r[i].hi < b[j].hi)
			i++;
		else
			j++;
	}
	free(w->r);
	w->r = out;
	w->nr = n;
	word_settle(w);
}

/* w's ranges, united with b's (the masks are the same on both: none) */
static void ranges_or(struct word *w, const struct word *b)
{
	struct range *out = xmalloc((w->nr + b->nr) * sizeof(*out));
	unsigned n = 0, i = 0, j = 0;

	while (i < w->nr || j < b->nr) {
		struct range r;

		if (j == b->nr || (i < w->nr && w->r[i].lo <= b->r[j].lo))
			r = w->r[i++];
		else
			r = b->r[j++];
		if (n && (uint64_t)out[n - 1].hi + 1 >= r.lo) {
			if (r.hi > out[n - 1].hi)
				out[n - 1].hi = r.hi;
		} else {
			out[n++] = r;
		}
	}
	free(w->r);
	w->r = out;
	w->nr = n;
}

static void word_limit(struct word *w, uint32_t lo, uint32_t hi)
{
	struct range r = { lo, hi };

	ranges_and(w, &r, 1);
}

static void word_remove(struct word *w, uint32_t lo, uint32_t hi)
{
	struct range r[2];
	unsigned n = 0;

	if (lo > 0)
		r[n++] = (struct range){ 0, lo - 1 };
	if (hi < UINT32_MAX)
		r[n++] = (struct range){ hi + 1, UINT32_MAX };
	ranges_and(w, r, n);
}

/* (w & mask) == value (eq) or != value; full masks become ranges */
static void word_mask(struct word *w, uint32_t mask, uint32_t value, bool eq)
{
	if ((value & ~mask) || mask == 0) {
		/* decided whatever w is: always unequal, or always 0 == value */
		bool equal = !(value & ~mask) && value == 0;

		if (equal != eq)
			w->nr = 0;
		return;
	}
	if (mask == UINT32_MAX) {
		if (eq)
			word_limit(w, value, value);
		else
			word_remove(w, value, value);
		return;
	}
	for (unsigned i = 0; i < w->nm; i++)
		if (w->m[i].mask == mask && w->m[i].value == value && w->m[i].eq == eq)
			return;
	w->m = realloc(w->m, (w->nm + 1) * sizeof(*w->m));
	if (!w->m) {
		perror("cvisor-filters");
		exit(1);
	}
	w->m[w->nm++] = (struct mcons){ mask, value, eq };
	word_settle(w);
}

static bool masks_hold(const struct word *w, uint32_t v)
{
	for (unsigned i = 0; i < w->nm; i++)
		if (((v & w->m[i].mask) == w->m[i].value) != w->m[i].eq)
			return false;
	return true;
}

/*
 * A value of [lo, hi] whose bits above b are prefix's and for which every
 * mask holds: bit by bit from the top, cutting a branch as soon as its
 * values leave [lo, hi] or a mask is decided against it.
 */
static bool dfs(const struct word *w, uint32_t lo, uint32_t hi, uint32_t prefix, int b,
		uint32_t *out, long *budget)
{
	uint32_t free_bits = b == 32 ? UINT32_MAX : (1u << b) - 1;
	uint32_t low = prefix > lo ? prefix : lo;
	uint32_t high = (prefix | free_bits) < hi ? (prefix | free_bits) : hi;

	if (low > high)
		return false;
	if (--*budget < 0) {
		*out = low;             /* undecided: taken as possible */
		return true;
	}
	for (unsigned i = 0; i < w->nm; i++) {
		const struct mcons *m = &w->m[i];

		if (!(m->mask & free_bits)) {
			if (((prefix & m->mask) == m->value) != m->eq)
				return false;
		} else if (m->eq && (prefix & m->mask & ~free_bits) != (m->value & ~free_bits)) {
			return false;
		}
	}
	if (b == 0) {
		*out = prefix;
		return true;
	}
	b--;
	return dfs(w, lo, hi, prefix, b, out, budget) ||
	       dfs(w, lo, hi, prefix | (1u << b), b, out, budget);
}

static bool word_witness(const struct word *w, uint32_t *out, bool *inexact)
{
	for (unsigned i = 0; i < w->nr; i++) {
		long budget = DFS_BUDGET;

		if (w->nm == 0) {
			*out = w->r[i].lo;
			return true;
		}
		if (dfs(w, w->r[i].lo, w->r[i].hi, 0, 32, out, &budget)) {
			if (budget < 0 && inexact)
				*inexact = true;
			return true;
		}
	}
	return false;
}

static bool word_holds(const struct word *w, uint32_t v)
{
	unsigned lo = 0, hi = w->nr;

	while (lo < hi) {               /* the first range ending at or after v */
		unsigned mid = (lo + hi) / 2;

		if (w->r[mid].hi < v)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < w->nr && w->r[lo].lo <= v && masks_hold(w, v);
}

/* --- paths --- */

void path_init(struct path *p)
{
	for (int i = 0; i < SD_WORDS; i++)
		word_init(&p->w[i]);
	p->ret = 0;
	p->inexact = false;
}

void path_copy(struct path *dst, const struct path *src)
{
	for (int i = 0; i < SD_WORDS; i++)
		word_copy(&dst->w[i], &src->w[i]);
	dst->ret = src->ret;
	dst->inexact = src->inexact;
}

void path_free(struct path *p)
{
	for (int i = 0; i < SD_WORDS; i++)
		word_free(&p->w[i]);
}

void paths_free(struct paths *ps)
{
	for (unsigned i = 0; i < ps->n; i++)
		path_free(&ps->v[i]);
	free(ps->v);
	*ps = (struct paths){ 0 };
}

/* Append p (moved: the caller no longer owns its words). */
static int paths_add(struct paths *ps, const struct path *p)
{
	if (ps->n >= MAX_PATHS)
		return -1;
	if (ps->n == ps->cap) {
		ps->cap = ps->cap ? 2 * ps->cap : 16;
		ps->v = realloc(ps->v, ps->cap * sizeof(*ps->v));
		if (!ps->v) {
			perror("cvisor-filters");
			exit(1);
		}
	}
	ps->v[ps->n++] = *p;
	return 0;
}

bool path_limit(struct path *p, int i, uint32_t lo, uint32_t hi)
{
	word_limit(&p->w[i], lo, hi);
	return p->w[i].nr > 0;
}

bool path_exclude(struct path *p, int i, uint32_t lo, uint32_t hi)
{
	word_remove(&p->w[i], lo, hi);
	return p->w[i].nr > 0;
}

static bool word_possible(const struct word *w, bool *inexact)
{
	uint32_t v;

	return w->nr > 0 && word_witness(w, &v, inexact);
}

static uint32_t sd_word(const struct seccomp_data *d, int i)
{
	uint32_t v;

	memcpy(&v, (const char *)d + 4 * i, 4);
	return v;
}

bool path_witness(const struct path *p, struct seccomp_data *d)
{
	for (int i = 0; i < SD_WORDS; i++) {
		uint32_t v;

		if (!word_witness(&p->w[i], &v, NULL))
			return false;
		memcpy((char *)d + 4 * i, &v, 4);
	}
	return true;
}

bool path_holds(const struct path *p, const struct seccomp_data *d)
{
	for (int i = 0; i < SD_WORDS; i++)
		if (!word_holds(&p->w[i], sd_word(d, i)))
			return false;
	return true;
}

/* --- one program --- */

enum { VK_CONST, VK_WORD, VK_ANY };

struct val {
	int kind;
	uint32_t k;             /* VK_CONST */
	int word;               /* VK_WORD: the value is word & mask */
	uint32_t mask;
};

struct regs { struct val a, x, mem[BPF_MEMWORDS]; };

struct walk {
	const struct filter *f;
	struct paths *out;
	int err;
};

static struct val constant(uint32_t k)
{
	return (struct val){ .kind = VK_CONST, .k = k };
}

/* v op k holds (truth) or not: narrow p; false if no input is left. */
static bool constrain(struct path *p, struct val v, unsigned op, uint32_t k, bool truth)
{
	struct word *w;

	if (v.kind == VK_CONST) {
		bool r = op == BPF_JEQ ? v.k == k : op == BPF_JGT ? v.k > k :
			 op == BPF_JGE ? v.k >= k : (v.k & k) != 0;

		return r == truth;
	}
	if (v.kind == VK_ANY) {
		p->inexact = true;
		return true;
	}
	w = &p->w[v.word];
	if (op == BPF_JSET) {
		word_mask(w, v.mask & k, 0, !truth);
	} else if (op == BPF_JEQ) {
		word_mask(w, v.mask, k, truth);
	} else if (v.mask != UINT32_MAX) {
		p->inexact = true;      /* an order on part of a word */
		return true;
	} else if (op == BPF_JGT) {
		if (truth && k == UINT32_MAX)
			return false;
		if (truth)
			word_limit(w, k + 1, UINT32_MAX);
		else
			word_limit(w, 0, k);
	} else {                        /* BPF_JGE */
		if (!truth && k == 0)
			return false;
		if (truth)
			word_limit(w, k, UINT32_MAX);
		else
			word_limit(w, 0, k - 1);
	}
	return word_possible(w, &p->inexact);
}

static struct val alu(struct val a, unsigned op, uint32_t k, bool *inexact)
{
	if (a.kind == VK_CONST) {
		switch (op) {
		case BPF_AND: return constant(a.k & k);
		case BPF_OR: return constant(a.k | k);
		case BPF_ADD: return constant(a.k + k);
		case BPF_SUB: return constant(a.k - k);
		case BPF_RSH: return constant(a.k >> (k & 31));
		case BPF_LSH: return constant(a.k << (k & 31));
		case BPF_NEG: return constant(-a.k);
		}
	}
	if (a.kind == VK_WORD && op == BPF_AND) {
		a.mask &= k;
		return a;
	}
	*inexact = true;
	return (struct val){ .kind = VK_ANY };
}

static void walk(struct walk *wk, unsigned pc, struct path *p, struct regs *r);

static void finish(struct walk *wk, struct path *p, uint32_t ret)
{
	p->ret = ret;
	if (paths_add(wk->out, p) < 0) {
		fprintf(stderr, "cvisor-filters: more than %u paths\n", MAX_PATHS);
		wk->err = -1;
		path_free(p);
	}
}

/* Take both ways of the jump at pc (each only if some input takes it). */
static void branch(struct walk *wk, unsigned pc, struct path *p, struct regs *r,
		   struct val v, uint32_t k)
{
	const struct sock_filter *f = &wk->f->insn[pc];
	unsigned op = BPF_OP(f->code);
	struct path q;
	struct regs rq = *r;

	path_copy(&q, p);
	if (constrain(&q, v, op, k, true))
		walk(wk, pc + 1 + f->jt, &q, &rq);
	else
		path_free(&q);
	if (constrain(p, v, op, k, false))
		walk(wk, pc + 1 + f->jf, p, r);
	else
		path_free(p);
}

static void walk(struct walk *wk, unsigned pc, struct path *p, struct regs *r)
{
	for (; pc < wk->f->len && !wk->err; pc++) {
		const struct sock_filter *f = &wk->f->insn[pc];
		uint32_t k = f->k;

		switch (f->code) {
		case BPF_LD | BPF_W | BPF_ABS:
			if (k > sizeof(struct seccomp_data) - 4 || (k & 3)) {
				finish(wk, p, SECCOMP_RET_KILL_PROCESS);
				return;
			}
			r->a = (struct val){ .kind = VK_WORD, .word = k / 4, .mask = UINT32_MAX };
			break;
		case BPF_LD | BPF_W | BPF_LEN: r->a = constant(sizeof(struct seccomp_data)); break;
		case BPF_LD | BPF_IMM: r->a = constant(k); break;
		case BPF_LDX | BPF_IMM: r->x = constant(k); break;
		case BPF_LD | BPF_MEM: r->a = r->mem[k & 15]; break;
		case BPF_LDX | BPF_MEM: r->x = r->mem[k & 15]; break;
		case BPF_ST: r->mem[k & 15] = r->a; break;
		case BPF_STX: r->mem[k & 15] = r->x; break;
		case BPF_MISC | BPF_TAX: r->x = r->a; break;
		case BPF_MISC | BPF_TXA: r->a = r->x; break;
		case BPF_ALU | BPF_AND | BPF_K:
		case BPF_ALU | BPF_OR | BPF_K:
		case BPF_ALU | BPF_ADD | BPF_K:
		case BPF_ALU | BPF_SUB | BPF_K:
		case BPF_ALU | BPF_RSH | BPF_K:
		case BPF_ALU | BPF_LSH | BPF_K:
		case BPF_ALU | BPF_NEG:
			r->a = alu(r->a, BPF_OP(f->code), k, &p->inexact);
			break;
		case BPF_ALU | BPF_AND | BPF_X:
			if (r->x.kind == VK_CONST)
				r->a = alu(r->a, BPF_AND, r->x.k, &p->inexact);
			else
				p->inexact = true, r->a = (struct val){ .kind = VK_ANY };
			break;
		case BPF_JMP | BPF_JA:
			pc += k;
			break;
		case BPF_JMP | BPF_JEQ | BPF_K:
		case BPF_JMP | BPF_JGT | BPF_K:
		case BPF_JMP | BPF_JGE | BPF_K:
		case BPF_JMP | BPF_JSET | BPF_K:
			branch(wk, pc, p, r, r->a, k);
			return;
		case BPF_JMP | BPF_JEQ | BPF_X:
		case BPF_JMP | BPF_JGT | BPF_X:
		case BPF_JMP | BPF_JGE | BPF_X:
			if (r->x.kind != VK_CONST) {
				p->inexact = true;
				branch(wk, pc, p, r, (struct val){ .kind = VK_ANY }, 0);
			} else {
				branch(wk, pc, p, r, r->a, r->x.k);
			}
			return;
		case BPF_RET | BPF_K:
			finish(wk, p, k);
			return;
		default:
			/* RET A and anything bpf_run() does not know */
			fprintf(stderr, "cvisor-filters: instruction %u (code 0x%04x) cannot be read\n",
				pc, f->code);
			wk->err = -1;
			path_free(p);
			return;
		}
	}
	if (!wk->err)
		finish(wk, p, SECCOMP_RET_KILL_PROCESS);        /* ran off the end */
	else
		path_free(p);
}

static int filter_paths(const struct filter *f, const struct path *start, struct paths *out)
{
	struct walk wk = { .f = f, .out = out };
	struct regs r = { 0 };
	struct path p;

	for (int i = 0; i < BPF_MEMWORDS; i++)
		r.mem[i] = constant(0);
	r.a = r.x = constant(0);
	path_copy(&p, start);
	walk(&wk, 0, &p, &r);
	return wk.err;
}

int stack_paths(const struct filter *f, unsigned n, const struct path *start,
		struct paths *out)
{
	struct paths first = { 0 };

	if (n == 0) {
		struct path p;

		path_copy(&p, start);
		p.ret = SECCOMP_RET_ALLOW;
		return paths_add(out, &p);
	}
	if (filter_paths(&f[0], start, &first) < 0) {
		paths_free(&first);
		return -1;
	}
	for (unsigned i = 0; i < first.n; i++) {
		const struct path *p = &first.v[i];
		struct paths rest = { 0 };

		/* the older filters see only the inputs that took this path */
		if (stack_paths(f + 1, n - 1, p, &rest) < 0) {
			paths_free(&rest);
			paths_free(&first);
			return -1;
		}
		for (unsigned j = 0; j < rest.n; j++) {
			struct path *q = &rest.v[j];

			if (seccomp_action_rank(p->ret) <= seccomp_action_rank(q->ret))
				q->ret = p->ret;
			q->inexact |= p->inexact;
			if (paths_add(out, q) < 0) {
				rest.n = j;
				paths_free(&rest);
				paths_free(&first);
				return -1;
			}
		}
		free(rest.v);
	}
	paths_free(&first);
	return 0;
}

uint32_t stack_run(const struct filter *f, unsigned n, const struct seccomp_data *d)
{
	uint32_t ret = SECCOMP_RET_ALLOW;

	for (unsigned i = 0; i < n; i++) {
		uint32_t r = bpf_run(f[i].insn, f[i].len, d);

		if (seccomp_action_rank(r) < seccomp_action_rank(ret))
			ret = r;
	}
	return ret;
}

/* The one word a and b differ in, -1 if none, -2 if more than one. */
static int differing_word(const struct path *a, const struct path *b)
{
	int diff = -1;

	for (int i = 0; i < SD_WORDS; i++) {
		if (word_equal(&a->w[i], &b->w[i]))
			continue;
		if (diff >= 0)
			return -2;
		diff = i;
	}
	return diff;
}

static void paths_remove(struct paths *ps, unsigned j)
{
	path_free(&ps->v[j]);
	memmove(&ps->v[j], &ps->v[j + 1], (ps->n - j - 1) * sizeof(ps->v[0]));
	ps->n--;
}

void paths_merge(struct paths *ps)
{
	bool again = true;

	while (again) {
		again = false;
		for (unsigned i = 0; i < ps->n; i++) {
			for (unsigned j = i + 1; j < ps->n; j++) {
				struct path *a = &ps->v[i], *b = &ps->v[j];
				int d;

				if (a->ret != b->ret || a->inexact != b->inexact)
					continue;
				d = differing_word(a, b);
				if (d == -2 || (d >= 0 && (a->w[d].nm || b->w[d].nm)))
					continue;
				if (d >= 0)
					ranges_or(&a->w[d], &b->w[d]);
				paths_remove(ps, j);
				again = true;
				j--;
			}
		}
	}
}
