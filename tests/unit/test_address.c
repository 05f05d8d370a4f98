/*
 * test_address.c - RFC 5322 address lists: the Appendix A examples
 * (including the obsolete forms of A.6), real-world junk and spoofing
 * shapes, and each bound (stored specs, spec length, comment depth) at and
 * one over.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "address.h"

static struct address_list AL;

/* Parse value; expect count mailboxes, cleanliness, and the first specs. */
static void
addr(const char *value, size_t count, bool clean, const char *s0,
    const char *s1, const char *s2)
{
	const char *want[3] = { s0, s1, s2 };
	int rc = address_parse(span_from_cstr(value), &AL);

	if (AL.count != count || AL.clean != clean)
		fail_msg("%s: count %zu clean %d, want %zu %d", value,
		    AL.count, AL.clean, count, clean);
	assert_int_equal(rc, clean ? 0 : -1);
	for (size_t i = 0; i < 3; i++) {
		if (want[i] == NULL)
			continue;
		assert_true(i < AL.kept);
		assert_string_equal(AL.spec[i], want[i]);
	}
	assert_true(AL.kept <= AL.count);
}

static void
test_appendix_a(void **state)
{
	(void)state;
	/* A.1.1 */
	addr("John Doe <jdoe@machine.example>", 1, true,
	    "jdoe@machine.example", NULL, NULL);
	addr("Mary Smith <mary@example.net>", 1, true, "mary@example.net",
	    NULL, NULL);
	/* A.1.2 */
	addr("\"Joe Q. Public\" <john.q.public@example.com>", 1, true,
	    "john.q.public@example.com", NULL, NULL);
	addr("Mary Smith <mary@x.test>, jdoe@example.org, Who? <one@y.test>",
	    3, true, "mary@x.test", "jdoe@example.org", "one@y.test");
	addr("<boss@nil.test>, \"Giant; \\\"Big\\\" Box\" <sysservices@"
	    "example.net>", 2, true, "boss@nil.test", "sysservices@example.net",
	    NULL);
	/* A.1.3 */
	addr("A Group:Ed Jones <c@a.test>,joe@where.test,John <jdoe@one.test>;",
	    3, true, "c@a.test", "joe@where.test", "jdoe@one.test");
	addr("Undisclosed recipients:;", 0, true, NULL, NULL, NULL);
	assert_int_equal(AL.groups, 1);
	/* A.5 */
	addr("Pete(A nice \\) chap) <pete(his account)@silly.test(his host)>",
	    1, true, "pete@silly.test", NULL, NULL);
	addr("A Group(Some people)\r\n     :Chris Jones <c@(Chris's host.)"
	    "public.example>,\r\n         joe@example.org,\r\n  John <jdoe@"
	    "one.test> (my dear friend); (the end of the group)", 3, true,
	    "c@public.example", "joe@example.org", "jdoe@one.test");
	/* A.6.1, obsolete */
	addr("Joe Q. Public <john.q.public@example.com>", 1, true,
	    "john.q.public@example.com", NULL, NULL);
	addr("Mary Smith <@node.test:mary@example.net>, , jdoe@test  . example",
	    2, true, "mary@example.net", "jdoe@test.example", NULL);
	/* A.6.3 */
	addr("John Doe <jdoe@machine(comment).  example>", 1, true,
	    "jdoe@machine.example", NULL, NULL);
	addr("Mary Smith\r\n  \r\n <mary@example.net>", 1, true,
	    "mary@example.net", NULL, NULL);
}

static void
test_forms(void **state)
{
	(void)state;
	addr("jdoe@example.org", 1, true, "jdoe@example.org", NULL, NULL);
	addr("  <jdoe@example.org>  ", 1, true, "jdoe@example.org", NULL,
	    NULL);
	addr("\"quoted local\"@example.org", 1, true,
	    "\"quoted local\"@example.org", NULL, NULL);
	addr("\"a@b\"@c.example", 1, true, "\"a@b\"@c.example", NULL, NULL);
	addr("\"a\\\"b\"@c.example", 1, true, "\"a\\\"b\"@c.example", NULL,
	    NULL);
	addr("\"folded\r\n local\"@c.example", 1, true,
	    "\"folded local\"@c.example", NULL, NULL);
	addr("user@[192.0.2.1]", 1, true, "user@[192.0.2.1]", NULL, NULL);
	addr("<user@[IPv6:2001:db8::1]>", 1, true, "user@[IPv6:2001:db8::1]",
	    NULL, NULL);
	addr("<@a.example,@b.example:user@c.example>", 1, true,
	    "user@c.example", NULL, NULL);
	addr("first.last+tag@sub.example.co.uk", 1, true,
	    "first.last+tag@sub.example.co.uk", NULL, NULL);
	addr("!#$%&'*+-/=?^_`{|}~@example.org", 1, true,
	    "!#$%&'*+-/=?^_`{|}~@example.org", NULL, NULL);
	addr("J\xc3\xb6rg <j\xc3\xb6rg@b\xc3\xbc" "cher.example>", 1, true,
	    "j\xc3\xb6rg@b\xc3\xbc" "cher.example", NULL, NULL);
	addr("a@b.example,,,c@d.example", 2, true, "a@b.example",
	    "c@d.example", NULL);
	addr("", 0, true, NULL, NULL, NULL);
	addr("   (just a comment)  ", 0, true, NULL, NULL, NULL);
	addr("g1:a@x.example;, g2:;, b@y.example", 2, true, "a@x.example",
	    "b@y.example", NULL);
	assert_int_equal(AL.groups, 2);
}

static void
test_junk(void **state)
{
	(void)state;
	addr("Just A Name", 0, false, NULL, NULL, NULL);
	addr("<>", 0, false, NULL, NULL, NULL);
	addr("<postmaster>", 0, false, NULL, NULL, NULL);
	addr("@example.org", 0, false, NULL, NULL, NULL);
	addr("user@", 0, false, NULL, NULL, NULL);
	addr("a@b.example (unclosed comment", 1, false, "a@b.example", NULL,
	    NULL);
	addr("\"unterminated@x.example", 0, false, NULL, NULL, NULL);
	addr("a@[1.2.3.4", 0, false, NULL, NULL, NULL);
	addr("a@[1.2.3.4, b@x.example", 0, false, NULL, NULL, NULL);
	addr("a@[1.2.3.4]], b@x.example", 2, false, "a@[1.2.3.4]",
	    "b@x.example", NULL);
	addr("<a@b.example", 1, false, "a@b.example", NULL, NULL);
	addr("G: a@b.example", 1, false, "a@b.example", NULL, NULL);
	addr("a..b@c.example", 1, false, "a..b@c.example", NULL, NULL);
	addr(".a@c.example", 1, false, ".a@c.example", NULL, NULL);
	addr("a@c.example.", 1, false, "a@c.example.", NULL, NULL);
	addr("a@b.example)", 1, false, "a@b.example", NULL, NULL);
	addr("a@b.example\x01", 1, false, "a@b.example", NULL, NULL);
	addr(";a@b.example", 1, false, "a@b.example", NULL, NULL);
	addr("G1: G2: a@b.example;", 1, false, "a@b.example", NULL, NULL);
	addr(": a@b.example;", 1, false, "a@b.example", NULL, NULL);
	/* two mailboxes without a comma are still two */
	addr("a@good.example evil@bad.example", 2, false, "a@good.example",
	    "evil@bad.example", NULL);
	addr("A <a@x.example> B <b@y.example>", 2, false, "a@x.example",
	    "b@y.example", NULL);
	/* an unquoted comma in a name splits it; the address survives */
	addr("Doe, John <j@x.example>", 1, false, "j@x.example", NULL, NULL);
	/* an address as a display name: the angle address is the mailbox */
	addr("ceo@agency.example <attacker@evil.example>", 1, false,
	    "attacker@evil.example", NULL, NULL);
	addr("\"ceo@agency.example\" <attacker@evil.example>", 1, true,
	    "attacker@evil.example", NULL, NULL);
	/* two at signs */
	addr("a@b@c.example", 1, false, "a@b", NULL, NULL);
	addr("<a@b c@d>", 1, false, "a@b", NULL, NULL);
	addr("<a@b>>", 1, false, "a@b", NULL, NULL);
	addr("John Doe@example.org", 1, false, "Doe@example.org", NULL, NULL);
}

static void
test_domain(void **state)
{
	struct span s;

	(void)state;
	s = address_domain(SPAN_LIT("user@example.org"));
	assert_int_equal(s.len, 11);
	assert_memory_equal(s.p, "example.org", 11);
	s = address_domain(span_from_cstr("a@b@c.example"));
	assert_int_equal(s.len, 9);
	assert_memory_equal(s.p, "c.example", 9);
	s = address_domain(SPAN_LIT("\"x@y\"@z.example"));
	assert_int_equal(s.len, 9);
	s = address_domain(SPAN_LIT("user@[192.0.2.1]"));
	assert_int_equal(s.len, 11);
	s = address_domain(SPAN_LIT("nodomain"));
	assert_int_equal(s.len, 0);
	assert_ptr_equal(s.p, "nodomain" + 8);
	s = address_domain(SPAN_LIT("a@"));
	assert_int_equal(s.len, 0);
	s = address_domain((struct span){ "", 0 });
	assert_int_equal(s.len, 0);
	s = address_unbracket(span_from_cstr(" <x@y.example> "));
	assert_int_equal(s.len, 11);
	assert_memory_equal(s.p, "x@y.example", 11);
	s = address_unbracket(SPAN_LIT("x@y"));
	assert_int_equal(s.len, 3);
	s = address_unbracket(SPAN_LIT("<>"));
	assert_int_equal(s.len, 0);
	s = address_unbracket(SPAN_LIT("<"));
	assert_int_equal(s.len, 1);
}

/* ADDRESS_MAX specs stored, and one more counted but not stored. */
static void
test_count_bound(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b, 1 << 20);
	for (size_t i = 0; i < ADDRESS_MAX; i++)
		assert_int_equal(buf_printf(&b, "%su%zu@x.example",
		    i > 0 ? ", " : "", i), 0);
	assert_int_equal(address_parse((struct span){ b.data, b.len }, &AL),
	    0);
	assert_int_equal(AL.count, ADDRESS_MAX);
	assert_int_equal(AL.kept, ADDRESS_MAX);
	assert_string_equal(AL.spec[ADDRESS_MAX - 1], "u63@x.example");
	assert_int_equal(buf_append_cstr(&b, ", last@x.example"), 0);
	assert_int_equal(address_parse((struct span){ b.data, b.len }, &AL),
	    0);
	assert_int_equal(AL.count, ADDRESS_MAX + 1);
	assert_int_equal(AL.kept, ADDRESS_MAX);
	assert_true(AL.clean);
	buf_free(&b);
}

/* A spec of ADDRESS_SPEC_MAX - 1 bytes is stored; one more is not. */
static void
test_spec_bound(void **state)
{
	char v[ADDRESS_SPEC_MAX + 16];
	size_t local = ADDRESS_SPEC_MAX - 1 - strlen("@x.example");

	(void)state;
	memset(v, 'a', local);
	memcpy(v + local, "@x.example", 11);
	assert_int_equal(address_parse(span_from_cstr(v), &AL), 0);
	assert_int_equal(AL.count, 1);
	assert_int_equal(AL.kept, 1);
	assert_int_equal(strlen(AL.spec[0]), ADDRESS_SPEC_MAX - 1);
	assert_int_equal(AL.too_long, 0);

	memset(v, 'a', local + 1);
	memcpy(v + local + 1, "@x.example", 11);
	assert_int_equal(address_parse(span_from_cstr(v), &AL), -1);
	assert_int_equal(AL.count, 1);
	assert_int_equal(AL.kept, 0);
	assert_int_equal(AL.too_long, 1);
}

static void
test_comment_depth(void **state)
{
	char v[4 * ADDRESS_COMMENT_DEPTH + 64];

	(void)state;
	for (size_t over = 0; over < 2; over++) {
		size_t depth = ADDRESS_COMMENT_DEPTH + over, n = 0;

		for (size_t i = 0; i < depth; i++)
			v[n++] = '(';
		for (size_t i = 0; i < depth; i++)
			v[n++] = ')';
		memcpy(v + n, "a@b.example", 12);
		assert_int_equal(address_parse(span_from_cstr(v), &AL),
		    over ? -1 : 0);
		assert_int_equal(AL.count, 1);
		assert_string_equal(AL.spec[0], "a@b.example");
		assert_int_equal(AL.deep_comments, over);
	}
}

static void
test_nul_and_binary(void **state)
{
	static const char v[] = "a\0b@x.example, c@y.example";

	(void)state;
	assert_int_equal(address_parse((struct span){ v, sizeof(v) - 1 },
	    &AL), -1);
	assert_int_equal(AL.count, 2);
	assert_string_equal(AL.spec[0], "b@x.example");
	assert_int_equal(address_parse((struct span){ "\"a\0b\"@x.example, "
	    "c@[1\0]", 23 }, &AL), -1);
	assert_int_equal(AL.count, 2);
	assert_int_equal(AL.kept, 0);
	assert_int_equal(AL.nul_specs, 2);
	assert_int_equal(address_parse((struct span){ NULL, 0 }, &AL), 0);
	assert_int_equal(AL.count, 0);
}

/*
 * Shapes that would be quadratic for a naive look-ahead (no clock check:
 * tests never pass or fail on time; a regression makes this one crawl).
 */
static void
test_linear(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b, SIZE_MAX);
	for (size_t i = 0; i < 50000; i++)
		assert_int_equal(buf_append_cstr(&b, "a@b "), 0);
	assert_int_equal(address_parse((struct span){ b.data, b.len }, &AL),
	    -1);
	assert_int_equal(AL.count, 50000);
	buf_reset(&b);
	for (size_t i = 0; i < 50000; i++)
		assert_int_equal(buf_append_cstr(&b, "x ) "), 0);
	assert_int_equal(address_parse((struct span){ b.data, b.len }, &AL),
	    -1);
	assert_int_equal(AL.count, 0);
	buf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_appendix_a),
		cmocka_unit_test(test_forms),
		cmocka_unit_test(test_junk),
		cmocka_unit_test(test_domain),
		cmocka_unit_test(test_count_bound),
		cmocka_unit_test(test_spec_bound),
		cmocka_unit_test(test_comment_depth),
		cmocka_unit_test(test_nul_and_binary),
		cmocka_unit_test(test_linear),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
