/*
 * list.h - named lists that rules refer to: extensions, domains, CIDR
 * prefixes, ports, MIME types and plain strings.
 *
 * A list is declared in a rule file (id, type, and a data file or inline
 * items) and built once per policy load.  Data files hold one entry per
 * line; '#' starts a comment; blank lines are ignored.  Every bad entry is a
 * FILE:LINE:COL diagnostic.
 *
 * Thread safety: read-only after list_load.
 */
#ifndef MSGSEC_LIST_H
#define MSGSEC_LIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cidr.h"
#include "diag.h"
#include "node.h"
#include "str.h"

enum list_type {
	LIST_EXTENSION,
	LIST_DOMAIN,
	LIST_CIDR,
	LIST_PORT,
	LIST_MIMETYPE,
	LIST_STRING,
};

#define LIST_MAX_ENTRY 1024	/* bytes per entry */

struct port_range {
	uint8_t proto;		/* IPPROTO_TCP or IPPROTO_UDP */
	uint16_t lo, hi;
};

struct list {
	char *id;
	enum list_type type;
	char *source;		/* data file, or the rule file for inline items */
	char sha256[65];	/* of the data file's lines ("" if inline) */
	unsigned line, col;	/* where it was declared */
	size_t count;
	struct strset *strs;	/* EXTENSION, MIMETYPE, STRING */
	struct domset *doms;	/* DOMAIN */
	struct cidrset *cidrs;	/* CIDR */
	struct port_range *ports;	/* PORT */
};

const char *list_type_name(enum list_type t);
int list_type_parse(const char *s, enum list_type *t);

/*
 * Build a list from its declaration node (a mapping with id, type, and file
 * or items).  base_dir resolves a relative file.  Returns NULL after adding
 * diagnostics.
 */
struct list *list_load(const struct node *decl, const char *base_dir,
    size_t max_entries, struct diags *d);
/* Build a list of type t from a YAML sequence of scalars. */
struct list *list_from_items(const char *id, enum list_type t,
    const struct node *items, size_t max_entries, struct diags *d);
void list_free(struct list **l);

/*
 * Add one textual entry (already trimmed).  Returns 0, or -1 with *why_r a
 * static reason and *col_r the 0-based offset of the bad byte.
 */
int list_add_entry(struct list *l, const char *s, size_t len,
    const char **why_r, size_t *col_r);

/* Membership, by the list's type.  Extensions are given without a dot. */
bool list_has_str(const struct list *l, const char *s, size_t len);
bool list_has_ip(const struct list *l, const struct ipaddr *a);
bool list_has_port(const struct list *l, uint8_t proto, uint16_t port);

/*
 * Membership that also says which entry matched, for reports (the sensor's
 * "service"): *entry_r is the stored domain of a domain list (lowercase, no
 * trailing dot, valid for the list's lifetime) or NULL for the other string
 * types (the entry is the value itself); the prefix as listed; the port
 * entry.  Nothing is written when there is no match.
 */
bool list_match_str(const struct list *l, const char *s, size_t len,
    const char **entry_r);
bool list_match_ip(const struct list *l, const struct ipaddr *a,
    struct cidr *entry_r);
bool list_match_port(const struct list *l, uint8_t proto, uint16_t port,
    struct port_range *entry_r);

#endif
