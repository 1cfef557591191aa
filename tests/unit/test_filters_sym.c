/* SPDX-License-Identifier: MIT */
/*
 * cvisor-filters' symbolic reading (src/filters/sym.c, analyze.c) on
 * filters whose meaning is known: libseccomp's comparisons of 64-bit
 * arguments (what the sentry's and Docker's filters are made of), a raw
 * JSET, stacked filters, and an instruction it cannot read.  Each reading
 * must be exact, pass analyze()'s own check against the BPF, and give the
 * expected answer to probe inputs.
 */
#include <linux/audit.h>
#include <seccomp.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cmocka.h>

#include "filters/analyze.h"

/* The BPF libseccomp makes of ctx (default TRAP, one ALLOW rule on read). */
static struct filter compile(const struct scmp_arg_cmp *cmp)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_TRAP);
	struct filter f;
	int fd = memfd_create("bpf", 0);
	off_t size;

	assert_non_null(ctx);
	assert_true(fd >= 0);
	assert_int_equal(seccomp_rule_add_array(ctx, SCMP_ACT_ALLOW, SCMP_SYS(read), 1, cmp), 0);
	assert_int_equal(seccomp_export_bpf(ctx, fd), 0);
	size = lseek(fd, 0, SEEK_END);
	f.insn = malloc(size);
	f.len = size / sizeof(*f.insn);
	assert_int_equal(pread(fd, f.insn, size, 0), size);
	close(fd);
	seccomp_release(ctx);
	return f;
}

/* The answer the reading gives to read(arg0 = a0, arg1 = a1). */
static uint32_t answer(const struct analysis *a, uint64_t a0, uint64_t a1)
{
	const struct paths *ps = &a->call[SYS_read];
	struct seccomp_data d = { .nr = SYS_read, .arch = AUDIT_ARCH_X86_64,
				  .args = { a0, a1 } };
	uint32_t ret = 0;
	int on = 0;

	for (unsigned i = 0; i < ps->n; i++)
		if (path_holds(&ps->v[i], &d))
			ret = ps->v[i].ret, on++;
	assert_int_equal(on, 1);        /* the paths partition the inputs */
	return ret;
}

static void read_exactly(const struct filter *f, unsigned n, struct analysis *a)
{
	assert_int_equal(analyze(f, n, a), 0);
	assert_false(a->inexact);
	assert_true(a->checked > 1000);
}

struct cmp_case {
	enum scmp_compare op;
	uint64_t datum, mask;
	uint64_t probe[6];
	bool allowed[6];
};

static void test_libseccomp_comparisons(void **state)
{
	const uint64_t big = 0x100000005ull;    /* a datum across both halves */
	const struct cmp_case cases[] = {
		{ SCMP_CMP_EQ, big, 0, { big, 5, big + 1, 0, UINT64_MAX, big - 1 },
		  { 1, 0, 0, 0, 0, 0 } },
		{ SCMP_CMP_NE, big, 0, { big, 5, big + 1, 0, UINT64_MAX, big - 1 },
		  { 0, 1, 1, 1, 1, 1 } },
		{ SCMP_CMP_GT, big, 0, { big, big + 1, 5, 0x200000000ull, UINT64_MAX, 0x1ffffffffull },
		  { 0, 1, 0, 1, 1, 1 } },
		{ SCMP_CMP_GE, big, 0, { big, big - 1, 6, 0x100000006ull, UINT64_MAX, 0 },
		  { 1, 0, 0, 1, 1, 0 } },
		{ SCMP_CMP_LT, big, 0, { big, big - 1, 0xffffffffull, 0x100000006ull, UINT64_MAX, 0 },
		  { 0, 1, 1, 0, 0, 1 } },
		{ SCMP_CMP_LE, big, 0, { big, big + 1, 0xffffffffull, 0x100000004ull, UINT64_MAX, 0 },
		  { 1, 0, 1, 1, 0, 1 } },
		{ SCMP_CMP_MASKED_EQ, 0x30, 0xf0, { 0x30, 0x3f, 0x130, 0x20, 0x10000003full, 0 },
		  { 1, 1, 1, 0, 1, 0 } },
	};

	(void)state;
	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		const struct cmp_case *k = &cases[c];
		struct scmp_arg_cmp cmp = { 0, k->op, k->op == SCMP_CMP_MASKED_EQ ? k->mask : k->datum,
					    k->op == SCMP_CMP_MASKED_EQ ? k->datum : 0 };
		struct filter f = compile(&cmp);
		struct analysis a;

		read_exactly(&f, 1, &a);
		for (int i = 0; i < 6; i++)
			assert_int_equal(answer(&a, k->probe[i], 0),
					 k->allowed[i] ? SECCOMP_RET_ALLOW : SECCOMP_RET_TRAP);
		/* another call, another architecture: the default */
		assert_int_equal(a.call[SYS_write].n, 1);
		assert_int_equal(a.call[SYS_write].v[0].ret, SECCOMP_RET_TRAP);
		analysis_free(&a);
		free(f.insn);
	}
}

#define LD(off)        { BPF_LD | BPF_W | BPF_ABS, 0, 0, (off) }
#define JEQ(k, t, f)   { BPF_JMP | BPF_JEQ | BPF_K, (t), (f), (k) }
#define JSET(k, t, f)  { BPF_JMP | BPF_JSET | BPF_K, (t), (f), (k) }
#define RET(k)         { BPF_RET | BPF_K, 0, 0, (k) }
#define OFF_NR         offsetof(struct seccomp_data, nr)
#define OFF_ARG0       offsetof(struct seccomp_data, args)
#define OFF_ARG1       (offsetof(struct seccomp_data, args) + 8)

static void test_jset_on_two_arguments(void **state)
{
	/* read: allowed when bit 2 of arg0 is set and bit 0 of arg1 is clear */
	struct sock_filter prog[] = {
		LD(OFF_NR), JEQ(SYS_read, 0, 5),
		LD(OFF_ARG0), JSET(4, 0, 3),
		LD(OFF_ARG1), JSET(1, 1, 0),
		RET(SECCOMP_RET_ALLOW),
		RET(SECCOMP_RET_ERRNO | 1),
	};
	struct filter f = { prog, sizeof(prog) / sizeof(prog[0]) };
	struct analysis a;

	(void)state;
	read_exactly(&f, 1, &a);
	assert_int_equal(answer(&a, 4, 0), SECCOMP_RET_ALLOW);
	assert_int_equal(answer(&a, 0xfffffffc, 2), SECCOMP_RET_ALLOW);
	assert_int_equal(answer(&a, 4, 1), SECCOMP_RET_ERRNO | 1);
	assert_int_equal(answer(&a, 3, 0), SECCOMP_RET_ERRNO | 1);
	assert_int_equal(answer(&a, 0x400000000ull, 0), SECCOMP_RET_ERRNO | 1);
	analysis_free(&a);
}

static void test_stacked_filters(void **state)
{
	/* newest: read is ERRNO(1); older: read is TRAP, write ERRNO(2) */
	struct sock_filter newest[] = {
		LD(OFF_NR), JEQ(SYS_read, 0, 1), RET(SECCOMP_RET_ERRNO | 1),
		JEQ(SYS_write, 0, 1), RET(SECCOMP_RET_ERRNO | 3), RET(SECCOMP_RET_ALLOW),
	};
	struct sock_filter older[] = {
		LD(OFF_NR), JEQ(SYS_read, 0, 1), RET(SECCOMP_RET_TRAP),
		JEQ(SYS_write, 0, 1), RET(SECCOMP_RET_ERRNO | 2), RET(SECCOMP_RET_ALLOW),
	};
	struct filter f[2] = { { newest, 6 }, { older, 6 } };
	struct analysis a;

	(void)state;
	read_exactly(f, 2, &a);
	/* the most restrictive action wins; on a tie, the newest filter's data */
	assert_int_equal(a.call[SYS_read].v[0].ret, SECCOMP_RET_TRAP);
	assert_int_equal(a.call[SYS_write].v[0].ret, SECCOMP_RET_ERRNO | 3);
	assert_int_equal(a.call[SYS_close].v[0].ret, SECCOMP_RET_ALLOW);
	analysis_free(&a);
}

static void test_unreadable_instruction(void **state)
{
	struct sock_filter prog[] = { LD(OFF_NR), { BPF_RET | BPF_A, 0, 0, 0 } };
	struct filter f = { prog, 2 };
	struct analysis a;

	(void)state;
	assert_int_equal(analyze(&f, 1, &a), -1);
	analysis_free(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_libseccomp_comparisons),
		cmocka_unit_test(test_jset_on_two_arguments),
		cmocka_unit_test(test_stacked_filters),
		cmocka_unit_test(test_unreadable_instruction),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
