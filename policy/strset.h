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

struct strset;

struct strset *strset_new(void);
void strset_free(struct strset **set);
/* Adds a copy (lowercased).  Duplicates are harmless. */
void strset_add(struct strset *set, const char *s, size_t len);
bool strset_has(const struct strset *set, const char *s, size_t len);
size_t strset_count(const struct strset *set);

#endif
