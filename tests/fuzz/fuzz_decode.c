/*
 * fuzz_decode.c - streaming base64 and quoted-printable decoders.  The
 * first byte picks the chunk size; the output must be the same as decoding
 * the input whole, and never longer than DECODE_OUT_MAX allows.
 */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static size_t
b64(const char *in, size_t len, size_t chunk, char *out)
{
	struct decode_b64 s;
	size_t o = 0;

	decode_b64_init(&s);
	for (size_t off = 0; off < len; off += chunk)
		o += decode_b64(&s, in + off, len - off < chunk ? len - off :
		    chunk, out + o);
	return o + decode_b64_finish(&s, out + o);
}

static size_t
qp(const char *in, size_t len, size_t chunk, char *out)
{
	struct decode_qp s;
	size_t o = 0;

	decode_qp_init(&s);
	for (size_t off = 0; off < len; off += chunk)
		o += decode_qp(&s, in + off, len - off < chunk ? len - off :
		    chunk, out + o);
	return o + decode_qp_finish(&s, out + o);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *in = (const char *)data + 1;
	size_t len, chunk, a, b;
	char *o1, *o2;

	if (size < 1)
		return 0;
	len = size - 1;
	chunk = (size_t)data[0] % 9 + 1;
	o1 = malloc(DECODE_OUT_MAX(len) * 2 + 16);
	o2 = malloc(DECODE_OUT_MAX(len) * 2 + 16);
	a = b64(in, len, len == 0 ? 1 : len, o1);
	b = b64(in, len, chunk, o2);
	assert(a == b && memcmp(o1, o2, a) == 0 && a <= len);
	a = qp(in, len, len == 0 ? 1 : len, o1);
	b = qp(in, len, chunk, o2);
	assert(a == b && memcmp(o1, o2, a) == 0 && a <= len + 2);
	free(o1);
	free(o2);
	return 0;
}
