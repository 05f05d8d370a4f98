/*
 * fuzz_domain.c - domain validation and label-boundary matching.
 *
 * The input is split at its first newline into a list entry and a query
 * (no newline: the input is both).  Invariants:
 *   - a failed validation names a reason and a column inside the entry,
 *     and domset_add refuses the entry;
 *   - a validated entry is added, matches itself, a subdomain of itself
 *     and its uppercase form, but not "x" glued to it nor itself with a
 *     label added on the right;
 *   - any query matches exactly when a plain reference matcher (lowercase,
 *     one trailing dot dropped, at most 253 bytes, no empty label, equal to
 *     the entry or ending in "." and the entry) says so.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domset.h"
#include "mem.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check(bool ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz_domain: invariant broken: %s\n", what);
		abort();
	}
}

static unsigned char
lc(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c;
}

/* The reference: does q lie at or below base (lowercase, validated)? */
static bool
ref_match(const char *base, size_t blen, const char *q, size_t qlen)
{
	size_t off;

	if (qlen > 0 && q[qlen - 1] == '.')
		qlen--;
	if (qlen == 0 || qlen > DOMAIN_MAX_LEN || q[0] == '.' ||
	    q[qlen - 1] == '.')
		return false;
	for (size_t i = 1; i < qlen; i++)
		if (q[i] == '.' && q[i - 1] == '.')
			return false;
	if (qlen < blen)
		return false;
	off = qlen - blen;
	if (off > 0 && q[off - 1] != '.')
		return false;
	for (size_t i = 0; i < blen; i++)
		if (lc((unsigned char)q[off + i]) != (unsigned char)base[i])
			return false;
	return true;
}

static bool
has(const struct domset *set, const char *s, size_t len)
{
	return domset_match(set, s, len, NULL);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	const char *nl = memchr(s, '\n', size);
	size_t elen = nl == NULL ? size : (size_t)(nl - s);
	const char *q = nl == NULL ? s : nl + 1;
	size_t qlen = nl == NULL ? size : size - elen - 1;
	struct domset *set = domset_new();
	const char *why = NULL, *hit = NULL;
	size_t col = SIZE_MAX;
	bool matched;

	check(!has(set, q, qlen), "empty set matched");
	if (domain_validate(s, elen, &why, &col) == 0) {
		const char *b = s;
		size_t blen = elen;
		char *base, *tmp;

		check(domset_add(set, s, elen) == 0, "valid entry refused");
		check(domset_count(set) == 1, "count after one add");
		if (blen >= 2 && b[0] == '*' && b[1] == '.') {
			b += 2;
			blen -= 2;
		}
		if (b[blen - 1] == '.')
			blen--;
		check(blen >= 1 && blen <= DOMAIN_MAX_LEN, "validated length");
		base = mem_strndup(b, blen);
		for (size_t i = 0; i < blen; i++)
			base[i] = (char)lc((unsigned char)base[i]);

		/*
		 * "*.a" as a query lies below "a", unless the "*." takes it
		 * past 253 bytes (found by this fuzzer; see corpus file
		 * wildcard-entry-253-as-query).
		 */
		check(has(set, s, elen) == ref_match(base, blen, s, elen),
		    "entry as a query");
		check(s[0] == '*' || has(set, s, elen),
		    "entry does not match itself");
		check(domset_match(set, base, blen, &hit), "base no match");
		check(strcmp(hit, base) == 0, "matched_r is not the entry");
		for (size_t i = 0; i < blen; i++)
			if (base[i] >= 'a' && base[i] <= 'z')
				base[i] = (char)(base[i] - ('a' - 'A'));
		check(has(set, base, blen), "uppercase does not match");
		for (size_t i = 0; i < blen; i++)
			base[i] = (char)lc((unsigned char)base[i]);

		tmp = mem_printf("x.%s", base);
		check(has(set, tmp, strlen(tmp)) ==
		    (blen + 2 <= DOMAIN_MAX_LEN), "subdomain");
		free(tmp);
		tmp = mem_printf("x%s", base);
		check(!has(set, tmp, strlen(tmp)),
		    "matched off a label boundary");
		free(tmp);
		tmp = mem_printf("%s.-", base);
		check(!has(set, tmp, strlen(tmp)), "matched a parent's child");
		free(tmp);

		matched = domset_match(set, q, qlen, &hit);
		check(matched == ref_match(base, blen, q, qlen),
		    "differs from the reference matcher");
		check(!matched || strcmp(hit, base) == 0, "matched_r");
		check(domset_add(set, s, elen) == 0 && domset_count(set) == 1,
		    "duplicate add");
		free(base);
	} else {
		check(why != NULL && why[0] != '\0', "no reason");
		check(col <= elen, "column past the entry");
		check(domset_add(set, s, elen) < 0, "invalid entry added");
		check(domset_count(set) == 0, "count after refused add");
		check(!has(set, q, qlen), "empty set matched");
	}
	domset_free(&set);
	check(set == NULL, "free did not clear");
	return 0;
}
