/*
 * test_strset.c - case-insensitive string sets: ASCII folding only, any
 * bytes, duplicates, growth.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "strset.h"

static bool
has(const struct strset *s, const char *q)
{
	return strset_has(s, q, strlen(q));
}

static void
test_basic(void **state)
{
	struct strset *s = strset_new();

	(void)state;
	assert_int_equal(strset_count(s), 0);
	assert_false(has(s, "exe"));
	assert_false(has(s, ""));
	strset_add(s, "EXE", 3);
	strset_add(s, "exe", 3);
	strset_add(s, "eXe", 3);
	assert_int_equal(strset_count(s), 1);
	assert_true(has(s, "exe"));
	assert_true(has(s, "Exe"));
	assert_true(has(s, "EXE"));
	assert_false(has(s, "ex"));
	assert_false(has(s, "exe "));
	assert_false(has(s, " exe"));
	assert_false(has(s, "exe."));
	assert_false(has(s, "exes"));
	assert_false(has(s, ""));
	/* only len bytes count: the rest of the buffer is not read */
	assert_true(strset_has(s, "EXEcutable", 3));
	strset_free(&s);
	assert_null(s);
	strset_free(&s);	/* NULL is harmless */
}

static void
test_bytes(void **state)
{
	struct strset *s = strset_new();

	(void)state;
	/* NUL is an ordinary byte */
	strset_add(s, "a\0b", 3);
	assert_true(strset_has(s, "A\0B", 3));
	assert_false(has(s, "a"));
	assert_false(strset_has(s, "a\0c", 3));
	/* high bytes do not fold: only A-Z do */
	strset_add(s, "\xc3\x89t\xc3\xa9", 6);	/* "Été" in UTF-8 */
	assert_true(strset_has(s, "\xc3\x89T\xc3\xa9", 6));
	assert_false(strset_has(s, "\xc3\xa9t\xc3\xa9", 6));
	/* '@' and '[' sit next to 'A' and 'Z' and must not fold */
	strset_add(s, "@", 1);
	assert_false(has(s, "`"));
	strset_add(s, "[", 1);
	assert_false(has(s, "{"));
	/* the empty string is a member like any other */
	assert_false(has(s, ""));
	strset_add(s, "", 0);
	assert_true(has(s, ""));
	assert_int_equal(strset_count(s), 5);
	strset_free(&s);
}

static void
test_many(void **state)
{
	struct strset *s = strset_new();
	char buf[32];

	(void)state;
	for (int i = 0; i < 3000; i++) {
		snprintf(buf, sizeof(buf), "k%d", i);
		strset_add(s, buf, strlen(buf));
	}
	for (int i = 0; i < 3000; i++) {
		snprintf(buf, sizeof(buf), "K%d", i);
		assert_true(has(s, buf));
		snprintf(buf, sizeof(buf), "k%dx", i);
		assert_false(has(s, buf));
	}
	for (int i = 0; i < 3000; i++) {
		snprintf(buf, sizeof(buf), "K%d", i);
		strset_add(s, buf, strlen(buf));
	}
	assert_int_equal(strset_count(s), 3000);
	strset_free(&s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_basic),
		cmocka_unit_test(test_bytes),
		cmocka_unit_test(test_many),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
