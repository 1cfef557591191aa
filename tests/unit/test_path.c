/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for path_clean (src/oci/path.c): the cleaning of config.json's
 * paths.  Where a path stays below its start, the answer is Go's
 * filepath.Clean's (runc's CleanPath); a ".." above it is -EXDEV.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "oci/path.h"

static void cleans_as_go_does(void **state)
{
	static const char *cases[][2] = {
		{ "/", "/" }, { "//", "/" }, { "/.", "/" }, { "/./", "/" },
		{ "/a", "/a" }, { "/a/", "/a" }, { "//a//b//", "/a/b" },
		{ "/a/./b/.", "/a/b" }, { "/a/b/..", "/a" }, { "/a/b/../", "/a" },
		{ "/a/..", "/" }, { "/a/../b/../c", "/c" }, { "/a/b/../../c/d", "/c/d" },
		{ "/..a/b..", "/..a/b.." }, { "/.../x", "/.../x" }, { "/a/.b/..", "/a" },
		{ "a", "a" }, { "a/", "a" }, { "./a", "a" }, { "a/..", "." },
		{ ".", "." }, { "", "." }, { "a/b/../../c", "c" }, { "a//b", "a/b" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char out[64];

		assert_int_equal(path_clean(cases[i][0], out, sizeof(out)), 0);
		assert_string_equal(out, cases[i][1]);
	}
}

static void refuses_to_climb_above_its_start(void **state)
{
	static const char *cases[] = {
		"/..", "/../", "/../a", "//..//..//a", "/a/../..", "/a/b/../../..",
		"/../../../../var/tmp/X", "/./../x", "..", "../a", "a/../..", "./..",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char out[64];

		assert_int_equal(path_clean(cases[i], out, sizeof(out)), -EXDEV);
	}
}

static void never_writes_past_out(void **state)
{
	char out[8];

	(void)state;
	memset(out, 'x', sizeof(out));
	assert_int_equal(path_clean("/abcdefgh", out, 6), -ENAMETOOLONG);
	assert_int_equal(out[6], 'x');
	assert_int_equal(path_clean("/abc/de", out, 8), 0);
	assert_string_equal(out, "/abc/de");
	assert_int_equal(path_clean("/abc/def", out, 8), -ENAMETOOLONG);
	assert_int_equal(path_clean("/", out, 1), -ENAMETOOLONG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(cleans_as_go_does),
		cmocka_unit_test(refuses_to_climb_above_its_start),
		cmocka_unit_test(never_writes_past_out),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
