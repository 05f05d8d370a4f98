/*
 * test_decode.c - base64 and quoted-printable: RFC 2045 examples, the
 * tolerance rules, and the same output for chunk sizes 1, 2, 3, 7 and
 * whole.
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

static size_t
b64(const char *in, size_t chunk, char *out, size_t *invalid)
{
	struct decode_b64 s;
	size_t len = strlen(in), o = 0;

	decode_b64_init(&s);
	for (size_t off = 0; off < len; off += chunk)
		o += decode_b64(&s, in + off, len - off < chunk ? len - off :
		    chunk, out + o);
	o += decode_b64_finish(&s, out + o);
	*invalid = s.invalid;
	return o;
}

static size_t
qp(const char *in, size_t chunk, char *out, size_t *invalid)
{
	struct decode_qp s;
	size_t len = strlen(in), o = 0;

	decode_qp_init(&s);
	for (size_t off = 0; off < len; off += chunk)
		o += decode_qp(&s, in + off, len - off < chunk ? len - off :
		    chunk, out + o);
	o += decode_qp_finish(&s, out + o);
	*invalid = s.invalid;
	return o;
}

/* Decode with every chunking; all equal want. */
static void
check(size_t (*fn)(const char *, size_t, char *, size_t *), const char *in,
    const char *want, size_t want_len, size_t want_invalid)
{
	static const size_t chunks[] = { 1, 2, 3, 7, 100000 };
	char out[4096];

	for (size_t i = 0; i < sizeof(chunks) / sizeof(chunks[0]); i++) {
		size_t inv, n = fn(in, chunks[i], out, &inv);

		assert_int_equal(n, want_len);
		assert_memory_equal(out, want, want_len);
		assert_int_equal(inv, want_invalid);
	}
}

static void
test_base64(void **state)
{
	(void)state;
	check(b64, "TWFu", "Man", 3, 0);
	check(b64, "TWE=", "Ma", 2, 0);
	check(b64, "TQ==", "M", 1, 0);
	check(b64, "TWFu\r\nIGlz\r\n", "Man is", 6, 0);
	check(b64, "T W\tF\nu", "Man", 3, 0);	/* white space anywhere */
	check(b64, "TW!Fu", "Man", 3, 1);	/* junk skipped, counted */
	check(b64, "TWE=TWFu", "MaMan", 5, 0);	/* concatenated blocks */
	check(b64, "TWF", "Ma", 2, 0);		/* missing padding */
	check(b64, "", "", 0, 0);
	check(b64, "AAEC/w==", "\x00\x01\x02\xff", 4, 0);
}

static void
test_qp(void **state)
{
	(void)state;
	check(qp, "caf=C3=A9", "caf\xc3\xa9", 5, 0);
	check(qp, "caf=c3=a9", "caf\xc3\xa9", 5, 0);	/* lowercase hex */
	check(qp, "soft=\r\nbreak", "softbreak", 9, 0);
	check(qp, "soft=\nbreak", "softbreak", 9, 0);
	check(qp, "soft=  \r\nbreak", "softbreak", 9, 0);	/* = then WSP */
	check(qp, "word =\r\nnext", "word next", 9, 0);	/* space is data */
	check(qp, "trail   \r\nx", "trail\r\nx", 8, 0);	/* RFC 2045 rule 3 */
	check(qp, "trail \t\nx", "trail\nx", 7, 0);
	check(qp, "a=ZZb", "a=ZZb", 5, 1);		/* broken escape */
	check(qp, "a=4", "a=4", 3, 1);			/* cut at the end */
	check(qp, "a=", "a=", 2, 1);
	check(qp, "end\r", "end\r", 4, 0);
	check(qp, "x\ry", "x\ry", 3, 0);			/* bare CR kept */
	check(qp, "=3D=3d", "==", 2, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_base64),
		cmocka_unit_test(test_qp),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
