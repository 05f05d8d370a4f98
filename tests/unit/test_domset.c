/*
 * test_domset.c - label-boundary matching, validation reasons and
 * columns, each length limit at and over, hostile queries.
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

static struct domset *
set_of(const char *const *names)
{
	struct domset *s = domset_new();

	for (size_t i = 0; names[i] != NULL; i++)
		assert_int_equal(domset_add(s, names[i], strlen(names[i])), 0);
	return s;
}

static void
test_label_boundaries(void **state)
{
	static const char *const names[] = { "gmail.com", "google.com", NULL };
	struct domset *s = set_of(names);

	(void)state;
	assert_true(m(s, "gmail.com"));
	assert_true(m(s, "mail.google.com"));
	assert_true(m(s, "a.b.c.gmail.com"));
	assert_false(m(s, "notgmail.com"));
	assert_false(m(s, "gmail.com.evil.example"));
	assert_false(m(s, "gmail.co"));
	assert_false(m(s, "mail.com"));
	assert_false(m(s, "com"));
	assert_false(m(s, "gmailcom"));
	assert_false(m(s, "xgmail.com"));
	assert_false(m(s, "-gmail.com"));
	assert_false(m(s, "gmail.com-"));
	domset_free(&s);
	assert_null(s);
	domset_free(&s);	/* NULL is harmless */
}

static void
test_case_and_dots(void **state)
{
	static const char *const names[] = { "Mail.Yahoo.COM.", "gmail.com",
		NULL };
	struct domset *s = set_of(names);
	const char *hit = NULL;

	(void)state;
	assert_true(m(s, "GMAIL.COM"));
	assert_true(m(s, "Mx.GMail.Com"));
	assert_true(m(s, "gmail.com."));	/* trailing dot on the query */
	assert_true(m(s, "x.gmail.com."));
	assert_true(m(s, "mail.yahoo.com"));	/* and on the entry */
	assert_true(m(s, "mail.yahoo.com."));
	assert_true(m(s, "us.MG.mail.yahoo.com"));
	assert_false(m(s, "yahoo.com"));
	/* only one trailing dot is a root; two mean an empty label */
	assert_false(m(s, "gmail.com.."));
	assert_true(domset_match(s, "X.MAIL.YAHOO.COM", 16, &hit));
	assert_string_equal(hit, "mail.yahoo.com");
	assert_int_equal(domset_count(s), 2);
	assert_int_equal(domset_add(s, "GMAIL.com", 9), 0);	/* duplicate */
	assert_int_equal(domset_add(s, "gmail.com.", 10), 0);
	assert_int_equal(domset_add(s, "*.gmail.com", 11), 0);
	assert_int_equal(domset_count(s), 2);
	domset_free(&s);
}

static void
test_wildcard(void **state)
{
	static const char *const names[] = { "*.example.com", NULL };
	struct domset *s = set_of(names);
	const char *hit = NULL;

	(void)state;
	/* "*.example.com" means the same as "example.com" */
	assert_true(m(s, "example.com"));
	assert_true(domset_match(s, "www.example.com", 15, &hit));
	assert_string_equal(hit, "example.com");
	/* a query's upper labels are opaque bytes: these lie below */
	assert_true(m(s, "*.example.com"));
	assert_true(m(s, "*.www.example.com"));
	assert_false(m(s, "example.com.evil"));
	assert_int_equal(domset_add(s, "*.", 2), -1);
	assert_int_equal(domset_add(s, "*", 1), -1);
	assert_int_equal(domset_add(s, "*.*.example.com", 15), -1);
	assert_int_equal(domset_add(s, "**.example.com", 14), -1);
	assert_int_equal(domset_count(s), 1);
	domset_free(&s);
}

static void
test_most_specific(void **state)
{
	static const char *const names[] = { "google.com", "mail.google.com",
		"com", NULL };
	struct domset *s = set_of(names);
	const char *hit = NULL;

	(void)state;
	assert_true(domset_match(s, "a.mail.google.com", 17, &hit));
	assert_string_equal(hit, "mail.google.com");
	assert_true(domset_match(s, "docs.google.com", 15, &hit));
	assert_string_equal(hit, "google.com");
	assert_true(domset_match(s, "example.com", 11, &hit));
	assert_string_equal(hit, "com");
	hit = NULL;
	assert_false(domset_match(s, "example.org", 11, &hit));
	assert_null(hit);
	domset_free(&s);
}

static void
test_empty_and_single_label(void **state)
{
	struct domset *s = domset_new();

	(void)state;
	assert_false(m(s, "anything"));		/* empty set */
	assert_int_equal(domset_add(s, "", 0), -1);
	assert_int_equal(domset_add(s, ".", 1), -1);
	assert_int_equal(domset_add(s, "localhost", 9), 0);
	assert_true(m(s, "localhost"));
	assert_true(m(s, "LOCALHOST."));
	assert_true(m(s, "a.localhost"));
	assert_false(m(s, "localhost.a"));
	assert_false(m(s, ""));
	assert_false(m(s, "."));
	assert_false(m(s, ".."));
	assert_false(domset_match(s, NULL, 0, NULL));
	domset_free(&s);
}

static void
test_empty_labels_never_match(void **state)
{
	static const char *const names[] = { "gmail.com", NULL };
	struct domset *s = set_of(names);

	(void)state;
	assert_false(m(s, "x..gmail.com"));
	assert_false(m(s, "..gmail.com"));
	assert_false(m(s, ".gmail.com"));
	assert_false(m(s, "gmail..com"));
	assert_false(m(s, "gmail.com.."));
	assert_false(m(s, "a..b.gmail.com"));
	domset_free(&s);
}

/* "aa.a.a...a": len bytes of short labels, starting and ending a letter. */
static void
fill_labels(char *buf, size_t len)
{
	memset(buf, 'a', len);
	for (size_t i = len - 2; i >= 2; i -= 2)
		buf[i] = '.';
	buf[len] = '\0';
}

static void
test_length_limits(void **state)
{
	struct domset *s = domset_new();
	char name[300], label[80];
	const char *w;
	size_t c;

	(void)state;
	/* 253 bytes: the most, as entry and as query */
	fill_labels(name, 253);
	assert_int_equal(domain_validate(name, 253, &w, &c), 0);
	assert_int_equal(domset_add(s, name, 253), 0);
	assert_true(domset_match(s, name, 253, NULL));
	/* 253 and the root dot is still 253 */
	name[253] = '.';
	assert_int_equal(domain_validate(name, 254, &w, &c), 0);
	assert_true(domset_match(s, name, 254, NULL));
	/* 254 bytes: over, whatever the entry */
	fill_labels(name, 254);
	assert_int_equal(domain_validate(name, 254, &w, &c), -1);
	assert_string_equal(w, "name longer than 253 bytes");
	assert_int_equal(c, 253);
	assert_int_equal(domset_add(s, name, 254), -1);
	assert_int_equal(domset_add(s, "a", 1), 0);
	assert_true(m(s, "a.a"));
	assert_false(domset_match(s, name, 254, NULL));
	/* "*." does not count against the 253 */
	name[0] = '*';
	name[1] = '.';
	fill_labels(name + 2, 253);
	assert_int_equal(domain_validate(name, 255, &w, &c), 0);
	fill_labels(name + 2, 254);
	assert_int_equal(domain_validate(name, 256, &w, &c), -1);
	assert_int_equal(c, 255);
	/* labels: 63 is the most, 64 is over */
	memset(label, 'a', 63);
	memcpy(label + 63, ".example", 9);
	assert_int_equal(domain_validate(label, strlen(label), &w, &c), 0);
	assert_int_equal(domset_add(s, label, strlen(label)), 0);
	assert_true(m(s, label));
	memset(label, 'b', 64);
	memcpy(label + 64, ".example", 9);
	assert_int_equal(domain_validate(label, strlen(label), &w, &c), -1);
	assert_string_equal(w, "label longer than 63 bytes");
	assert_int_equal(c, 63);
	domset_free(&s);
}

static void
test_hostile_bytes(void **state)
{
	static const char *const names[] = { "gmail.com", NULL };
	struct domset *s = set_of(names);
	const char *w;
	size_t c;

	(void)state;
	/* NUL inside the matched part never equals a validated entry */
	assert_false(domset_match(s, "gmail.com\0", 10, NULL));
	assert_false(domset_match(s, "gmail\0.com", 10, NULL));
	assert_false(domset_match(s, "gmail.com\0x", 11, NULL));
	assert_false(domset_match(s, "\0", 1, NULL));
	/* above the matched part, bytes are opaque: it lies below */
	assert_true(domset_match(s, "x\0y.gmail.com", 13, NULL));
	assert_true(domset_match(s, "\xc3\xa9.gmail.com", 12, NULL));
	assert_false(domset_match(s, "gmail.co\xed", 9, NULL));
	assert_false(domset_match(s, "GMAIL.CO\xcd", 9, NULL));
	/* entries with such bytes are refused with a reason and column */
	assert_int_equal(domain_validate("gmail\0.com", 10, &w, &c), -1);
	assert_string_equal(w, "control character in name");
	assert_int_equal(c, 5);
	assert_int_equal(domset_add(s, "gmail\0.com", 10), -1);
	assert_int_equal(domain_validate("b\xc3\xbc" "cher.de", 10, &w, &c),
	    -1);
	assert_string_equal(w, "non-ASCII byte in name (write IDNs in xn-- "
	    "form)");
	assert_int_equal(c, 1);
	assert_int_equal(domain_validate("xn--bcher-kva.de", 16, &w, &c), 0);
	assert_int_equal(domset_count(s), 1);
	domset_free(&s);
}

static void
expect_bad(const char *name, const char *why, size_t col)
{
	const char *w = NULL;
	size_t c = 999;

	assert_int_equal(domain_validate(name, strlen(name), &w, &c), -1);
	assert_string_equal(w, why);
	assert_int_equal(c, col);
}

static void
test_validate(void **state)
{
	const char *w;
	size_t c;

	(void)state;
	assert_int_equal(domain_validate("a.example", 9, &w, &c), 0);
	assert_int_equal(domain_validate("example.", 8, &w, &c), 0);
	assert_int_equal(domain_validate("_dmarc.example", 14, &w, &c), 0);
	assert_int_equal(domain_validate("*.example", 9, &w, &c), 0);
	assert_int_equal(domain_validate("*.example.", 10, &w, &c), 0);
	assert_int_equal(domain_validate("a-b.c--d.x1", 11, &w, &c), 0);
	assert_int_equal(domain_validate("123.45", 6, &w, &c), 0);
	expect_bad("", "empty name", 0);
	expect_bad(".", "empty name", 0);
	expect_bad("*.", "empty name", 2);
	expect_bad("a..b", "empty label", 2);
	expect_bad(".a", "empty label", 0);
	expect_bad("a.b..", "empty label", 4);
	expect_bad("*..a", "empty label", 2);
	expect_bad("-a.b", "label starts with '-'", 0);
	expect_bad("a.-b", "label starts with '-'", 2);
	expect_bad("a-.b", "label ends with '-'", 1);
	expect_bad("a.b-", "label ends with '-'", 3);
	expect_bad("a.b-.", "label ends with '-'", 3);
	expect_bad("-", "label starts with '-'", 0);
	expect_bad("a b", "bad character in name", 1);
	expect_bad("a/b", "bad character in name", 1);
	expect_bad("user@example", "bad character in name", 4);
	expect_bad("a\tb", "control character in name", 1);
	expect_bad("a\x7f", "control character in name", 1);
	expect_bad("*", "'*' is allowed only as a leading '*.'", 0);
	expect_bad("a.*.b", "'*' is allowed only as a leading '*.'", 2);
	expect_bad("*a.b", "'*' is allowed only as a leading '*.'", 0);
	expect_bad("*.*.b", "'*' is allowed only as a leading '*.'", 2);
	/* the first fault from the left is the one reported */
	expect_bad("a..b c", "empty label", 2);
	expect_bad("a b..c", "bad character in name", 1);
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
		snprintf(name, sizeof(name), "www.HOST%d.example.", i);
		assert_true(m(s, name));
		snprintf(name, sizeof(name), "host%d.example.net", i);
		assert_false(m(s, name));
		snprintf(name, sizeof(name), "xhost%d.example", i);
		assert_false(m(s, name));
	}
	assert_false(m(s, "example"));
	assert_int_equal(domset_count(s), 5000);
	assert_int_equal(domset_add(s, "bad..name", 9), -1);
	assert_int_equal(domset_count(s), 5000);
	domset_free(&s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_label_boundaries),
		cmocka_unit_test(test_case_and_dots),
		cmocka_unit_test(test_wildcard),
		cmocka_unit_test(test_most_specific),
		cmocka_unit_test(test_empty_and_single_label),
		cmocka_unit_test(test_empty_labels_never_match),
		cmocka_unit_test(test_length_limits),
		cmocka_unit_test(test_hostile_bytes),
		cmocka_unit_test(test_validate),
		cmocka_unit_test(test_many),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
