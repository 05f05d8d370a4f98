/*
 * fuzz_rfc2047.c - encoded-words, charset conversion, UTF-8 sanitising.
 *
 * Input: byte 0 picks the word bound (0..15), byte 1 the output maximum
 * (0..255, or 64 KiB when 255); the rest is a header value.  It also goes,
 * split at its first '|', into rfc2047_charset_to_utf8() as charset and
 * text, so the fuzzer can reach iconv's converters by name.
 *
 * Invariants:
 *   - every output is valid UTF-8 within its maximum, and a call returns
 *     -1 only when the output is full enough that the next character
 *     could not fit;
 *   - decoded header values and sanitised values hold no NUL;
 *   - the statistics add up: words <= the bound, a refusal only over it.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rfc2047.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check(int ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz_rfc2047: invariant broken: %s\n", what);
		abort();
	}
}

static void
check_utf8(const struct buf *b, int nul_ok, int rc)
{
	const unsigned char *p = (const unsigned char *)b->data;

	check(b->data != NULL, "data NULL");
	check(b->len <= b->max, "over the maximum");
	check(b->data[b->len] == '\0', "not terminated");
	for (size_t i = 0; i < b->len;) {
		size_t n = utf8_seq_len(p + i, b->len - i);

		check(n > 0, "invalid UTF-8 out");
		check(nul_ok || p[i] != 0, "NUL out");
		i += n;
	}
	/* -1 only when not even U+FFFD (3 bytes) or a 4-byte sequence
	 * would have fitted */
	check(rc == 0 || b->max - b->len < 4, "refused with room left");
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rfc2047_stats st;
	struct span v, cs, text;
	struct buf b;
	const char *bar;
	size_t max;
	int rc;

	if (size < 2)
		return 0;
	max = data[1] == 255 ? 65536 : data[1];
	v = (struct span){ (const char *)data + 2, size - 2 };

	buf_init(&b, max);
	rc = rfc2047_decode_full(v, data[0] % 16, &b, &st);
	check_utf8(&b, 0, rc);
	check(st.words <= (size_t)(data[0] % 16), "over the word bound");
	check(st.over_limit == 0 || st.words == (size_t)(data[0] % 16),
	    "refused a word under the bound");
	buf_free(&b);

	buf_init(&b, max);
	rc = rfc2047_utf8_sanitize(v, &b, NULL);
	check_utf8(&b, 0, rc);
	check(rc < 0 || b.len >= v.len, "sanitising lost bytes");
	buf_free(&b);

	bar = memchr(v.p, '|', v.len);
	cs = (struct span){ v.p, bar != NULL ? (size_t)(bar - v.p) : 0 };
	text = bar != NULL ? (struct span){ bar + 1, v.len - cs.len - 1 } : v;
	buf_init(&b, max);
	rc = rfc2047_charset_to_utf8(cs, text, &b, NULL);
	check_utf8(&b, 1, rc);
	buf_free(&b);
	return 0;
}
