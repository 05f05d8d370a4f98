/*
 * fuzz_legacy.c - uuencode, yEnc, BinHex and TNEF decoders on any bytes.
 * Invariant: every file handed out is within the output bound and the
 * number of files within LEGACY_MAX_FILES.
 */
#include <assert.h>
#include <stdint.h>
#include <string.h>

#include "legacy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
seen(void *ctx, const char *kind, const char *name, const void *d,
    size_t len, bool truncated)
{
	size_t *n = ctx;

	(void)kind;
	(void)d;
	(void)truncated;
	assert(strlen(name) < LEGACY_NAME_MAX);
	assert(len <= 4096);
	(*n)++;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t n = 0;

	assert(legacy_scan_text((const char *)data, size, 4096, seen, &n) <=
	    LEGACY_MAX_FILES);
	(void)legacy_binhex((const char *)data, size, 4096, seen, &n);
	(void)legacy_tnef(data, size, 4096, seen, &n);
	return 0;
}
