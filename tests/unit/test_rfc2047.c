/*
 * test_rfc2047.c - encoded-words: the RFC 2047 section 8 examples, cases
 * in the style of Python's email test-suite (split characters, glued
 * words, broken words), charsets through iconv and the fast paths, U+FFFD
 * substitution per maximal subpart, unfolding, the word bound and the
 * charset-name bound at and over, and cutting at the output maximum.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "rfc2047.h"

#define FFFD "\xef\xbf\xbd"

/* Decode in (length n) with a word bound and an output maximum. */
static int
dec_n(const char *in, size_t n, size_t max_words, size_t max, struct buf *b,
    struct rfc2047_stats *st)
{
	buf_init(b, max);
	return rfc2047_decode_full((struct span){ in, n }, max_words, b, st);
}

static struct rfc2047_stats
dec(const char *in, const char *want)
{
	struct rfc2047_stats st;
	struct buf b;

	assert_int_equal(dec_n(in, strlen(in), SIZE_MAX, 4096, &b,
	    &st), 0);
	assert_non_null(b.data);
	assert_string_equal(b.data, want);
	assert_int_equal(b.len, strlen(want));
	buf_free(&b);
	return st;
}

static void
test_rfc_examples(void **state)
{
	struct rfc2047_stats st;

	(void)state;
	/* RFC 2047 section 8, the header examples */
	dec("=?US-ASCII?Q?Keith_Moore?= <moore@cs.utk.edu>",
	    "Keith Moore <moore@cs.utk.edu>");
	dec("=?ISO-8859-1?Q?Keld_J=F8rn_Simonsen?= <keld@dkuug.dk>",
	    "Keld J\xc3\xb8rn Simonsen <keld@dkuug.dk>");
	dec("=?ISO-8859-1?Q?Andr=E9?= Pirard <PIRARD@vm1.ulg.ac.be>",
	    "Andr\xc3\xa9 Pirard <PIRARD@vm1.ulg.ac.be>");
	st = dec("=?ISO-8859-1?B?SWYgeW91IGNhbiByZWFkIHRoaXMgeW8=?=\r\n"
	    "    =?ISO-8859-2?B?dSB1bmRlcnN0YW5kIHRoZSBleGFtcGxlLg==?=",
	    "If you can read this you understand the example.");
	assert_int_equal(st.words, 2);
	dec("Nathaniel Borenstein <nsb@thumper.bellcore.com>\r\n"
	    "    (=?iso-8859-8?b?7eXs+SDv4SDp7Oj08A==?=)",
	    "Nathaniel Borenstein <nsb@thumper.bellcore.com>    ("
	    "\xd7\x9d\xd7\x95\xd7\x9c\xd7\xa9 \xd7\x9f\xd7\x91 \xd7\x99"
	    "\xd7\x9c\xd7\x98\xd7\xa4\xd7\xa0)");
	/* RFC 2047 section 8, the white space table */
	dec("(=?ISO-8859-1?Q?a?=)", "(a)");
	dec("(=?ISO-8859-1?Q?a?= b)", "(a b)");
	dec("(=?ISO-8859-1?Q?a?= =?ISO-8859-1?Q?b?=)", "(ab)");
	dec("(=?ISO-8859-1?Q?a?=  =?ISO-8859-1?Q?b?=)", "(ab)");
	dec("(=?ISO-8859-1?Q?a?=\r\n    =?ISO-8859-1?Q?b?=)", "(ab)");
	dec("(=?ISO-8859-1?Q?a_b?=)", "(a b)");
	dec("(=?ISO-8859-1?Q?a?= =?ISO-8859-2?Q?_b?=)", "(a b)");
	/* RFC 2231 section 5: a language after the charset */
	dec("=?US-ASCII*EN?Q?Keith_Moore?=", "Keith Moore");
	dec("=?utf-8*en-us?q?x?=", "x");
}

static void
test_real_world(void **state)
{
	struct rfc2047_stats st;

	(void)state;
	dec("=?UTF-8?B?R3LDvMOfZSBhdXMgS8O2bG4=?=",
	    "Gr\xc3\xbc\xc3\x9f" "e aus K\xc3\xb6ln");
	dec("=?utf-8?q?=E2=80=9Cquoted=E2=80=9D?=",
	    "\xe2\x80\x9cquoted\xe2\x80\x9d");
	dec("=?utf-8?Q?=c3=a9t=c3=a9?=", "\xc3\xa9t\xc3\xa9");
	dec("=?iso-2022-jp?b?GyRCRnxLXDhsGyhC?=",
	    "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e");
	dec("=?GB2312?B?xOO6ww==?=", "\xe4\xbd\xa0\xe5\xa5\xbd");
	dec("=?koi8-r?B?8NLJ18XU?=",
	    "\xd0\x9f\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82");
	dec("=?windows-1252?Q?=80_100?=", "\xe2\x82\xac 100");
	dec("=?cp1252?q?Gr=FC=DFe?=", "Gr\xc3\xbc\xc3\x9f" "e");
	dec("=?latin1?q?caf=E9?=", "caf\xc3\xa9");
	/* a character split across two words (Outlook, Gmail) */
	dec("=?utf-8?B?4oA=?= =?utf-8?B?nA==?=", "\xe2\x80\x9c");
	dec("=?UTF-8?B?4oA=?=\r\n =?utf-8?B?nA==?=", "\xe2\x80\x9c");
	/* ... but not across charsets */
	st = dec("=?utf-8?B?4oA=?= =?iso-8859-1?q?a?=", FFFD "a");
	assert_int_equal(st.replaced, 1);
	/* words glued to text, as spam writes them */
	dec("foo=?utf-8?q?bar?=baz", "foobarbaz");
	dec("=?utf-8?q?a?= x =?utf-8?q?b?=", "a x b");
	dec("=?utf-8?q?a?=  ", "a  ");
	dec("  =?utf-8?q?a?=", "  a");
	/* '?' inside Q text and an empty text are tolerated */
	dec("=?utf-8?q?a?b?=", "a?b");
	dec("=?utf-8?q?\?=", "");
	dec("=?utf-8?q?100=?=", "100=");
	dec("=?utf-8?q?=4?=", "=4");
	/* lenient base64 inside a word */
	dec("=?utf-8?b?Zm9v!?=", "foo");
	dec("=?utf-8?b?Zm9vYg?=", "foob");
	/* decoded NUL and raw NUL cannot reach a C string */
	st = dec("=?utf-8?q?a=00b?=", "a" FFFD "b");
	assert_int_equal(st.replaced, 1);
	/* plain text and raw UTF-8 (RFC 6532) pass */
	dec("", "");
	dec("Hello", "Hello");
	dec("caf\xc3\xa9", "caf\xc3\xa9");
}

static void
test_malformed(void **state)
{
	struct rfc2047_stats st;

	(void)state;
	st = dec("=?UTF-8?X?bad?=", "=?UTF-8?X?bad?=");
	assert_int_equal(st.malformed, 1);
	assert_int_equal(st.words, 0);
	dec("=?UTF-8?Q?unterminated", "=?UTF-8?Q?unterminated");
	dec("=??q?x?=", "=??q?x?=");
	dec("=?*en?q?x?=", "=?*en?q?x?=");
	/* white space inside a word's text: decoded, as Python's email and
	 * GMime decode it (a word left as text would hide a name) */
	dec("=?utf-8?q?a b?=", "a b");
	dec("=?utf-8?B?ZXZp bC5l<eGU=?=", "evil.exe");
	dec("=?utf-8?qq?x?=", "=?utf-8?qq?x?=");
	dec("=?utf-8?", "=?utf-8?");
	dec("=?", "=?");
	dec("=", "=");
	/* a charset with '/' never reaches iconv ("//TRANSLIT") */
	dec("=?utf-8//TRANSLIT?q?x?=", "=?utf-8//TRANSLIT?q?x?=");
	/* a word's text runs to the first "?=", another word's start in it
	 * (Python's email and GMime read it so) */
	st = dec("=?utf-8?q?no end =?utf-8?q?ok?=", "no end =?utf-8?q?ok");
	assert_int_equal(st.malformed, 0);
	assert_int_equal(st.words, 1);
	/* a broken word, then a good one */
	st = dec("=?utf-8?x?no end =?utf-8?q?ok?=", "=?utf-8?x?no end ok");
	assert_int_equal(st.malformed, 1);
	assert_int_equal(st.words, 1);
}

static void
test_charsets(void **state)
{
	struct rfc2047_stats st;

	(void)state;
	st = dec("=?no-such-charset?Q?ok?=", "ok");
	assert_int_equal(st.unknown_charset, 1);
	st = dec("=?x-unknown?q?caf=E9?=", "caf" FFFD);
	assert_int_equal(st.unknown_charset, 1);
	assert_int_equal(st.replaced, 1);
	/* refused converters: EBCDIC, JIS X 0213 */
	st = dec("=?ibm037?q?=C1?=", FFFD);
	assert_int_equal(st.unknown_charset, 1);
	st = dec("=?ISO-2022-JP-3?q?x?=", "x");
	assert_int_equal(st.unknown_charset, 1);
	/* a name of characters iconv must not see */
	st = dec("=?utf{8}?q?x?=", "x");
	assert_int_equal(st.unknown_charset, 1);
	/* bytes iconv rejects, and a sequence cut at the end */
	st = dec("=?euc-jp?q?a=FF=FFb?=", "a" FFFD FFFD "b");
	assert_int_equal(st.replaced, 2);
	st = dec("=?shift_jis?q?a=82?=", "a" FFFD);
	assert_int_equal(st.replaced, 1);
	dec("=?shift_jis?b?gqCCog==?=", "\xe3\x81\x82\xe3\x81\x84");
	/* us-ascii mislabelling UTF-8 keeps what decodes */
	dec("=?us-ascii?q?caf=C3=A9?=", "caf\xc3\xa9");
	dec("=?us-ascii?q?caf=E9?=", "caf" FFFD);
	dec("=?UTF-16LE?b?YQBiAA==?=", "ab");
}

/* The charset name bound: RFC2047_CHARSET_MAX bytes and one more. */
static void
test_charset_bound(void **state)
{
	char in[RFC2047_CHARSET_MAX + 32];
	struct rfc2047_stats st;
	struct buf b;
	size_t n;

	(void)state;
	memcpy(in, "=?", 2);
	memset(in + 2, 'a', RFC2047_CHARSET_MAX);
	n = 2 + RFC2047_CHARSET_MAX;
	memcpy(in + n, "?q?x?=", 6);
	n += 6;
	assert_int_equal(dec_n(in, n, 10, 1000, &b, &st), 0);
	assert_string_equal(b.data, "x");
	assert_int_equal(st.words, 1);
	buf_free(&b);

	memcpy(in, "=?", 2);
	memset(in + 2, 'a', RFC2047_CHARSET_MAX + 1);
	n = 2 + RFC2047_CHARSET_MAX + 1;
	memcpy(in + n, "?q?x?=", 6);
	n += 6;
	/* One over: still a word, in an unknown charset read as UTF-8 (a
	 * word left as text would hide the name it spells, found by
	 * fuzz_gmime_diff). */
	assert_int_equal(dec_n(in, n, 10, 1000, &b, &st), 0);
	assert_string_equal(b.data, "x");
	assert_int_equal(st.words, 1);
	assert_int_equal(st.unknown_charset, 1);
	buf_free(&b);

	/* 8-bit bytes in a charset name: an unknown charset too */
	assert_int_equal(dec_n("=?utf-8?Q?ev?= =?\xff\xffutf-8?Q?il.exe?=",
	    35, 10, 1000, &b, &st), 0);
	assert_string_equal(b.data, "evil.exe");
	buf_free(&b);
	/* specials in it: no word */
	assert_int_equal(dec_n("=?a(b?q?x?=", 11, 10, 1000, &b, &st), 0);
	assert_string_equal(b.data, "=?a(b?q?x?=");
	assert_int_equal(st.malformed, 1);
	buf_free(&b);
}

/* A NUL in a name: U+FFFD, or the end for C-string readers. */
static void
test_cut_nul(void **state)
{
	const char *v = "=?x-junk?B?ZXZpbC5leGUALnR4dA==?=";	/* evil.exe\0.txt */
	struct buf b;
	size_t nuls = 9;

	(void)state;
	buf_init(&b, 64);
	assert_int_equal(rfc2047_decode_flags(span_from_cstr(v), 0, &b,
	    &nuls), 0);
	assert_string_equal(b.data, "evil.exe" FFFD ".txt");
	assert_int_equal(nuls, 1);
	buf_free(&b);
	buf_init(&b, 64);
	assert_int_equal(rfc2047_decode_flags(span_from_cstr(v),
	    RFC2047_CUT_NUL, &b, &nuls), 0);
	assert_string_equal(b.data, "evil.exe");
	assert_int_equal(nuls, 1);
	buf_free(&b);
	/* a raw NUL in the text, and words after it: all dropped */
	buf_init(&b, 64);
	assert_int_equal(rfc2047_decode_flags((struct span){
	    "a.exe\0b =?utf-8?q?c?=", 21 }, RFC2047_CUT_NUL, &b, &nuls), 0);
	assert_string_equal(b.data, "a.exe");
	buf_free(&b);
	buf_init(&b, 64);
	assert_int_equal(rfc2047_decode_flags(span_from_cstr("plain.txt"),
	    RFC2047_CUT_NUL | RFC2047_JOINED, &b, &nuls), 0);
	assert_string_equal(b.data, "plain.txt");
	assert_int_equal(nuls, 0);
	buf_free(&b);
}

/* MIME-tools' reading: a word with white space in its text is text. */
static void
test_strict_ws(void **state)
{
	struct rfc2047_stats st;
	struct buf b;

	(void)state;
	buf_init(&b, 64);
	assert_int_equal(rfc2047_decode_stats(span_from_cstr(
	    "=?utf-8?B?ZXZp bC5l<eGU=?="), 0, &b, &st), 0);
	assert_string_equal(b.data, "evil.exe");
	assert_int_equal(st.ws_words, 1);
	buf_free(&b);
	buf_init(&b, 64);
	assert_int_equal(rfc2047_decode_stats(span_from_cstr(
	    "=?utf-8?B?ZXZp bC5l<eGU=?="), RFC2047_STRICT_WS, &b, &st), 0);
	assert_string_equal(b.data, "=?utf-8?B?ZXZp bC5l<eGU=?=");
	assert_int_equal(st.ws_words, 0);
	buf_free(&b);
	/* folded base64 is no white space word, in either reading */
	buf_init(&b, 64);
	assert_int_equal(rfc2047_decode_stats(span_from_cstr(
	    "=?utf-8?B?ZXZp bC5leGU=?="), RFC2047_STRICT_WS, &b, &st), 0);
	assert_string_equal(b.data, "evil.exe");
	assert_int_equal(st.ws_words, 0);
	buf_free(&b);
}

/* GMime's reading: a charset is any bytes up to the next '?'. */
static void
test_joined_charset(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b, 64);
	assert_int_equal(rfc2047_decode_joined(span_from_cstr(
	    "=?utf-8?Q?ev?= =?a b(c?Q?il.exe?="), &b), 0);
	assert_string_equal(b.data, "evil.exe");
	buf_free(&b);
	buf_init(&b, 64);
	assert_int_equal(rfc2047_decode(span_from_cstr(
	    "=?utf-8?Q?ev?= =?a b(c?Q?il.exe?="), &b), 0);
	assert_string_equal(b.data, "ev =?a b(c?Q?il.exe?=");
	buf_free(&b);
}

/* GMime's reading drops an unpadded last group of a B run: "evil.e"
 * where a lenient reader shows "evil.exe"; a group completed by the next
 * word of the run is kept (each word is read on its own otherwise). */
static void
test_joined_unpadded(void **state)
{
	static const struct {
		const char *in, *lenient, *joined;
	} t[] = {
		{ "=?utf-8?B?ZXZpbC5leGU?=", "evil.exe", "evil.e" },
		{ "=?utf-8?B?ZXZpbC5leGU?==", "evil.exe=", "evil.e=" },
		{ "=?utf-8?B?ZXZpbC5leGU=?=", "evil.exe", "evil.exe" },
		{ "=?utf-8?B?ZXZpbC5l?= =?utf-8?B?eGU=?=", "evil.exe",
		    "evil.exe" },
		{ "=?utf-8?B?ZXZpbC5le?= =?utf-8?B?GU=?=", NULL, "evil.exe" },
	};
	struct buf b;

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		buf_init(&b, 64);
		assert_int_equal(rfc2047_decode(span_from_cstr(t[i].in), &b),
		    0);
		if (t[i].lenient != NULL)	/* else each word on its own */
			assert_string_equal(b.data, t[i].lenient);
		buf_free(&b);
		buf_init(&b, 64);
		assert_int_equal(rfc2047_decode_joined(span_from_cstr(
		    t[i].in), &b), 0);
		assert_string_equal(b.data, t[i].joined);
		buf_free(&b);
	}
}

/* The word bound: max_words words and one more. */
static void
test_word_bound(void **state)
{
	struct rfc2047_stats st;
	struct buf b;
	struct buf in;

	(void)state;
	assert_int_equal(dec_n("=?a?q?1?= =?a?q?2?=", 19, 2, 100, &b, &st),
	    0);
	assert_string_equal(b.data, "12");
	assert_int_equal(st.over_limit, 0);
	buf_free(&b);
	assert_int_equal(dec_n("=?a?q?1?= =?a?q?2?= =?a?q?3?=", 29, 2, 100,
	    &b, &st), 0);
	assert_string_equal(b.data, "12 =?a?q?3?=");
	assert_int_equal(st.words, 2);
	assert_int_equal(st.over_limit, 1);
	buf_free(&b);
	assert_int_equal(dec_n("=?a?q?1?=", 9, 0, 100, &b, &st), 0);
	assert_string_equal(b.data, "=?a?q?1?=");
	buf_free(&b);

	/* rfc2047_decode() has no bound on words: the 5,001st is decoded
	 * like the first (a name's last word carries its extension). */
	buf_init(&in, SIZE_MAX);
	for (size_t i = 0; i < 5000; i++)
		assert_int_equal(buf_append_cstr(&in, "=?utf-8?q?x?= "), 0);
	assert_int_equal(buf_append_cstr(&in, "=?utf-8?q?.exe?="), 0);
	buf_init(&b, 1 << 20);
	assert_int_equal(rfc2047_decode((struct span){ in.data, in.len }, &b),
	    0);
	assert_int_equal(b.len, 5000 + 4);
	assert_memory_equal(b.data + b.len - 4, ".exe", 4);
	buf_free(&b);
	buf_free(&in);
}

static void
test_unfold(void **state)
{
	(void)state;
	dec("folded\r\n line", "folded line");
	dec("folded\r\n\tline", "folded\tline");
	dec("bare\nlf", "bare lf");
	dec("bare\rcr", "bare cr");
	dec("many\r\n\r\n\nbreaks", "many breaks");
	dec("\r\n leading", " leading");
	dec("trailing\r\n", "trailing");
	dec("=?utf-8?q?a?=\r\nb", "a b");
	dec("a\r\n=?utf-8?q?b?=", "a b");
}

static void
test_replacement(void **state)
{
	struct rfc2047_stats st;

	(void)state;
	st = dec("raw \xff bytes", "raw " FFFD " bytes");
	assert_int_equal(st.replaced, 1);
	/* one U+FFFD per maximal subpart (Unicode 3.9) */
	dec("\xe2\x80x", FFFD "x");
	dec("\xf0\x9f\x98", FFFD);
	dec("\xf0\x80\x80", FFFD FFFD FFFD);	/* overlong lead */
	dec("\xed\xa0\x80", FFFD FFFD FFFD);	/* surrogate */
	dec("\xc0\xaf", FFFD FFFD);
	dec("\xf4\x90\x80\x80", FFFD FFFD FFFD FFFD);
	dec("\xf8\x88\x80\x80\x80", FFFD FFFD FFFD FFFD FFFD);
	dec("\xc3", FFFD);
	dec("a\xc3\xa9\xe9z", "a\xc3\xa9" FFFD "z");
	dec("\xf0\x9f\x98\x80", "\xf0\x9f\x98\x80");
}

/* Output is cut at the maximum, on a character boundary. */
static void
test_output_bound(void **state)
{
	const char *in = "=?utf-8?q?ab=C3=A9?=";
	struct rfc2047_stats st;
	struct buf b;

	(void)state;
	assert_int_equal(dec_n(in, strlen(in), 10, 4, &b, &st), 0);
	assert_string_equal(b.data, "ab\xc3\xa9");
	buf_free(&b);
	assert_int_equal(dec_n(in, strlen(in), 10, 3, &b, &st), -1);
	assert_string_equal(b.data, "ab");
	buf_free(&b);
	assert_int_equal(dec_n("abc\xff", 4, 10, 5, &b, &st), -1);
	assert_string_equal(b.data, "abc");
	buf_free(&b);
	assert_int_equal(dec_n("abc\xff", 4, 10, 6, &b, &st), 0);
	assert_string_equal(b.data, "abc" FFFD);
	buf_free(&b);
	assert_int_equal(dec_n("", 0, 10, 0, &b, &st), 0);
	assert_non_null(b.data);
	assert_string_equal(b.data, "");
	buf_free(&b);
	assert_int_equal(dec_n("x", 1, 10, 0, &b, &st), -1);
	buf_free(&b);
}

static void
test_charset_to_utf8(void **state)
{
	struct buf b;
	size_t rep = 0;

	(void)state;
	buf_init(&b, 100);
	assert_int_equal(rfc2047_charset_to_utf8(SPAN_LIT("ISO-8859-1"),
	    (struct span){ "a\0\xe9", 3 }, &b, &rep), 0);
	assert_int_equal(b.len, 4);
	assert_memory_equal(b.data, "a\0\xc3\xa9", 4);	/* NUL kept */
	buf_reset(&b);
	assert_int_equal(rfc2047_charset_to_utf8(SPAN_LIT("utf-8"),
	    (struct span){ "\xff\0", 2 }, &b, &rep), 0);
	assert_int_equal(b.len, 4);
	assert_memory_equal(b.data, FFFD "\0", 4);
	assert_int_equal(rep, 1);
	buf_reset(&b);
	assert_int_equal(rfc2047_charset_to_utf8(SPAN_LIT("koi8-r"),
	    SPAN_LIT("\xf0"), &b, &rep), 0);
	assert_string_equal(b.data, "\xd0\x9f");
	buf_reset(&b);
	assert_int_equal(rfc2047_charset_to_utf8((struct span){ "", 0 },
	    SPAN_LIT("x\xc3\xa9"), &b, NULL), 0);
	assert_string_equal(b.data, "x\xc3\xa9");
	buf_reset(&b);
	assert_int_equal(rfc2047_charset_to_utf8(SPAN_LIT("windows-1251"),
	    SPAN_LIT("\xcf"), &b, NULL), 0);
	assert_string_equal(b.data, "\xd0\x9f");
	buf_reset(&b);
	assert_int_equal(rfc2047_charset_to_utf8((struct span){ "", 0 },
	    (struct span){ NULL, 0 }, &b, NULL), 0);
	assert_string_equal(b.data, "");
	buf_reset(&b);
	/* iconv output is checked: glibc's UCS-4 writes 5- and 6-byte
	 * sequences for values over U+10FFFF (found by fuzzing) */
	assert_int_equal(rfc2047_charset_to_utf8(SPAN_LIT("ucs-4"),
	    (struct span){ "\0\0\0A\x7f\xff\xff\xff\0\x11\0\0\0\0\0B",
	    16 }, &b, NULL), 0);
	assert_true(b.len > 2);
	assert_int_equal(b.data[0], 'A');
	assert_int_equal(b.data[b.len - 1], 'B');
	for (size_t i = 0; i < b.len;) {
		size_t n = utf8_seq_len((const unsigned char *)b.data + i,
		    b.len - i);

		assert_true(n > 0);
		i += n;
	}
	assert_null(strstr(b.data, "\xfd"));
	buf_free(&b);
	/* a long text through iconv: many output chunks */
	{
		char big[5000];
		struct buf o;

		memset(big, 0xe9, sizeof(big));
		buf_init(&o, 2 * sizeof(big));
		assert_int_equal(rfc2047_charset_to_utf8(SPAN_LIT("cp1252"),
		    (struct span){ big, sizeof(big) }, &o, NULL), 0);
		assert_int_equal(o.len, 2 * sizeof(big));
		buf_free(&o);
		buf_init(&o, 2 * sizeof(big) - 1);
		assert_int_equal(rfc2047_charset_to_utf8(SPAN_LIT("cp1252"),
		    (struct span){ big, sizeof(big) }, &o, NULL), -1);
		assert_int_equal(o.len, 2 * sizeof(big) - 2);
		buf_free(&o);
	}
}

static void
test_sanitize(void **state)
{
	struct buf b;
	size_t rep = 0;

	(void)state;
	buf_init(&b, 100);
	assert_int_equal(rfc2047_utf8_sanitize((struct span){ "a\0b\xff", 4 },
	    &b, &rep), 0);
	assert_string_equal(b.data, "a" FFFD "b" FFFD);
	assert_int_equal(rep, 2);
	buf_reset(&b);
	/* no encoded-word decoding, no unfolding */
	assert_int_equal(rfc2047_utf8_sanitize(SPAN_LIT("=?utf-8?q?x?=\r\n"),
	    &b, NULL), 0);
	assert_string_equal(b.data, "=?utf-8?q?x?=\r\n");
	buf_free(&b);
}

/*
 * A value full of "=?" that never closes costs linear time (no clock
 * check: a quadratic regression makes this test crawl instead).
 */
static void
test_linear(void **state)
{
	struct rfc2047_stats st;
	struct buf in, b;

	(void)state;
	buf_init(&in, SIZE_MAX);
	for (size_t i = 0; i < 50000; i++)
		assert_int_equal(buf_append_cstr(&in, "=?a?q?x"), 0);
	buf_init(&b, 1 << 20);
	assert_int_equal(rfc2047_decode_full((struct span){ in.data, in.len },
	    SIZE_MAX, &b, &st), 0);
	assert_int_equal(b.len, in.len);
	assert_int_equal(st.malformed, 50000);
	buf_free(&b);
	/* GMime's reading, whose charsets run to the next '?' */
	buf_init(&b, 1 << 20);
	assert_int_equal(rfc2047_decode_joined((struct span){ in.data,
	    in.len }, &b), 0);
	assert_int_equal(b.len, in.len);
	buf_free(&b);
	/* long charsets with nothing after them */
	buf_reset(&in);
	for (size_t i = 0; i < 50000; i++)
		assert_int_equal(buf_append_cstr(&in, "=?\x80\x80=aaaa"), 0);
	buf_init(&b, 1 << 21);
	assert_int_equal(rfc2047_decode_joined((struct span){ in.data,
	    in.len }, &b), 0);
	buf_free(&b);
	buf_init(&b, 1 << 21);
	assert_int_equal(rfc2047_decode((struct span){ in.data, in.len }, &b),
	    0);
	buf_free(&b);
	buf_free(&in);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc_examples),
		cmocka_unit_test(test_real_world),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_charsets),
		cmocka_unit_test(test_charset_bound),
		cmocka_unit_test(test_joined_charset),
		cmocka_unit_test(test_joined_unpadded),
		cmocka_unit_test(test_cut_nul),
		cmocka_unit_test(test_strict_ws),
		cmocka_unit_test(test_word_bound),
		cmocka_unit_test(test_unfold),
		cmocka_unit_test(test_replacement),
		cmocka_unit_test(test_output_bound),
		cmocka_unit_test(test_charset_to_utf8),
		cmocka_unit_test(test_sanitize),
		cmocka_unit_test(test_linear),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
