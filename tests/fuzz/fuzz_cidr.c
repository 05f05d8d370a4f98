/*
 * fuzz_cidr.c - strict address and prefix parsing.  Invariants: whatever
 * parses formats back to text that parses to the same prefix, and the
 * prefix contains its own address; a set built from it matches it.
 */
#include <assert.h>
#include <stdint.h>
#include <string.h>

#include "cidr.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	struct cidr c, c2;
	struct ipaddr a;
	const char *why;
	char text[80];

	if (cidr_parse(s, size, &c, &why) == 0) {
		struct cidrset *set = cidrset_new();

		cidr_format(&c, text, sizeof(text));
		if (c.v4 || !ipaddr_is_v4(&c.addr)) {
			assert(cidr_parse(text, strlen(text), &c2, &why) == 0);
			assert(memcmp(&c.addr, &c2.addr, sizeof(c.addr)) == 0);
		}
		assert(cidr_contains(&c, &c.addr));
		cidrset_add(set, &c);
		cidrset_build(set);
		assert(cidrset_match(set, &c.addr));
		cidrset_free(&set);
	}
	if (ipaddr_parse(s, size, &a) == 0) {
		ipaddr_format(&a, text, sizeof(text));
		assert(ipaddr_parse(text, strlen(text), &c.addr) == 0);
		assert(memcmp(&a, &c.addr, sizeof(a)) == 0);
	}
	return 0;
}
