/*
 * strset.c - a case-insensitive hash set of short strings.
 *
 * Open addressing with linear probing, load factor at most 1/2, FNV-1a
 * over lowercased bytes.  Entries are stored lowercased; queries may be
 * any bytes.
 */
#include "strset.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"

struct strset_entry {
	char *s;
	size_t len;
	uint32_t hash;
};

struct strset {
	struct strset_entry *v;
	size_t cap;		/* power of two */
	size_t count;
};

static inline unsigned char
lc(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c;
}

static uint32_t
hash_nocase(const char *s, size_t len)
{
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < len; i++) {
		h ^= lc((unsigned char)s[i]);
		h *= 16777619u;
	}
	return h;
}

static bool
eq_nocase(const char *a, const char *b, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (lc((unsigned char)a[i]) != lc((unsigned char)b[i]))
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

static struct strset_entry *
strset_slot(const struct strset *set, const char *s, size_t len, uint32_t h)
{
	size_t mask = set->cap - 1;

	for (size_t i = h & mask;; i = (i + 1) & mask) {
		struct strset_entry *e = &set->v[i];

		if (e->s == NULL ||
		    (e->hash == h && e->len == len && eq_nocase(e->s, s, len)))
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
strset_add(struct strset *set, const char *s, size_t len)
{
	uint32_t h = hash_nocase(s, len);
	struct strset_entry *e;

	if ((set->count + 1) * 2 > set->cap)
		strset_grow(set);
	e = strset_slot(set, s, len, h);
	if (e->s != NULL)
		return;
	e->s = mem_strndup(s, len);
	for (size_t i = 0; i < len; i++)
		e->s[i] = (char)lc((unsigned char)e->s[i]);
	e->len = len;
	e->hash = h;
	set->count++;
}

bool
strset_has(const struct strset *set, const char *s, size_t len)
{
	return strset_slot(set, s, len, hash_nocase(s, len))->s != NULL;
}

size_t
strset_count(const struct strset *set)
{
	return set->count;
}
