/*
 * test_strset.c - case-insensitive string sets.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "strset.h"

static void
test_basic(void **state)
{
	struct strset *s = strset_new();
	char buf[32];

	(void)state;
	strset_add(s, "EXE", 3);
	strset_add(s, "exe", 3);
	strset_add(s, "a\0b", 3);
	assert_int_equal(strset_count(s), 2);
	assert_true(strset_has(s, "Exe", 3));
	assert_false(strset_has(s, "ex", 2));
	assert_false(strset_has(s, "exe ", 4));
	assert_true(strset_has(s, "A\0B", 3));
	assert_false(strset_has(s, "a", 1));
	for (int i = 0; i < 3000; i++) {
		snprintf(buf, sizeof(buf), "k%d", i);
		strset_add(s, buf, strlen(buf));
	}
	for (int i = 0; i < 3000; i++) {
		snprintf(buf, sizeof(buf), "K%d", i);
		assert_true(strset_has(s, buf, strlen(buf)));
	}
	assert_int_equal(strset_count(s), 3002);
	strset_free(&s);
	assert_null(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_basic),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
