/*
 * test_decode.c - base64 and quoted-printable: RFC 4648 and RFC 2045
 * examples, every tolerance rule with its counter, the white space hold
 * at and over its bound, and for every case the same output and counters
 * for chunk sizes 1, 2, 3, 7 and whole, each call writing into a buffer of
 * exactly the documented bound (so ASan catches a write past it).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "decode.h"

struct counts {
	size_t invalid, padded, after_pad, partial, unpadded, ws_passed;
};

static const size_t chunks[] = { 1, 2, 3, 7, 0 /* whole */ };
static bool strict;	/* the strict readings: whole base64 groups, strict QP */

/* Decode in[0..len) in pieces of chunk bytes (0: whole) into out. */
static size_t
run(int qp, const char *in, size_t len, size_t chunk, char *out,
    struct counts *c)
{
	struct decode_b64 b;
	struct decode_qp q;
	size_t o = 0, off = 0, n, bound;
	char *tmp;

	decode_b64_init(&b);
	decode_qp_init(&q);
	b.whole_groups = strict;
	/* qp: 1 tolerant, 2 literal, 3 triplet */
	q.mode = qp == 2 ? DECODE_QP_LITERAL : qp == 3 ? DECODE_QP_TRIPLET :
	    DECODE_QP_TOLERANT;
	if (chunk == 0)
		chunk = len == 0 ? 1 : len;
	while (off < len) {
		size_t take = len - off < chunk ? len - off : chunk;

		bound = qp ? DECODE_QP_OUT_MAX(take) : DECODE_B64_OUT_MAX(take);
		tmp = malloc(bound);
		assert_non_null(tmp);
		n = qp ? decode_qp(&q, in + off, take, tmp) :
		    decode_b64(&b, in + off, take, tmp);
		assert_true(n <= bound);
		memcpy(out + o, tmp, n);
		free(tmp);
		o += n;
		off += take;
	}
	bound = qp ? DECODE_QP_OUT_MAX(0) : 1;
	tmp = malloc(bound);
	assert_non_null(tmp);
	n = qp ? decode_qp_finish(&q, tmp) : decode_b64_finish(&b, tmp);
	assert_true(n <= (qp ? DECODE_QP_OUT_MAX(0) : 0));
	memcpy(out + o, tmp, n);
	free(tmp);
	o += n;
	memset(c, 0, sizeof(*c));
	if (qp) {
		c->invalid = q.invalid;
		c->ws_passed = q.ws_passed;
	} else {
		c->invalid = b.invalid;
		c->padded = b.padded;
		c->after_pad = b.after_pad;
		c->partial = b.partial;
		c->unpadded = b.unpadded;
	}
	return o;
}

/* Every chunking gives want[0..wlen) and the same counters; returns them. */
static struct counts
check_n(int qp, const char *in, size_t len, const char *want, size_t wlen)
{
	struct counts first, c;
	char *out = malloc(len + DECODE_OUT_MAX(0) + 1);

	assert_non_null(out);
	for (size_t i = 0; i < sizeof(chunks) / sizeof(chunks[0]); i++) {
		size_t n = run(qp, in, len, chunks[i], out, &c);

		if (n != wlen || memcmp(out, want, n) != 0)
			fail_msg("chunk %zu: got %zu bytes \"%.*s\", want %zu",
			    chunks[i], n, (int)n, out, wlen);
		if (i == 0)
			first = c;
		else
			assert_memory_equal(&first, &c, sizeof(c));
	}
	free(out);
	return first;
}

static struct counts
b64(const char *in, const char *want)
{
	return check_n(0, in, strlen(in), want, strlen(want));
}

static struct counts
qp(const char *in, const char *want)
{
	return check_n(1, in, strlen(in), want, strlen(want));
}

static struct counts
qp_mode(int mode, const char *in, const char *want)
{
	return check_n(mode, in, strlen(in), want, strlen(want));
}

/* ------------------------------------------------------------ base64 */

static void
test_b64_rfc4648(void **state)
{
	struct counts c;

	(void)state;
	/* RFC 4648 section 10 */
	b64("", "");
	b64("Zg==", "f");
	b64("Zm8=", "fo");
	b64("Zm9v", "foo");
	b64("Zm9vYg==", "foob");
	b64("Zm9vYmE=", "fooba");
	c = b64("Zm9vYmFy", "foobar");
	assert_int_equal(c.invalid + c.padded + c.partial + c.unpadded, 0);
	c = b64("Zm9vYg==", "foob");
	assert_int_equal(c.padded, 2);
	assert_int_equal(c.invalid, 0);
	assert_int_equal(c.after_pad, 0);
}

static void
test_b64_lines(void **state)
{
	struct counts c;

	(void)state;
	c = b64("SGVsbG8s\r\nIHdvcmxk\r\nIQ==\r\n", "Hello, world!");
	assert_int_equal(c.invalid, 0);
	b64("SGVs bG8s\tIHdv\ncmxk\rIQ==", "Hello, world!");
	/* 76-column lines as MUAs write them */
	b64("VGhlIHF1aWNrIGJyb3duIGZveCBqdW1wcyBvdmVyIHRoZSBsYXp5IGRvZy4gVGhl"
	    "IHF1aWNr\r\nIGJyb3duIGZveC4=\r\n",
	    "The quick brown fox jumps over the lazy dog. The quick brown "
	    "fox.");
	/* trailing blank lines and white space after the padding */
	c = b64("Zm9v\r\n\r\n   \r\n", "foo");
	assert_int_equal(c.invalid, 0);
}

static void
test_b64_tolerance(void **state)
{
	struct counts c;

	(void)state;
	/* junk is skipped and counted */
	c = b64("Zm9v!YmFy", "foobar");
	assert_int_equal(c.invalid, 1);
	c = check_n(0, "Zm\x00" "9v\xff\xfeYmFy-_.", 14, "foobar", 6);
	assert_int_equal(c.invalid, 6);
	/* missing final padding */
	c = b64("Zm9vYg", "foob");
	assert_int_equal(c.unpadded, 1);
	assert_int_equal(c.partial, 0);
	c = b64("Zm9vYmE", "fooba");
	assert_int_equal(c.unpadded, 1);
	/* a lone last character decodes to nothing */
	c = b64("Zm9vY", "foo");
	assert_int_equal(c.partial, 1);
	c = b64("Y=", "");
	assert_int_equal(c.partial, 1);
	/* one '=' where two belong */
	c = b64("Zg=", "f");
	assert_int_equal(c.padded, 1);
	/* extra padding is not junk, a stray '=' is */
	c = b64("Zg===", "f");
	assert_int_equal(c.invalid, 0);
	c = b64("Zg==\r\n=", "f");
	assert_int_equal(c.invalid, 0);
	c = b64("=Zg==", "f");
	assert_int_equal(c.invalid, 1);
	assert_int_equal(c.after_pad, 0);
	/* data after the padding is decoded (concatenated blocks) and
	 * counted, so no client can see bytes we did not */
	c = b64("Zg==Zm8=", "ffo");
	assert_int_equal(c.after_pad, 3);
	c = check_n(0, "Zm8=\r\nTVqQAAMAAAAEAAAA//8AALgA", 30, "foMZ\x90\x00"
	    "\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00\xb8\x00", 20);
	assert_int_equal(c.after_pad, 24);
	/* URL-safe alphabet is not base64: counted */
	c = b64("-_-_", "");
	assert_int_equal(c.invalid, 4);
	/* non-zero padding bits are ignored */
	b64("Zh==", "f");
	b64("Zm9=", "fo");
}

/* GMime's decoder: any '=' ends the stream, at a group's start too. */
static void
test_b64_stop_at_pad(void **state)
{
	static const struct {
		const char *in, *want;
	} t[] = {
		{ "Zm9v=YmFy", "foo" },		/* stray '=' between groups */
		{ "Zm9vYg==Zm9v", "foob" },	/* data after the padding */
		{ "Zm9vY=mFy", "foo" },		/* a lone char, then '=' */
		{ "=Zm9v", "" },
		{ "Zm9vYmFy", "foobar" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct decode_b64 b;
		char out[64];
		size_t n;

		decode_b64_init(&b);
		b.stop_at_pad = b.whole_groups = true;
		n = decode_b64(&b, t[i].in, strlen(t[i].in), out);
		n += decode_b64_finish(&b, out + n);
		if (n != strlen(t[i].want) || memcmp(out, t[i].want, n) != 0)
			fail_msg("%s: got %zu bytes", t[i].in, n);
	}
}

static void
test_b64_binary(void **state)
{
	static const char alphabet[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	unsigned char raw[300];
	char enc[500];
	size_t n = 0;

	(void)state;
	for (size_t i = 0; i < sizeof(raw); i++)
		raw[i] = (unsigned char)(i * 7 + 3);
	/* a minimal encoder, with a line break every 76 characters */
	for (size_t i = 0; i < sizeof(raw); i += 3) {
		uint32_t v = (uint32_t)raw[i] << 16;
		size_t left = sizeof(raw) - i;

		if (left > 1)
			v |= (uint32_t)raw[i + 1] << 8;
		if (left > 2)
			v |= raw[i + 2];
		enc[n++] = alphabet[(v >> 18) & 63];
		enc[n++] = alphabet[(v >> 12) & 63];
		enc[n++] = left > 1 ? alphabet[(v >> 6) & 63] : '=';
		enc[n++] = left > 2 ? alphabet[v & 63] : '=';
		if (n % 78 == 76) {
			enc[n++] = '\r';
			enc[n++] = '\n';
		}
	}
	check_n(0, enc, n, (const char *)raw, sizeof(raw));
}

static void
test_b64_bound(void **state)
{
	char out[DECODE_B64_OUT_MAX(9)];
	struct decode_b64 s;

	(void)state;
	/* the largest output for 9 bytes: after 3 held characters */
	decode_b64_init(&s);
	assert_int_equal(decode_b64(&s, "QUJ", 3, out), 2);
	assert_int_equal(decode_b64(&s, "DREVGSElK", 9, out), 7);
	assert_true(7 <= DECODE_B64_OUT_MAX(9));
	assert_int_equal(decode_b64_finish(&s, out), 0);
	assert_int_equal(DECODE_B64_OUT_MAX(0), 3);
	assert_int_equal(DECODE_B64_OUT_MAX(4), 6);
}

/* ------------------------------------------------------------ QP */

static void
test_qp_rfc2045(void **state)
{
	struct counts c;

	(void)state;
	/* RFC 2045 6.7 rule 5 example, soft line breaks */
	c = qp("Now's the time =\r\nfor all folk to come=\r\n to the aid of "
	    "their country.", "Now's the time for all folk to come to the "
	    "aid of their country.");
	assert_int_equal(c.invalid, 0);
	qp("Now's the time =\nfor all folk", "Now's the time for all folk");
	qp("=3D", "=");
	qp("caf=E9 cr=C3=A8me", "caf\xe9 cr\xc3\xa8me");
	qp("lower =e9=c3=a8", "lower \xe9\xc3\xa8");
	qp("hard\r\nline\r\nbreaks\r\n", "hard\r\nline\r\nbreaks\r\n");
	qp("lf\nonly\n", "lf\nonly\n");
	qp("tab\tinside and  spaces", "tab\tinside and  spaces");
	qp("", "");
	/* encoded white space at a line end survives */
	qp("end=20\r\nnext=09\r\n", "end \r\nnext\t\r\n");
	qp("8bit \xe9\x80 passes", "8bit \xe9\x80 passes");
}

static void
test_qp_whitespace(void **state)
{
	struct counts c;

	(void)state;
	/* rule 3: trailing white space is padding */
	qp("abc   \r\ndef", "abc\r\ndef");
	qp("abc \t \ndef", "abc\ndef");
	qp("abc   ", "abc");
	qp("   \r\n", "\r\n");
	/* white space before a soft break is data */
	qp("abc  =\r\ndef", "abc  def");
	/* transport padding after a soft break '=' */
	c = qp("abc=  \r\ndef", "abcdef");
	assert_int_equal(c.invalid, 0);
	qp("abc=\t\ndef", "abcdef");
	qp("abc=  ", "abc");
	/* a bare CR is data, and so is the white space before it */
	qp("a\rb", "a\rb");
	qp("a  \rb", "a  \rb");
	qp("a \r", "a \r");
	qp("a \r\r\n", "a \r\r\n");
}

/* The strict modes: white space is data, "=" junk read their way. */
static void
test_qp_strict(void **state)
{
	(void)state;
	/* Python's binascii.a2b_qp */
	qp_mode(2, "abc=  \r\ndef", "abc=  \r\ndef");
	qp_mode(2, "abc   \r\ndef", "abc   \r\ndef");
	qp_mode(2, "a==41b", "a=41b");
	qp_mode(2, "a=4Xb", "a=4Xb");
	qp_mode(2, "a=4=41", "a=4A");
	qp_mode(2, "a=\r\nb=\nc", "abc");
	qp_mode(2, "a=\rjunk\nb", "ab");
	qp_mode(2, "end=", "end");
	qp_mode(2, "end=4", "end=4");
	qp_mode(2, "=3d=3D", "==");
	/* GMime */
	qp_mode(3, "abc=  \r\ndef", "abc=  \r\ndef");
	qp_mode(3, "abc   \r\ndef", "abc   \r\ndef");
	qp_mode(3, "a=4Xb", "a=4Xb");
	qp_mode(3, "a=X=41", "a=X=41");
	qp_mode(3, "a==41", "a==41");
	qp_mode(3, "a=\r\nb=\nc", "abc");
	qp_mode(3, "end=", "end");
	qp_mode(3, "end=4", "end");
	qp_mode(3, "=3d=3D", "==");
}

static void
test_qp_invalid(void **state)
{
	struct counts c;

	(void)state;
	c = qp("a=G1b", "a=G1b");
	assert_int_equal(c.invalid, 1);
	c = qp("a=4Gb", "a=4Gb");
	assert_int_equal(c.invalid, 1);
	c = qp("a= b", "a= b");
	assert_int_equal(c.invalid, 1);
	c = qp("a=\t\tb", "a=\t\tb");
	assert_int_equal(c.invalid, 1);
	c = qp("==41", "=A");
	assert_int_equal(c.invalid, 1);
	c = qp("=4", "=4");
	assert_int_equal(c.invalid, 1);
	c = qp("=4\r\n", "=4\r\n");
	assert_int_equal(c.invalid, 1);
	c = qp("50% off=", "50% off");	/* final soft break */
	assert_int_equal(c.invalid, 0);
	c = qp("a=\rb", "ab");		/* "=\r": still a soft break */
	assert_int_equal(c.invalid, 0);
	c = qp("a=\r\r\nb", "a\r\nb");
	assert_int_equal(c.invalid, 0);
	c = check_n(1, "=\x00=\xff", 4, "=\x00=\xff", 4);
	assert_int_equal(c.invalid, 2);
	c = qp("x=3d=3D=3", "x===3");
	assert_int_equal(c.invalid, 1);
}

/* The white space hold: exactly DECODE_QP_WS_MAX bytes and one more. */
static void
test_qp_ws_bound(void **state)
{
	char in[DECODE_QP_WS_MAX + 16], want[DECODE_QP_WS_MAX + 16];
	size_t n;
	struct counts c;

	(void)state;
	/* at the bound: all trailing white space dropped */
	memset(in, ' ', DECODE_QP_WS_MAX);
	memcpy(in + DECODE_QP_WS_MAX, "\r\n", 2);
	c = check_n(1, in, DECODE_QP_WS_MAX + 2, "\r\n", 2);
	assert_int_equal(c.ws_passed, 0);
	/* one over: the held run goes out as data, the rest is dropped */
	memset(in, ' ', DECODE_QP_WS_MAX + 1);
	memcpy(in + DECODE_QP_WS_MAX + 1, "\r\n", 2);
	memset(want, ' ', DECODE_QP_WS_MAX);
	memcpy(want + DECODE_QP_WS_MAX, "\r\n", 2);
	c = check_n(1, in, DECODE_QP_WS_MAX + 3, want, DECODE_QP_WS_MAX + 2);
	assert_int_equal(c.ws_passed, 1);

	/* "=" and white space up to the bound: a soft break */
	in[0] = '=';
	memset(in + 1, '\t', DECODE_QP_WS_MAX);
	memcpy(in + 1 + DECODE_QP_WS_MAX, "\nx", 2);
	c = check_n(1, in, DECODE_QP_WS_MAX + 3, "x", 1);
	assert_int_equal(c.invalid, 0);
	assert_int_equal(c.ws_passed, 0);
	/* one over: the '=' and the held run are data */
	memset(in + 1, '\t', DECODE_QP_WS_MAX + 1);
	memcpy(in + 2 + DECODE_QP_WS_MAX, "\nx", 2);
	want[0] = '=';
	memset(want + 1, '\t', DECODE_QP_WS_MAX);
	memcpy(want + 1 + DECODE_QP_WS_MAX, "\nx", 2);
	n = DECODE_QP_WS_MAX + 3;
	c = check_n(1, in, DECODE_QP_WS_MAX + 4, want, n);
	assert_int_equal(c.invalid, 1);
	assert_int_equal(c.ws_passed, 1);
}

/* The largest write of one call: a full hold released by one byte. */
static void
test_qp_out_bound(void **state)
{
	char out[DECODE_QP_OUT_MAX(1)];
	char ws[DECODE_QP_WS_MAX];
	struct decode_qp s;

	(void)state;
	memset(ws, ' ', sizeof(ws));
	decode_qp_init(&s);
	assert_int_equal(decode_qp(&s, "=", 1, out), 0);
	assert_int_equal(decode_qp(&s, ws, sizeof(ws), out), 0);
	assert_int_equal(decode_qp(&s, "x", 1, out), DECODE_QP_WS_MAX + 2);
	assert_true(DECODE_QP_WS_MAX + 2 <= DECODE_QP_OUT_MAX(1));
	assert_int_equal(decode_qp_finish(&s, out), 0);

	decode_qp_init(&s);
	assert_int_equal(decode_qp(&s, ws, sizeof(ws), out), 0);
	assert_int_equal(decode_qp(&s, "\r", 1, out), 0);
	assert_int_equal(decode_qp_finish(&s, out), DECODE_QP_WS_MAX + 1);
	assert_true(DECODE_QP_WS_MAX + 1 <= DECODE_QP_OUT_MAX(0));
}

static void
test_hex(void **state)
{
	(void)state;
	assert_int_equal(decode_hex('0'), 0);
	assert_int_equal(decode_hex('9'), 9);
	assert_int_equal(decode_hex('a'), 10);
	assert_int_equal(decode_hex('F'), 15);
	assert_int_equal(decode_hex('g'), -1);
	assert_int_equal(decode_hex('\0'), -1);
	assert_int_equal(decode_hex((char)0xb0), -1);
}

/* What the strict readings (b64-stop-at-pad, qp-strict) decode: as GMime
 * does, whole base64 groups only, and quoted-printable whose white space
 * is data, "=" then white space literal, a final "=X" dropped. */
static void
test_strict(void **state)
{
	(void)state;
	strict = true;
	(void)b64("TWFu", "Man");
	(void)b64("TWFuTWE", "Man");		/* unpadded last group */
	(void)b64("TWE=", "Ma");
	(void)b64("TQ==", "M");
	(void)b64("TWFu\r\nTW\r\nE=", "ManMa");
	/* qp-triplet, GMime's reading */
	(void)qp_mode(3, "MZ=  \r\nmore= \t\r\nend",
	    "MZ=  \r\nmore= \t\r\nend");
	(void)qp_mode(3, "a=41 b  \r\n", "aA b  \r\n");
	(void)qp_mode(3, "tail=4", "tail");
	(void)qp_mode(3, "soft=\r\nbreak", "softbreak");
	strict = false;
	(void)b64("TWFuTWE", "ManMa");
	(void)qp("MZ=  \r\nmore", "MZmore");
	(void)qp("tail=4", "tail=4");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_b64_rfc4648),
		cmocka_unit_test(test_b64_lines),
		cmocka_unit_test(test_b64_tolerance),
		cmocka_unit_test(test_b64_stop_at_pad),
		cmocka_unit_test(test_b64_binary),
		cmocka_unit_test(test_b64_bound),
		cmocka_unit_test(test_qp_rfc2045),
		cmocka_unit_test(test_qp_whitespace),
		cmocka_unit_test(test_qp_invalid),
		cmocka_unit_test(test_qp_strict),
		cmocka_unit_test(test_qp_ws_bound),
		cmocka_unit_test(test_qp_out_bound),
		cmocka_unit_test(test_hex),
		cmocka_unit_test(test_strict),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
