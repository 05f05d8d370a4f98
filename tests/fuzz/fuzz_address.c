/*
 * fuzz_address.c - RFC 5322 address lists.
 *
 * Input: the field value, any bytes.
 *
 * Invariants:
 *   - kept <= count, kept <= ADDRESS_MAX; every stored spec is
 *     NUL-terminated inside its slot, holds an '@' with something on both
 *     sides, and has a non-empty address_domain();
 *   - the return value is 0 exactly when the value is clean;
 *   - a clean value has no too-long specs and no over-deep comments;
 *   - parsing is a function of the input: a second parse agrees;
 *   - each stored spec, parsed alone, is one clean mailbox giving itself
 *     back when the first parse was clean (specs are canonical).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "address.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check(int ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz_address: invariant broken: %s\n", what);
		abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct address_list *a = malloc(sizeof(*a)), *b = malloc(sizeof(*b));
	struct span s = { (const char *)data, size };
	int rc;

	check(a != NULL && b != NULL, "malloc");
	rc = address_parse(s, a);
	check((rc == 0) == a->clean, "return value");
	check(a->kept <= a->count && a->kept <= ADDRESS_MAX, "counts");
	check(!a->clean || (a->too_long == 0 && a->nul_specs == 0 &&
	    a->deep_comments == 0),
	    "clean with a limit hit");
	for (size_t i = 0; i < a->kept; i++) {
		const char *sp = a->spec[i];
		size_t n = strnlen(sp, ADDRESS_SPEC_MAX);
		const char *at;

		check(n < ADDRESS_SPEC_MAX, "spec not terminated");
		at = strrchr(sp, '@');
		check(at != NULL && at != sp && at[1] != '\0', "spec shape");
		check(address_domain((struct span){ sp, n }).len > 0,
		    "no domain");
	}
	(void)address_parse(s, b);
	check(a->count == b->count && a->kept == b->kept &&
	    a->clean == b->clean, "second parse differs");
	for (size_t i = 0; i < a->kept; i++)
		check(strcmp(a->spec[i], b->spec[i]) == 0,
		    "second parse differs");
	for (size_t i = 0; i < a->kept && a->clean; i++) {
		check(address_parse(span_from_cstr(a->spec[i]), b) == 0 &&
		    b->count == 1 && b->kept == 1 &&
		    strcmp(b->spec[0], a->spec[i]) == 0, "spec not canonical");
	}
	free(a);
	free(b);
	return 0;
}
