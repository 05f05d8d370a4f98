/*
 * test_mimeparam.c - Content-Type / Content-Disposition values: RFC 2045
 * and RFC 2231 examples, the tolerance that mail readers show (and that
 * attackers use to hide file names), duplicates, raw bytes kept for
 * boundaries, and every bound at and one over.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "mimeparam.h"

#define FFFD "\xef\xbf\xbd"

static struct mimeparam P;

static int
parse(const char *value, size_t max)
{
	mimeparam_init(&P, max);
	return mimeparam_parse(&P, span_from_cstr(value));
}

static int
parse_lim(const char *value, size_t len, size_t params, size_t sections,
    size_t bytes)
{
	struct mimeparam_limits l = { params, sections, bytes };

	mimeparam_init_limits(&P, &l);
	return mimeparam_parse(&P, (struct span){ value, len });
}

static int
teardown(void **state)
{
	(void)state;
	mimeparam_free(&P);
	return 0;
}

/* Parse value and expect parameter name to read want (NULL: absent). */
static void
param(const char *value, const char *name, const char *want)
{
	struct span v;

	assert_int_equal(parse(value, 16), 0);
	v = mimeparam_get(&P, name);
	if (want == NULL) {
		assert_null(v.p);
		assert_int_equal(v.len, 0);
	} else {
		assert_non_null(v.p);
		if (v.len != strlen(want) || memcmp(v.p, want, v.len) != 0)
			fail_msg("%s: got \"%.*s\", want \"%s\"", value,
			    (int)v.len, v.p, want);
		assert_int_equal(v.p[v.len], '\0');
	}
	mimeparam_free(&P);
}

static void
test_rfc2045(void **state)
{
	(void)state;
	assert_int_equal(parse("text/plain; charset=us-ascii (Plain text)",
	    8), 0);
	assert_string_equal(P.value, "text/plain");
	assert_int_equal(P.n, 1);
	assert_string_equal(P.v[0].name, "charset");
	assert_string_equal(P.v[0].value, "us-ascii");
	mimeparam_free(&P);
	param("text/plain; charset=\"us-ascii\"", "charset", "us-ascii");
	param("TEXT/PLAIN; CHARSET=US-ASCII", "charset", "US-ASCII");
	param("TEXT/PLAIN; CHARSET=US-ASCII", "ChArSeT", "US-ASCII");
	param("text/plain", "charset", NULL);
	assert_int_equal(parse(" Multipart/Mixed ; Boundary=\"a b\" (comment)",
	    8), 0);
	assert_string_equal(P.value, "multipart/mixed");
	assert_string_equal(mimeparam_get(&P, "boundary").p, "a b");
	mimeparam_free(&P);
	param("multipart/mixed; boundary=\"----=_NextPart_000_0012_01D9C5B2."
	    "4F8C3A70\"", "boundary", "----=_NextPart_000_0012_01D9C5B2."
	    "4F8C3A70");
	param("multipart/alternative; boundary=000000000000a4b3c205f0e1d2c3",
	    "boundary", "000000000000a4b3c205f0e1d2c3");
	param("attachment; filename=\"a\\\"b.exe\"", "filename", "a\"b.exe");
	param("attachment; filename=\"a\\\\b\"", "filename", "a\\b");
	param("attachment; filename=\"long\r\n name.pdf\"", "filename",
	    "long name.pdf");
	param("application/octet-stream; name=\"\"", "name", "");
	param("application/octet-stream; name=", "name", "");
}

static void
test_comments(void **state)
{
	(void)state;
	param("text/plain (c1) ; (c2) charset = (c3) \"utf-8\" (c4)",
	    "charset", "utf-8");
	param("text/plain; (a (nested) comment) charset=utf-8", "charset",
	    "utf-8");
	param("text/plain; (a \\) escaped) charset=utf-8", "charset",
	    "utf-8");
	param("text/plain; charset=utf-8(comment)", "charset", "utf-8");
	assert_int_equal(parse("text (x) / (y) plain; a=1", 4), 0);
	assert_string_equal(P.value, "text/plain");
	mimeparam_free(&P);
	assert_int_equal(parse("text/plain; a=1 (unterminated", 4), 0);
	assert_true(P.unterminated);
	assert_string_equal(mimeparam_get(&P, "a").p, "1");
	mimeparam_free(&P);
}

static void
test_rfc2231(void **state)
{
	(void)state;
	/* RFC 2231 section 3 */
	param("message/external-body; access-type=URL; URL*0=\"ftp://\"; "
	    "URL*1=\"cs.utk.edu/pub/moore/bulk-mailer/bulk-mailer.tar\"",
	    "url", "ftp://cs.utk.edu/pub/moore/bulk-mailer/bulk-mailer.tar");
	/* RFC 2231 section 4 */
	param("application/x-stuff; title*=us-ascii'en-us'This%20is%20%2A%2A"
	    "%2Afun%2A%2A%2A", "title", "This is ***fun***");
	/* RFC 2231 section 4.1 */
	param("application/x-stuff; title*0*=us-ascii'en'This%20is%20even%20"
	    "more%20; title*1*=%2A%2A%2Afun%2A%2A%2A%20; title*2=\"isn't it!\"",
	    "title", "This is even more ***fun*** isn't it!");
	/* charsets on file names */
	param("attachment; filename*=UTF-8''%E2%80%AEfdp.exe", "filename",
	    "\xe2\x80\xae" "fdp.exe");
	param("attachment; filename*=iso-8859-1'fr'caf%E9.txt", "filename",
	    "caf\xc3\xa9.txt");
	param("attachment; filename*=utf-8''%E9t%E9.txt", "filename",
	    FFFD "t" FFFD ".txt");
	/* a character split between two sections */
	param("attachment; filename*0*=UTF-8''%E2%80; filename*1*=%AEfdp.exe",
	    "filename", "\xe2\x80\xae" "fdp.exe");
	/* plain sections mixed with extended ones */
	param("attachment; filename*0*=utf-8''caf%C3%A9; filename*1=\" au "
	    "lait.txt\"", "filename", "caf\xc3\xa9 au lait.txt");
	/* tolerated: no charset'lang' prefix, one quote, empty charset */
	param("attachment; filename*=caf%C3%A9.txt", "filename",
	    "caf\xc3\xa9.txt");
	param("attachment; filename*=utf-8'caf%C3%A9.txt", "filename",
	    "caf\xc3\xa9.txt");
	param("attachment; filename*=''abc", "filename", "abc");
	param("attachment; filename*=utf-8''100%", "filename", "100%");
	param("attachment; filename*=utf-8''%zz%4", "filename", "%zz%4");
	/* a NUL cannot cut a file name short */
	param("attachment; filename*=utf-8''evil.exe%00.pdf", "filename",
	    "evil.exe" FFFD ".pdf");
}

static void
test_sections(void **state)
{
	(void)state;
	/* out of order */
	param("attachment; filename*1=\"ce.exe\"; filename*0=\"invoi\"",
	    "filename", "invoice.exe");
	param("attachment; name*2=c; name*0=a; name*1=b", "name", "abc");
	/* missing sections tolerated, flagged */
	assert_int_equal(parse("attachment; filename*0=\"a\"; filename*2="
	    "\"c\"", 4), 0);
	assert_string_equal(mimeparam_get(&P, "filename").p, "ac");
	assert_true(P.gaps);
	mimeparam_free(&P);
	assert_int_equal(parse("attachment; filename*1=\"b.exe\"", 4), 0);
	assert_string_equal(mimeparam_get(&P, "filename").p, "b.exe");
	assert_true(P.gaps);
	mimeparam_free(&P);
	/* a repeated section: the first wins */
	assert_int_equal(parse("x/y; n*0=a; n*0=b; n*1=c", 4), 0);
	assert_string_equal(mimeparam_get(&P, "n").p, "ac");
	assert_int_equal(P.sections_dropped, 1);
	assert_false(P.gaps);
	mimeparam_free(&P);
	/* "n*" is section 0 too */
	assert_int_equal(parse("x/y; n*=utf-8''a; n*0*=utf-8''b", 4), 0);
	assert_string_equal(mimeparam_get(&P, "n").p, "a");
	assert_int_equal(P.sections_dropped, 1);
	mimeparam_free(&P);
	/* leading zeros tolerated */
	param("x/y; n*00=a; n*01=b", "n", "ab");
	/* junk suffixes */
	assert_int_equal(parse("x/y; n*x=1; *0=2; n*1*2=3", 4), 0);
	assert_int_equal(P.junk, 3);
	assert_int_equal(P.n, 0);
	mimeparam_free(&P);
}

static void
test_rfc2047_in_values(void **state)
{
	(void)state;
	param("attachment; filename=\"=?UTF-8?B?cmVwb3J0LnZicw==?=\"",
	    "filename", "report.vbs");
	param("application/octet-stream; name=\"=?iso-8859-1?Q?caf=E9?= "
	    "=?iso-8859-1?Q?.exe?=\"", "name", "caf\xc3\xa9.exe");
	param("attachment; filename==?utf-8?q?x.exe?=", "filename", "x.exe");
	/* raw 8-bit bytes in a file name */
	param("attachment; filename=\"\xe9t\xe9.txt\"", "filename",
	    FFFD "t" FFFD ".txt");
	param("attachment; filename=\"caf\xc3\xa9.txt\"", "filename",
	    "caf\xc3\xa9.txt");
	/* other values keep their bytes: boundaries must match exactly */
	param("multipart/mixed; boundary=\"=?us-ascii?q?X?=\"", "boundary",
	    "=?us-ascii?q?X?=");
	param("multipart/mixed; boundary=\"\xff\xfe-b\"", "boundary",
	    "\xff\xfe-b");
	param("multipart/mixed; boundary*=utf-8''%FFx", "boundary", "\xffx");
}

static void
test_nul(void **state)
{
	static const char v[] = "attachment; filename=\"a\0b\"; x=\"c\0d\"";
	struct span s;

	(void)state;
	assert_int_equal(parse_lim(v, sizeof(v) - 1, 8, 8, 100), 0);
	s = mimeparam_get(&P, "filename");
	assert_int_equal(s.len, 5);
	assert_memory_equal(s.p, "a" FFFD "b", 5);
	s = mimeparam_get(&P, "x");
	assert_int_equal(s.len, 3);
	assert_memory_equal(s.p, "c\0d", 3);
	mimeparam_free(&P);
}

static void
test_duplicates(void **state)
{
	(void)state;
	/* first wins */
	assert_int_equal(parse("multipart/mixed; boundary=one; boundary=two",
	    8), 0);
	assert_string_equal(mimeparam_get(&P, "boundary").p, "one");
	assert_int_equal(P.n, 2);
	assert_int_equal(P.duplicates, 1);
	assert_false(P.v[0].duplicate);
	assert_true(P.v[1].duplicate);
	assert_string_equal(P.v[1].value, "two");
	mimeparam_free(&P);
	param("attachment; FILENAME=a.pdf; filename=b.exe", "filename",
	    "a.pdf");
	/* the RFC 2231 form wins over the plain one, whatever the order */
	assert_int_equal(parse("attachment; filename=\"a.pdf\"; "
	    "filename*=UTF-8''b.exe", 8), 0);
	assert_string_equal(mimeparam_get(&P, "filename").p, "b.exe");
	assert_int_equal(P.n, 2);
	assert_int_equal(P.duplicates, 0);
	assert_false(P.v[0].extended);
	assert_true(P.v[1].extended);
	mimeparam_free(&P);
	param("attachment; filename*=UTF-8''b.exe; filename=\"a.pdf\"",
	    "filename", "b.exe");
}

static void
test_junk(void **state)
{
	(void)state;
	/* A missing ';' must not hide a name from inspection. */
	assert_int_equal(parse("attachment filename=x.exe", 4), 0);
	assert_string_equal(P.value, "attachment");
	assert_string_equal(mimeparam_get(&P, "filename").p, "x.exe");
	assert_true(P.missing_semicolon);
	mimeparam_free(&P);
	param("attachment; filename=x.exe size=10", "filename", "x.exe");
	param("attachment; filename=x.exe size=10", "size", "10");
	param("attachment; filename=\"a.pdf\"name=\"b.exe\"", "name", "b.exe");
	param("attachment;;; filename=x.exe ;", "filename", "x.exe");
	param("attachment; filename=my file.exe", "filename", "my file.exe");
	param("attachment; filename=my file.exe ; size=1", "filename",
	    "my file.exe");
	param("attachment; filename=my\r\n file.exe", "filename",
	    "my file.exe");
	param("attachment; filename=\"unterminated", "filename",
	    "unterminated");
	param("attachment; filename=\"unterminated\\", "filename",
	    "unterminated\\");
	param("attachment; filename = x.exe", "filename", "x.exe");
	/* control bytes are in no name: they separate (found by fuzzing) */
	param("attachment;\x01" "filename=x.exe", "filename", "x.exe");
	param("attachment; file\x7fname=x.exe; name=y", "name", "x.exe");
	param("attachment; filename=a\"b\".exe", "filename", "a\"b\".exe");
	assert_int_equal(parse("attachment; foo; =x; \"q\"; filename=y", 8),
	    0);
	assert_int_equal(P.junk, 3);
	assert_string_equal(mimeparam_get(&P, "filename").p, "y");
	mimeparam_free(&P);
}

/* Junk after the token: lexed by default, skipped to the next ';' as
 * GMime does (a quote in it opens no quoted string). */
static void
test_token_junk(void **state)
{
	const char *v = "application/x\x83\"junk; name=\"safe.txt\"; "
	    "name*=utf-8''evil.exe";

	(void)state;
	assert_int_equal(parse("text/plain; name=a.txt", 4), 0);
	assert_false(P.token_junk);
	assert_false(mimeparam_irregular(&P));
	mimeparam_free(&P);
	assert_int_equal(parse("text/plain (c) ; name=a.txt", 4), 0);
	assert_false(P.token_junk);
	mimeparam_free(&P);
	assert_int_equal(parse(v, 8), 0);
	assert_true(P.token_junk);
	assert_true(mimeparam_irregular(&P));
	assert_null(mimeparam_get(&P, "name").p);
	mimeparam_free(&P);
	mimeparam_init(&P, 8);
	P.junk_to_semi = true;
	assert_int_equal(mimeparam_parse(&P, span_from_cstr(v)), 0);
	assert_true(P.token_junk);
	assert_string_equal(P.value, "application/x\x83");
	assert_int_equal(P.n, 2);
	assert_string_equal(P.v[0].value, "safe.txt");
	assert_string_equal(mimeparam_get(&P, "name").p, "evil.exe");
	mimeparam_free(&P);
	/* GMime: a value not quoted runs to the next ';', an open comment
	 * and quotes in it too */
	mimeparam_init(&P, 8);
	P.junk_to_semi = true;
	assert_int_equal(mimeparam_parse(&P, span_from_cstr("text/plain; "
	    "charset=us-a(x\"y: ; name=\"evil.exe\"")), 0);
	assert_string_equal(mimeparam_get(&P, "charset").p, "us-a(x\"y:");
	assert_string_equal(mimeparam_get(&P, "name").p, "evil.exe");
	mimeparam_free(&P);
	assert_int_equal(parse("text/plain; charset=us-a(x\"y: ; "
	    "name=\"evil.exe\"", 8), 0);
	assert_null(mimeparam_get(&P, "name").p);
	assert_true(mimeparam_irregular(&P));
	mimeparam_free(&P);
	/* no ';' after the junk: no parameter at all */
	mimeparam_init(&P, 8);
	P.junk_to_semi = true;
	assert_int_equal(mimeparam_parse(&P,
	    span_from_cstr("attachment filename=x.exe")), 0);
	assert_int_equal(P.n, 0);
	mimeparam_free(&P);
	/* GMime does not skip a comment that runs to the end: a value
	 * starts at its '(' (name "(evil.exe"), and no parameter follows
	 * one where a name belongs */
	mimeparam_init(&P, 8);
	P.junk_to_semi = true;
	assert_int_equal(mimeparam_parse(&P, span_from_cstr(
	    "application/octet-stream; name=(evil.exe")), 0);
	assert_string_equal(mimeparam_get(&P, "name").p, "(evil.exe");
	assert_true(P.unterminated);
	mimeparam_free(&P);
	mimeparam_init(&P, 8);
	P.junk_to_semi = true;
	assert_int_equal(mimeparam_parse(&P, span_from_cstr(
	    "application/octet-stream; (x name=evil.exe")), 0);
	assert_int_equal(P.n, 0);
	mimeparam_free(&P);
	/* nor one after a value that no ';' follows: "ev", not "evil.exe" */
	mimeparam_init(&P, 8);
	P.junk_to_semi = true;
	assert_int_equal(mimeparam_parse(&P, span_from_cstr(
	    "application/x-foo; name*0=\"ev\"; x=\"y\"\xa0; "
	    "name*1=\"il.exe\"")), 0);
	assert_string_equal(mimeparam_get(&P, "name").p, "ev");
	assert_true(P.missing_semicolon);
	mimeparam_free(&P);
	/* the others skip it, to the end: an empty name */
	assert_int_equal(parse("application/octet-stream; name=(evil.exe",
	    8), 0);
	assert_string_equal(mimeparam_get(&P, "name").p, "");
	assert_true(mimeparam_irregular(&P));
	mimeparam_free(&P);
}

/* A media type as GMime reads it: ttoken runs around '/', or nothing. */
static void
test_gmime_type(void **state)
{
	static const struct {
		const char *in, *want;	/* want NULL: type_failed */
	} t[] = {
		{ "multipart/mixed; boundary=b", "multipart/mixed" },
		{ "Text / Plain ; name=a", "text/plain" },
		{ "multipart/]mixed; boundary=b", NULL },
		{ "mult]ipart/mixed", NULL },
		{ "multipart/mi]xed; boundary=b", "multipart/mi" },
		{ "application/x\x83y; name=a", "application/x\x83y" },
		{ "text", NULL },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		mimeparam_init(&P, 8);
		P.gmime_type = P.junk_to_semi = true;
		(void)mimeparam_parse(&P, span_from_cstr(t[i].in));
		if (t[i].want == NULL) {
			assert_true(P.type_failed);
			assert_int_equal(P.n, 0);
		} else {
			assert_false(P.type_failed);
			assert_string_equal(P.value, t[i].want);
		}
		mimeparam_free(&P);
	}
	/* the default reading flags a tspecial inside the token */
	assert_int_equal(parse("multipart/]mixed; boundary=b", 8), 0);
	assert_string_equal(P.value, "multipart/]mixed");
	assert_true(P.token_junk);
	mimeparam_free(&P);
}

/* A NUL in a name, plain or RFC 2231: flagged; cut with nul_cut. */
static void
test_name_nul(void **state)
{
	const char *v[] = {
		"attachment; filename=\"=?x?B?ZXZpbC5leGUALnR4dA==?=\"",
		"attachment; filename*=x-junk''evil.exe%00.txt",
	};

	(void)state;
	for (size_t i = 0; i < 2; i++) {
		assert_int_equal(parse(v[i], 8), 0);
		assert_true(P.name_nul);
		assert_true(mimeparam_irregular(&P));
		assert_string_equal(mimeparam_get(&P, "filename").p,
		    "evil.exe" FFFD ".txt");
		mimeparam_free(&P);
		mimeparam_init(&P, 8);
		P.nul_cut = true;
		assert_int_equal(mimeparam_parse(&P, span_from_cstr(v[i])), 0);
		assert_string_equal(mimeparam_get(&P, "filename").p,
		    "evil.exe");
		mimeparam_free(&P);
	}
	assert_int_equal(parse("attachment; filename=a.txt", 8), 0);
	assert_false(P.name_nul);
	mimeparam_free(&P);
}

static void
test_token(void **state)
{
	char big[MIMEPARAM_TOKEN_MAX + 8];

	(void)state;
	assert_int_equal(parse("inline", 4), 0);
	assert_string_equal(P.value, "inline");
	assert_int_equal(P.n, 0);
	mimeparam_free(&P);
	assert_int_equal(parse("", 4), -1);
	mimeparam_free(&P);
	assert_int_equal(parse("  ", 4), -1);
	mimeparam_free(&P);
	assert_int_equal(parse(" (only a comment) ", 4), -1);
	mimeparam_free(&P);
	assert_int_equal(parse(";;", 4), -1);
	mimeparam_free(&P);
	/* no token, but a parameter: not lost */
	assert_int_equal(parse("filename=x.exe", 4), 0);
	assert_string_equal(P.value, "");
	assert_string_equal(mimeparam_get(&P, "filename").p, "x.exe");
	mimeparam_free(&P);
	assert_int_equal(parse("; name=x.exe", 4), 0);
	assert_string_equal(P.value, "");
	assert_false(P.missing_semicolon);
	mimeparam_free(&P);
	/* the token bound, at and over */
	memset(big, 'a', MIMEPARAM_TOKEN_MAX);
	big[MIMEPARAM_TOKEN_MAX] = '\0';
	assert_int_equal(parse(big, 4), 0);
	assert_int_equal(strlen(P.value), MIMEPARAM_TOKEN_MAX);
	assert_false(P.token_truncated);
	mimeparam_free(&P);
	big[MIMEPARAM_TOKEN_MAX] = 'b';
	big[MIMEPARAM_TOKEN_MAX + 1] = '\0';
	assert_int_equal(parse(big, 4), 0);
	assert_int_equal(strlen(P.value), MIMEPARAM_TOKEN_MAX);
	assert_true(P.token_truncated);
	mimeparam_free(&P);
}

static void
test_param_bound(void **state)
{
	(void)state;
	assert_int_equal(parse("x/y; a=1; b=2", 2), 0);
	assert_int_equal(P.n, 2);
	assert_int_equal(P.dropped, 0);
	mimeparam_free(&P);
	assert_int_equal(parse("x/y; a=1; b=2; c=3", 2), 0);
	assert_int_equal(P.n, 2);
	assert_int_equal(P.dropped, 1);
	assert_null(mimeparam_get(&P, "c").p);
	mimeparam_free(&P);
	assert_int_equal(parse("x/y; a=1", 0), 0);
	assert_int_equal(P.n, 0);
	assert_int_equal(P.dropped, 1);
	mimeparam_free(&P);
	/* a group of sections is one parameter */
	assert_int_equal(parse("x/y; a*0=1; a*1=2; b=3", 2), 0);
	assert_int_equal(P.n, 2);
	assert_string_equal(mimeparam_get(&P, "a").p, "12");
	mimeparam_free(&P);
}

static void
test_section_bound(void **state)
{
	const char *v3 = "x/y; n*0=a; n*1=b; n*2=c";
	const char *v4 = "x/y; n*0=a; n*1=b; n*2=c; n*3=d";
	const char *huge = "x/y; n*0=a; n*99999999999999999999999=b";

	(void)state;
	assert_int_equal(parse_lim(v3, strlen(v3), 4, 3, 100), 0);
	assert_string_equal(mimeparam_get(&P, "n").p, "abc");
	assert_int_equal(P.sections_dropped, 0);
	mimeparam_free(&P);
	assert_int_equal(parse_lim(v4, strlen(v4), 4, 3, 100), 0);
	assert_string_equal(mimeparam_get(&P, "n").p, "abc");
	assert_int_equal(P.sections_dropped, 1);
	mimeparam_free(&P);
	assert_int_equal(parse_lim(huge, strlen(huge), 4, 0, 100), 0);
	assert_string_equal(mimeparam_get(&P, "n").p, "a");
	assert_int_equal(P.sections_dropped, 1);
	assert_int_equal(P.max_sections, MIMEPARAM_SECTIONS);
	mimeparam_free(&P);
}

static void
test_value_bound(void **state)
{
	const char *v5 = "x/y; name=\"abcde\"; b=abcde";
	const char *v6 = "x/y; name=\"abcdef\"; b=abcdef";
	const char *u = "x/y; name=\"abcd\xc3\xa9\"";
	const char *e6 = "x/y; name*=utf-8''abcdef";

	(void)state;
	assert_int_equal(parse_lim(v5, strlen(v5), 4, 4, 5), 0);
	assert_string_equal(mimeparam_get(&P, "name").p, "abcde");
	assert_string_equal(mimeparam_get(&P, "b").p, "abcde");
	assert_int_equal(P.truncated, 0);
	mimeparam_free(&P);
	assert_int_equal(parse_lim(v6, strlen(v6), 4, 4, 5), 0);
	assert_string_equal(mimeparam_get(&P, "name").p, "abcde");
	assert_string_equal(mimeparam_get(&P, "b").p, "abcde");
	assert_int_equal(P.truncated, 2);
	mimeparam_free(&P);
	/* cut on a character boundary */
	assert_int_equal(parse_lim(u, strlen(u), 4, 4, 5), 0);
	assert_string_equal(mimeparam_get(&P, "name").p, "abcd");
	assert_int_equal(P.truncated, 1);
	mimeparam_free(&P);
	assert_int_equal(parse_lim(e6, strlen(e6), 4, 4, 5), 0);
	assert_string_equal(mimeparam_get(&P, "name").p, "abcde");
	assert_int_equal(P.truncated, 1);
	mimeparam_free(&P);
	assert_int_equal(parse_lim(e6, strlen(e6), 4, 4, 6), 0);
	assert_string_equal(mimeparam_get(&P, "name").p, "abcdef");
	assert_int_equal(P.truncated, 0);
	mimeparam_free(&P);
}

static void
test_name_bound(void **state)
{
	char v[MIMEPARAM_NAME_MAX + 32];
	size_t n;

	(void)state;
	memcpy(v, "x/y; ", 5);
	memset(v + 5, 'n', MIMEPARAM_NAME_MAX);
	n = 5 + MIMEPARAM_NAME_MAX;
	memcpy(v + n, "=1", 3);
	assert_int_equal(parse(v, 4), 0);
	assert_int_equal(P.n, 1);
	assert_int_equal(strlen(P.v[0].name), MIMEPARAM_NAME_MAX);
	mimeparam_free(&P);
	memset(v + 5, 'n', MIMEPARAM_NAME_MAX + 1);
	memcpy(v + n + 1, "=1", 3);
	assert_int_equal(parse(v, 4), 0);
	assert_int_equal(P.n, 0);
	assert_int_equal(P.junk, 1);
	mimeparam_free(&P);
}

static void
test_comment_depth(void **state)
{
	char v[3 * MIMEPARAM_COMMENT_DEPTH + 64];
	size_t n;

	(void)state;
	for (size_t over = 0; over < 2; over++) {
		size_t depth = MIMEPARAM_COMMENT_DEPTH + over;

		n = 0;
		memcpy(v, "x/y; ", 5);
		n = 5;
		for (size_t i = 0; i < depth; i++)
			v[n++] = '(';
		for (size_t i = 0; i < depth; i++)
			v[n++] = ')';
		memcpy(v + n, " a=1", 5);
		assert_int_equal(parse(v, 4), 0);
		assert_string_equal(mimeparam_get(&P, "a").p, "1");
		assert_int_equal(P.deep_comments, over);
		assert_false(P.unterminated);
		mimeparam_free(&P);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_rfc2045, teardown),
		cmocka_unit_test_teardown(test_comments, teardown),
		cmocka_unit_test_teardown(test_rfc2231, teardown),
		cmocka_unit_test_teardown(test_sections, teardown),
		cmocka_unit_test_teardown(test_rfc2047_in_values, teardown),
		cmocka_unit_test_teardown(test_nul, teardown),
		cmocka_unit_test_teardown(test_duplicates, teardown),
		cmocka_unit_test_teardown(test_junk, teardown),
		cmocka_unit_test_teardown(test_token, teardown),
		cmocka_unit_test_teardown(test_token_junk, teardown),
		cmocka_unit_test_teardown(test_name_nul, teardown),
		cmocka_unit_test_teardown(test_gmime_type, teardown),
		cmocka_unit_test_teardown(test_param_bound, teardown),
		cmocka_unit_test_teardown(test_section_bound, teardown),
		cmocka_unit_test_teardown(test_value_bound, teardown),
		cmocka_unit_test_teardown(test_name_bound, teardown),
		cmocka_unit_test_teardown(test_comment_depth, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
