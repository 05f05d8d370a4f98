/*
 * test_headers.c - header-value parsers: RFC 2047 encoded words (the RFC's
 * section 8 examples), RFC 2045/2231 parameters, RFC 5322 address lists
 * (Appendix A examples) and dates (3.3 and the obsolete forms of 4.3).
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
#include "mimeparam.h"
#include "rfc2047.h"
#include "rfcdate.h"

static void
dec(const char *in, const char *want)
{
	struct buf b;

	buf_init(&b, 4096);
	assert_int_equal(rfc2047_decode(span_from_cstr(in), &b), 0);
	assert_string_equal(b.data != NULL ? b.data : "", want);
	buf_free(&b);
}

static void
test_rfc2047(void **state)
{
	(void)state;
	/* RFC 2047 section 8 */
	dec("(=?ISO-8859-1?Q?a?=)", "(a)");
	dec("(=?ISO-8859-1?Q?a?= b)", "(a b)");
	dec("(=?ISO-8859-1?Q?a?= =?ISO-8859-1?Q?b?=)", "(ab)");
	dec("(=?ISO-8859-1?Q?a?=  =?ISO-8859-1?Q?b?=)", "(ab)");
	dec("(=?ISO-8859-1?Q?a?=\r\n    =?ISO-8859-1?Q?b?=)", "(ab)");
	dec("(=?ISO-8859-1?Q?a_b?=)", "(a b)");
	dec("(=?ISO-8859-1?Q?a?= =?ISO-8859-2?Q?_b?=)", "(a b)");
	dec("=?UTF-8?B?SW52b2ljZSDigJQgcGxlYXNl?=", "Invoice \xe2\x80\x94 please");
	dec("=?iso-8859-1?q?caf=E9?=", "caf\xc3\xa9");
	dec("=?UTF-8*en?Q?x?=", "x");			/* RFC 2231 language */
	dec("=?UTF-8?X?bad?=", "=?UTF-8?X?bad?=");	/* unknown encoding */
	dec("=?UTF-8?Q?unterminated", "=?UTF-8?Q?unterminated");
	dec("raw \xff bytes", "raw \xef\xbf\xbd bytes");
	dec("folded\r\n line", "folded line");
	dec("=?koi8-r?B?8NLJ18XU?=", "\xd0\x9f\xd1\x80\xd0\xb8\xd0\xb2"
	    "\xd0\xb5\xd1\x82");
	dec("=?no-such-charset?Q?ok?=", "ok");
}

static const char *
param(const char *value, const char *name)
{
	static char out[1024];
	struct mimeparam p;
	struct span v;

	mimeparam_init(&p, 16);
	assert_int_equal(mimeparam_parse(&p, span_from_cstr(value)), 0);
	v = mimeparam_get(&p, name);
	if (v.p == NULL)
		snprintf(out, sizeof(out), "(none)");
	else
		snprintf(out, sizeof(out), "%.*s", (int)v.len, v.p);
	mimeparam_free(&p);
	return out;
}

static void
test_params(void **state)
{
	struct mimeparam p;

	(void)state;
	mimeparam_init(&p, 8);
	assert_int_equal(mimeparam_parse(&p, span_from_cstr(
	    " Multipart/Mixed ; Boundary=\"a b\" (comment)")), 0);
	assert_string_equal(p.value, "multipart/mixed");
	mimeparam_free(&p);
	assert_string_equal(param("multipart/mixed; boundary=\"a b\"",
	    "boundary"), "a b");
	assert_string_equal(param("text/plain; CHARSET=us-ascii", "charset"),
	    "us-ascii");
	assert_string_equal(param("attachment; filename=\"a\\\"b.exe\"",
	    "filename"), "a\"b.exe");
	/* RFC 2231 examples */
	assert_string_equal(param("message/external-body; access-type=URL; "
	    "URL*0=\"ftp://\"; URL*1=\"cs.utk.edu/pub/moore/bulk-mailer/"
	    "bulk-mailer.tar\"", "url"),
	    "ftp://cs.utk.edu/pub/moore/bulk-mailer/bulk-mailer.tar");
	assert_string_equal(param("application/x-stuff; title*=us-ascii'en-us'"
	    "This%20is%20%2A%2A%2Afun%2A%2A%2A", "title"),
	    "This is ***fun***");
	assert_string_equal(param("application/x-stuff; title*0*=us-ascii'en'"
	    "This%20is%20even%20more%20; title*1*=%2A%2A%2Afun%2A%2A%2A%20; "
	    "title*2=\"isn't it!\"", "title"),
	    "This is even more ***fun*** isn't it!");
	/* sections out of order */
	assert_string_equal(param("attachment; filename*1=\"ce.exe\"; "
	    "filename*0=\"invoi\"", "filename"), "invoice.exe");
	assert_string_equal(param("attachment; filename*=UTF-8''"
	    "%E2%80%AEfdp.exe", "filename"), "\xe2\x80\xae" "fdp.exe");
	assert_string_equal(param("attachment; filename=\"=?UTF-8?B?"
	    "cmVwb3J0LnZicw==?=\"", "filename"), "report.vbs");
	/* first occurrence wins; junk tolerated */
	assert_string_equal(param("multipart/mixed; boundary=one; "
	    "boundary=two", "boundary"), "one");
	/* A missing ';' must not hide a name from inspection. */
	assert_string_equal(param("attachment filename=x.exe", "filename"),
	    "x.exe");
	assert_string_equal(param("attachment;;; filename=x.exe ;",
	    "filename"), "x.exe");
	assert_string_equal(param("attachment; filename=\"unterminated",
	    "filename"), "unterminated");
	/* the parameter bound, at and over */
	mimeparam_init(&p, 2);
	assert_int_equal(mimeparam_parse(&p, span_from_cstr("x/y; a=1; b=2")),
	    0);
	assert_int_equal(p.n, 2);
	assert_int_equal(p.dropped, 0);
	mimeparam_free(&p);
	mimeparam_init(&p, 2);
	assert_int_equal(mimeparam_parse(&p, span_from_cstr("x/y; a=1; b=2; "
	    "c=3")), 0);
	assert_int_equal(p.n, 2);
	assert_int_equal(p.dropped, 1);
	mimeparam_free(&p);
	mimeparam_init(&p, 2);
	assert_int_equal(mimeparam_parse(&p, span_from_cstr("  ")), -1);
	mimeparam_free(&p);
}

static void
addr(const char *value, size_t count, bool clean, const char *first)
{
	struct address_list al;

	address_parse(span_from_cstr(value), &al);
	assert_int_equal(al.count, count);
	assert_int_equal(al.clean, clean);
	if (first != NULL)
		assert_string_equal(al.spec[0], first);
}

static void
test_addresses(void **state)
{
	struct span s;

	(void)state;
	/* RFC 5322 Appendix A */
	addr("John Doe <jdoe@machine.example>", 1, true,
	    "jdoe@machine.example");
	addr("Mary Smith <mary@example.net>, jdoe@example.org, Who? "
	    "<one@y.test>", 3, true, "mary@example.net");
	addr("<boss@nil.test>, \"Giant; \\\"Big\\\" Box\" <sysservices@"
	    "example.net>", 2, true, "boss@nil.test");
	addr("A Group:Ed Jones <c@a.test>,joe@where.test,John <jdoe@one.test>;",
	    3, true, "c@a.test");
	addr("Undisclosed recipients:;", 0, true, NULL);
	addr("Pete(A nice \\) chap) <pete(his account)@silly.test(his host)>",
	    1, true, "pete@silly.test");
	addr("<@route.example:user@example.org>", 1, true,
	    "user@example.org");
	addr("\"quoted local\"@example.org", 1, true,
	    "\"quoted local\"@example.org");
	addr("user@[192.0.2.1]", 1, true, "user@[192.0.2.1]");
	addr("Just A Name", 0, false, NULL);
	addr("", 0, true, NULL);
	addr("a@b.example (unclosed comment", 1, false, "a@b.example");
	s = address_domain(span_from_cstr("a@b@c.example"));
	assert_int_equal(s.len, 9);
	assert_memory_equal(s.p, "c.example", 9);
	s = address_unbracket(span_from_cstr(" <x@y.example> "));
	assert_int_equal(s.len, 11);
}

static void
date_ok(const char *s, time_t want)
{
	time_t t;
	const char *why = NULL;

	assert_int_equal(rfcdate_parse(span_from_cstr(s), &t, &why), 0);
	assert_int_equal(t, want);
}

static void
date_bad(const char *s, const char *reason)
{
	time_t t;
	const char *why = NULL;

	assert_int_equal(rfcdate_parse(span_from_cstr(s), &t, &why), -1);
	assert_string_equal(why, reason);
}

static void
test_dates(void **state)
{
	(void)state;
	/* 2026-11-22 10:00:00 UTC = 1795341600 */
	date_ok("Sun, 22 Nov 2026 10:00:00 +0000", 1795341600);
	date_ok("22 Nov 2026 10:00:00 +0000", 1795341600);
	date_ok("Sun, 22 Nov 2026 05:00:00 -0500", 1795341600);
	date_ok("Sun, 22 Nov 2026 05:00 EST", 1795341600);
	date_ok("22 Nov 26 10:00 GMT", 1795341600);
	date_ok("Sun (day), 22 (of) Nov 2026 10:00:00 (noon) +0000 (UTC)",
	    1795341600);
	date_ok("Sun, 22 Nov 2026 10:00:00 A", 1795341600);	/* military */
	date_ok("Fri, 21 Nov 97 09:55:06 -0600", 880127706);
	date_bad("yesterday", "bad day of week");
	date_bad("Sun, 31 Feb 2026 10:00:00 +0000", "no such day in that month");
	date_bad("Sun, 29 Feb 2026 10:00:00 +0000", "no such day in that month");
	date_bad("Sun, 22 Nov 2026 24:00:00 +0000", "time of day out of range");
	date_bad("Sun, 22 Nov 2026 10:00:00 +2460", "bad time zone");
	date_bad("Sun, 22 Nov 2026 10:00:00", "missing time zone");
	date_bad("Sun, 22 Foo 2026 10:00:00 +0000", "unknown month name");
	date_bad("Sun, 22 Nov 2026 10:00:00 +0000 junk", "junk after the date");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc2047),
		cmocka_unit_test(test_params),
		cmocka_unit_test(test_addresses),
		cmocka_unit_test(test_dates),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
