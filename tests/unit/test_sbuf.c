/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the sentry's string builder (src/sentry/lib/sbuf.c),
 * which procfs's files and the --strace line are built with.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lib/sbuf.h"

static void appends_and_stays_a_c_string(void **state)
{
	struct sbuf b = { 0 };

	(void)state;
	sb_puts(&b, "Name:");
	sb_putc(&b, '\t');
	sb_printf(&b, "%s %d\n", "sh", 42);
	assert_false(b.oom);
	assert_int_equal(b.len, strlen("Name:\tsh 42\n"));
	assert_string_equal(b.p, "Name:\tsh 42\n");
	sb_free(&b);
	assert_null(b.p);
	assert_int_equal(b.len, 0);
}

/* Far past the first allocation, by both paths of sb_printf (fits, grows). */
static void grows_without_losing_text(void **state)
{
	struct sbuf b = { 0 };
	char want[16];

	(void)state;
	for (int i = 0; i < 10000; i++)
		sb_printf(&b, "%05d,", i);
	sb_printf(&b, "%5000s|", "x");
	assert_false(b.oom);
	assert_int_equal(b.len, 10000 * 6 + 5001);
	for (int i = 0; i < 10000; i += 997) {
		snprintf(want, sizeof(want), "%05d,", i);
		assert_memory_equal(b.p + 6 * i, want, 6);
	}
	assert_int_equal(b.p[b.len - 1], '|');
	assert_int_equal(b.p[b.len], 0);
	assert_true(b.cap > b.len);
	sb_free(&b);
}

/* Bytes, NULs included, as they are (auxv, cmdline). */
static void adds_binary_bytes(void **state)
{
	static const char bin[] = { 'a', 0, 'b', 0, (char)0xff };
	struct sbuf b = { 0 };

	(void)state;
	sb_add(&b, bin, sizeof(bin));
	sb_add(&b, bin, sizeof(bin));
	assert_int_equal(b.len, 2 * sizeof(bin));
	assert_memory_equal(b.p + sizeof(bin), bin, sizeof(bin));
	sb_truncate(&b, 3);
	assert_int_equal(b.len, 3);
	assert_int_equal(b.p[3], 0);
	sb_truncate(&b, 10);            /* never longer */
	assert_int_equal(b.len, 3);
	sb_free(&b);
}

/* maps' name column: padded from where the line starts, never cut. */
static void pads_to_a_column(void **state)
{
	struct sbuf b = { 0 };
	size_t start;

	(void)state;
	sb_puts(&b, "first line\n");
	start = b.len;
	sb_puts(&b, "abc");
	sb_pad(&b, start, 8);
	sb_puts(&b, "|");
	assert_string_equal(b.p + start, "abc     |");
	start = b.len;
	sb_puts(&b, "0123456789");
	sb_pad(&b, start, 4);
	assert_string_equal(b.p + start, "0123456789");
	sb_free(&b);
}

/* As Linux's mangle_path in /proc/mounts: " \t\n\\" become octal. */
static void escapes_as_proc_mounts(void **state)
{
	struct sbuf b = { 0 };

	(void)state;
	sb_escape(&b, "/a b\tc\nd\\e/é");
	assert_string_equal(b.p, "/a\\040b\\011c\\012d\\134e/é");
	sb_free(&b);
}

/* After a failed allocation nothing more is added, and the caller sees it. */
static void out_of_memory_sticks(void **state)
{
	struct sbuf b = { 0 };

	(void)state;
	sb_puts(&b, "kept");
	assert_false(sb_reserve(&b, (size_t)-1 / 2));
	assert_true(b.oom);
	sb_puts(&b, "lost");
	sb_printf(&b, "%d", 1);
	assert_int_equal(b.len, 4);
	assert_string_equal(b.p, "kept");
	sb_free(&b);
	assert_false(b.oom);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(appends_and_stays_a_c_string),
		cmocka_unit_test(grows_without_losing_text),
		cmocka_unit_test(adds_binary_bytes),
		cmocka_unit_test(pads_to_a_column),
		cmocka_unit_test(escapes_as_proc_mounts),
		cmocka_unit_test(out_of_memory_sticks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
