/*
 * cidr.c - strict IPv4/IPv6 addresses and prefixes, and prefix sets.
 *
 * Addresses are 16 bytes; IPv4 lives in the IPv4-mapped range
 * ::ffff:0:0/96 (RFC 4291 2.5.5.2), so one sorted array of [lo, hi] ranges
 * answers membership for both families with a binary search.
 *
 * Trusts: nothing in the text it parses.  IPv4 is parsed by hand (decimal
 * octets 0..255, no leading zeros, exactly four); IPv6 shape is checked by
 * hand (hex digits, colons, at most one "::", an optional dotted IPv4 tail,
 * no zone id) before inet_pton does the arithmetic.
 */
#include "cidr.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"

static const uint8_t v4_prefix[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff,
	0xff };

void
ipaddr_from_v4(struct ipaddr *out, const uint8_t v4[4])
{
	memcpy(out->b, v4_prefix, 12);
	memcpy(out->b + 12, v4, 4);
}

void
ipaddr_from_v6(struct ipaddr *out, const uint8_t v6[16])
{
	memcpy(out->b, v6, 16);
}

bool
ipaddr_is_v4(const struct ipaddr *a)
{
	return memcmp(a->b, v4_prefix, 12) == 0;
}

static int
parse_v4(const char *s, size_t len, uint8_t out[4])
{
	size_t i = 0;

	for (int octet = 0; octet < 4; octet++) {
		unsigned v = 0;
		size_t digits = 0;

		if (octet > 0) {
			if (i >= len || s[i] != '.')
				return -1;
			i++;
		}
		while (i < len && s[i] >= '0' && s[i] <= '9') {
			if (digits == 1 && v == 0)
				return -1;	/* leading zero */
			v = v * 10 + (unsigned)(s[i] - '0');
			if (v > 255 || ++digits > 3)
				return -1;
			i++;
		}
		if (digits == 0)
			return -1;
		out[octet] = (uint8_t)v;
	}
	return i == len ? 0 : -1;
}

static bool
is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
	    (c >= 'A' && c <= 'F');
}

static int
parse_v6(const char *s, size_t len, uint8_t out[16])
{
	char tmp[INET6_ADDRSTRLEN + 1];
	size_t group = 0, dcolon = 0;

	if (len < 2 || len > INET6_ADDRSTRLEN)
		return -1;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];

		if (is_hex(c)) {
			if (++group > 4)
				return -1;
		} else if (c == ':') {
			if (i + 1 < len && s[i + 1] == ':') {
				if (++dcolon > 1)
					return -1;
			}
			group = 0;
		} else if (c == '.') {
			/* dotted IPv4 tail: let inet_pton judge its place */
			group = 0;
		} else {
			return -1;	/* zone ids, spaces, junk */
		}
	}
	memcpy(tmp, s, len);
	tmp[len] = '\0';
	return inet_pton(AF_INET6, tmp, out) == 1 ? 0 : -1;
}

int
ipaddr_parse(const char *s, size_t len, struct ipaddr *out)
{
	uint8_t b[16];

	if (memchr(s, ':', len) == NULL) {
		if (parse_v4(s, len, b) < 0)
			return -1;
		ipaddr_from_v4(out, b);
		return 0;
	}
	if (parse_v6(s, len, b) < 0)
		return -1;
	ipaddr_from_v6(out, b);
	return 0;
}

static void
mask_bits(struct ipaddr *a, unsigned prefix)
{
	for (unsigned i = 0; i < 16; i++) {
		unsigned bits = prefix > i * 8 ? prefix - i * 8 : 0;

		if (bits >= 8)
			continue;
		a->b[i] &= (uint8_t)(0xff00u >> bits);
	}
}

int
cidr_parse(const char *s, size_t len, struct cidr *out, const char **why_r)
{
	const char *slash = memchr(s, '/', len);
	size_t alen = slash == NULL ? len : (size_t)(slash - s);
	struct ipaddr masked;
	unsigned prefix, max;

	if (ipaddr_parse(s, alen, &out->addr) < 0) {
		*why_r = memchr(s, ':', alen) != NULL ? "not an IPv6 address" :
		    "not an IPv4 address";
		return -1;
	}
	out->v4 = ipaddr_is_v4(&out->addr) && memchr(s, ':', alen) == NULL;
	max = out->v4 ? 32 : 128;
	if (slash == NULL) {
		prefix = max;
	} else {
		size_t plen = len - alen - 1;

		prefix = 0;
		if (plen == 0 || plen > 3 || (plen > 1 && slash[1] == '0')) {
			*why_r = "bad prefix length";
			return -1;
		}
		for (size_t i = 0; i < plen; i++) {
			if (slash[1 + i] < '0' || slash[1 + i] > '9') {
				*why_r = "bad prefix length";
				return -1;
			}
			prefix = prefix * 10 + (unsigned)(slash[1 + i] - '0');
		}
		if (prefix > max) {
			*why_r = out->v4 ? "prefix longer than /32" :
			    "prefix longer than /128";
			return -1;
		}
	}
	out->prefix = out->v4 ? prefix + 96 : prefix;
	masked = out->addr;
	mask_bits(&masked, out->prefix);
	if (memcmp(masked.b, out->addr.b, 16) != 0) {
		*why_r = "host bits set below the prefix";
		return -1;
	}
	return 0;
}

void
ipaddr_format(const struct ipaddr *a, char *buf, size_t len)
{
	if (ipaddr_is_v4(a)) {
		if (inet_ntop(AF_INET, a->b + 12, buf, (socklen_t)len) == NULL &&
		    len > 0)
			buf[0] = '\0';
	} else if (inet_ntop(AF_INET6, a->b, buf, (socklen_t)len) == NULL &&
	    len > 0) {
		buf[0] = '\0';
	}
}

void
cidr_format(const struct cidr *c, char *buf, size_t len)
{
	char addr[INET6_ADDRSTRLEN];

	ipaddr_format(&c->addr, addr, sizeof(addr));
	if (snprintf(buf, len, "%s/%u", addr, c->v4 ? c->prefix - 96 :
	    c->prefix) < 0 && len > 0)
		buf[0] = '\0';
}

bool
cidr_contains(const struct cidr *c, const struct ipaddr *a)
{
	struct ipaddr m = *a;

	mask_bits(&m, c->prefix);
	return memcmp(m.b, c->addr.b, 16) == 0;
}

struct range {
	uint8_t lo[16], hi[16];
};

struct cidrset {
	struct range *v;
	size_t n, cap;
	size_t added;
	bool built;
};

struct cidrset *
cidrset_new(void)
{
	return mem_calloc(1, sizeof(struct cidrset));
}

void
cidrset_free(struct cidrset **setp)
{
	if (*setp == NULL)
		return;
	free((*setp)->v);
	free(*setp);
	*setp = NULL;
}

void
cidrset_add(struct cidrset *set, const struct cidr *c)
{
	struct range *r;

	if (set->n == set->cap) {
		set->cap = set->cap == 0 ? 16 : set->cap * 2;
		set->v = mem_reallocarray(set->v, set->cap, sizeof(*set->v));
	}
	r = &set->v[set->n++];
	memcpy(r->lo, c->addr.b, 16);
	memcpy(r->hi, c->addr.b, 16);
	for (unsigned i = 0; i < 16; i++) {
		unsigned bits = c->prefix > i * 8 ? c->prefix - i * 8 : 0;

		if (bits < 8)
			r->hi[i] |= (uint8_t)(0xffu >> bits);
	}
	set->added++;
	set->built = false;
}

static int
range_cmp(const void *a, const void *b)
{
	return memcmp(((const struct range *)a)->lo,
	    ((const struct range *)b)->lo, 16);
}

/* a + 1 == b, as 128-bit big-endian numbers? */
static bool
adjacent(const uint8_t a[16], const uint8_t b[16])
{
	uint8_t t[16];
	int i;

	memcpy(t, a, 16);
	for (i = 15; i >= 0; i--) {
		if (++t[i] != 0)
			break;
	}
	return i >= 0 && memcmp(t, b, 16) == 0;
}

void
cidrset_build(struct cidrset *set)
{
	size_t out = 0;

	if (set->n > 1)
		qsort(set->v, set->n, sizeof(*set->v), range_cmp);
	for (size_t i = 0; i < set->n; i++) {
		if (out > 0 && (memcmp(set->v[i].lo, set->v[out - 1].hi, 16) <= 0
		    || adjacent(set->v[out - 1].hi, set->v[i].lo))) {
			if (memcmp(set->v[i].hi, set->v[out - 1].hi, 16) > 0)
				memcpy(set->v[out - 1].hi, set->v[i].hi, 16);
			continue;
		}
		set->v[out++] = set->v[i];
	}
	set->n = out;
	set->built = true;
}

bool
cidrset_match(const struct cidrset *set, const struct ipaddr *a)
{
	size_t lo = 0, hi = set->n;

	/* Find the last range whose lo <= a. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (memcmp(set->v[mid].lo, a->b, 16) <= 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo > 0 && memcmp(a->b, set->v[lo - 1].hi, 16) <= 0;
}

size_t
cidrset_count(const struct cidrset *set)
{
	return set->added;
}
