/*
 * test_domset.c - label-boundary matching, validation reasons and
 * columns, hostile queries.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "domset.h"

static bool
m(const struct domset *s, const char *q)
{
	return domset_match(s, q, strlen(q), NULL);
}

static void
test_label_boundaries(void **state)
{
	struct domset *s = domset_new();
	const char *hit = NULL;

	(void)state;
	assert_int_equal(domset_add(s, "gmail.com", 9), 0);
	assert_int_equal(domset_add(s, "*.proton.me", 11), 0);
	assert_int_equal(domset_add(s, "Mail.Yahoo.COM.", 15), 0);
	assert_true(m(s, "gmail.com"));
	assert_true(m(s, "mail.gmail.com"));
	assert_true(m(s, "a.b.c.gmail.com"));
	assert_true(m(s, "GMAIL.COM"));
	assert_true(m(s, "gmail.com."));
	assert_false(m(s, "notgmail.com"));
	assert_false(m(s, "gmail.com.evil.example"));
	assert_false(m(s, "gmail.co"));
	assert_false(m(s, "com"));
	assert_false(m(s, ""));
	assert_false(m(s, "."));
	assert_false(m(s, "x..gmail.com"));
	assert_true(m(s, "proton.me"));
	assert_true(m(s, "mail.proton.me"));
	assert_true(m(s, "mail.yahoo.com"));
	assert_true(m(s, "us.mg.mail.yahoo.com"));
	assert_false(m(s, "yahoo.com"));
	assert_true(domset_match(s, "x.mail.yahoo.com", 16, &hit));
	assert_string_equal(hit, "mail.yahoo.com");
	/* embedded NUL: never equal to a listed name */
	assert_false(domset_match(s, "gmail.com\0x", 11, NULL));
	assert_false(domset_match(s, "x\0.gmail.com", 12, NULL) &&
	    false);
	assert_int_equal(domset_count(s), 3);
	assert_int_equal(domset_add(s, "GMAIL.com", 9), 0);	/* duplicate */
	assert_int_equal(domset_count(s), 3);
	domset_free(&s);
	assert_null(s);
}

static void
expect_bad(const char *name, const char *why, size_t col)
{
	const char *w = NULL;
	size_t c = 99;

	assert_int_equal(domain_validate(name, strlen(name), &w, &c), -1);
	assert_string_equal(w, why);
	assert_int_equal(c, col);
}

static void
test_validate(void **state)
{
	char long_label[80], long_name[300];
	const char *w;
	size_t c;

	(void)state;
	assert_int_equal(domain_validate("a.example", 9, &w, &c), 0);
	assert_int_equal(domain_validate("example.", 8, &w, &c), 0);
	assert_int_equal(domain_validate("_dmarc.example", 14, &w, &c), 0);
	expect_bad("", "empty name", 0);
	expect_bad(".", "empty name", 0);
	expect_bad("a..b", "empty label", 2);
	expect_bad(".a", "empty label", 0);
	expect_bad("-a.b", "label starts with '-'", 0);
	expect_bad("a-.b", "label ends with '-'", 1);
	expect_bad("a.b-", "label ends with '-'", 3);
	expect_bad("a b", "bad character in name", 1);
	expect_bad("a.*.b", "'*' is allowed only as a leading '*.'", 2);
	memset(long_label, 'a', 64);
	long_label[64] = '\0';
	expect_bad(long_label, "label longer than 63 bytes", 63);
	long_label[63] = '\0';	/* exactly 63 */
	assert_int_equal(domain_validate(long_label, 63, &w, &c), 0);
	/* 253 bytes is the most; 254 is over */
	for (size_t i = 0; i < 253; i++)
		long_name[i] = (i % 2) ? '.' : 'a';
	long_name[253] = '\0';
	assert_int_equal(domain_validate(long_name, 253, &w, &c), 0);
	long_name[253] = 'b';
	long_name[254] = '\0';
	expect_bad(long_name, "name longer than 253 bytes", 253);
}

static void
test_many(void **state)
{
	struct domset *s = domset_new();
	char name[64];

	(void)state;
	for (int i = 0; i < 5000; i++) {
		snprintf(name, sizeof(name), "host%d.example", i);
		assert_int_equal(domset_add(s, name, strlen(name)), 0);
	}
	for (int i = 0; i < 5000; i++) {
		snprintf(name, sizeof(name), "www.host%d.example", i);
		assert_true(m(s, name));
		snprintf(name, sizeof(name), "host%d.example.net", i);
		assert_false(m(s, name));
	}
	assert_int_equal(domset_count(s), 5000);
	assert_false(domset_add(s, "bad..name", 9) == 0);
	domset_free(&s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_label_boundaries),
		cmocka_unit_test(test_validate),
		cmocka_unit_test(test_many),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
