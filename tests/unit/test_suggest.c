/*
 * test_suggest.c - the "did you mean" helper: each reach exactly at its
 * distance and one over, the first of equally close names winning, case
 * folded, names past 64 bytes never close, an empty list, and
 * suggest_add saying when a candidate became the closest.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "suggest.h"

#define N(v) (sizeof(v) / sizeof((v)[0]))

static void
test_reach(void **state)
{
	static const char *const two[] = { "abcde" };	/* 2 from "abc" */
	static const char *const three[] = { "abcdef" };	/* 3 */
	static const char *const four[] = { "abcdefg" };	/* 4 */

	(void)state;
	assert_string_equal(suggest_closest("abc", two, 1, SUGGEST_NEAR),
	    "abcde");
	assert_null(suggest_closest("abc", three, 1, SUGGEST_NEAR));
	assert_string_equal(suggest_closest("abc", three, 1, SUGGEST_FAR),
	    "abcdef");
	assert_null(suggest_closest("abc", four, 1, SUGGEST_FAR));
	assert_null(suggest_closest("abc", two, 0, SUGGEST_FAR));
	/* The same word is distance 0: offered (callers look it up first). */
	assert_string_equal(suggest_closest("abc", (const char *const[]){
	    "abc" }, 1, 0), "abc");
}

static void
test_closest_and_ties(void **state)
{
	static const char *const keys[] = { "reasons", "reply", "action",
		"actions", "direction" };
	static const char *const ties[] = { "ac", "ad", "ab" };

	(void)state;
	assert_string_equal(suggest_closest("acton", keys, N(keys),
	    SUGGEST_NEAR), "action");
	assert_string_equal(suggest_closest("ACTION", keys, N(keys),
	    SUGGEST_NEAR), "action");
	assert_string_equal(suggest_closest("diretcion", keys, N(keys),
	    SUGGEST_NEAR), "direction");
	assert_null(suggest_closest("zzzzzz", keys, N(keys), SUGGEST_FAR));
	/* All three are one away: the first wins. */
	assert_string_equal(suggest_closest("ax", ties, N(ties),
	    SUGGEST_NEAR), "ac");
	/* A closer one later still wins over earlier ones. */
	assert_string_equal(suggest_closest("ab", ties, N(ties),
	    SUGGEST_NEAR), "ab");
}

/* str_distance gives up on names over 64 bytes: never suggested. */
static void
test_long_names(void **state)
{
	char a[66], b[66];
	const char *v[1] = { b };

	(void)state;
	memset(a, 'x', 65);
	a[65] = '\0';
	memcpy(b, a, sizeof(b));
	b[0] = 'y';
	assert_null(suggest_closest(a, v, 1, SUGGEST_FAR));
	a[64] = '\0';
	b[64] = '\0';
	assert_string_equal(suggest_closest(a, v, 1, SUGGEST_FAR), b);
}

static void
test_incremental(void **state)
{
	struct suggest s;

	(void)state;
	suggest_init(&s, "rule", SUGGEST_FAR);
	assert_null(suggest_best(&s));
	assert_false(suggest_add(&s, "zzzzzzzz"));
	assert_true(suggest_add(&s, "rules_x"));	/* 3 */
	assert_false(suggest_add(&s, "rulex_y"));	/* 3: not closer */
	assert_true(suggest_add(&s, "rulez"));		/* 1 */
	assert_false(suggest_add(&s, "rul"));		/* 1: the first stays */
	assert_string_equal(suggest_best(&s), "rulez");
	assert_true(suggest_add(&s, "RULE"));		/* 0 */
	assert_string_equal(suggest_best(&s), "RULE");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reach),
		cmocka_unit_test(test_closest_and_ties),
		cmocka_unit_test(test_long_names),
		cmocka_unit_test(test_incremental),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
