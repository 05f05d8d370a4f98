/*
 * test_regex.c - compile errors with offsets, UTF mode on invalid input,
 * match limits counted as no-match, matching from several threads.
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

#include "regex.h"

static struct regex *
rc(const char *p, unsigned flags)
{
	char *err = NULL;
	size_t off = 0;
	struct regex *re = regex_compile(p, strlen(p), flags, NULL, &err,
	    &off);

	assert_non_null(re);
	return re;
}

static void
test_compile_errors(void **state)
{
	char *err = NULL;
	size_t off = 0;

	(void)state;
	assert_null(regex_compile("a(b", 3, 0, NULL, &err, &off));
	assert_string_equal(err, "missing closing parenthesis");
	assert_int_equal(off, 3);
	free(err);
	assert_null(regex_compile("x{2,1}", 6, 0, NULL, &err, &off));
	assert_non_null(strstr(err, "out of order"));
	free(err);
}

static void
test_matching(void **state)
{
	struct regex *re = rc("(?i)free\\s+money", REGEX_UTF);

	(void)state;
	assert_int_equal(regex_match(re, "get FREE  Money now", 19), 1);
	assert_int_equal(regex_match(re, "freemoney", 9), 0);
	/* invalid UTF-8 in the subject is not an error */
	assert_int_equal(regex_match(re, "\xff free money \xc0", 15), 1);
	assert_int_equal(regex_match(re, "", 0), 0);
	assert_string_equal(regex_pattern(re), "(?i)free\\s+money");
	regex_free(&re);
	assert_null(re);
	re = rc("caf\xc3\xa9", REGEX_UTF | REGEX_CASELESS);
	assert_int_equal(regex_match(re, "CAF\xc3\x89", 5), 1);
	regex_free(&re);
}

static void
test_limits(void **state)
{
	struct regex_limits lim = { 1000, 100 };
	char subject[40];
	char *err;
	size_t off;
	uint64_t before = regex_limit_hits();
	struct regex *re = regex_compile("(a+)+$", 6, 0, &lim, &err, &off);

	(void)state;
	assert_non_null(re);
	memset(subject, 'a', 30);
	subject[30] = 'b';
	assert_int_equal(regex_match(re, subject, 31), 0);
	assert_true(regex_limit_hits() > before);
	assert_int_equal(regex_match(re, "aaa", 3), 1);
	regex_free(&re);
	regex_thread_done();
}

static struct regex *shared;

static void *
worker(void *arg)
{
	long hits = 0;

	(void)arg;
	for (int i = 0; i < 20000; i++)
		hits += regex_match(shared, i % 2 ? "xx spam xx" : "ham", i % 2 ?
		    10 : 3);
	regex_thread_done();
	return (void *)hits;
}

static void
test_threads(void **state)
{
	pthread_t t[4];
	void *r;

	(void)state;
	shared = rc("\\bspam\\b", REGEX_UTF);
	for (int i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, worker, NULL);
	for (int i = 0; i < 4; i++) {
		pthread_join(t[i], &r);
		assert_int_equal((long)r, 10000);
	}
	regex_free(&shared);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_compile_errors),
		cmocka_unit_test(test_matching),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_threads),
	};
	int rcode = cmocka_run_group_tests(tests, NULL, NULL);

	regex_thread_done();
	return rcode;
}
