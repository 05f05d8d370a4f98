/*
 * fuzz_domain.c - domain validation and label-boundary matching.  The
 * input is split at the first newline into a list entry and a query.
 * Invariants: a name that validates and is added matches itself and any
 * subdomain of it; a query never matches an empty set.
 */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "domset.h"
#include "mem.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	const char *nl = memchr(s, '\n', size);
	size_t elen = nl == NULL ? size : (size_t)(nl - s);
	const char *q = nl == NULL ? s : nl + 1;
	size_t qlen = nl == NULL ? size : size - elen - 1;
	struct domset *set = domset_new();
	const char *why;
	size_t col;

	assert(!domset_match(set, q, qlen, NULL));
	if (domain_validate(s, elen, &why, &col) == 0) {
		char *sub;

		assert(domset_add(set, s, elen) == 0);
		assert(domset_match(set, s, elen, NULL));
		sub = mem_printf("x.%.*s", (int)elen, s);
		if (strlen(sub) <= DOMAIN_MAX_LEN)
			assert(domset_match(set, sub, strlen(sub), NULL));
		free(sub);
	} else {
		assert(col <= elen);
		assert(domset_add(set, s, elen) < 0);
	}
	(void)domset_match(set, q, qlen, NULL);
	domset_free(&set);
	return 0;
}
