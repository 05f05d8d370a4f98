/*
 * fuzz_decode.c - streaming base64 and quoted-printable decoders.
 *
 * Input: four bytes that choose chunk sizes (each byte % 32 + 1, used in
 * turn), then the encoded text.  Both decoders run over the text whole and
 * in those chunks.
 *
 * Invariants:
 *   - the chunked output and counters equal the whole-input ones;
 *   - no call writes more than its documented bound: each call gets a heap
 *     buffer of exactly DECODE_*_OUT_MAX(len) bytes, so ASan sees any
 *     write past it, and the returned count is checked too;
 *   - decoding never expands: base64 at most 3/4 of the input plus a
 *     group, quoted-printable at most the input.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct result {
	char *out;
	size_t n;
	size_t c[5];		/* the decoder's counters */
};

static void
check(int ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz_decode: invariant broken: %s\n", what);
		abort();
	}
}

/* One call into a buffer of exactly the bound; appended to r. */
static void
call(int qp, struct decode_b64 *b, struct decode_qp *q, const char *in,
    size_t len, int finish, struct result *r)
{
	size_t bound = finish ? (qp ? DECODE_QP_OUT_MAX(0) : 0) :
	    (qp ? DECODE_QP_OUT_MAX(len) : DECODE_B64_OUT_MAX(len));
	char *tmp = malloc(bound > 0 ? bound : 1);
	size_t n;

	check(tmp != NULL, "malloc");
	if (finish)
		n = qp ? decode_qp_finish(q, tmp) : decode_b64_finish(b, tmp);
	else
		n = qp ? decode_qp(q, in, len, tmp) : decode_b64(b, in, len,
		    tmp);
	check(n <= bound, "output over the documented bound");
	memcpy(r->out + r->n, tmp, n);
	r->n += n;
	free(tmp);
}

static void
run(int qp, const char *in, size_t len, const uint8_t *sizes,
    struct result *r)
{
	struct decode_b64 b;
	struct decode_qp q;
	size_t off = 0, k = 0;

	decode_b64_init(&b);
	decode_qp_init(&q);
	r->n = 0;
	while (off < len) {
		size_t take = sizes == NULL ? len : (size_t)sizes[k++ % 4] % 32
		    + 1;

		if (take > len - off)
			take = len - off;
		call(qp, &b, &q, in + off, take, 0, r);
		off += take;
	}
	call(qp, &b, &q, NULL, 0, 1, r);
	if (qp) {
		r->c[0] = q.invalid;
		r->c[1] = q.ws_passed;
		r->c[2] = r->c[3] = r->c[4] = 0;
	} else {
		r->c[0] = b.invalid;
		r->c[1] = b.padded;
		r->c[2] = b.after_pad;
		r->c[3] = b.partial;
		r->c[4] = b.unpadded;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct result whole, chunked;
	const char *in;
	size_t len;

	if (size < 4)
		return 0;
	in = (const char *)data + 4;
	len = size - 4;
	whole.out = malloc(len + DECODE_OUT_MAX(0));
	chunked.out = malloc(len + DECODE_OUT_MAX(0));
	check(whole.out != NULL && chunked.out != NULL, "malloc");
	for (int qp = 0; qp < 2; qp++) {
		run(qp, in, len, NULL, &whole);
		run(qp, in, len, data, &chunked);
		check(whole.n == chunked.n, "chunked length differs");
		check(memcmp(whole.out, chunked.out, whole.n) == 0,
		    "chunked bytes differ");
		check(memcmp(whole.c, chunked.c, sizeof(whole.c)) == 0,
		    "chunked counters differ");
		check(qp ? whole.n <= len : whole.n <= len / 4 * 3 + 2,
		    "decoding expanded");
	}
	free(whole.out);
	free(chunked.out);
	return 0;
}
