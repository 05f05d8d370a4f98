/*
 * fuzz_mimeparam.c - Content-Type / Content-Disposition values.
 *
 * Input: bytes 0-2 pick the limits (parameters 0..15, sections 1..16,
 * value bytes 1..256), the rest is the field value.
 *
 * Invariants:
 *   - every bound holds: entries <= params, each value <= value bytes,
 *     token <= MIMEPARAM_TOKEN_MAX, names <= MIMEPARAM_NAME_MAX and
 *     lowercase ASCII letters stay lowercase;
 *   - file names (name, filename) are valid UTF-8 without NUL;
 *   - every value is NUL-terminated at its length;
 *   - mimeparam_get() answers with an entry of that name, an RFC 2231 one
 *     if there is one, and for every name present;
 *   - the return value says whether a token or a parameter was found.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mimeparam.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check(int ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz_mimeparam: invariant broken: %s\n",
		    what);
		abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mimeparam_limits l;
	struct mimeparam p;
	bool found;
	int rc;

	if (size < 3)
		return 0;
	l.params = data[0] % 16;
	l.sections = data[1] % 16 + 1;
	l.value_bytes = data[2] + 1u;
	mimeparam_init_limits(&p, &l);
	p.max = l.params;	/* 0 too: keep nothing */
	rc = mimeparam_parse(&p, (struct span){ (const char *)data + 3,
	    size - 3 });
	check((rc == 0) == (p.value[0] != '\0' || p.n > 0), "return value");
	check(strlen(p.value) <= MIMEPARAM_TOKEN_MAX, "token bound");
	check(p.n <= l.params, "parameter bound");
	for (size_t i = 0; i < p.n; i++) {
		const struct mimeparam_entry *e = &p.v[i];
		struct span g = mimeparam_get(&p, e->name);

		check(e->name[0] != '\0', "empty name");
		check(strlen(e->name) <= MIMEPARAM_NAME_MAX, "name bound");
		for (const char *c = e->name; *c != '\0'; c++)
			check(!(*c >= 'A' && *c <= 'Z'), "name not lowercase");
		check(e->len <= l.value_bytes, "value bound");
		check(e->value[e->len] == '\0', "value not terminated");
		if (strcmp(e->name, "filename") == 0 ||
		    strcmp(e->name, "name") == 0)
			for (size_t j = 0; j < e->len;) {
				size_t n = utf8_seq_len((const unsigned char *)
				    e->value + j, e->len - j);

				check(n > 0, "file name not UTF-8");
				check(e->value[j] != '\0', "NUL in file name");
				j += n;
			}
		check(g.p != NULL, "get misses a name");
		found = false;
		for (size_t j = 0; j < p.n; j++)
			if (g.p == p.v[j].value) {
				found = true;
				check(strcmp(p.v[j].name, e->name) == 0,
				    "get answers another name");
				check(p.v[j].extended || !e->extended,
				    "get prefers a plain value");
				check(g.len == p.v[j].len, "get length");
			}
		check(found, "get answers no entry");
	}
	check(mimeparam_get(&p, "no such name here").p == NULL, "get");
	mimeparam_free(&p);
	return 0;
}
