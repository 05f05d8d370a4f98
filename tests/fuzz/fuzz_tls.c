/*
 * fuzz_tls.c - the ClientHello parser on hostile bytes, as TLS records and
 * as bare handshake bytes (QUIC CRYPTO data).  Invariants: no read past
 * the input (ASan, exact-size copies), every escaped string NUL-terminated
 * inside its field, and prefix consistency: a prefix that answers 1 gives
 * the same hello as the whole input, a prefix that answers -1 means the
 * whole input is -1 too (the engine re-calls on a growing prefix).
 */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tls.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_strings(const struct tls_hello *h)
{
	assert(memchr(h->sni, '\0', sizeof(h->sni)) != NULL);
	assert(h->nalpn <= TLS_ALPN_MAX);
	for (unsigned i = 0; i < h->nalpn; i++)
		assert(memchr(h->alpn[i], '\0', sizeof(h->alpn[i])) != NULL);
	assert(h->has_sni || h->sni[0] == '\0');
	assert(!h->ech_outer || h->has_ech);
}

static void
check_prefix(int (*fn)(const uint8_t *, size_t, struct tls_hello *),
    const uint8_t *data, size_t size, size_t cut, int whole_rc,
    const struct tls_hello *whole)
{
	struct tls_hello h;
	uint8_t *cp;
	int rc;

	if (cut > size)
		return;
	cp = malloc(cut + 1);
	assert(cp != NULL);
	memcpy(cp, data, cut);
	rc = fn(cp, cut, &h);
	free(cp);
	assert(rc >= -1 && rc <= 1);
	if (rc == 1) {
		assert(whole_rc == 1);
		assert(memcmp(&h, whole, sizeof(h)) == 0);
	}
	if (rc == -1)
		assert(whole_rc == -1);
	if (whole_rc == 0)
		assert(rc == 0);
}

static void
run(int (*fn)(const uint8_t *, size_t, struct tls_hello *),
    const uint8_t *data, size_t size)
{
	struct tls_hello whole;
	int rc = fn(data, size, &whole);

	assert(rc >= -1 && rc <= 1);
	check_strings(&whole);
	if (size == 0)
		return;
	check_prefix(fn, data, size, size - 1, rc, &whole);
	check_prefix(fn, data, size, size / 2, rc, &whole);
	check_prefix(fn, data, size, data[size - 1] * (size / 256 + 1), rc,
	    &whole);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *cp = malloc(size + 1);

	assert(cp != NULL);
	memcpy(cp, data, size);
	run(tls_parse_records, cp, size);
	run(tls_parse_handshake, cp, size);
	/* Records whose payload is the rest, as when the first is the hello. */
	if (size > 5)
		run(tls_parse_handshake, cp + 5, size - 5);
	free(cp);
	return 0;
}
