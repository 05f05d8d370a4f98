/*
 * test_json.c - escaping of every byte class, nesting, the buffer bound
 * exactly at and one over.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "json.h"

static void
esc(const char *in, size_t len, const char *want)
{
	struct buf b;

	buf_init(&b, 1024);
	assert_int_equal(json_append_string(&b, in, len), 0);
	assert_string_equal(b.data, want);
	buf_free(&b);
}

static void
test_strings(void **state)
{
	(void)state;
	esc("plain", 5, "\"plain\"");
	esc("", 0, "\"\"");
	esc("a\"b\\c", 5, "\"a\\\"b\\\\c\"");
	esc("\n\r\t\b\f", 5, "\"\\n\\r\\t\\b\\f\"");
	esc("\x01\x1f\x7f", 3, "\"\\u0001\\u001f\\u007f\"");
	esc("nul\0x", 5, "\"nul\\u0000x\"");
	esc("caf\xc3\xa9", 5, "\"caf\xc3\xa9\"");
	esc("\xf0\x9f\x98\x80", 4, "\"\xf0\x9f\x98\x80\"");	/* 4-byte */
	esc("\xff", 1, "\"\xef\xbf\xbd\"");			/* never valid */
	esc("\xc0\xaf", 2, "\"\xef\xbf\xbd\xef\xbf\xbd\"");	/* overlong */
	esc("\xed\xa0\x80", 3,
	    "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"");	/* surrogate */
	esc("\xf4\x90\x80\x80", 4,
	    "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"");
	esc("\xe2\x82", 2, "\"\xef\xbf\xbd\xef\xbf\xbd\"");	/* truncated */
	esc("\xe2\x80\xa8|\xe2\x80\xa9", 7, "\"\\u2028|\\u2029\"");
	esc("\xe2\x80\xae", 3, "\"\\u202e\"");	/* RLO, made visible */
	esc("a\xe2\x80\x8b" "b\xef\xbb\xbf", 8, "\"a\\u200bb\\ufeff\"");
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
	json_u64(&w, 18446744073709551615ull);
	json_key(&w, "b");
	json_array_begin(&w);
	json_i64(&w, -5);
	json_bool(&w, true);
	json_null(&w);
	json_string(&w, NULL);
	json_object_begin(&w);
	json_object_end(&w);
	json_array_end(&w);
	json_key(&w, "c");
	json_string(&w, "x");
	json_object_end(&w);
	assert_false(w.error);
	assert_string_equal(b.data, "{\"a\":18446744073709551615,\"b\":[-5,"
	    "true,null,null,{}],\"c\":\"x\"}");
	buf_free(&b);
}

static void
test_bounds(void **state)
{
	struct json_writer w;
	struct buf b;

	(void)state;
	/* "{\"k\":\"vvvv\"}" is 12 bytes */
	buf_init(&b, 12);
	json_init(&w, &b);
	json_object_begin(&w);
	json_key(&w, "k");
	json_string(&w, "vvvv");
	json_object_end(&w);
	assert_false(w.error);
	assert_int_equal(b.len, 12);
	buf_free(&b);
	buf_init(&b, 11);
	json_init(&w, &b);
	json_object_begin(&w);
	json_key(&w, "k");
	json_string(&w, "vvvv");
	json_object_end(&w);
	assert_true(w.error);
	assert_true(b.len <= 11);
	buf_free(&b);
	/* depth */
	buf_init(&b, 1024);
	json_init(&w, &b);
	for (int i = 0; i < JSON_MAX_DEPTH; i++)
		json_array_begin(&w);
	assert_false(w.error);
	json_array_begin(&w);
	assert_true(w.error);
	buf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_strings),
		cmocka_unit_test(test_writer),
		cmocka_unit_test(test_bounds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
