/*
 * address.h - RFC 5322 3.4 address lists (From, Sender, Reply-To, To, Cc,
 * Bcc and their Resent- forms): how many mailboxes a value holds, their
 * addr-specs ("local@domain", comments and folding removed), and whether
 * the whole value parsed cleanly.
 *
 * Handles display names, angle addresses, groups ("undisclosed-recipients:;"
 * counts no mailbox), nested comments, quoted local parts, domain literals,
 * RFC 6532 UTF-8, and the obsolete forms of RFC 5322 4.4 (route
 * "<@a,@b:u@d>", CFWS around dots, "." in phrases, empty list elements).
 *
 * Tolerance (the value is then not clean, but no mailbox is lost): a
 * missing comma between two mailboxes, a display name with '@' or other
 * specials before an angle address (the angle address is the mailbox), a
 * missing '>' or ';', junk between elements.  Never a mailbox: "<>", a
 * local part without a domain (or with an unterminated domain literal,
 * whose end is unknown), a name without an address.
 *
 * Bounds: at most ADDRESS_MAX addr-specs are stored (all are counted);
 * an addr-spec of ADDRESS_SPEC_MAX bytes or more is counted, not stored
 * (.too_long), and so is one with a NUL in a quoted local part or a domain
 * literal (.nul_specs; no RFC allows it and it would cut the string);
 * comments nest at most ADDRESS_COMMENT_DEPTH deep (deeper
 * ones are skipped all the same, counted, and make the value unclean).
 * Memory: none besides the caller's struct; time linear in the value.
 * Thread safety: none shared.
 */
#ifndef MSGSEC_ADDRESS_H
#define MSGSEC_ADDRESS_H

#include <stdbool.h>
#include <stddef.h>

#include "str.h"

#define ADDRESS_MAX 64
#define ADDRESS_SPEC_MAX 320		/* with the NUL */
#define ADDRESS_COMMENT_DEPTH 32

struct address_list {
	size_t count;			/* mailboxes found */
	size_t kept;			/* specs stored (<= ADDRESS_MAX) */
	char spec[ADDRESS_MAX][ADDRESS_SPEC_MAX];	/* "local@domain" */
	size_t groups;			/* groups seen */
	size_t too_long;		/* mailboxes with a spec too long */
	size_t nul_specs;		/* mailboxes with a NUL in the spec */
	size_t deep_comments;		/* comments over the depth bound */
	bool clean;			/* no junk anywhere in the value */
};

/*
 * Parse a field value s (without the field name; folding allowed; any
 * bytes) into *out, which is overwritten.  Returns 0 when the value parsed
 * cleanly, -1 otherwise; *out is filled either way.  Mailboxes come in
 * field order; spec[i] is NUL-terminated and keeps the local part as
 * written (quotes included) and the domain as written.
 */
int address_parse(struct span s, struct address_list *out);

/*
 * The domain of an addr-spec: the part after the last '@' (a quoted local
 * part may hold '@'), or an empty span at the end of addr when there is
 * none.  Points into addr.
 */
struct span address_domain(struct span addr);

/* Trim white space and one pair of angle brackets: " <a@b> " -> "a@b". */
struct span address_unbracket(struct span addr);

#endif
