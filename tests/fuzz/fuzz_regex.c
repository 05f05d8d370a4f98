/*
 * fuzz_regex.c - the PCRE2 wrapper on rule-author patterns and hostile
 * subjects.
 *
 * Input: the first byte picks the flags (bit 0 REGEX_CASELESS, bit 1
 * REGEX_UTF) and, with bit 2, small limits instead of the defaults; the
 * rest is split at its first NUL into the pattern and the subject (no NUL:
 * the subject is empty).
 *
 * Invariants:
 *   - a pattern either compiles or fails with a message and an offset
 *     inside the pattern;
 *   - a compiled regex keeps its pattern bytes exactly;
 *   - matching answers 0 or 1, in bounded time (the limits; libFuzzer's
 *     -timeout catches a hang), whatever the subject's bytes, and answers
 *     the same when asked again;
 *   - a limit hit answers 0.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "regex.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check(bool ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz_regex: invariant broken: %s\n", what);
		abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct regex_limits small = { 200, 20 };
	const char *pattern, *subject, *nul;
	size_t plen, slen;
	unsigned flags;
	struct regex *re;
	char *err = NULL;
	size_t off = 0;

	if (size == 0)
		return 0;
	flags = data[0] & (REGEX_CASELESS | REGEX_UTF);
	pattern = (const char *)data + 1;
	nul = memchr(pattern, '\0', size - 1);
	if (nul != NULL) {
		plen = (size_t)(nul - pattern);
		subject = nul + 1;
		slen = size - 1 - plen - 1;
	} else {
		plen = size - 1;
		subject = NULL;
		slen = 0;
	}
	re = regex_compile(pattern, plen, flags, data[0] & 4 ? &small : NULL,
	    &err, &off);
	if (re == NULL) {
		check(err != NULL && err[0] != '\0', "a compile error says why");
		check(off <= plen, "error offset inside the pattern");
		free(err);
		return 0;
	}
	check(err == NULL, "no message on success");
	check(strlen(regex_pattern(re)) == plen &&
	    memcmp(regex_pattern(re), pattern, plen) == 0, "pattern kept");
	{
		uint64_t before = regex_limit_hits();
		int r1 = regex_match(re, subject, slen);
		bool hit = regex_limit_hits() != before;
		int r2 = regex_match(re, subject, slen);

		check(r1 == 0 || r1 == 1, "match answers 0 or 1");
		check(!hit || r1 == 0, "a limit hit is a no-match");
		check(r1 == r2, "same answer twice");
		/* the pattern's own bytes as a subject too */
		r1 = regex_match(re, pattern, plen);
		check(r1 == 0 || r1 == 1, "match answers 0 or 1");
	}
	regex_free(&re);
	check(re == NULL, "free clears the pointer");
	regex_thread_done();
	return 0;
}
