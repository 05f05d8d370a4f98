/*
 * cidr.h - IPv4 and IPv6 prefix sets (longest prefix match not needed: the
 * question is only "is this address inside any prefix of the set").
 *
 * Thread safety: built by one thread (cidrset_add, then cidrset_build),
 * then read by any number.
 */
#ifndef MSGSEC_CIDR_H
#define MSGSEC_CIDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* An address: IPv4 is stored as ::ffff:a.b.c.d (RFC 4291 2.5.5.2). */
struct ipaddr {
	uint8_t b[16];
};

struct cidr {
	struct ipaddr addr;	/* host bits cleared */
	unsigned prefix;	/* 0..128, in the mapped space for IPv4 */
	bool v4;
};

/*
 * Parse "a.b.c.d", "a.b.c.d/n", IPv6 "x::y", "x::y/n" (no zone ids).
 * Strict: decimal octets without leading zeros, n within range.  Host bits
 * set below the prefix are an error ("192.0.2.1/24": the intent is unclear).
 * Returns 0, or -1 with *why_r a static English reason.
 */
int cidr_parse(const char *s, size_t len, struct cidr *out,
    const char **why_r);

/* Parse a plain address (no prefix).  Returns 0 or -1. */
int ipaddr_parse(const char *s, size_t len, struct ipaddr *out);

/* Fill from raw network-order bytes. */
void ipaddr_from_v4(struct ipaddr *out, const uint8_t v4[4]);
void ipaddr_from_v6(struct ipaddr *out, const uint8_t v6[16]);
bool ipaddr_is_v4(const struct ipaddr *a);

/* Print in canonical form (RFC 5952 for IPv6); buf of at least 46 bytes. */
void ipaddr_format(const struct ipaddr *a, char *buf, size_t len);
void cidr_format(const struct cidr *c, char *buf, size_t len);

bool cidr_contains(const struct cidr *c, const struct ipaddr *a);

struct cidrset;

struct cidrset *cidrset_new(void);
void cidrset_free(struct cidrset **set);
void cidrset_add(struct cidrset *set, const struct cidr *c);
/* Sort and merge; must be called after the last add, before lookups. */
void cidrset_build(struct cidrset *set);
bool cidrset_match(const struct cidrset *set, const struct ipaddr *a);
/*
 * Like cidrset_match, and say which prefix as added holds the address (the
 * longest when several do): for reports, a linear scan after the match.
 */
bool cidrset_match_prefix(const struct cidrset *set, const struct ipaddr *a,
    struct cidr *prefix_r);
size_t cidrset_count(const struct cidrset *set);

#endif
