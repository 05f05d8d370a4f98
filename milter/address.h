/*
 * address.h - RFC 5322 3.4 address lists: how many mailboxes a From, To
 * or Cc holds, their addr-specs, and whether the value parsed cleanly.
 *
 * Handles display names, angle addresses, groups ("undisclosed:;"),
 * nested comments (bounded), quoted local parts, domain literals and the
 * obsolete route syntax (RFC 5322 4.4).  Bounded: at most ADDRESS_MAX
 * addr-specs are kept (all are counted).
 */
#ifndef MSGSEC_ADDRESS_H
#define MSGSEC_ADDRESS_H

#include <stdbool.h>
#include <stddef.h>

#include "str.h"

#define ADDRESS_MAX 64
#define ADDRESS_SPEC_MAX 320

struct address_list {
	size_t count;			/* mailboxes found */
	size_t kept;			/* specs stored (<= ADDRESS_MAX) */
	char spec[ADDRESS_MAX][ADDRESS_SPEC_MAX];	/* "local@domain" */
	bool clean;			/* no junk anywhere in the value */
};

/* Parse a field value (folding allowed).  Never fails: see .clean. */
void address_parse(struct span value, struct address_list *out);

/* The domain of an address (after the last '@'), or an empty span. */
struct span address_domain(struct span addr);

/* Strip one pair of angle brackets and white space: "<a@b>" -> "a@b". */
struct span address_unbracket(struct span addr);

#endif
