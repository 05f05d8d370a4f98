/*
 * test_regex.c - compile errors with PCRE2's message and offset, the flags
 * (caseless, UTF with invalid UTF-8 subjects), patterns and subjects with
 * NULs, catastrophic backtracking stopped at the limits and counted as a
 * no-match (also when the pattern asks for more), JIT reporting, and one
 * compiled regex matched from several threads at once.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "regex.h"

static struct regex *
rc(const char *p, unsigned flags)
{
	char *err = NULL;
	size_t off = 0;
	struct regex *re = regex_compile(p, strlen(p), flags, NULL, &err,
	    &off);

	assert_null(err);
	assert_non_null(re);
	return re;
}

static int
m(const struct regex *re, const char *s)
{
	return regex_match(re, s, strlen(s));
}

static void
bad(const char *p, unsigned flags, const char *msg, size_t want_off)
{
	char *err = NULL;
	size_t off = 12345;

	assert_null(regex_compile(p, strlen(p), flags, NULL, &err, &off));
	assert_non_null(err);
	if (strstr(err, msg) == NULL)
		fail_msg("'%s': got '%s', want '%s'", p, err, msg);
	assert_int_equal(off, want_off);
	free(err);
}

static void
test_compile_errors(void **state)
{
	(void)state;
	bad("a(b", 0, "missing closing parenthesis", 3);
	bad("x{2,1}", 0, "out of order", 5);
	bad("[z-a]", 0, "out of order in character class", 3);
	bad("ab)", 0, "unmatched closing parenthesis", 2);
	bad("*a", 0, "quantifier does not follow", 0);
	bad("a\\", 0, "\\ at end of pattern", 2);
	bad("(?<n>a)(?<n>b)", 0, "two named subpatterns have the same name",
	    12);
	/* in UTF mode the pattern itself must be valid UTF-8 */
	bad("ab\xff", REGEX_UTF, "UTF-8 error", 2);
	/* outside UTF mode a pattern may not switch it on for itself */
	bad("(*UTF)abc", 0, "UTF is disabled", 6);
}

/*
 * A pattern that ends inside a start option: PCRE2 before 10.45 read the
 * byte after the given length (here ')', which made the option look whole)
 * and reported the error one past the end.  Found by fuzz_regex.
 */
static void
test_cut_start_option(void **state)
{
	static const char *const cut[] = { "(*LIMIT_MATCH=12)",
	    "(*LIMIT_HEAP=1)abc", "(*LIMIT_DEPTH=99)", "(*LIMIT_MATCH=)" };
	char *err = NULL;
	size_t off;

	(void)state;
	for (size_t i = 0; i < sizeof(cut) / sizeof(cut[0]); i++) {
		size_t len = (size_t)(strchr(cut[i], ')') - cut[i]);

		off = 12345;
		assert_null(regex_compile(cut[i], len, 0, NULL, &err, &off));
		assert_non_null(strstr(err, "(*VERB) not recognized"));
		assert_true(off <= len);
		free(err);
		err = NULL;
	}
}

static void
test_matching(void **state)
{
	struct regex *re = rc("free\\s+money", 0);

	(void)state;
	assert_int_equal(m(re, "get free  money now"), 1);
	assert_int_equal(m(re, "get FREE money"), 0);
	assert_int_equal(m(re, "freemoney"), 0);
	assert_int_equal(regex_match(re, "", 0), 0);
	assert_int_equal(regex_match(re, NULL, 0), 0);
	assert_string_equal(regex_pattern(re), "free\\s+money");
	regex_free(&re);
	assert_null(re);
	regex_free(&re);	/* NULL is fine */

	/* REGEX_CASELESS, and (?i) inside the pattern */
	re = rc("free\\s+money", REGEX_CASELESS);
	assert_int_equal(m(re, "get FREE  Money now"), 1);
	regex_free(&re);
	re = rc("(?i)viagra", 0);
	assert_int_equal(m(re, "ViAgRa"), 1);
	regex_free(&re);

	/* an empty pattern matches everything, even with no pattern bytes */
	re = regex_compile(NULL, 0, 0, NULL, &(char *){ NULL },
	    &(size_t){ 0 });
	assert_non_null(re);
	assert_string_equal(regex_pattern(re), "");
	assert_int_equal(regex_match(re, "", 0), 1);
	regex_free(&re);
}

/* Patterns and subjects are length-carrying: NULs are ordinary bytes. */
static void
test_nul_bytes(void **state)
{
	struct regex *re;
	char *err = NULL;
	size_t off = 0;

	(void)state;
	re = regex_compile("a\0b", 3, 0, NULL, &err, &off);
	assert_non_null(re);
	assert_int_equal(regex_match(re, "xa\0by", 5), 1);
	assert_int_equal(regex_match(re, "xab", 3), 0);
	regex_free(&re);
	re = rc("secret$", 0);
	assert_int_equal(regex_match(re, "top secret\0hidden", 17), 0);
	assert_int_equal(regex_match(re, "top secret\0hidden", 10), 1);
	regex_free(&re);
}

static void
test_utf(void **state)
{
	struct regex *re;

	(void)state;
	/* "." is one character in UTF mode, one byte outside it */
	re = rc("^.$", REGEX_UTF);
	assert_int_equal(m(re, "\xc3\xa9"), 1);
	assert_int_equal(m(re, "\xf0\x9f\x98\x80"), 1);
	regex_free(&re);
	re = rc("^.$", 0);
	assert_int_equal(m(re, "\xc3\xa9"), 0);
	regex_free(&re);

	/* caseless beyond ASCII needs UTF */
	re = rc("caf\xc3\xa9", REGEX_UTF | REGEX_CASELESS);
	assert_int_equal(m(re, "CAF\xc3\x89"), 1);
	regex_free(&re);

	/* invalid UTF-8 in the subject is matched around, never an error */
	re = rc("free\\s+money", REGEX_UTF | REGEX_CASELESS);
	assert_int_equal(m(re, "\xff free money \xc0"), 1);
	assert_int_equal(m(re, "\xed\xa0\x80" "FREE MONEY\xf4\x90\x80\x80"), 1);
	assert_int_equal(m(re, "\xc0\xaf\xe2\x82"), 0);
	assert_int_equal(m(re, "free\xff money"), 0);
	regex_free(&re);
	/* an invalid byte is never a character, so "." does not cross it */
	re = rc("a.b", REGEX_UTF);
	assert_int_equal(m(re, "a\xffz a\xc3\xa9" "b"), 1);
	assert_int_equal(m(re, "a\xff" "b"), 0);
	regex_free(&re);
	re = rc("a.b", 0);
	assert_int_equal(m(re, "a\xff" "b"), 1);
	regex_free(&re);
}

static void
test_jit(void **state)
{
	uint32_t jit = 0;
	struct regex *re = rc("x+y", 0);

	(void)state;
	assert_true(pcre2_config(PCRE2_CONFIG_JIT, &jit) >= 0);
	assert_int_equal(regex_is_jit(re), jit != 0);
	assert_int_equal(m(re, "axxy"), 1);
	regex_free(&re);
	/* the interpreter answers the same when JIT is refused */
	re = rc("(*NO_JIT)x+y", 0);
	assert_false(regex_is_jit(re));
	assert_int_equal(m(re, "axxy"), 1);
	assert_int_equal(m(re, "axx"), 0);
	regex_free(&re);
}

/* 30 'a' then 'b': (a+)+$ backtracks 2^30 ways without limits. */
static const char evil[] = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaab";

static void
test_limits(void **state)
{
	struct regex_limits lim = { 1000, 100 };
	char *err = NULL;
	size_t off;
	uint64_t before;
	struct regex *re;

	(void)state;
	assert_int_equal(strlen(evil), 31);
	/* the defaults (3500 / 1500) */
	re = rc("(a+)+$", 0);
	before = regex_limit_hits();
	assert_int_equal(m(re, evil), 0);
	assert_int_equal(regex_limit_hits(), before + 1);
	assert_int_equal(m(re, "aaa"), 1);
	assert_int_equal(m(re, "b"), 0);
	assert_int_equal(regex_limit_hits(), before + 1);
	regex_free(&re);

	/* limits given, and in UTF mode and the interpreter too */
	re = regex_compile("(a+)+$", 6, REGEX_UTF, &lim, &err, &off);
	assert_non_null(re);
	before = regex_limit_hits();
	assert_int_equal(m(re, evil), 0);
	assert_int_equal(regex_limit_hits(), before + 1);
	regex_free(&re);
	re = rc("(*NO_JIT)(a+)+$", 0);
	before = regex_limit_hits();
	assert_int_equal(m(re, evil), 0);
	assert_int_equal(regex_limit_hits(), before + 1);
	regex_free(&re);

	/* a pattern cannot raise its own limit */
	re = rc("(*LIMIT_MATCH=100000000)(*LIMIT_DEPTH=100000000)(a+)+$", 0);
	before = regex_limit_hits();
	assert_int_equal(m(re, evil), 0);
	assert_int_equal(regex_limit_hits(), before + 1);
	regex_free(&re);

	/* the depth limit alone stops deep recursion in the interpreter */
	lim.match_limit = 0;
	lim.depth_limit = 10;
	re = regex_compile("(*NO_JIT)(?:a|b(?=c))*$", 23, 0, &lim, &err,
	    &off);
	assert_non_null(re);
	before = regex_limit_hits();
	assert_int_equal(m(re, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaax"), 0);
	assert_int_equal(regex_limit_hits(), before + 1);
	regex_free(&re);
	regex_thread_done();
	regex_thread_done();	/* twice is fine */
}

static struct regex *shared, *shared_evil;

#define ROUNDS 20000
#define EVIL_ROUNDS 50

static void *
worker(void *arg)
{
	long hits = 0;

	(void)arg;
	for (int i = 0; i < ROUNDS; i++)
		hits += i % 2 ? m(shared, "xx SPAM \xff xx") :
		    m(shared, "ham spammer");
	for (int i = 0; i < EVIL_ROUNDS; i++)
		hits += m(shared_evil, evil);
	regex_thread_done();
	return (void *)hits;
}

static void
test_threads(void **state)
{
	pthread_t t[4];
	uint64_t before;
	void *r;

	(void)state;
	shared = rc("\\bspam\\b", REGEX_UTF | REGEX_CASELESS);
	shared_evil = rc("(a+)+$", REGEX_UTF);
	before = regex_limit_hits();
	for (int i = 0; i < 4; i++)
		assert_int_equal(pthread_create(&t[i], NULL, worker, NULL), 0);
	for (int i = 0; i < 4; i++) {
		assert_int_equal(pthread_join(t[i], &r), 0);
		assert_int_equal((long)r, ROUNDS / 2);
	}
	/* the counter is exact under contention */
	assert_int_equal(regex_limit_hits(), before + 4 * EVIL_ROUNDS);
	regex_free(&shared);
	regex_free(&shared_evil);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_compile_errors),
		cmocka_unit_test(test_cut_start_option),
		cmocka_unit_test(test_matching),
		cmocka_unit_test(test_nul_bytes),
		cmocka_unit_test(test_utf),
		cmocka_unit_test(test_jit),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_threads),
	};
	int rcode = cmocka_run_group_tests(tests, NULL, NULL);

	regex_thread_done();
	return rcode;
}
