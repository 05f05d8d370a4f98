/*
 * strset.c - a case-insensitive hash set of short strings (file
 * extensions, MIME types, header names, addresses).
 *
 * Open addressing with linear probing, load at most 1/2, FNV-1a over the
 * ASCII-lowercased bytes.  Only A-Z fold; other bytes, NUL and high bytes
 * included, compare as themselves, so "a\0b" is a string of three bytes.
 *
 * Trusts: nothing in the bytes of either entries or queries.  Entries come
 * from rule files, whose loaders bound how many there are; the set owns a
 * lowercased copy of each.
 */
#include "strset.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"

struct strset_entry {
	char *s;		/* NULL: free slot */
	size_t len;
	uint64_t hash;
};

struct strset {
	struct strset_entry *v;
	size_t cap;		/* power of two */
	size_t count;
};

static inline unsigned char
strset_lc(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c + ('a' - 'A')) : c;
}

static uint64_t
strset_hash(const char *s, size_t len)
{
	uint64_t h = 14695981039346656037ull;

	for (size_t i = 0; i < len; i++) {
		h ^= strset_lc((unsigned char)s[i]);
		h *= 1099511628211ull;
	}
	return h;
}

/* stored is lowercase already; q is any bytes. */
static bool
strset_eq(const char *stored, const char *q, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)stored[i] != strset_lc((unsigned char)q[i]))
			return false;
	return true;
}

struct strset *
strset_new(void)
{
	struct strset *set = mem_calloc(1, sizeof(*set));

	set->cap = 16;
	set->v = mem_calloc(set->cap, sizeof(*set->v));
	return set;
}

void
strset_free(struct strset **setp)
{
	struct strset *set = *setp;

	if (set == NULL)
		return;
	for (size_t i = 0; i < set->cap; i++)
		free(set->v[i].s);
	free(set->v);
	free(set);
	*setp = NULL;
}

/* The slot holding s, or the free slot where it would go. */
static struct strset_entry *
strset_slot(const struct strset *set, const char *s, size_t len, uint64_t h)
{
	size_t mask = set->cap - 1;

	for (size_t i = (size_t)h & mask;; i = (i + 1) & mask) {
		struct strset_entry *e = &set->v[i];

		if (e->s == NULL ||
		    (e->hash == h && e->len == len && strset_eq(e->s, s, len)))
			return e;
	}
}

static void
strset_grow(struct strset *set)
{
	struct strset_entry *old = set->v;
	size_t oldcap = set->cap;

	set->cap *= 2;
	set->v = mem_calloc(set->cap, sizeof(*set->v));
	for (size_t i = 0; i < oldcap; i++)
		if (old[i].s != NULL)
			*strset_slot(set, old[i].s, old[i].len, old[i].hash) =
			    old[i];
	free(old);
}

void
strset_add_hashed(struct strset *set, const char *s, size_t len,
    uint64_t h)
{
	struct strset_entry *e = strset_slot(set, s, len, h);

	if (e->s != NULL)
		return;
	if ((set->count + 1) * 2 > set->cap) {
		strset_grow(set);
		e = strset_slot(set, s, len, h);
	}
	e->s = mem_strndup(s, len);
	for (size_t i = 0; i < len; i++)
		e->s[i] = (char)strset_lc((unsigned char)e->s[i]);
	e->len = len;
	e->hash = h;
	set->count++;
}

const char *
strset_get_hashed(const struct strset *set, const char *s, size_t len,
    uint64_t h)
{
	return strset_slot(set, s, len, h)->s;
}

void
strset_add(struct strset *set, const char *s, size_t len)
{
	strset_add_hashed(set, s, len, strset_hash(s, len));
}

bool
strset_has(const struct strset *set, const char *s, size_t len)
{
	return strset_slot(set, s, len, strset_hash(s, len))->s != NULL;
}

size_t
strset_count(const struct strset *set)
{
	return set->count;
}
