/*
 * test_json.c - escaping of every byte class (controls, quotes, each kind
 * of invalid UTF-8, valid sequences at every boundary), the writer's commas
 * and nesting, the depth limit and the buffer bound exactly at and one
 * over.  Every output is checked by the library's strict RFC 8259 reader
 * (jsonread.c) and, for strings, against a reference escaper written here
 * independently.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "json.h"
#include "jsonread.h"

/* ------------------------------------------------ a strict validator */

/*
 * The whole of s[0..len) is one JSON text, on one line: read by the
 * library's strict reader (policy/jsonread.c), which shares nothing with
 * the writer under test.
 */
static bool
json_valid(const char *s, size_t len)
{
	static const struct jsonread_limits lim = { 64, SIZE_MAX, SIZE_MAX };

	return memchr(s, '\n', len) == NULL &&
	    jsonread_check(s, len, &lim, NULL) == JSONREAD_OK;
}

/* ------------------------------------------ a reference escaper */

/* Decode one UTF-8 sequence strictly; 0 if invalid. */
static size_t
ref_utf8(const unsigned char *s, size_t len)
{
	uint32_t cp, min;
	size_t n;

	if (s[0] < 0x80)
		return 1;
	if ((s[0] & 0xe0) == 0xc0) {
		n = 2;
		cp = s[0] & 0x1fu;
		min = 0x80;
	} else if ((s[0] & 0xf0) == 0xe0) {
		n = 3;
		cp = s[0] & 0x0fu;
		min = 0x800;
	} else if ((s[0] & 0xf8) == 0xf0) {
		n = 4;
		cp = s[0] & 0x07u;
		min = 0x10000;
	} else {
		return 0;
	}
	if (len < n)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3fu);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}


/*
 * The expected literal for in[0..len), written independently of json.c:
 * decode each code point, then decide.
 */
static void
ref_escape(const unsigned char *in, size_t len, struct buf *out)
{
	static const char hex[] = "0123456789abcdef";

	assert_int_equal(buf_append(out, "\"", 1), 0);
	for (size_t i = 0; i < len;) {
		unsigned char c = in[i];
		size_t n = ref_utf8(in + i, len - i);
		char u[7];

		if (n == 0) {
			assert_int_equal(buf_append(out, "\xef\xbf\xbd", 3), 0);
			i++;
			continue;
		}
		if (n == 1) {
			const char *e = c == '"' ? "\\\"" : c == '\\' ? "\\\\" :
			    c == '\n' ? "\\n" : c == '\r' ? "\\r" :
			    c == '\t' ? "\\t" : c == '\b' ? "\\b" :
			    c == '\f' ? "\\f" : NULL;

			if (e != NULL) {
				assert_int_equal(buf_append_cstr(out, e), 0);
			} else if (c < 0x20 || c == 0x7f) {
				snprintf(u, sizeof(u), "\\u00%c%c", hex[c >> 4],
				    hex[c & 15]);
				assert_int_equal(buf_append(out, u, 6), 0);
			} else {
				assert_int_equal(buf_append(out, &c, 1), 0);
			}
			i++;
			continue;
		}
		if (n == 3) {
			uint32_t cp = (uint32_t)(c & 0x0f) << 12 |
			    (uint32_t)(in[i + 1] & 0x3f) << 6 |
			    (uint32_t)(in[i + 2] & 0x3f);

			if ((cp >= 0x200b && cp <= 0x200f) ||
			    (cp >= 0x2028 && cp <= 0x202e) ||
			    (cp >= 0x2060 && cp <= 0x2069) || cp == 0xfeff) {
				snprintf(u, sizeof(u), "\\u%04x", (unsigned)cp);
				assert_int_equal(buf_append(out, u, 6), 0);
				i += 3;
				continue;
			}
		}
		assert_int_equal(buf_append(out, in + i, n), 0);
		i += n;
	}
	assert_int_equal(buf_append(out, "\"", 1), 0);
}

/* json_append_string agrees with the reference and validates. */
static void
check_ref(const void *in, size_t len)
{
	struct buf got, want;

	buf_init(&got, 1 << 20);
	buf_init(&want, 1 << 20);
	assert_int_equal(json_append_string(&got, in, len), 0);
	ref_escape(in, len, &want);
	assert_int_equal(got.len, want.len);
	assert_memory_equal(got.data, want.data, got.len);
	assert_true(json_valid(got.data, got.len));
	buf_free(&got);
	buf_free(&want);
}

static void
esc(const char *in, size_t len, const char *want)
{
	struct buf b;

	buf_init(&b, 1024);
	assert_int_equal(json_append_string(&b, in, len), 0);
	assert_string_equal(b.data, want);
	assert_true(json_valid(b.data, b.len));
	buf_free(&b);
	check_ref(in, len);
}

#define FFFD "\xef\xbf\xbd"

/* ------------------------------------------------------------- tests */

/* The validator itself refuses what it must, so passing it means something. */
static void
test_validator(void **state)
{
	static const char *const bad[] = { "", "\"", "\"a", "\"\x01\"",
	    "\"\\x\"", "\"\\u12g4\"", "\"\xff\"", "\"\xed\xa0\x80\"",
	    "\"\xc0\xaf\"", "{", "{\"a\"}", "{\"a\":1,}", "[1,]", "[1 2]",
	    "{a:1}", "01", "1.", "-", "tru", "nul", "{} {}", "[\"a\"]\n" };
	static const char *const good[] = { "\"\"", "\"\\u00e9\\/\"", "0",
	    "-1.5e+3", "[]", "{}", "[true,false,null]", "{\"a\":{\"b\":[1]}}",
	    "\"\xf4\x8f\xbf\xbf\"" };

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_false(json_valid(bad[i], strlen(bad[i])));
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		assert_true(json_valid(good[i], strlen(good[i])));
}

static void
test_ascii(void **state)
{
	(void)state;
	esc("plain", 5, "\"plain\"");
	esc("", 0, "\"\"");
	esc("a\"b\\c/", 6, "\"a\\\"b\\\\c/\"");
	esc("\n\r\t\b\f", 5, "\"\\n\\r\\t\\b\\f\"");
	esc("\x01\x1f\x7f", 3, "\"\\u0001\\u001f\\u007f\"");
	esc("nul\0x", 5, "\"nul\\u0000x\"");
	esc("\x0b\x1b[31m", 6, "\"\\u000b\\u001b[31m\"");
}

/* Each of the 128 ASCII bytes alone. */
static void
test_every_ascii_byte(void **state)
{
	(void)state;
	for (unsigned c = 0; c < 0x80; c++) {
		char in = (char)c, want[16];

		switch (c) {
		case '"':
			snprintf(want, sizeof(want), "\"\\\"\"");
			break;
		case '\\':
			snprintf(want, sizeof(want), "\"\\\\\"");
			break;
		case '\n':
			snprintf(want, sizeof(want), "\"\\n\"");
			break;
		case '\r':
			snprintf(want, sizeof(want), "\"\\r\"");
			break;
		case '\t':
			snprintf(want, sizeof(want), "\"\\t\"");
			break;
		case '\b':
			snprintf(want, sizeof(want), "\"\\b\"");
			break;
		case '\f':
			snprintf(want, sizeof(want), "\"\\f\"");
			break;
		default:
			if (c < 0x20 || c == 0x7f)
				snprintf(want, sizeof(want), "\"\\u%04x\"", c);
			else
				snprintf(want, sizeof(want), "\"%c\"", c);
			break;
		}
		esc(&in, 1, want);
	}
}

static void
test_valid_utf8(void **state)
{
	(void)state;
	esc("caf\xc3\xa9", 5, "\"caf\xc3\xa9\"");
	esc("\xc2\x80", 2, "\"\xc2\x80\"");			/* U+0080 */
	esc("\xdf\xbf", 2, "\"\xdf\xbf\"");			/* U+07FF */
	esc("\xe0\xa0\x80", 3, "\"\xe0\xa0\x80\"");		/* U+0800 */
	esc("\xed\x9f\xbf", 3, "\"\xed\x9f\xbf\"");		/* U+D7FF */
	esc("\xee\x80\x80", 3, "\"\xee\x80\x80\"");		/* U+E000 */
	esc("\xef\xbf\xbf", 3, "\"\xef\xbf\xbf\"");		/* U+FFFF */
	esc("\xef\xbf\xbd", 3, "\"" FFFD "\"");			/* U+FFFD */
	esc("\xf0\x90\x80\x80", 4, "\"\xf0\x90\x80\x80\"");	/* U+10000 */
	esc("\xf0\x9f\x98\x80", 4, "\"\xf0\x9f\x98\x80\"");	/* emoji */
	esc("\xf4\x8f\xbf\xbf", 4, "\"\xf4\x8f\xbf\xbf\"");	/* U+10FFFF */
	esc("a\xd0\x96\xe4\xb8\xad\xf0\x9f\x98\x80z", 11,
	    "\"a\xd0\x96\xe4\xb8\xad\xf0\x9f\x98\x80z\"");
}

static void
test_invalid_utf8(void **state)
{
	(void)state;
	/* never valid anywhere */
	esc("\xff", 1, "\"" FFFD "\"");
	esc("\xfe\xf5\xf8\xfc", 4, "\"" FFFD FFFD FFFD FFFD "\"");
	/* stray continuation bytes */
	esc("\x80", 1, "\"" FFFD "\"");
	esc("a\xbf" "b", 3, "\"a" FFFD "b\"");
	/* overlongs: 2, 3 and 4 bytes ("/" and NUL in disguise) */
	esc("\xc0\xaf", 2, "\"" FFFD FFFD "\"");
	esc("\xc1\xbf", 2, "\"" FFFD FFFD "\"");
	esc("\xc0\x80", 2, "\"" FFFD FFFD "\"");
	esc("\xe0\x80\xaf", 3, "\"" FFFD FFFD FFFD "\"");
	esc("\xe0\x9f\xbf", 3, "\"" FFFD FFFD FFFD "\"");
	esc("\xf0\x80\x80\xaf", 4, "\"" FFFD FFFD FFFD FFFD "\"");
	esc("\xf0\x8f\xbf\xbf", 4, "\"" FFFD FFFD FFFD FFFD "\"");
	/* UTF-16 surrogates, high and low, and a CESU-8 pair */
	esc("\xed\xa0\x80", 3, "\"" FFFD FFFD FFFD "\"");
	esc("\xed\xbf\xbf", 3, "\"" FFFD FFFD FFFD "\"");
	esc("\xed\xa0\xbd\xed\xb8\x80", 6,
	    "\"" FFFD FFFD FFFD FFFD FFFD FFFD "\"");
	/* above U+10FFFF */
	esc("\xf4\x90\x80\x80", 4, "\"" FFFD FFFD FFFD FFFD "\"");
	esc("\xf7\xbf\xbf\xbf", 4, "\"" FFFD FFFD FFFD FFFD "\"");
	/* truncated: at the end, before ASCII, before another lead */
	esc("\xe2\x82", 2, "\"" FFFD FFFD "\"");
	esc("\xc3", 1, "\"" FFFD "\"");
	esc("\xf0\x9f\x98", 3, "\"" FFFD FFFD FFFD "\"");
	esc("\xe2\x82x", 3, "\"" FFFD FFFD "x\"");
	esc("\xf0\x9f\x98\xc3\xa9", 5, "\"" FFFD FFFD FFFD "\xc3\xa9\"");
	/* a quote right after a truncated lead is still escaped */
	esc("\xc3\"", 2, "\"" FFFD "\\\"\"");
}

static void
test_separators(void **state)
{
	(void)state;
	esc("\xe2\x80\xa8|\xe2\x80\xa9", 7, "\"\\u2028|\\u2029\"");
	esc("\xe2\x80\xae", 3, "\"\\u202e\"");	/* RLO, made visible */
	esc("a\xe2\x80\x8b" "b\xef\xbb\xbf", 8, "\"a\\u200bb\\ufeff\"");
	esc("\xe2\x80\xa7\xe2\x80\xaf", 6, "\"\xe2\x80\xa7\xe2\x80\xaf\"");
}

/*
 * Every one- and two-byte input, and three- and four-byte inputs built
 * from the bytes where UTF-8's rules change, against the reference.
 */
static void
test_exhaustive(void **state)
{
	static const unsigned char edge[] = { 0x00, 0x22, 0x41, 0x5c, 0x7f,
	    0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xa8, 0xbf, 0xc0, 0xc2, 0xdf,
	    0xe0, 0xe2, 0xed, 0xef, 0xf0, 0xf4, 0xf5, 0xff };
	size_t ne = sizeof(edge);
	unsigned char in[4];

	(void)state;
	for (unsigned a = 0; a < 256; a++)
		for (unsigned b = 0; b < 256; b++) {
			in[0] = (unsigned char)a;
			in[1] = (unsigned char)b;
			check_ref(in, 1);
			check_ref(in, 2);
		}
	for (unsigned a = 0xc0; a < 256; a++)
		for (size_t i = 0; i < ne; i++)
			for (size_t j = 0; j < ne; j++) {
				in[0] = (unsigned char)a;
				in[1] = edge[i];
				in[2] = edge[j];
				check_ref(in, 3);
				if (a < 0xe0)
					continue;
				for (size_t k = 0; k < ne; k++) {
					in[3] = edge[k];
					check_ref(in, 4);
				}
			}
}

static void
test_writer(void **state)
{
	struct json_writer w;
	struct buf b;

	(void)state;
	buf_init(&b, 1024);
	json_init(&w, &b);
	json_object_begin(&w);
	json_key(&w, "a");
	json_u64(&w, UINT64_MAX);
	json_key(&w, "b");
	json_array_begin(&w);
	json_i64(&w, INT64_MIN);
	json_i64(&w, INT64_MAX);
	json_bool(&w, true);
	json_bool(&w, false);
	json_null(&w);
	json_string(&w, NULL);
	json_object_begin(&w);
	json_object_end(&w);
	json_array_begin(&w);
	json_array_end(&w);
	json_object_begin(&w);
	json_key(&w, "x\n");
	json_string_n(&w, "\xff", 1);
	json_key(&w, "y");
	json_u64(&w, 0);
	json_object_end(&w);
	json_array_end(&w);
	json_key(&w, "c");
	json_string(&w, "x");
	json_object_end(&w);
	assert_false(w.error);
	assert_int_equal(w.depth, 0);
	assert_string_equal(b.data, "{\"a\":18446744073709551615,\"b\":["
	    "-9223372036854775808,9223372036854775807,true,false,null,null,"
	    "{},[],{\"x\\n\":\"" FFFD "\",\"y\":0}],\"c\":\"x\"}");
	assert_true(json_valid(b.data, b.len));
	buf_free(&b);

	/* a bare top-level array and scalar */
	buf_init(&b, 64);
	json_init(&w, &b);
	json_array_begin(&w);
	json_string(&w, "");
	json_u64(&w, 1);
	json_array_end(&w);
	assert_false(w.error);
	assert_string_equal(b.data, "[\"\",1]");
	buf_free(&b);
}

/* JSON_MAX_DEPTH levels are fine and close to valid JSON; one more is not. */
static void
test_depth(void **state)
{
	struct json_writer w;
	struct buf b;

	(void)state;
	buf_init(&b, 1024);
	json_init(&w, &b);
	for (int i = 0; i < JSON_MAX_DEPTH; i++) {
		if (i % 2 == 0) {
			json_array_begin(&w);
		} else {
			json_object_begin(&w);
			json_key(&w, "k");
		}
	}
	json_u64(&w, 7);
	assert_false(w.error);
	assert_int_equal(w.depth, JSON_MAX_DEPTH);
	for (int i = JSON_MAX_DEPTH - 1; i >= 0; i--) {
		if (i % 2 == 0)
			json_array_end(&w);
		else
			json_object_end(&w);
	}
	assert_false(w.error);
	assert_int_equal(w.depth, 0);
	assert_true(json_valid(b.data, b.len));
	buf_free(&b);

	buf_init(&b, 1024);
	json_init(&w, &b);
	for (int i = 0; i < JSON_MAX_DEPTH; i++)
		json_array_begin(&w);
	assert_false(w.error);
	json_array_begin(&w);
	assert_true(w.error);
	assert_int_equal(w.depth, JSON_MAX_DEPTH);
	/* sticky: writing on does not clear it */
	json_array_end(&w);
	json_u64(&w, 1);
	assert_true(w.error);
	buf_free(&b);

	/* closing more than was opened is an error too */
	buf_init(&b, 64);
	json_init(&w, &b);
	json_object_end(&w);
	assert_true(w.error);
	buf_free(&b);
}

static void
write_doc(struct json_writer *w)
{
	json_object_begin(w);
	json_key(w, "k");
	json_string(w, "vvvv");
	json_key(w, "n");
	json_array_begin(w);
	json_u64(w, 12);
	json_array_end(w);
	json_object_end(w);
}

static void
test_bounds(void **state)
{
	static const char doc[] = "{\"k\":\"vvvv\",\"n\":[12]}";
	struct json_writer w;
	struct buf b;
	size_t n = sizeof(doc) - 1;

	(void)state;
	/* exactly at the limit */
	buf_init(&b, n);
	json_init(&w, &b);
	write_doc(&w);
	assert_false(w.error);
	assert_int_equal(b.len, n);
	assert_string_equal(b.data, doc);
	buf_free(&b);
	/* one under it, and every smaller limit: an error, never overrun */
	for (size_t max = 0; max < n; max++) {
		buf_init(&b, max);
		json_init(&w, &b);
		write_doc(&w);
		assert_true(w.error);
		assert_true(b.len <= max);
		assert_memory_equal(b.data == NULL ? "" : b.data, doc,
		    b.len);
		buf_free(&b);
	}
}

/* A string literal that does not fit appends nothing. */
static void
test_string_bounds(void **state)
{
	struct buf b;

	(void)state;
	/* "\u0001" + 2 quotes = 8 bytes after "ab" */
	buf_init(&b, 10);
	assert_int_equal(buf_append(&b, "ab", 2), 0);
	assert_int_equal(json_append_string(&b, "\x01", 1), 0);
	assert_string_equal(b.data, "ab\"\\u0001\"");
	buf_free(&b);
	buf_init(&b, 9);
	assert_int_equal(buf_append(&b, "ab", 2), 0);
	assert_int_equal(json_append_string(&b, "\x01", 1), -1);
	assert_int_equal(b.len, 2);
	assert_string_equal(b.data, "ab");
	buf_free(&b);
	/* U+FFFD takes 3 bytes for 1 */
	buf_init(&b, 5);
	assert_int_equal(json_append_string(&b, "\xff", 1), 0);
	assert_int_equal(b.len, 5);
	buf_free(&b);
	buf_init(&b, 4);
	assert_int_equal(json_append_string(&b, "\xff", 1), -1);
	assert_int_equal(b.len, 0);
	buf_free(&b);
	/* the closing quote alone does not fit */
	buf_init(&b, 6);
	assert_int_equal(json_append_string(&b, "abcde", 5), -1);
	assert_int_equal(b.len, 0);
	buf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_validator),
		cmocka_unit_test(test_ascii),
		cmocka_unit_test(test_every_ascii_byte),
		cmocka_unit_test(test_valid_utf8),
		cmocka_unit_test(test_invalid_utf8),
		cmocka_unit_test(test_separators),
		cmocka_unit_test(test_exhaustive),
		cmocka_unit_test(test_writer),
		cmocka_unit_test(test_depth),
		cmocka_unit_test(test_bounds),
		cmocka_unit_test(test_string_bounds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
