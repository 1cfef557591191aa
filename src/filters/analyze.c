/* SPDX-License-Identifier: MIT */
/*
 * What a stack of filters answers, for every input: each x86_64 call number
 * below NR_CALLS on its own (arguments and instruction pointer symbolic),
 * then every other x86_64 number (x32's among them), i386 and any other
 * architecture, each as a whole.  The reading is then checked against the
 * filters themselves: one input on each path, and inputs made of the
 * filters' own constants, the edges of the paths' ranges and random words,
 * must each lie on exactly one path and get that path's answer when the
 * filters run on it.
 */
#include <linux/audit.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "filters/analyze.h"
#include "filters/names.h"

#define SAMPLES 96              /* random inputs per call, besides one per path */

void analysis_start(struct path *p, int which, uint32_t nr)
{
	path_init(p);
	switch (which) {
	case -1:
		path_limit(p, W_NR, nr, nr);
		path_limit(p, W_ARCH, AUDIT_ARCH_X86_64, AUDIT_ARCH_X86_64);
		break;
	case REST_X86_64:
		path_limit(p, W_NR, NR_CALLS, UINT32_MAX);
		path_limit(p, W_ARCH, AUDIT_ARCH_X86_64, AUDIT_ARCH_X86_64);
		break;
	case REST_I386:
		path_limit(p, W_ARCH, AUDIT_ARCH_I386, AUDIT_ARCH_I386);
		break;
	default:
		path_exclude(p, W_ARCH, AUDIT_ARCH_X86_64, AUDIT_ARCH_X86_64);
		path_exclude(p, W_ARCH, AUDIT_ARCH_I386, AUDIT_ARCH_I386);
		break;
	}
}

bool paths_one_answer(const struct paths *ps, uint32_t *ret)
{
	for (unsigned i = 1; i < ps->n; i++)
		if (ps->v[i].ret != ps->v[0].ret)
			return false;
	if (ps->n)
		*ret = ps->v[0].ret;
	return ps->n > 0;
}

/* --- checking the reading --- */

struct check {
	const struct filter *f;
	unsigned n;
	uint32_t *consts;       /* every constant the filters compare with, +-1 */
	unsigned nconsts;
	uint64_t rng;
	unsigned long checked;
};

static uint32_t rnd(struct check *c)
{
	c->rng ^= c->rng << 13;
	c->rng ^= c->rng >> 7;
	c->rng ^= c->rng << 17;
	return (uint32_t)(c->rng >> 16);
}

static void collect_constants(struct check *c)
{
	static const uint32_t fixed[] = { 0, 1, 0x7fffffff, 0x80000000, UINT32_MAX };
	unsigned total = 0;

	for (unsigned i = 0; i < c->n; i++)
		total += c->f[i].len;
	c->consts = malloc((3 * total + 5) * sizeof(*c->consts));
	if (!c->consts) {
		perror("cvisor-filters");
		exit(1);
	}
	memcpy(c->consts, fixed, sizeof(fixed));
	c->nconsts = 5;
	for (unsigned i = 0; i < c->n; i++)
		for (unsigned j = 0; j < c->f[i].len; j++) {
			uint32_t k = c->f[i].insn[j].k;

			if (BPF_CLASS(c->f[i].insn[j].code) != BPF_JMP)
				continue;
			c->consts[c->nconsts++] = k - 1;
			c->consts[c->nconsts++] = k;
			c->consts[c->nconsts++] = k + 1;
		}
}

/* A value for word i: a constant, an edge of a path's range, or random. */
static uint32_t pick(struct check *c, const struct paths *ps, int i)
{
	const struct word *w;
	const struct range *r;

	switch (rnd(c) % 3) {
	case 0:
		return c->consts[rnd(c) % c->nconsts];
	case 1:
		w = &ps->v[rnd(c) % ps->n].w[i];
		if (!w->nr)
			break;
		r = &w->r[rnd(c) % w->nr];
		switch (rnd(c) % 4) {
		case 0: return r->lo;
		case 1: return r->hi;
		case 2: return r->lo - 1;
		default: return r->hi + 1;
		}
	}
	return rnd(c);
}

/* d's answer from the filters, against the path it lies on. */
static int check_input(struct check *c, const struct paths *ps, const struct seccomp_data *d,
		       const char *what)
{
	uint32_t real = stack_run(c->f, c->n, d);
	unsigned on = 0;
	bool agree = false, inexact = false;

	for (unsigned i = 0; i < ps->n; i++) {
		if (!path_holds(&ps->v[i], d))
			continue;
		on++;
		agree |= ps->v[i].ret == real;
		inexact |= ps->v[i].inexact;
	}
	if (agree && (on == 1 || inexact)) {
		c->checked++;
		return 0;
	}
	fprintf(stderr, "cvisor-filters: %s: the input nr=%#x arch=%#x ip=%#llx "
		"args=%#llx,%#llx,%#llx,%#llx,%#llx,%#llx lies on %u paths; the filters "
		"answer %#x\n", what, d->nr, d->arch, (unsigned long long)d->instruction_pointer,
		(unsigned long long)d->args[0], (unsigned long long)d->args[1],
		(unsigned long long)d->args[2], (unsigned long long)d->args[3],
		(unsigned long long)d->args[4], (unsigned long long)d->args[5], on, real);
	return -1;
}

static int check_reading(struct check *c, const struct path *start, const struct paths *ps,
			 const char *what)
{
	struct seccomp_data d;

	for (unsigned i = 0; i < ps->n; i++) {
		if (!path_witness(&ps->v[i], &d)) {
			fprintf(stderr, "cvisor-filters: %s: a path no input takes\n", what);
			return -1;
		}
		if (check_input(c, ps, &d, what) < 0)
			return -1;
	}
	for (unsigned s = 0; s < SAMPLES; s++) {
		path_witness(start, &d);
		for (int i = 0; i < SD_WORDS; i++) {
			const struct word *w = &start->w[i];
			uint32_t v;

			if (w->nr == 1 && w->r[0].lo == w->r[0].hi)
				continue;       /* nr and arch of a single call */
			for (int tries = 0; tries < 8; tries++) {
				uint32_t old;

				memcpy(&old, (char *)&d + 4 * i, 4);
				v = pick(c, ps, i);
				memcpy((char *)&d + 4 * i, &v, 4);
				if (path_holds(start, &d))
					break;
				memcpy((char *)&d + 4 * i, &old, 4);
			}
		}
		if (path_holds(start, &d) && check_input(c, ps, &d, what) < 0)
			return -1;
	}
	return 0;
}

/* --- the reading --- */

static int read_inputs(struct check *c, int which, uint32_t nr, struct paths *out,
		       bool *inexact)
{
	static const char *const rest_names[] = { "x86_64 numbers from 1024", "i386",
						  "other architectures" };
	char what[64];
	struct path start;
	int err;

	if (which < 0)
		snprintf(what, sizeof(what), "x86_64 call %u", nr);
	else
		snprintf(what, sizeof(what), "%s", rest_names[which]);
	analysis_start(&start, which, nr);
	err = stack_paths(c->f, c->n, &start, out);
	if (err < 0) {
		fprintf(stderr, "cvisor-filters: %s: the filters cannot be read\n", what);
	} else {
		paths_merge(out);
		for (unsigned i = 0; i < out->n; i++)
			*inexact |= out->v[i].inexact;
		err = check_reading(c, &start, out, what);
	}
	path_free(&start);
	return err;
}

/*
 * What "everything else" gets: the answer most named calls that are not
 * allowed get whole (not the numbers no kernel has, which a filter may
 * answer otherwise, as runc's ENOSYS for calls newer than its list).
 */
static uint32_t commonest(const struct analysis *a)
{
	uint32_t best = SECCOMP_RET_KILL_PROCESS;
	unsigned best_n = 0;

	for (unsigned i = 0; i < NR_CALLS; i++) {
		uint32_t r, r2;
		unsigned n = 0;

		if (!syscall_name(i) || !paths_one_answer(&a->call[i], &r) ||
		    r == SECCOMP_RET_ALLOW)
			continue;
		for (unsigned j = 0; j < NR_CALLS; j++)
			n += syscall_name(j) && paths_one_answer(&a->call[j], &r2) && r2 == r;
		if (n > best_n)
			best = r, best_n = n;
	}
	return best;
}

int analyze(const struct filter *f, unsigned n, struct analysis *a)
{
	struct check c = { .f = f, .n = n, .rng = 0x9e3779b97f4a7c15ull };
	int err = 0;

	memset(a, 0, sizeof(*a));
	collect_constants(&c);
	for (uint32_t nr = 0; nr < NR_CALLS && !err; nr++)
		err = read_inputs(&c, -1, nr, &a->call[nr], &a->inexact);
	for (int r = 0; r < NREST && !err; r++)
		err = read_inputs(&c, r, 0, &a->rest[r], &a->inexact);
	a->dflt = commonest(a);
	a->checked = c.checked;
	free(c.consts);
	return err;
}

void analysis_free(struct analysis *a)
{
	for (unsigned i = 0; i < NR_CALLS; i++)
		paths_free(&a->call[i]);
	for (int r = 0; r < NREST; r++)
		paths_free(&a->rest[r]);
}
