/*
 * test_jsonread.c - the JSON reader: RFC 8259's grammar (every error code,
 * each at its exact offset), the token stream and its spans, every proper
 * prefix of a valid text stopping exactly at its end, each bound exactly
 * at its limit and one over, jsonread_skip, and unescaping (escapes,
 * surrogate pairs, exact fit and one byte short).
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

#include "jsonread.h"
#include "mem.h"
#include "str.h"

static const struct jsonread_limits wide = { JSONREAD_DEPTH_CAP, SIZE_MAX,
	SIZE_MAX };

/* The error and its offset for text under lim (JSONREAD_OK: no offset). */
static enum jsonread_error
check(const char *text, size_t len, const struct jsonread_limits *lim,
    size_t *off_r)
{
	*off_r = SIZE_MAX;
	return jsonread_check(text, len, lim, off_r);
}

static void
ok(const char *text)
{
	size_t off;
	enum jsonread_error e = check(text, strlen(text), &wide, &off);

	if (e != JSONREAD_OK)
		fail_msg("'%s': %s at %zu", text, jsonread_strerror(e), off);
}

static void
bad(const char *text, size_t len, enum jsonread_error want, size_t want_off)
{
	size_t off;
	enum jsonread_error e = check(text, len, &wide, &off);

	if (e != want || off != want_off)
		fail_msg("'%.*s': %s at %zu, wanted %s at %zu", (int)len, text,
		    jsonread_strerror(e), off, jsonread_strerror(want),
		    want_off);
}

#define BAD(s, e, off) bad(s, sizeof(s) - 1, JSONREAD_E_##e, off)

static void
test_valid(void **state)
{
	static const char *const good[] = { "{}", "[]", "0", "-0", "1",
		"-1.5e+3", "2E-7", "10.25", "\"\"", "true", "false", "null",
		" \t\r\n{ \"a\" : [ 1 , 2 ] } \n", "[[[]]]", "{\"a\":{}}",
		"\"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\\uD83D\\uDE00\"",
		"\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\xf4\x8f\xbf\xbf\"",
		"\"\x7f\"",	/* DEL may stand raw */
		"{\"\":\"\",\"a\":null}", "[true,false,null,\"x\",{},[]]",
		"123456789012345678901234567890" };

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		ok(good[i]);
}

/* Every error, at the first byte that cannot continue the text. */
static void
test_errors(void **state)
{
	(void)state;
	BAD("", VALUE, 0);
	BAD("   ", VALUE, 3);
	BAD("[", VALUE, 1);
	BAD("{\"a\":", VALUE, 5);
	BAD("[1,", VALUE, 3);
	BAD("}", NUMBER, 0);
	BAD("[1,]", NUMBER, 3);
	BAD("{\"a\":}", NUMBER, 5);
	BAD("+1", NUMBER, 0);
	BAD("-", NUMBER, 1);
	BAD("-a", NUMBER, 1);
	BAD("1.", NUMBER, 2);
	BAD("1.e3", NUMBER, 2);
	BAD("1e", NUMBER, 2);
	BAD("1e+", NUMBER, 3);
	BAD("[.5]", NUMBER, 1);
	BAD("tru", LITERAL, 3);
	BAD("trUe", LITERAL, 2);
	BAD("[nul]", LITERAL, 4);
	BAD("falsy", LITERAL, 4);
	BAD("\"", STRING_END, 1);
	BAD("\"abc", STRING_END, 4);
	BAD("\"a\\", STRING_END, 3);
	BAD("\"\\x\"", ESCAPE, 2);
	BAD("\"\\U0041\"", ESCAPE, 2);
	BAD("\"\\u12g4\"", UESCAPE, 5);
	BAD("\"\\u12", UESCAPE, 5);
	BAD("\"\\u\"", UESCAPE, 3);
	BAD("\"x\\udc00\"", SURROGATE, 2);
	BAD("\"\\ud800\"", SURROGATE, 7);
	BAD("\"\\ud800\\u0041\"", SURROGATE, 9);
	BAD("\"\\ud800\\uDBFF\"", SURROGATE, 10);
	BAD("\"\\ud800\\udc0g\"", SURROGATE, 12);
	BAD("\"\\ud800\\x\"", SURROGATE, 8);
	BAD("\"\\ud800", SURROGATE, 7);
	BAD("\"\\ud800\\ud", SURROGATE, 10);
	BAD("\"\x01\"", CONTROL, 1);
	BAD("\"a\tb\"", CONTROL, 2);
	BAD("\"\xff\"", UTF8, 1);
	BAD("\"\x80\"", UTF8, 1);
	BAD("\"\xc0\xaf\"", UTF8, 1);	/* overlong */
	BAD("\"a\xed\xa0\x80\"", UTF8, 2);	/* an encoded surrogate */
	BAD("\"\xf4\x90\x80\x80\"", UTF8, 1);	/* past U+10FFFF */
	BAD("\"\xe2\x82\"", UTF8, 1);	/* cut short */
	BAD("{", KEY, 1);
	BAD("{1:2}", KEY, 1);
	BAD("{\"a\":1,}", KEY, 7);
	BAD("{a:1}", KEY, 1);
	BAD("{\"a\"}", COLON, 4);
	BAD("{\"a\" 1}", COLON, 5);
	BAD("{\"a\"", COLON, 4);
	BAD("{\"a\":1", OBJECT_END, 6);
	BAD("{\"a\":1 ", OBJECT_END, 7);
	BAD("{\"a\":1 \"b\":2}", OBJECT_SEP, 7);
	BAD("{\"a\":1]", OBJECT_SEP, 6);
	BAD("[1", ARRAY_END, 2);
	BAD("[1 2]", ARRAY_SEP, 3);
	BAD("[1}", ARRAY_SEP, 2);
	BAD("01", TRAILING, 1);
	BAD("{} {}", TRAILING, 3);
	BAD("1 x", TRAILING, 2);
	BAD("[]]", TRAILING, 2);
	/* The grammar's first error wins over a later one. */
	BAD("[\"\\x\", tru", ESCAPE, 3);
	/* A NUL byte is a byte like any other. */
	bad("[\0]", 3, JSONREAD_E_NUMBER, 1);
	bad("\"\0\"", 3, JSONREAD_E_CONTROL, 1);
	bad("{}\0", 3, JSONREAD_E_TRAILING, 2);
}

/* Each error's text is fixed, and the same pointer each time. */
static void
test_messages(void **state)
{
	(void)state;
	assert_string_equal(jsonread_strerror(JSONREAD_E_ESCAPE),
	    "bad escape in string");
	assert_string_equal(jsonread_strerror(JSONREAD_E_SURROGATE),
	    "lone surrogate in string");
	assert_string_equal(jsonread_strerror(JSONREAD_E_OBJECT_END),
	    "unterminated object");
	assert_ptr_equal(jsonread_strerror(JSONREAD_E_UTF8),
	    jsonread_strerror(JSONREAD_E_UTF8));
	for (int e = 0; e < JSONREAD_NERRORS; e++)
		assert_non_null(jsonread_strerror((enum jsonread_error)e));
	assert_string_equal(jsonread_strerror(JSONREAD_NERRORS), "?");
}

/* The tokens of one text, their spans, depth and offsets. */
static void
test_tokens(void **state)
{
	static const char text[] =
	    " {\"a\\n\": [1, -2.5e3, \"x\"], \"b\": {\"c\": true},"
	    " \"d\": false, \"e\": null} ";
	static const struct {
		enum jsonread_type type;
		const char *text;
		bool escaped;
		unsigned depth;
	} want[] = {
		{ JSONREAD_OBJECT, "{", false, 1 },
		{ JSONREAD_KEY, "a\\n", true, 1 },
		{ JSONREAD_ARRAY, "[", false, 2 },
		{ JSONREAD_NUMBER, "1", false, 2 },
		{ JSONREAD_NUMBER, "-2.5e3", false, 2 },
		{ JSONREAD_STRING, "x", false, 2 },
		{ JSONREAD_ARRAY_END, "]", false, 1 },
		{ JSONREAD_KEY, "b", false, 1 },
		{ JSONREAD_OBJECT, "{", false, 2 },
		{ JSONREAD_KEY, "c", false, 2 },
		{ JSONREAD_TRUE, "true", false, 2 },
		{ JSONREAD_OBJECT_END, "}", false, 1 },
		{ JSONREAD_KEY, "d", false, 1 },
		{ JSONREAD_FALSE, "false", false, 1 },
		{ JSONREAD_KEY, "e", false, 1 },
		{ JSONREAD_NULL, "null", false, 1 },
		{ JSONREAD_OBJECT_END, "}", false, 0 },
	};
	struct jsonread r;
	struct jsonread_token t;
	size_t i = 0;

	(void)state;
	jsonread_init(&r, text, sizeof(text) - 1, &wide);
	while (jsonread_next(&r, &t) == 1) {
		assert_true(i < sizeof(want) / sizeof(want[0]));
		assert_int_equal(t.type, want[i].type);
		assert_int_equal(t.len, strlen(want[i].text));
		assert_memory_equal(t.p, want[i].text, t.len);
		assert_int_equal(t.escaped, want[i].escaped);
		assert_int_equal(jsonread_depth(&r), want[i].depth);
		assert_true(t.p >= text && t.p + t.len < text + sizeof(text));
		i++;
	}
	assert_int_equal(i, sizeof(want) / sizeof(want[0]));
	assert_int_equal(jsonread_error(&r), JSONREAD_OK);
	assert_int_equal(jsonread_offset(&r), sizeof(text) - 1);
	/* The end is sticky. */
	assert_int_equal(jsonread_next(&r, &t), -1);
	assert_int_equal(jsonread_error(&r), JSONREAD_OK);
}

/* A scalar is a whole text too, and an error is sticky. */
static void
test_scalar_and_sticky(void **state)
{
	struct jsonread r;
	struct jsonread_token t;

	(void)state;
	jsonread_init(&r, "\"s\"", 3, &wide);
	assert_int_equal(jsonread_next(&r, &t), 1);
	assert_int_equal(t.type, JSONREAD_STRING);
	assert_int_equal(jsonread_next(&r, &t), -1);
	assert_int_equal(jsonread_error(&r), JSONREAD_OK);

	jsonread_init(&r, "[1,x]", 5, &wide);
	assert_int_equal(jsonread_next(&r, &t), 1);
	assert_int_equal(jsonread_next(&r, &t), 1);
	assert_int_equal(jsonread_next(&r, &t), -1);
	assert_int_equal(jsonread_error(&r), JSONREAD_E_NUMBER);
	assert_int_equal(jsonread_error_offset(&r), 3);
	assert_int_equal(jsonread_next(&r, &t), -1);
	assert_int_equal(jsonread_error(&r), JSONREAD_E_NUMBER);
	assert_int_equal(jsonread_error_offset(&r), 3);
}

/*
 * Every proper prefix of a valid text stops exactly at its end (or is a
 * valid text itself), so an error's offset is where the text went wrong.
 */
static void
test_prefixes(void **state)
{
	static const char *const texts[] = {
		"{\"k\":[1,-2.5e+10,\"a\\u00e9\\ud83d\\ude00\\n\xc3\xa9\","
		"true,false,null,{},[]],\"\":{\"x\":0}}",
		"[\"\xf0\x9f\x98\x80\", 0.5, -0, 1E5 ]",
		"\"\\\"\\\\\\/\\b\\f\\r\\t\"",
	};

	(void)state;
	for (size_t k = 0; k < sizeof(texts) / sizeof(texts[0]); k++) {
		size_t len = strlen(texts[k]);

		ok(texts[k]);
		for (size_t n = 0; n < len; n++) {
			size_t off;
			enum jsonread_error e = check(texts[k], n, &wide, &off);

			/* A UTF-8 sequence is judged whole, so one cut by
			 * the end is placed at its first byte. */
			if (e == JSONREAD_E_UTF8 && n - off < 4 &&
			    (unsigned char)texts[k][off] >= 0xc2)
				continue;
			if (e != JSONREAD_OK && off != n)
				fail_msg("'%.*s': %s at %zu", (int)n, texts[k],
				    jsonread_strerror(e), off);
		}
	}
}

static char *
nested(unsigned depth, const char *inner)
{
	struct buf b;

	buf_init(&b, 1 << 16);
	for (unsigned i = 0; i < depth; i++)
		(void)buf_append_cstr(&b, i % 2 == 0 ? "[" : "{\"k\":");
	(void)buf_append_cstr(&b, inner);
	for (unsigned i = depth; i > 0; i--)
		(void)buf_append_cstr(&b, (i - 1) % 2 == 0 ? "]" : "}");
	return b.data;
}

/* max_depth levels are read; the bracket one deeper is the error. */
static void
test_depth_limit(void **state)
{
	struct jsonread_limits lim = wide;
	size_t off;
	char *t;

	(void)state;
	for (unsigned max = 1; max <= 20; max++) {
		lim.max_depth = max;
		t = nested(max, "1");
		assert_int_equal(check(t, strlen(t), &lim, &off), JSONREAD_OK);
		free(t);
		t = nested(max + 1, "1");
		assert_int_equal(check(t, strlen(t), &lim, &off),
		    JSONREAD_E_DEPTH);
		assert_int_equal(t[off], max % 2 == 0 ? '[' : '{');
		/* ... the innermost bracket. */
		for (size_t k = off + 1; t[k] != '1'; k++)
			assert_true(t[k] != '[' && t[k] != '{');
		free(t);
	}
	/* The largest bound there is, exactly. */
	lim.max_depth = JSONREAD_DEPTH_CAP;
	t = nested(JSONREAD_DEPTH_CAP, "1");
	assert_int_equal(check(t, strlen(t), &lim, &off), JSONREAD_OK);
	free(t);
	t = nested(JSONREAD_DEPTH_CAP + 1, "1");
	assert_int_equal(check(t, strlen(t), &lim, &off), JSONREAD_E_DEPTH);
	free(t);
	/* Depth 0 allows scalars only. */
	lim.max_depth = 0;
	assert_int_equal(check("7", 1, &lim, &off), JSONREAD_OK);
	assert_int_equal(check("[]", 2, &lim, &off), JSONREAD_E_DEPTH);
	assert_int_equal(off, 0);
}

/* Bytes between the quotes, as written: max_string is read, one more not. */
static void
test_string_limit(void **state)
{
	static const struct {
		size_t max;
		const char *text;
		enum jsonread_error e;
		size_t off;
	} cases[] = {
		{ 4, "[\"abcd\",\"\"]", JSONREAD_OK, SIZE_MAX },
		{ 4, "[\"abcde\"]", JSONREAD_E_STRING_LONG, 6 },	/* 'e' */
		/* Escapes count as written: "\n" is two bytes. */
		{ 4, "\"ab\\n\"", JSONREAD_OK, SIZE_MAX },
		{ 4, "\"abc\\n\"", JSONREAD_E_STRING_LONG, 5 },
		/* Keys are strings. */
		{ 4, "{\"abcde\":1}", JSONREAD_E_STRING_LONG, 6 },
		/* Passing the bound comes first; an error before it, first;
		 * an error at the same byte, first too. */
		{ 4, "\"abcdef\\x", JSONREAD_E_STRING_LONG, 5 },
		{ 4, "\"abc\\x", JSONREAD_E_ESCAPE, 5 },
		{ 4, "\"abcdefgh", JSONREAD_E_STRING_LONG, 5 },
		{ 4, "\"abcd", JSONREAD_E_STRING_END, 5 },
		{ 0, "\"\"", JSONREAD_OK, SIZE_MAX },
		{ 0, "\"a\"", JSONREAD_E_STRING_LONG, 1 },
	};
	struct jsonread_limits lim = wide;
	size_t off;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		lim.max_string = cases[i].max;
		assert_int_equal(check(cases[i].text, strlen(cases[i].text),
		    &lim, &off), cases[i].e);
		assert_int_equal(off, cases[i].off);
	}
}

/* Every token counts, closing brackets too. */
static void
test_token_limit(void **state)
{
	static const char text[] = "{\"a\":[1,\"b\"],\"c\":null}";
	struct jsonread_limits lim = wide;
	size_t off;

	(void)state;
	/* { a [ 1 "b" ] c null } : nine tokens */
	lim.max_tokens = 9;
	assert_int_equal(check(text, sizeof(text) - 1, &lim, &off),
	    JSONREAD_OK);
	lim.max_tokens = 8;
	assert_int_equal(check(text, sizeof(text) - 1, &lim, &off),
	    JSONREAD_E_TOKENS);
	assert_int_equal(off, sizeof(text) - 2);	/* the last '}' */
	lim.max_tokens = 3;
	assert_int_equal(check(text, sizeof(text) - 1, &lim, &off),
	    JSONREAD_E_TOKENS);
	assert_int_equal(off, 6);	/* the 1 */
	lim.max_tokens = 0;
	assert_int_equal(check("0", 1, &lim, &off), JSONREAD_E_TOKENS);
	assert_int_equal(off, 0);
	/* A grammar error at the same byte comes first. */
	assert_int_equal(check("x", 1, &lim, &off), JSONREAD_E_NUMBER);
}

static void
test_skip(void **state)
{
	static const char text[] = "[{\"a\":[1,{\"b\":[]}]},\"z\"]";
	struct jsonread r;
	struct jsonread_token t;
	const char *close;

	(void)state;
	jsonread_init(&r, text, sizeof(text) - 1, &wide);
	assert_int_equal(jsonread_next(&r, &t), 1);	/* [ */
	assert_int_equal(jsonread_next(&r, &t), 1);	/* { */
	assert_int_equal(jsonread_skip(&r, &close), 0);
	assert_int_equal(close - text, 18);
	assert_int_equal(*close, '}');
	assert_int_equal(jsonread_depth(&r), 1);
	assert_int_equal(jsonread_next(&r, &t), 1);
	assert_int_equal(t.type, JSONREAD_STRING);
	assert_int_equal(jsonread_skip(&r, &close), 0);	/* the outer [ */
	assert_int_equal(close - text, sizeof(text) - 2);
	assert_int_equal(jsonread_next(&r, &t), -1);
	assert_int_equal(jsonread_error(&r), JSONREAD_OK);
	/* Nothing open: nothing to skip. */
	assert_int_equal(jsonread_skip(&r, &close), -1);
	/* An error inside is the skip's. */
	jsonread_init(&r, "[[1,]]", 6, &wide);
	assert_int_equal(jsonread_next(&r, &t), 1);
	assert_int_equal(jsonread_skip(&r, &close), -1);
	assert_int_equal(jsonread_error(&r), JSONREAD_E_NUMBER);
	assert_int_equal(jsonread_error_offset(&r), 4);
}

/* The string token of a one-string text, unescaped into size bytes. */
static int
unescape(const char *text, char *out, size_t size)
{
	struct jsonread r;
	struct jsonread_token t;

	jsonread_init(&r, text, strlen(text), &wide);
	assert_int_equal(jsonread_next(&r, &t), 1);
	assert_int_equal(t.type, JSONREAD_STRING);
	return jsonread_unescape(t.p, t.len, out, size);
}

static void
test_unescape(void **state)
{
	static const struct {
		const char *text, *want;
		size_t len;
	} cases[] = {
		{ "\"plain\"", "plain", 5 },
		{ "\"\"", "", 0 },
		{ "\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"", "\"\\/\b\f\n\r\t", 8 },
		{ "\"\\u0041\\u00e9\\u20AC\"", "A\xc3\xa9\xe2\x82\xac", 6 },
		{ "\"\\ud83d\\ude00\"", "\xf0\x9f\x98\x80", 4 },
		{ "\"\\uDBFF\\uDFFF\"", "\xf4\x8f\xbf\xbf", 4 },
		{ "\"a\\u0000b\"", "a\0b", 3 },
		{ "\"\xc3\xa9\\n\"", "\xc3\xa9\n", 3 },
	};
	char out[64];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t n = cases[i].len;

		assert_int_equal(unescape(cases[i].text, out, sizeof(out)),
		    (int)n);
		assert_memory_equal(out, cases[i].want, n);
		assert_int_equal(out[n], '\0');
		/* Exactly enough room (the NUL counted), and one byte less. */
		assert_int_equal(unescape(cases[i].text, out, n + 1), (int)n);
		assert_memory_equal(out, cases[i].want, n);
		assert_int_equal(unescape(cases[i].text, out, n), -1);
	}
	assert_int_equal(jsonread_unescape("", 0, out, 0), -1);
	/* Bytes no reader accepted: refused, not guessed at. */
	assert_int_equal(jsonread_unescape("\\x", 2, out, sizeof(out)), -1);
	assert_int_equal(jsonread_unescape("\\", 1, out, sizeof(out)), -1);
	assert_int_equal(jsonread_unescape("\\u12", 4, out, sizeof(out)), -1);
	assert_int_equal(jsonread_unescape("\\udc00", 6, out, sizeof(out)),
	    -1);
	assert_int_equal(jsonread_unescape("\\ud800x", 7, out, sizeof(out)),
	    -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_messages),
		cmocka_unit_test(test_tokens),
		cmocka_unit_test(test_scalar_and_sticky),
		cmocka_unit_test(test_prefixes),
		cmocka_unit_test(test_depth_limit),
		cmocka_unit_test(test_string_limit),
		cmocka_unit_test(test_token_limit),
		cmocka_unit_test(test_skip),
		cmocka_unit_test(test_unescape),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
