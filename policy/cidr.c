/*
 * cidr.c - strict IPv4/IPv6 addresses and prefixes, and prefix sets.
 *
 * Addresses are 16 bytes; IPv4 lives in the IPv4-mapped range
 * ::ffff:0:0/96 (RFC 4291 2.5.5.2), so one sorted array of merged
 * [lo, hi] ranges answers membership for both families with a binary
 * search.  A prefix written in IPv6 form over that range ("::ffff:
 * 192.0.2.0/120") is the same prefix as its IPv4 form ("192.0.2.0/24") and
 * is marked and printed as IPv4.
 *
 * Trusts: nothing in the text it parses, which is never assumed to be
 * NUL-terminated.  Both families are parsed by hand, byte by byte:
 *
 *   IPv4 (RFC 791 dotted quad):  d.d.d.d, each 0..255 in decimal, no
 *       leading zeros (an old parser would read "010" as octal 8).
 *   IPv6 (RFC 4291 2.2):  up to eight groups of 1..4 hex digits separated
 *       by ':', at most one "::" standing for one or more zero groups, and
 *       an optional dotted IPv4 tail standing for the last two groups.  No
 *       zone ids ("%eth0"): they name an interface of this host, which a
 *       rule cannot mean.
 *   prefix:  "/" and 0..32 or 0..128 in decimal, no leading zeros; host bits
 *       below it must be clear.
 *
 * Output follows RFC 5952 section 4 (lowercase, no leading zeros, the
 * longest run of two or more zero groups as "::", the first on a tie),
 * except that IPv4-mapped addresses print as plain dotted IPv4.
 */
#include "cidr.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"
#include "str.h"

/* Bits before the IPv4 part of a mapped address. */
#define CIDR_V4_OFFSET 96

static const uint8_t cidr_v4_mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0xff, 0xff };

void
ipaddr_from_v4(struct ipaddr *out, const uint8_t v4[4])
{
	memcpy(out->b, cidr_v4_mapped, 12);
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
	return memcmp(a->b, cidr_v4_mapped, 12) == 0;
}

static bool
cidr_is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int
cidr_hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Dotted quad, the whole of s[0..len). */
static int
cidr_parse_v4(const char *s, size_t len, uint8_t out[4], const char **why_r)
{
	size_t i = 0;

	for (int octet = 0; octet < 4; octet++) {
		unsigned v = 0;
		size_t start;

		if (octet > 0) {
			if (i == len) {
				*why_r = "IPv4 address needs four octets";
				return -1;
			}
			if (s[i] != '.') {
				*why_r = "bad character in IPv4 address";
				return -1;
			}
			i++;
		}
		start = i;
		while (i < len && cidr_is_digit(s[i])) {
			if (i > start && v == 0) {
				*why_r = "leading zero in IPv4 octet";
				return -1;
			}
			v = v * 10 + (unsigned)(s[i] - '0');
			if (v > 255) {
				*why_r = "IPv4 octet over 255";
				return -1;
			}
			i++;
		}
		if (i == start) {
			*why_r = i == len || s[i] == '.' ?
			    "empty octet in IPv4 address" :
			    "bad character in IPv4 address";
			return -1;
		}
		out[octet] = (uint8_t)v;
	}
	if (i < len) {
		*why_r = s[i] == '.' ? "IPv4 address has more than four octets"
		    : "bad character in IPv4 address";
		return -1;
	}
	return 0;
}

static const char *
cidr_v6_bad_char(char c)
{
	if (c == '%')
		return "zone ids are not allowed";
	return "bad character in IPv6 address";
}

/*
 * RFC 4291 2.2 text form, the whole of s[0..len).  Groups before "::" go
 * to the front, groups after it to the back, zeros in between.
 */
static int
cidr_parse_v6(const char *s, size_t len, uint8_t out[16], const char **why_r)
{
	uint16_t groups[8];
	size_t n = 0, i = 0, gap = SIZE_MAX;	/* gap: index of "::" */

	if (len >= 2 && s[0] == ':' && s[1] == ':') {
		gap = 0;
		i = 2;
	} else if (len >= 1 && s[0] == ':') {
		*why_r = "IPv6 address starts with a single ':'";
		return -1;
	}
	while (i < len) {
		size_t start = i;
		unsigned v = 0;

		while (i < len && cidr_hex_value(s[i]) >= 0) {
			if (i - start == 4) {
				*why_r = "IPv6 group longer than 4 hex digits";
				return -1;
			}
			v = v << 4 | (unsigned)cidr_hex_value(s[i]);
			i++;
		}
		if (i < len && s[i] == '.') {
			/* Dotted IPv4 tail: the rest is the last 32 bits. */
			uint8_t v4[4];

			if (n > 6) {
				*why_r = "too many groups in IPv6 address";
				return -1;
			}
			if (cidr_parse_v4(s + start, len - start, v4,
			    why_r) < 0)
				return -1;
			groups[n++] = (uint16_t)(v4[0] << 8 | v4[1]);
			groups[n++] = (uint16_t)(v4[2] << 8 | v4[3]);
			break;
		}
		if (i == start) {
			*why_r = s[i] == ':' ? "too many ':' in IPv6 address" :
			    cidr_v6_bad_char(s[i]);
			return -1;
		}
		if (n == 8) {
			*why_r = "too many groups in IPv6 address";
			return -1;
		}
		groups[n++] = (uint16_t)v;
		if (i == len)
			break;
		if (s[i] != ':') {
			*why_r = cidr_v6_bad_char(s[i]);
			return -1;
		}
		i++;
		if (i < len && s[i] == ':') {
			if (gap != SIZE_MAX) {
				*why_r = "more than one '::' in IPv6 address";
				return -1;
			}
			gap = n;
			i++;
		} else if (i == len) {
			*why_r = "IPv6 address ends with a single ':'";
			return -1;
		}
	}
	if (gap == SIZE_MAX && n != 8) {
		*why_r = "too few groups in IPv6 address";
		return -1;
	}
	if (gap != SIZE_MAX && n > 7) {
		*why_r = "'::' stands for no group in IPv6 address";
		return -1;
	}
	memset(out, 0, 16);
	for (size_t k = 0; k < n; k++) {
		size_t at = gap == SIZE_MAX || k < gap ? k : 8 - n + k;

		out[2 * at] = (uint8_t)(groups[k] >> 8);
		out[2 * at + 1] = (uint8_t)(groups[k] & 0xff);
	}
	return 0;
}

static int
cidr_parse_addr(const char *s, size_t len, struct ipaddr *out,
    const char **why_r)
{
	uint8_t b[16];

	if (len == 0) {
		*why_r = "empty address";
		return -1;
	}
	if (memchr(s, ':', len) == NULL) {
		if (cidr_parse_v4(s, len, b, why_r) < 0)
			return -1;
		ipaddr_from_v4(out, b);
		return 0;
	}
	if (cidr_parse_v6(s, len, b, why_r) < 0)
		return -1;
	ipaddr_from_v6(out, b);
	return 0;
}

int
ipaddr_parse(const char *s, size_t len, struct ipaddr *out)
{
	const char *why;

	return cidr_parse_addr(s, len, out, &why);
}

/* Clear every bit at or after bit number prefix (0 = most significant). */
static void
cidr_mask(uint8_t b[16], unsigned prefix)
{
	for (unsigned i = 0; i < 16; i++) {
		unsigned bits = prefix > i * 8 ? prefix - i * 8 : 0;

		if (bits < 8)
			b[i] &= (uint8_t)(0xff00u >> bits);
	}
}

/* Decimal prefix length s[0..len), at most max. */
static int
cidr_parse_prefix(const char *s, size_t len, unsigned max, unsigned *out,
    const char **why_r)
{
	unsigned v = 0;

	if (len == 0) {
		*why_r = "missing prefix length after '/'";
		return -1;
	}
	for (size_t i = 0; i < len; i++) {
		if (!cidr_is_digit(s[i])) {
			*why_r = "bad character in prefix length";
			return -1;
		}
		if (i > 0 && v == 0) {
			*why_r = "leading zero in prefix length";
			return -1;
		}
		v = v * 10 + (unsigned)(s[i] - '0');
		if (v > max) {
			*why_r = max == 32 ? "prefix longer than /32" :
			    "prefix longer than /128";
			return -1;
		}
	}
	*out = v;
	return 0;
}

int
cidr_parse(const char *s, size_t len, struct cidr *out, const char **why_r)
{
	const char *slash = memchr(s, '/', len);
	size_t alen = slash == NULL ? len : (size_t)(slash - s);
	bool v4_text = memchr(s, ':', alen) == NULL;
	struct cidr c;
	uint8_t masked[16];
	unsigned prefix;

	if (cidr_parse_addr(s, alen, &c.addr, why_r) < 0)
		return -1;
	if (slash == NULL)
		prefix = v4_text ? 32 : 128;
	else if (cidr_parse_prefix(slash + 1, len - alen - 1,
	    v4_text ? 32 : 128, &prefix, why_r) < 0)
		return -1;
	c.prefix = v4_text ? prefix + CIDR_V4_OFFSET : prefix;
	memcpy(masked, c.addr.b, 16);
	cidr_mask(masked, c.prefix);
	if (memcmp(masked, c.addr.b, 16) != 0) {
		*why_r = "host bits set below the prefix";
		return -1;
	}
	/*
	 * A mapped address with clear host bits has a prefix of at least 96
	 * (the ffff sits in bits 80..95), so it is an IPv4 prefix.
	 */
	c.v4 = ipaddr_is_v4(&c.addr);
	*out = c;
	return 0;
}

/* Writes at most 40 bytes (39 and a NUL). */
static void
cidr_format_v6(const uint8_t b[16], char *out)
{
	static const char hex[] = "0123456789abcdef";
	size_t best = 0, best_len = 0, at = 0;
	char *p = out;

	for (size_t g = 0; g < 8; g = at) {
		at = g + 1;
		if (b[2 * g] != 0 || b[2 * g + 1] != 0)
			continue;
		while (at < 8 && b[2 * at] == 0 && b[2 * at + 1] == 0)
			at++;
		if (at - g > best_len) {
			best = g;
			best_len = at - g;
		}
	}
	if (best_len < 2)
		best_len = 0;	/* RFC 5952 4.2.2: never "::" for one group */
	for (size_t g = 0; g < 8; g++) {
		unsigned v = (unsigned)b[2 * g] << 8 | b[2 * g + 1];
		bool lead = true;

		if (best_len > 0 && g == best) {
			*p++ = ':';
			if (g == 0)
				*p++ = ':';
			g += best_len - 1;
			continue;
		}
		for (int shift = 12; shift >= 0; shift -= 4) {
			unsigned d = (v >> shift) & 0xf;

			if (d == 0 && lead && shift > 0)
				continue;
			lead = false;
			*p++ = hex[d];
		}
		if (g < 7)
			*p++ = ':';
	}
	*p = '\0';
}

void
ipaddr_format(const struct ipaddr *a, char *buf, size_t len)
{
	char text[48];

	if (ipaddr_is_v4(a)) {
		if (snprintf(text, sizeof(text), "%u.%u.%u.%u", a->b[12],
		    a->b[13], a->b[14], a->b[15]) < 0)
			text[0] = '\0';
	} else {
		cidr_format_v6(a->b, text);
	}
	if (len > 0 && str_lcpy(buf, text, len) >= len)
		buf[0] = '\0';	/* a cut address would mislead */
}

void
cidr_format(const struct cidr *c, char *buf, size_t len)
{
	char addr[48];
	int n;

	if (len == 0)
		return;
	ipaddr_format(&c->addr, addr, sizeof(addr));
	n = snprintf(buf, len, "%s/%u", addr,
	    c->v4 ? c->prefix - CIDR_V4_OFFSET : c->prefix);
	if (n < 0 || (size_t)n >= len)
		buf[0] = '\0';
}

bool
cidr_contains(const struct cidr *c, const struct ipaddr *a)
{
	uint8_t m[16];

	memcpy(m, a->b, 16);
	cidr_mask(m, c->prefix);
	return memcmp(m, c->addr.b, 16) == 0;
}

struct cidr_range {
	uint8_t lo[16], hi[16];	/* inclusive, big-endian */
};

struct cidrset {
	struct cidr_range *v;
	size_t n, cap;
	size_t added;		/* prefixes added, before merging */
	bool built;
	struct cidr *orig;	/* the prefixes as added, for reporting */
	size_t origcap;
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
	free((*setp)->orig);
	free(*setp);
	*setp = NULL;
}

void
cidrset_add(struct cidrset *set, const struct cidr *c)
{
	struct cidr_range *r;

	if (set->n == set->cap) {
		set->cap = set->cap == 0 ? 16 : set->cap * 2;
		set->v = mem_reallocarray(set->v, set->cap, sizeof(*set->v));
	}
	if (set->added == set->origcap) {
		set->origcap = set->origcap == 0 ? 16 : set->origcap * 2;
		set->orig = mem_reallocarray(set->orig, set->origcap,
		    sizeof(*set->orig));
	}
	set->orig[set->added] = *c;
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
cidrset_range_cmp(const void *a, const void *b)
{
	const struct cidr_range *x = a, *y = b;
	int r = memcmp(x->lo, y->lo, 16);

	return r != 0 ? r : memcmp(x->hi, y->hi, 16);
}

/* a + 1 == b, as 128-bit big-endian numbers? */
static bool
cidrset_adjacent(const uint8_t a[16], const uint8_t b[16])
{
	uint8_t t[16];
	int i;

	memcpy(t, a, 16);
	for (i = 15; i >= 0; i--)
		if (++t[i] != 0)
			break;
	return i >= 0 && memcmp(t, b, 16) == 0;
}

void
cidrset_build(struct cidrset *set)
{
	size_t out = 0;

	if (set->n > 1)
		qsort(set->v, set->n, sizeof(*set->v), cidrset_range_cmp);
	for (size_t i = 0; i < set->n; i++) {
		struct cidr_range *last = out > 0 ? &set->v[out - 1] : NULL;

		if (last != NULL && (memcmp(set->v[i].lo, last->hi, 16) <= 0 ||
		    cidrset_adjacent(last->hi, set->v[i].lo))) {
			if (memcmp(set->v[i].hi, last->hi, 16) > 0)
				memcpy(last->hi, set->v[i].hi, 16);
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

	if (set->n > 0 && !set->built) {
		/* A caller broke the contract: a wrong answer is worse. */
		fprintf(stderr, "msgsec: panic: cidrset_match before "
		    "cidrset_build\n");
		abort();
	}
	/* The last range whose lo <= a, then is a <= its hi? */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (memcmp(set->v[mid].lo, a->b, 16) <= 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo > 0 && memcmp(a->b, set->v[lo - 1].hi, 16) <= 0;
}

bool
cidrset_match_prefix(const struct cidrset *set, const struct ipaddr *a,
    struct cidr *prefix_r)
{
	const struct cidr *best = NULL;

	if (!cidrset_match(set, a))
		return false;
	for (size_t i = 0; i < set->added; i++)
		if (cidr_contains(&set->orig[i], a) &&
		    (best == NULL || set->orig[i].prefix > best->prefix))
			best = &set->orig[i];
	if (best == NULL)
		return false;
	*prefix_r = *best;
	return true;
}

size_t
cidrset_count(const struct cidrset *set)
{
	return set->added;
}
