/*
 * domset.c - domain sets matched at label boundaries.
 *
 * Entries are kept lowercased without a trailing dot in an open-addressing
 * hash.  A query walks its own labels from the full name down to the last
 * label ("a.b.example" -> "a.b.example", "b.example", "example") and probes
 * once for each, so "notgmail.com" never matches "gmail.com" (the suffix
 * "gmail.com" does not start at a label) and "gmail.com.evil.example" never
 * does either (no suffix of it equals "gmail.com").
 *
 * Trusts: nothing in queries (any bytes, any length; over-long names and
 * empty labels never match).  Entries pass domain_validate first.
 */
#include "domset.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"

struct domset_entry {
	char *name;
	size_t len;
	uint64_t hash;
};

struct domset {
	struct domset_entry *v;
	size_t cap;
	size_t count;
};

static inline unsigned char
lc(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c;
}

/* FNV-1a 64 over lowercased bytes. */
static uint64_t
dom_hash(const char *s, size_t len)
{
	uint64_t h = 14695981039346656037ull;

	for (size_t i = 0; i < len; i++) {
		h ^= lc((unsigned char)s[i]);
		h *= 1099511628211ull;
	}
	return h;
}

static bool
label_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '-' || c == '_';
}

int
domain_validate(const char *name, size_t len, const char **why_r,
    size_t *col_r)
{
	size_t i = 0, label = 0, start;

	*col_r = 0;
	if (len >= 2 && name[0] == '*' && name[1] == '.')
		i = 2;
	start = i;
	if (len > start && name[len - 1] == '.')
		len--;
	if (len == start) {
		*why_r = "empty name";
		return -1;
	}
	if (len - start > DOMAIN_MAX_LEN) {
		*col_r = start + DOMAIN_MAX_LEN;
		*why_r = "name longer than 253 bytes";
		return -1;
	}
	for (; i < len; i++) {
		unsigned char c = (unsigned char)name[i];

		if (c == '.') {
			if (label == 0) {
				*col_r = i;
				*why_r = "empty label";
				return -1;
			}
			if (name[i - 1] == '-') {
				*col_r = i - 1;
				*why_r = "label ends with '-'";
				return -1;
			}
			label = 0;
			continue;
		}
		if (!label_char(c)) {
			*col_r = i;
			*why_r = c == '*' ? "'*' is allowed only as a leading "
			    "'*.'" : "bad character in name";
			return -1;
		}
		if (label == 0 && c == '-') {
			*col_r = i;
			*why_r = "label starts with '-'";
			return -1;
		}
		if (++label > DOMAIN_LABEL_MAX_LEN) {
			*col_r = i;
			*why_r = "label longer than 63 bytes";
			return -1;
		}
	}
	if (name[len - 1] == '-') {
		*col_r = len - 1;
		*why_r = "label ends with '-'";
		return -1;
	}
	return 0;
}

struct domset *
domset_new(void)
{
	struct domset *set = mem_calloc(1, sizeof(*set));

	set->cap = 64;
	set->v = mem_calloc(set->cap, sizeof(*set->v));
	return set;
}

void
domset_free(struct domset **setp)
{
	struct domset *set = *setp;

	if (set == NULL)
		return;
	for (size_t i = 0; i < set->cap; i++)
		free(set->v[i].name);
	free(set->v);
	free(set);
	*setp = NULL;
}

static bool
eq_nocase(const char *stored, const char *q, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (stored[i] != (char)lc((unsigned char)q[i]))
			return false;
	return true;
}

static struct domset_entry *
domset_slot(const struct domset *set, const char *s, size_t len, uint64_t h)
{
	size_t mask = set->cap - 1;

	for (size_t i = (size_t)h & mask;; i = (i + 1) & mask) {
		struct domset_entry *e = &set->v[i];

		if (e->name == NULL || (e->hash == h && e->len == len &&
		    eq_nocase(e->name, s, len)))
			return e;
	}
}

static void
domset_grow(struct domset *set)
{
	struct domset_entry *old = set->v;
	size_t oldcap = set->cap;

	set->cap *= 2;
	set->v = mem_calloc(set->cap, sizeof(*set->v));
	for (size_t i = 0; i < oldcap; i++)
		if (old[i].name != NULL)
			*domset_slot(set, old[i].name, old[i].len,
			    old[i].hash) = old[i];
	free(old);
}

int
domset_add(struct domset *set, const char *name, size_t len)
{
	const char *why;
	size_t col;
	struct domset_entry *e;
	uint64_t h;

	if (domain_validate(name, len, &why, &col) < 0)
		return -1;
	if (len >= 2 && name[0] == '*' && name[1] == '.') {
		name += 2;
		len -= 2;
	}
	if (name[len - 1] == '.')
		len--;
	if ((set->count + 1) * 2 > set->cap)
		domset_grow(set);
	h = dom_hash(name, len);
	e = domset_slot(set, name, len, h);
	if (e->name != NULL)
		return 0;
	e->name = mem_strndup(name, len);
	for (size_t i = 0; i < len; i++)
		e->name[i] = (char)lc((unsigned char)e->name[i]);
	e->len = len;
	e->hash = h;
	set->count++;
	return 0;
}

bool
domset_match(const struct domset *set, const char *name, size_t len,
    const char **matched_r)
{
	size_t start = 0;

	if (len > 0 && name[len - 1] == '.')
		len--;
	if (len == 0 || len > DOMAIN_MAX_LEN || set->count == 0)
		return false;
	for (;;) {
		const char *dot;
		struct domset_entry *e;

		if (start >= len || name[start] == '.')
			return false;	/* empty label */
		e = domset_slot(set, name + start, len - start,
		    dom_hash(name + start, len - start));
		if (e->name != NULL) {
			if (matched_r != NULL)
				*matched_r = e->name;
			return true;
		}
		dot = memchr(name + start, '.', len - start);
		if (dot == NULL)
			return false;
		start = (size_t)(dot - name) + 1;
	}
}

size_t
domset_count(const struct domset *set)
{
	return set->count;
}
