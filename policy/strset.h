/*
 * strset.h - a hash set of short strings compared ASCII case-insensitively
 * (file extensions, MIME types, header names).
 *
 * Thread safety: built by one thread, then read by any number.
 */
#ifndef MSGSEC_STRSET_H
#define MSGSEC_STRSET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct strset;

struct strset *strset_new(void);
void strset_free(struct strset **set);
/* Adds a copy (lowercased).  Duplicates are harmless. */
void strset_add(struct strset *set, const char *s, size_t len);
bool strset_has(const struct strset *set, const char *s, size_t len);
size_t strset_count(const struct strset *set);
/*
 * The same with the caller's hash of the lowercased bytes (domset.c hashes
 * names from their end, to hash every suffix in one pass): a set filled
 * with strset_add_hashed is read only with strset_get_hashed.  get returns
 * the stored (lowercased) copy, or NULL.
 */
void strset_add_hashed(struct strset *set, const char *s, size_t len,
    uint64_t hash);
const char *strset_get_hashed(const struct strset *set, const char *s,
    size_t len, uint64_t hash);

#endif
