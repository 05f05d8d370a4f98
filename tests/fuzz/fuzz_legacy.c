/*
 * fuzz_legacy.c - uuencode, yEnc, BinHex and TNEF decoders on any bytes.
 * Invariant: every file handed out is within the output bound, and a
 * decoder stops when the callback says so.
 */
#include <assert.h>
#include <stdint.h>
#include <string.h>

#include "legacy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool
seen(void *ctx, const char *kind, const char *name, const void *d,
    size_t len, bool truncated)
{
	size_t *n = ctx;

	(void)kind;
	(void)d;
	(void)truncated;
	assert(len <= 4096);
	(void)strlen(name);
	return ++*n < 10000;	/* the caller's budget stops the decoder */
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t n = 0;

	assert(legacy_scan_text((const char *)data, size, 4096, seen, &n) <=
	    10000);
	n = 0;
	assert(legacy_scan_uu_part((const char *)data, size, 4096, seen,
	    &n) <= 10000);
	(void)legacy_binhex((const char *)data, size, 4096, seen, &n);
	(void)legacy_tnef(data, size, 4096, seen, &n);
	return 0;
}
