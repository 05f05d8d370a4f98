/*
 * fuzz_cidr.c - strict address and prefix parsing, formatting and sets.
 *
 * Invariants:
 *   - a parsed prefix has clear host bits, formats to text that parses to
 *     the very same prefix (address, length, family) and formats the same
 *     again; it contains its own first and last address and a set built
 *     from it matches them, but not the addresses just outside;
 *   - a parsed address formats to text that parses to the same bytes;
 *   - without a '/', cidr_parse and ipaddr_parse agree;
 *   - our strict parser never accepts what glibc's inet_pton refuses, and
 *     accepts the same bytes (for short inputs without NUL).
 */
#include <arpa/inet.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cidr.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check(bool ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz_cidr: invariant broken: %s\n", what);
		abort();
	}
}

/* a += delta (+1 or -1) as a 128-bit number; false on wrap. */
static bool
step(struct ipaddr *a, int delta)
{
	for (int i = 15; i >= 0; i--) {
		uint8_t old = a->b[i];

		a->b[i] = (uint8_t)(old + delta);
		if ((delta > 0 && old != 0xff) || (delta < 0 && old != 0))
			return true;
	}
	return false;
}

static void
check_cidr(const struct cidr *c)
{
	struct cidr c2;
	struct cidrset *set = cidrset_new();
	struct ipaddr first = c->addr, last = c->addr, out;
	const char *why = NULL;
	char text[64], text2[64];

	check(c->prefix <= 128, "prefix over 128");
	check(c->v4 == ipaddr_is_v4(&c->addr), "v4 flag");
	check(!c->v4 || c->prefix >= 96, "v4 prefix below 96");
	for (unsigned b = c->prefix; b < 128; b++) {
		check((c->addr.b[b / 8] & (0x80u >> (b % 8))) == 0,
		    "host bit set");
		last.b[b / 8] |= (uint8_t)(0x80u >> (b % 8));
	}
	cidr_format(c, text, sizeof(text));
	check(cidr_parse(text, strlen(text), &c2, &why) == 0,
	    "formatted prefix does not parse");
	check(memcmp(c->addr.b, c2.addr.b, 16) == 0 &&
	    c->prefix == c2.prefix && c->v4 == c2.v4, "round trip differs");
	cidr_format(&c2, text2, sizeof(text2));
	check(strcmp(text, text2) == 0, "format not canonical");

	check(cidr_contains(c, &first) && cidr_contains(c, &last),
	    "prefix does not contain its ends");
	cidrset_add(set, c);
	cidrset_build(set);
	check(cidrset_count(set) == 1, "count");
	check(cidrset_match(set, &first) && cidrset_match(set, &last),
	    "set does not match the ends");
	out = first;
	if (step(&out, -1))
		check(!cidrset_match(set, &out) && !cidr_contains(c, &out),
		    "address below the prefix matched");
	out = last;
	if (step(&out, 1))
		check(!cidrset_match(set, &out) && !cidr_contains(c, &out),
		    "address above the prefix matched");
	cidrset_free(&set);
}

static void
check_pton(const char *s, size_t size, const struct ipaddr *a, bool ok)
{
	char z[64];
	uint8_t b[16];
	int r;

	if (size >= sizeof(z) || memchr(s, '\0', size) != NULL)
		return;
	memcpy(z, s, size);
	z[size] = '\0';
	if (memchr(s, ':', size) != NULL) {
		r = inet_pton(AF_INET6, z, b);
		check(ok == (r == 1), "IPv6 acceptance differs from inet_pton");
		check(!ok || memcmp(a->b, b, 16) == 0,
		    "IPv6 bytes differ from inet_pton");
	} else {
		r = inet_pton(AF_INET, z, b);
		check(ok == (r == 1), "IPv4 acceptance differs from inet_pton");
		check(!ok || memcmp(a->b + 12, b, 4) == 0,
		    "IPv4 bytes differ from inet_pton");
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	struct cidr c;
	struct ipaddr a, a2;
	const char *why = NULL;
	char text[64], text2[64];
	int rc, ra;

	rc = cidr_parse(s, size, &c, &why);
	if (rc == 0)
		check_cidr(&c);
	else
		check(rc == -1 && why != NULL && why[0] != '\0', "no reason");

	ra = ipaddr_parse(s, size, &a);
	check(ra == 0 || ra == -1, "ipaddr_parse result");
	if (ra == 0) {
		ipaddr_format(&a, text, sizeof(text));
		check(ipaddr_parse(text, strlen(text), &a2) == 0,
		    "formatted address does not parse");
		check(memcmp(a.b, a2.b, 16) == 0, "address round trip");
		ipaddr_format(&a2, text2, sizeof(text2));
		check(strcmp(text, text2) == 0, "address format not canonical");
	}
	if (memchr(s, '/', size) == NULL) {
		check((rc == 0) == (ra == 0), "cidr_parse and ipaddr_parse");
		check(rc != 0 || memcmp(c.addr.b, a.b, 16) == 0,
		    "cidr_parse and ipaddr_parse bytes");
	}
	check_pton(s, size, &a, ra == 0);
	return 0;
}
