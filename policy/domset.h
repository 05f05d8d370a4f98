/*
 * domset.h - sets of DNS domain names matched at label boundaries.
 *
 * A set containing "google.com" matches "google.com" and "mail.google.com",
 * but not "notgoogle.com" nor "google.com.evil.example".  Matching is ASCII
 * case-insensitive and a single trailing dot is ignored on both sides.
 * Lookups cost one hash probe per label of the queried name.
 *
 * Thread safety: a set is built by one thread, then read by any number.
 */
#ifndef MSGSEC_DOMSET_H
#define MSGSEC_DOMSET_H

#include <stdbool.h>
#include <stddef.h>

#define DOMAIN_MAX_LEN 253
#define DOMAIN_LABEL_MAX_LEN 63

struct domset;

struct domset *domset_new(void);
void domset_free(struct domset **set);

/*
 * Check that name[0..len) is a syntactically valid domain name for a list
 * entry: labels of 1..63 letters, digits, '-' or '_', not starting or ending
 * with '-', total <= 253, an optional single trailing dot, and an optional
 * leading "*." (which means the same as the name without it).  On error
 * returns -1 and sets *why_r to a static English reason and *col_r to the
 * 0-based offset of the offending byte.
 */
int domain_validate(const char *name, size_t len, const char **why_r,
    size_t *col_r);

/*
 * Add a validated name (see domain_validate).  Returns 0, or -1 if the name
 * is invalid (nothing added).  Adding a duplicate is harmless.
 */
int domset_add(struct domset *set, const char *name, size_t len);

/*
 * Does name (any bytes, not NUL-terminated) equal an entry or lie below
 * one?  If so and matched_r is non-NULL, *matched_r points at the stored
 * entry (lowercase, no trailing dot; valid for the set's lifetime).
 */
bool domset_match(const struct domset *set, const char *name, size_t len,
    const char **matched_r);

size_t domset_count(const struct domset *set);

#endif
