/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the VMA list (src/sentry/mm/vma.c): directed cases for
 * insert/remove/protect/range queries/find_gap, and a randomized test that
 * runs the list against a page-granular model.
 */
#include <errno.h>
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <cmocka.h>

#include "mm/mm.h"

#define P(n) ((uint64_t)(n) * PAGE_SIZE)
#define BASE 0x100000UL                 /* an arbitrary page-aligned base */
#define A(n) (BASE + P(n))              /* address of page n of the test region */

#define ANON_FLAGS (MAP_PRIVATE | MAP_ANONYMOUS)
#define RW (PROT_READ | PROT_WRITE)
#define RO PROT_READ
#define RX (PROT_READ | PROT_EXEC)

static struct vma anon(uint64_t start, uint64_t end, int prot)
{
	return (struct vma){ .start = start, .end = end, .prot = prot,
			     .flags = ANON_FLAGS, .kind = VMA_ANON,
			     .host_fd = -1, .off = 0 };
}

static struct vma file(uint64_t start, uint64_t end, int prot, int fd, uint64_t off)
{
	return (struct vma){ .start = start, .end = end, .prot = prot,
			     .flags = MAP_PRIVATE, .kind = VMA_FILE,
			     .host_fd = fd, .off = off };
}

/* Insert and require success. */
static void ins(struct vma_list *l, struct vma v)
{
	assert_int_equal(vma_insert(l, &v), 0);
}

static void expect_vma(const struct vma_list *l, size_t i, uint64_t start,
		       uint64_t end, int prot)
{
	assert_true(i < l->n);
	assert_int_equal(l->v[i].start, start);
	assert_int_equal(l->v[i].end, end);
	assert_int_equal(l->v[i].prot, prot);
}

static int teardown_list(void **state)
{
	struct vma_list *l = *state;

	vma_list_free(l);
	free(l);
	return 0;
}

static int setup_list(void **state)
{
	struct vma_list *l = calloc(1, sizeof(*l));

	if (!l)
		return -1;
	*state = l;
	return 0;
}

/* ------------------------------------------------------------------------ */
/* insert                                                                   */

static void test_insert_empty(void **state)
{
	struct vma_list *l = *state;

	ins(l, anon(A(4), A(8), RW));
	assert_int_equal(l->n, 1);
	expect_vma(l, 0, A(4), A(8), RW);
	assert_ptr_equal(vma_lookup(l, A(4)), &l->v[0]);
	assert_ptr_equal(vma_lookup(l, A(8) - 1), &l->v[0]);
	assert_null(vma_lookup(l, A(8)));
	assert_null(vma_lookup(l, A(4) - 1));
	assert_int_equal(vma_index(l, A(3)), 0);
	assert_int_equal(vma_index(l, A(7)), 0);
	assert_int_equal(vma_index(l, A(8)), 1);
}

static void test_insert_empty_range_einval(void **state)
{
	struct vma_list *l = *state;
	struct vma v = anon(A(4), A(4), RW);

	assert_int_equal(vma_insert(l, &v), -EINVAL);
	v = anon(A(5), A(4), RW);
	assert_int_equal(vma_insert(l, &v), -EINVAL);
	assert_int_equal(l->n, 0);
}

static void test_insert_sorted(void **state)
{
	struct vma_list *l = *state;

	ins(l, anon(A(20), A(30), RW));
	ins(l, anon(A(0), A(5), RW));
	ins(l, anon(A(10), A(15), RW));
	ins(l, anon(A(40), A(41), RW));
	assert_int_equal(l->n, 4);
	expect_vma(l, 0, A(0), A(5), RW);
	expect_vma(l, 1, A(10), A(15), RW);
	expect_vma(l, 2, A(20), A(30), RW);
	expect_vma(l, 3, A(40), A(41), RW);
}

static void test_insert_merges_left_right_both(void **state)
{
	struct vma_list *l = *state;

	ins(l, anon(A(0), A(4), RW));
	ins(l, anon(A(4), A(8), RW));           /* merges with left */
	assert_int_equal(l->n, 1);
	expect_vma(l, 0, A(0), A(8), RW);

	ins(l, anon(A(12), A(16), RW));
	assert_int_equal(l->n, 2);
	ins(l, anon(A(10), A(12), RW));         /* merges with right */
	assert_int_equal(l->n, 2);
	expect_vma(l, 1, A(10), A(16), RW);

	ins(l, anon(A(8), A(10), RW));          /* fills the hole: all one */
	assert_int_equal(l->n, 1);
	expect_vma(l, 0, A(0), A(16), RW);
}

static void test_insert_incompatible_prot_no_merge(void **state)
{
	struct vma_list *l = *state;

	ins(l, anon(A(0), A(4), RW));
	ins(l, anon(A(8), A(12), RW));
	ins(l, anon(A(4), A(8), RO));
	assert_int_equal(l->n, 3);
	expect_vma(l, 0, A(0), A(4), RW);
	expect_vma(l, 1, A(4), A(8), RO);
	expect_vma(l, 2, A(8), A(12), RW);
}

static void test_insert_incompatible_attrs_no_merge(void **state)
{
	struct vma_list *l = *state;
	struct vma v;

	ins(l, anon(A(0), A(4), RW));
	v = anon(A(4), A(8), RW);
	v.flags = MAP_SHARED | MAP_ANONYMOUS;   /* different flags */
	ins(l, v);
	v = anon(A(8), A(12), RW);
	v.kind = VMA_HEAP;                      /* different kind */
	ins(l, v);
	assert_int_equal(l->n, 3);
}

static void test_insert_file_contiguous_merges(void **state)
{
	struct vma_list *l = *state;

	ins(l, file(A(0), A(4), RO, 7, P(10)));
	ins(l, file(A(4), A(6), RO, 7, P(14)));         /* contiguous: left */
	assert_int_equal(l->n, 1);
	expect_vma(l, 0, A(0), A(6), RO);
	assert_int_equal(l->v[0].off, P(10));

	ins(l, file(A(8), A(10), RO, 7, P(18)));
	assert_int_equal(l->n, 2);
	ins(l, file(A(7), A(8), RO, 7, P(17)));         /* contiguous: right */
	assert_int_equal(l->n, 2);
	expect_vma(l, 1, A(7), A(10), RO);
	assert_int_equal(l->v[1].off, P(17));

	ins(l, file(A(6), A(7), RO, 7, P(16)));         /* bridges both */
	assert_int_equal(l->n, 1);
	expect_vma(l, 0, A(0), A(10), RO);
	assert_int_equal(l->v[0].off, P(10));
}

static void test_insert_file_noncontiguous_no_merge(void **state)
{
	struct vma_list *l = *state;

	ins(l, file(A(0), A(4), RO, 7, P(10)));
	ins(l, file(A(4), A(8), RO, 7, P(0)));          /* offset jumps back */
	ins(l, file(A(8), A(12), RO, 7, P(5)));         /* 0+4 != 5 */
	ins(l, file(A(12), A(16), RO, 8, P(9)));        /* other fd */
	assert_int_equal(l->n, 4);
	assert_int_equal(l->v[0].off, P(10));
	assert_int_equal(l->v[1].off, P(0));
	assert_int_equal(l->v[2].off, P(5));
	assert_int_equal(l->v[3].off, P(9));

	/* a right neighbour with a non-contiguous offset is not absorbed */
	ins(l, file(A(20), A(24), RO, 7, P(100)));
	ins(l, file(A(18), A(20), RO, 7, P(50)));
	assert_int_equal(l->n, 6);
	expect_vma(l, 4, A(18), A(20), RO);
	assert_int_equal(l->v[4].off, P(50));
	assert_int_equal(l->v[5].off, P(100));

	/* file next to anon with identical other fields: no merge */
	ins(l, anon(A(16), A(18), RO));
	assert_int_equal(l->n, 7);
}

static void test_insert_overlap_einval(void **state)
{
	struct vma_list *l = *state;
	struct vma v;

	ins(l, anon(A(10), A(20), RW));
	ins(l, anon(A(30), A(40), RO));

	const uint64_t bad[][2] = {
		{ A(5), A(11) },        /* overlaps the start */
		{ A(19), A(25) },       /* overlaps the end */
		{ A(12), A(14) },       /* inside */
		{ A(10), A(20) },       /* identical */
		{ A(5), A(45) },        /* covers both */
		{ A(15), A(35) },       /* spans the hole */
		{ A(29), A(30) + 1 },   /* one byte */
	};
	for (size_t k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
		v = anon(bad[k][0], bad[k][1], RW);
		assert_int_equal(vma_insert(l, &v), -EINVAL);
	}
	assert_int_equal(l->n, 2);
	expect_vma(l, 0, A(10), A(20), RW);
	expect_vma(l, 1, A(30), A(40), RO);
}

/* ------------------------------------------------------------------------ */
/* remove                                                                   */

static void test_remove_middle_splits(void **state)
{
	struct vma_list *l = *state;

	ins(l, file(A(0), A(10), RW, 5, P(100)));
	assert_int_equal(vma_remove_range(l, A(3), A(6)), 0);
	assert_int_equal(l->n, 2);
	expect_vma(l, 0, A(0), A(3), RW);
	expect_vma(l, 1, A(6), A(10), RW);
	assert_int_equal(l->v[0].off, P(100));
	assert_int_equal(l->v[1].off, P(106));
	assert_int_equal(l->v[1].kind, VMA_FILE);
	assert_int_equal(l->v[1].host_fd, 5);
	assert_null(vma_lookup(l, A(3)));
	assert_null(vma_lookup(l, A(6) - 1));

	/* anon: offsets are not touched */
	ins(l, anon(A(20), A(30), RW));
	assert_int_equal(vma_remove_range(l, A(25), A(26)), 0);
	assert_int_equal(l->n, 4);
	expect_vma(l, 2, A(20), A(25), RW);
	expect_vma(l, 3, A(26), A(30), RW);
	assert_int_equal(l->v[3].off, 0);
}

static void test_remove_edges_and_holes(void **state)
{
	struct vma_list *l = *state;

	ins(l, anon(A(10), A(20), RW));
	/* nothing mapped there */
	assert_int_equal(vma_remove_range(l, A(0), A(10)), 0);
	assert_int_equal(vma_remove_range(l, A(20), A(30)), 0);
	assert_int_equal(l->n, 1);
	expect_vma(l, 0, A(10), A(20), RW);
	/* head, tail */
	assert_int_equal(vma_remove_range(l, A(5), A(12)), 0);
	expect_vma(l, 0, A(12), A(20), RW);
	assert_int_equal(vma_remove_range(l, A(18), A(25)), 0);
	expect_vma(l, 0, A(12), A(18), RW);
	assert_int_equal(l->n, 1);
	/* exactly */
	assert_int_equal(vma_remove_range(l, A(12), A(18)), 0);
	assert_int_equal(l->n, 0);
}

static void test_remove_across_several(void **state)
{
	struct vma_list *l = *state;

	ins(l, file(A(0), A(10), RO, 3, P(0)));
	ins(l, anon(A(12), A(14), RW));
	ins(l, anon(A(14), A(16), RX));
	ins(l, anon(A(20), A(22), RO));
	ins(l, file(A(22), A(30), RW, 4, P(50)));
	ins(l, anon(A(40), A(50), RW));
	assert_int_equal(l->n, 6);

	assert_int_equal(vma_remove_range(l, A(5), A(25)), 0);
	assert_int_equal(l->n, 3);
	expect_vma(l, 0, A(0), A(5), RO);
	assert_int_equal(l->v[0].off, 0);
	expect_vma(l, 1, A(25), A(30), RW);
	assert_int_equal(l->v[1].off, P(53));
	assert_int_equal(l->v[1].host_fd, 4);
	expect_vma(l, 2, A(40), A(50), RW);

	assert_int_equal(vma_remove_range(l, 0, A(1000)), 0);
	assert_int_equal(l->n, 0);
}

/* ------------------------------------------------------------------------ */
/* protect                                                                  */

static void test_protect_middle_and_back(void **state)
{
	struct vma_list *l = *state;

	ins(l, file(A(0), A(10), RW, 9, P(7)));
	assert_int_equal(vma_protect_range(l, A(3), A(6), RO), 0);
	assert_int_equal(l->n, 3);
	expect_vma(l, 0, A(0), A(3), RW);
	expect_vma(l, 1, A(3), A(6), RO);
	expect_vma(l, 2, A(6), A(10), RW);
	assert_int_equal(l->v[0].off, P(7));
	assert_int_equal(l->v[1].off, P(10));
	assert_int_equal(l->v[2].off, P(13));

	assert_int_equal(vma_protect_range(l, A(3), A(6), RW), 0);
	assert_int_equal(l->n, 1);
	expect_vma(l, 0, A(0), A(10), RW);
	assert_int_equal(l->v[0].off, P(7));
	assert_int_equal(l->v[0].host_fd, 9);
	assert_int_equal(l->v[0].kind, VMA_FILE);
}

static void test_protect_merges_with_neighbours(void **state)
{
	struct vma_list *l = *state;

	/* RW | RO | RW, protect the middle RW: one VMA */
	ins(l, anon(A(0), A(4), RW));
	ins(l, anon(A(4), A(8), RO));
	ins(l, anon(A(8), A(12), RW));
	assert_int_equal(l->n, 3);
	assert_int_equal(vma_protect_range(l, A(4), A(8), RW), 0);
	assert_int_equal(l->n, 1);
	expect_vma(l, 0, A(0), A(12), RW);

	/* protect a range spanning several VMAs of different prot */
	vma_list_free(l);
	ins(l, anon(A(0), A(2), RO));
	ins(l, anon(A(2), A(4), RW));
	ins(l, anon(A(4), A(6), RX));
	ins(l, anon(A(6), A(8), RW));
	ins(l, anon(A(8), A(10), RO));
	assert_int_equal(vma_protect_range(l, A(1), A(9), RO), 0);
	assert_int_equal(l->n, 1);
	expect_vma(l, 0, A(0), A(10), RO);

	/* protect to the same prot: no change, still one */
	assert_int_equal(vma_protect_range(l, A(3), A(7), RO), 0);
	assert_int_equal(l->n, 1);
	expect_vma(l, 0, A(0), A(10), RO);
}

static void test_protect_hole_enomem(void **state)
{
	struct vma_list *l = *state;
	struct vma before[3];

	ins(l, anon(A(0), A(4), RW));
	ins(l, anon(A(5), A(8), RW));
	ins(l, anon(A(8), A(12), RO));
	assert_int_equal(l->n, 3);
	memcpy(before, l->v, sizeof(before));

	assert_int_equal(vma_protect_range(l, A(2), A(6), RX), -ENOMEM);
	assert_int_equal(vma_protect_range(l, A(4), A(5), RX), -ENOMEM);
	assert_int_equal(vma_protect_range(l, A(10), A(13), RX), -ENOMEM);
	assert_int_equal(vma_protect_range(l, A(20), A(30), RX), -ENOMEM);
	assert_int_equal(l->n, 3);
	assert_memory_equal(l->v, before, sizeof(before));

	/* across a VMA boundary without a hole is fine */
	assert_int_equal(vma_protect_range(l, A(6), A(10), RX), 0);
	assert_int_equal(l->n, 4);
	expect_vma(l, 0, A(0), A(4), RW);
	expect_vma(l, 1, A(5), A(6), RW);
	expect_vma(l, 2, A(6), A(10), RX);
	expect_vma(l, 3, A(10), A(12), RO);
}

/* ------------------------------------------------------------------------ */
/* range_free / range_mapped                                                */

static void test_range_free_mapped(void **state)
{
	struct vma_list *l = *state;

	assert_true(vma_range_free(l, A(0), A(100)));
	assert_false(vma_range_mapped(l, A(0), A(1)));

	ins(l, anon(A(10), A(20), RW));
	ins(l, anon(A(20), A(30), RO));         /* touching, not merged */
	ins(l, anon(A(40), A(50), RW));
	assert_int_equal(l->n, 3);

	/* free: ranges touching a VMA boundary are free */
	assert_true(vma_range_free(l, A(0), A(10)));
	assert_true(vma_range_free(l, A(30), A(40)));
	assert_true(vma_range_free(l, A(50), A(60)));
	assert_false(vma_range_free(l, A(0), A(10) + 1));
	assert_false(vma_range_free(l, A(30) - 1, A(40)));
	assert_false(vma_range_free(l, A(30), A(40) + 1));
	assert_false(vma_range_free(l, A(49), A(60)));
	assert_false(vma_range_free(l, A(0), A(100)));
	assert_false(vma_range_free(l, A(12), A(13)));

	/* mapped */
	assert_true(vma_range_mapped(l, A(10), A(30)));        /* across two VMAs */
	assert_true(vma_range_mapped(l, A(10), A(11)));
	assert_true(vma_range_mapped(l, A(29), A(30)));
	assert_true(vma_range_mapped(l, A(15), A(25)));
	assert_true(vma_range_mapped(l, A(40), A(50)));
	assert_false(vma_range_mapped(l, A(10) - 1, A(30)));
	assert_false(vma_range_mapped(l, A(10), A(30) + 1));
	assert_false(vma_range_mapped(l, A(10), A(50)));       /* hole */
	assert_false(vma_range_mapped(l, A(30), A(40)));
	assert_false(vma_range_mapped(l, A(50), A(51)));
	assert_false(vma_range_mapped(l, A(0), A(1)));
}

/* ------------------------------------------------------------------------ */
/* find_gap                                                                 */

static void test_find_gap(void **state)
{
	struct vma_list *l = *state;

	/* empty list: right below top */
	assert_int_equal(vma_find_gap(l, P(4), A(100), A(0)), A(96));
	assert_int_equal(vma_find_gap(l, P(100), A(100), A(0)), A(0));
	assert_int_equal(vma_find_gap(l, P(101), A(100), A(0)), 0);

	/*  [0,10) used, [10,20) gap 10, [20,30) used, [30,33) gap 3,
	 *  [33,40) used, [40,42) gap 2, [42,50) used, free above 50 */
	ins(l, anon(A(0), A(10), RW));
	ins(l, anon(A(20), A(30), RW));
	ins(l, anon(A(33), A(40), RW));
	ins(l, anon(A(42), A(50), RW));

	/* picks the highest gap below top */
	assert_int_equal(vma_find_gap(l, P(2), A(50), A(0)), A(40));
	assert_int_equal(vma_find_gap(l, P(1), A(50), A(0)), A(41));
	assert_int_equal(vma_find_gap(l, P(2), A(60), A(0)), A(58));
	/* skips too-small gaps */
	assert_int_equal(vma_find_gap(l, P(3), A(50), A(0)), A(30));
	assert_int_equal(vma_find_gap(l, P(4), A(50), A(0)), A(16));
	assert_int_equal(vma_find_gap(l, P(10), A(50), A(0)), A(10));
	assert_int_equal(vma_find_gap(l, P(11), A(50), A(0)), 0);
	/* top in the middle of a gap */
	assert_int_equal(vma_find_gap(l, P(2), A(15), A(0)), A(13));
	assert_int_equal(vma_find_gap(l, P(5), A(15), A(0)), A(10));
	assert_int_equal(vma_find_gap(l, P(6), A(15), A(0)), 0);
	/* top exactly at a VMA start / end */
	assert_int_equal(vma_find_gap(l, P(3), A(33), A(0)), A(30));
	assert_int_equal(vma_find_gap(l, P(3), A(30), A(0)), A(17));
	/* a VMA straddles top */
	assert_int_equal(vma_find_gap(l, P(2), A(45), A(0)), A(40));
	assert_int_equal(vma_find_gap(l, P(3), A(45), A(0)), A(30));
	assert_int_equal(vma_find_gap(l, P(3), A(25), A(0)), A(17));
	assert_int_equal(vma_find_gap(l, P(11), A(25), A(0)), 0);
	/* respects bottom */
	assert_int_equal(vma_find_gap(l, P(4), A(50), A(11)), A(16));
	assert_int_equal(vma_find_gap(l, P(4), A(50), A(16)), A(16));
	assert_int_equal(vma_find_gap(l, P(4), A(50), A(17)), 0);
	assert_int_equal(vma_find_gap(l, P(3), A(50), A(30)), A(30));
	assert_int_equal(vma_find_gap(l, P(3), A(50), A(31)), 0);
	assert_int_equal(vma_find_gap(l, P(2), A(50), A(41)), 0);
	assert_int_equal(vma_find_gap(l, P(2), A(60), A(55)), A(58));
	assert_int_equal(vma_find_gap(l, P(5), A(60), A(55)), A(55));
	assert_int_equal(vma_find_gap(l, P(6), A(60), A(55)), 0);
	/* bottom inside a VMA whose end bounds the gap */
	assert_int_equal(vma_find_gap(l, P(10), A(50), A(5)), A(10));
	/* len larger than top - bottom */
	assert_int_equal(vma_find_gap(l, P(11), A(60), A(50)), 0);
}

static void test_find_gap_full(void **state)
{
	struct vma_list *l = *state;

	ins(l, anon(A(0), A(10), RW));
	ins(l, anon(A(10), A(20), RO));
	ins(l, anon(A(20), A(64), RW));
	assert_int_equal(l->n, 3);
	assert_int_equal(vma_find_gap(l, P(1), A(64), A(0)), 0);
	assert_int_equal(vma_find_gap(l, P(1), A(30), A(0)), 0);   /* straddled */
	assert_int_equal(vma_find_gap(l, P(1), A(65), A(0)), A(64));
	assert_int_equal(vma_find_gap(l, P(2), A(65), A(0)), 0);
}

/* ------------------------------------------------------------------------ */
/* randomized, against a page-granular model                                */

#define NPAGES 512
#define NOPS 2000
#ifndef SEED
#define SEED 0x5eed1234cafef00dULL
#endif

struct page {
	int prot;               /* -1: unmapped */
	int flags;
	enum vma_kind kind;
	int fd;
	uint64_t off;           /* file offset of this page (VMA_FILE) */
};

static uint64_t rng_state;

static uint64_t rnd(void)
{
	/* xorshift64*: deterministic on every libc */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dULL;
}

static unsigned rnd_below(unsigned n)
{
	return (unsigned)(rnd() % n);
}

static const int prots[] = { PROT_READ, PROT_READ | PROT_WRITE,
			     PROT_READ | PROT_EXEC, PROT_NONE };

static bool pages_continue(const struct page *a, const struct page *b)
{
	return a->prot >= 0 && b->prot >= 0 && a->prot == b->prot &&
	       a->flags == b->flags && a->kind == b->kind && a->fd == b->fd &&
	       (a->kind != VMA_FILE || a->off + PAGE_SIZE == b->off);
}

static bool vmas_mergeable(const struct vma *a, const struct vma *b)
{
	return a->end == b->start && a->prot == b->prot && a->flags == b->flags &&
	       a->kind == b->kind && a->host_fd == b->host_fd &&
	       (a->kind != VMA_FILE || a->off + (a->end - a->start) == b->off);
}

static void dump(const struct vma_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		const struct vma *v = &l->v[i];

		print_error("  [%zu] pages [%" PRIu64 ", %" PRIu64 ") prot %d flags %#x kind %d fd %d off %#" PRIx64 "\n",
			    i, (v->start - BASE) / PAGE_SIZE, (v->end - BASE) / PAGE_SIZE,
			    v->prot, v->flags, v->kind, v->host_fd, v->off);
	}
}

#define CHECK(cond, ...) do {                                                 \
		if (!(cond)) {                                                \
			print_error("op %d (%s): ", op, what);                \
			print_error(__VA_ARGS__);                             \
			print_error("\n");                                    \
			dump(l);                                              \
			fail_msg("check failed: %s", #cond);                  \
		}                                                             \
	} while (0)

static void check_against_model(const struct vma_list *l, const struct page *m,
				int op, const char *what)
{
	size_t runs = 0;

	/* sorted, non-overlapping, non-empty, inside the region, fully merged */
	for (size_t i = 0; i < l->n; i++) {
		const struct vma *v = &l->v[i];

		CHECK(v->start < v->end, "vma %zu empty", i);
		CHECK(v->start >= BASE && v->end <= A(NPAGES), "vma %zu outside", i);
		CHECK(v->start % PAGE_SIZE == 0 && v->end % PAGE_SIZE == 0,
		      "vma %zu unaligned", i);
		if (i > 0) {
			CHECK(l->v[i - 1].end <= v->start, "vma %zu overlaps/unsorted", i);
			CHECK(!vmas_mergeable(&l->v[i - 1], v),
			      "vmas %zu and %zu should have been merged", i - 1, i);
		}
	}
	/* page by page agreement */
	for (unsigned p = 0; p < NPAGES; p++) {
		const struct vma *v = vma_lookup(l, A(p));

		if (m[p].prot < 0) {
			CHECK(v == NULL, "page %u should be unmapped", p);
			continue;
		}
		CHECK(v != NULL, "page %u should be mapped", p);
		CHECK(v->prot == m[p].prot, "page %u prot %d, model %d", p,
		      v->prot, m[p].prot);
		CHECK(v->flags == m[p].flags, "page %u flags", p);
		CHECK(v->kind == m[p].kind, "page %u kind", p);
		CHECK(v->host_fd == m[p].fd, "page %u fd", p);
		if (m[p].kind == VMA_FILE)
			CHECK(v->off + (A(p) - v->start) == m[p].off,
			      "page %u off %#" PRIx64 ", model %#" PRIx64, p,
			      v->off + (A(p) - v->start), m[p].off);
		if (p == 0 || !pages_continue(&m[p - 1], &m[p]))
			runs++;
	}
	/* fully merged: exactly one VMA per maximal run of the model */
	CHECK(l->n == runs, "%zu VMAs for %zu runs", l->n, runs);
}

static bool model_free(const struct page *m, unsigned s, unsigned e)
{
	for (unsigned p = s; p < e; p++)
		if (m[p].prot >= 0)
			return false;
	return true;
}

static bool model_mapped(const struct page *m, unsigned s, unsigned e)
{
	for (unsigned p = s; p < e; p++)
		if (m[p].prot < 0)
			return false;
	return true;
}

/* Highest page-aligned start s with [s, s+len) free, bottom <= s, s+len <= top. */
static uint64_t model_gap(const struct page *m, unsigned len, unsigned top,
			  unsigned bottom)
{
	if (len > top - bottom)
		return 0;
	for (unsigned s = top - len + 1; s-- > bottom;)
		if (model_free(m, s, s + len))
			return A(s);
	return 0;
}

static void random_range(unsigned *s, unsigned *e)
{
	/* mostly short ranges, sometimes long ones */
	unsigned maxlen = rnd_below(4) ? 16 : NPAGES;

	*s = rnd_below(NPAGES);
	*e = *s + 1 + rnd_below(maxlen);
	if (*e > NPAGES)
		*e = NPAGES;
}

static struct vma random_vma(unsigned s, unsigned e)
{
	struct vma v = { .start = A(s), .end = A(e), .prot = prots[rnd_below(4)] };

	switch (rnd_below(4)) {
	case 0: case 1:
		v.kind = VMA_ANON;
		v.flags = ANON_FLAGS;
		v.host_fd = -1;
		break;
	case 2:
		v.kind = VMA_ANON;
		v.flags = MAP_SHARED | MAP_ANONYMOUS;
		v.host_fd = -1;
		break;
	default:
		v.kind = VMA_FILE;
		v.flags = MAP_PRIVATE;
		v.host_fd = 3 + (int)rnd_below(2);
		/* mostly "identity" offsets, so that neighbours merge */
		v.off = rnd_below(4) ? P(s) : P(rnd_below(1024));
		break;
	}
	return v;
}

static void model_set(struct page *m, const struct vma *v)
{
	for (uint64_t a = v->start; a < v->end; a += PAGE_SIZE) {
		struct page *pg = &m[(a - BASE) / PAGE_SIZE];

		pg->prot = v->prot;
		pg->flags = v->flags;
		pg->kind = v->kind;
		pg->fd = v->host_fd;
		pg->off = v->kind == VMA_FILE ? v->off + (a - v->start) : 0;
	}
}

static void test_random_against_model(void **state)
{
	struct vma_list *l = *state;
	static struct page m[NPAGES];
	struct vma_list snap = { 0 };
	char what[160];
	unsigned s, e;
	int ret;

	rng_state = SEED;
	for (unsigned p = 0; p < NPAGES; p++)
		m[p].prot = -1;
	snap.v = malloc(sizeof(struct vma) * (NPAGES + 1));
	assert_non_null(snap.v);

	for (int op = 0; op < NOPS; op++) {
		unsigned kind = rnd_below(10);

		random_range(&s, &e);
		/* keep a copy, to check that failing operations change nothing */
		snap.n = l->n;
		memcpy(snap.v, l->v, l->n * sizeof(struct vma));

		if (kind < 4) {
			/* insert into a free range: shrink to the free run at s */
			struct vma v;

			if (m[s].prot >= 0) {
				/* overlapping insert must fail and change nothing */
				v = random_vma(s, e);
				snprintf(what, sizeof(what), "insert overlapping [%u,%u)", s, e);
				ret = vma_insert(l, &v);
				CHECK(ret == -EINVAL, "ret %d", ret);
				CHECK(l->n == snap.n &&
				      !memcmp(l->v, snap.v, l->n * sizeof(struct vma)),
				      "failed insert changed the list");
			} else {
				unsigned f = s;

				if (!model_free(m, s, e)) {
					/* runs into a mapping further on: -EINVAL */
					v = random_vma(s, e);
					snprintf(what, sizeof(what),
						 "insert overlapping tail [%u,%u)", s, e);
					ret = vma_insert(l, &v);
					CHECK(ret == -EINVAL, "ret %d", ret);
					CHECK(l->n == snap.n &&
					      !memcmp(l->v, snap.v, l->n * sizeof(struct vma)),
					      "failed insert changed the list");
				}
				while (f < e && m[f].prot < 0)
					f++;
				e = f;
				v = random_vma(s, e);
				snprintf(what, sizeof(what),
					 "insert [%u,%u) prot %d kind %d fd %d off %#" PRIx64,
					 s, e, v.prot, v.kind, v.host_fd, v.off);
				ret = vma_insert(l, &v);
				CHECK(ret == 0, "ret %d", ret);
				model_set(m, &v);
			}
		} else if (kind < 5) {
			/* map over whatever is there, like MAP_FIXED */
			struct vma v = random_vma(s, e);

			snprintf(what, sizeof(what), "replace [%u,%u) prot %d kind %d",
				 s, e, v.prot, v.kind);
			ret = vma_remove_range(l, v.start, v.end);
			CHECK(ret == 0, "remove ret %d", ret);
			ret = vma_insert(l, &v);
			CHECK(ret == 0, "insert ret %d", ret);
			model_set(m, &v);
		} else if (kind < 7) {
			snprintf(what, sizeof(what), "remove [%u,%u)", s, e);
			ret = vma_remove_range(l, A(s), A(e));
			CHECK(ret == 0, "ret %d", ret);
			for (unsigned p = s; p < e; p++)
				m[p].prot = -1;
		} else {
			int prot = prots[rnd_below(4)];
			bool mapped = model_mapped(m, s, e);

			/* bias towards ranges that are mapped */
			if (!mapped && rnd_below(2) && m[s].prot >= 0) {
				unsigned f = s;

				while (f < e && m[f].prot >= 0)
					f++;
				e = f;
				mapped = true;
			}
			snprintf(what, sizeof(what), "protect [%u,%u) %d (%s)", s, e,
				 prot, mapped ? "mapped" : "hole");
			ret = vma_protect_range(l, A(s), A(e), prot);
			if (mapped) {
				CHECK(ret == 0, "ret %d", ret);
				for (unsigned p = s; p < e; p++)
					m[p].prot = prot;
			} else {
				CHECK(ret == -ENOMEM, "ret %d", ret);
				CHECK(l->n == snap.n &&
				      !memcmp(l->v, snap.v, l->n * sizeof(struct vma)),
				      "failed protect changed the list");
			}
		}
		check_against_model(l, m, op, what);

		/* the queries, against the model */
		random_range(&s, &e);
		snprintf(what, sizeof(what), "query [%u,%u)", s, e);
		CHECK(vma_range_free(l, A(s), A(e)) == model_free(m, s, e),
		      "range_free");
		CHECK(vma_range_mapped(l, A(s), A(e)) == model_mapped(m, s, e),
		      "range_mapped");
		{
			unsigned len = 1 + rnd_below(rnd_below(2) ? 8 : 64);
			unsigned top = rnd_below(NPAGES + 1);
			unsigned bottom = rnd_below(top + 1);
			uint64_t got = vma_find_gap(l, P(len), A(top), A(bottom));
			uint64_t want = model_gap(m, len, top, bottom);

			snprintf(what, sizeof(what), "find_gap len %u top %u bottom %u",
				 len, top, bottom);
			CHECK(got == want, "got %#" PRIx64 " want %#" PRIx64, got, want);
		}
	}
	free(snap.v);
}

/* mlock's marks: split at the range's ends, counted, merged back on unlock. */
static void test_lock_split_count_merge(void **state)
{
	struct vma_list *l = *state;

	ins(l, anon(A(0), A(8), RW));
	assert_int_equal(vma_unlocked_bytes(l, A(0), A(8)), P(8));
	assert_int_equal(vma_lock_range(l, A(2), A(5), true), 0);
	assert_int_equal(l->n, 3);
	assert_true(!l->v[0].locked && l->v[1].locked && !l->v[2].locked);
	expect_vma(l, 1, A(2), A(5), RW);
	assert_int_equal(vma_unlocked_bytes(l, A(0), A(8)), P(5));
	assert_int_equal(vma_unlocked_bytes(l, A(3), A(6)), P(1));
	assert_int_equal(vma_unlocked_bytes(l, 0, 0), P(5));       /* every VMA */
	assert_int_equal(vma_lock_range(l, A(6), A(9), true), -ENOMEM);  /* a hole */
	assert_int_equal(l->n, 3);
	assert_int_equal(vma_lock_range(l, A(0), A(8), false), 0);
	assert_int_equal(l->n, 1);
	expect_vma(l, 0, A(0), A(8), RW);
}

/* The vDSO is never locked or counted (Linux's VM_SPECIAL). */
static void test_lock_skips_vdso(void **state)
{
	struct vma_list *l = *state;
	struct vma v = anon(A(0), A(2), RX);

	v.kind = VMA_VDSO;
	ins(l, v);
	assert_int_equal(vma_lock_range(l, A(0), A(2), true), 0);
	assert_false(l->v[0].locked);
	assert_int_equal(vma_unlocked_bytes(l, A(0), A(2)), 0);
}

/* MADV_DONTFORK: marked part of a VMA is what a child's copy loses. */
static void test_dontfork_dropped(void **state)
{
	struct vma_list *l = *state;

	ins(l, anon(A(0), A(6), RW));
	ins(l, anon(A(8), A(9), RO));
	assert_int_equal(vma_dontfork_range(l, A(2), A(4), true), 0);
	assert_int_equal(l->n, 4);
	vma_drop_dontfork(l);
	assert_int_equal(l->n, 3);
	expect_vma(l, 0, A(0), A(2), RW);
	expect_vma(l, 1, A(4), A(6), RW);
	expect_vma(l, 2, A(8), A(9), RO);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup_list, teardown_list)
		T(test_insert_empty),
		T(test_insert_empty_range_einval),
		T(test_insert_sorted),
		T(test_insert_merges_left_right_both),
		T(test_insert_incompatible_prot_no_merge),
		T(test_insert_incompatible_attrs_no_merge),
		T(test_insert_file_contiguous_merges),
		T(test_insert_file_noncontiguous_no_merge),
		T(test_insert_overlap_einval),
		T(test_remove_middle_splits),
		T(test_remove_edges_and_holes),
		T(test_remove_across_several),
		T(test_protect_middle_and_back),
		T(test_protect_merges_with_neighbours),
		T(test_protect_hole_enomem),
		T(test_range_free_mapped),
		T(test_find_gap),
		T(test_find_gap_full),
		T(test_random_against_model),
		T(test_lock_split_count_merge),
		T(test_lock_skips_vdso),
		T(test_dontfork_dropped),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
