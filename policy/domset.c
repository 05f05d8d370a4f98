/*
 * domset.c - domain sets matched at label boundaries.
 *
 * Entries are kept lowercased, without "*." and without a trailing dot, in
 * an open-addressing hash (linear probing, load at most 1/2).  A query is
 * read once from its end to its start: that pass checks the shape (at most
 * 253 bytes, no empty label) and computes the hash of every suffix that
 * starts at a label, because the hash runs over the bytes from last to
 * first.  Then the suffixes are probed from the full name down to the last
 * label ("a.b.example", "b.example", "example"), one probe each, so the
 * most specific entry is the one reported.  "notgmail.com" never matches
 * "gmail.com" (that suffix does not start at a label) and
 * "gmail.com.evil.example" never does either (no suffix of it equals it).
 *
 * Trusts: nothing in queries.  Any bytes may appear (NUL, controls, high
 * bytes); they are compared as opaque bytes, so they can never equal a
 * validated entry, but a label above the matched part is not inspected
 * ("x\0y.gmail.com" lies below "gmail.com").  Over-long names and names
 * with an empty label never match.  Entries pass domain_validate first.
 *
 * Limits: DOMAIN_MAX_LEN bytes per name (without the trailing dot),
 * DOMAIN_LABEL_MAX_LEN per label for entries.  The set owns its strings.
 */
#include "domset.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"
#include "strset.h"

/* 253 bytes hold at most 127 labels ("a.a.a...."). */
#define DOMSET_MAX_LABELS ((DOMAIN_MAX_LEN + 1) / 2)

/* A strset filled with the backward hash (strset.h). */
struct domset {
	struct strset *names;
};

static inline unsigned char
domset_lc(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c + ('a' - 'A')) : c;
}

#define DOMSET_FNV_BASIS 14695981039346656037ull
#define DOMSET_FNV_PRIME 1099511628211ull

/*
 * FNV-1a 64 over the lowercased bytes taken from the last to the first, so
 * that a query can hash all of its suffixes in one backward pass.
 */
static uint64_t
domset_hash(const char *s, size_t len)
{
	uint64_t h = DOMSET_FNV_BASIS;

	while (len > 0) {
		h ^= domset_lc((unsigned char)s[--len]);
		h *= DOMSET_FNV_PRIME;
	}
	return h;
}

static bool
domset_is_label_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '-' || c == '_';
}

static const char *
domset_bad_char_why(unsigned char c)
{
	if (c == '*')
		return "'*' is allowed only as a leading '*.'";
	if (c >= 0x80)
		return "non-ASCII byte in name (write IDNs in xn-- form)";
	if (c < 0x20 || c == 0x7f)
		return "control character in name";
	return "bad character in name";
}

int
domain_validate(const char *name, size_t len, const char **why_r,
    size_t *col_r)
{
	size_t start = 0, end = len, label = 0;

	if (len >= 2 && name[0] == '*' && name[1] == '.')
		start = 2;
	if (end > start && name[end - 1] == '.')
		end--;
	if (end == start) {
		*why_r = "empty name";
		*col_r = start;
		return -1;
	}
	/* Left to right, so the first fault is the one reported. */
	for (size_t i = start; i < end; i++) {
		unsigned char c = (unsigned char)name[i];

		if (i - start >= DOMAIN_MAX_LEN) {
			*why_r = "name longer than 253 bytes";
			*col_r = i;
			return -1;
		}
		if (c == '.') {
			if (label == 0) {
				*why_r = "empty label";
				*col_r = i;
				return -1;
			}
			if (name[i - 1] == '-') {
				*why_r = "label ends with '-'";
				*col_r = i - 1;
				return -1;
			}
			label = 0;
			continue;
		}
		if (!domset_is_label_char(c)) {
			*why_r = domset_bad_char_why(c);
			*col_r = i;
			return -1;
		}
		if (label == 0 && c == '-') {
			*why_r = "label starts with '-'";
			*col_r = i;
			return -1;
		}
		if (++label > DOMAIN_LABEL_MAX_LEN) {
			*why_r = "label longer than 63 bytes";
			*col_r = i;
			return -1;
		}
	}
	if (label == 0) {
		/* "a.b..": the one trailing dot allowed was already taken. */
		*why_r = "empty label";
		*col_r = end;
		return -1;
	}
	if (name[end - 1] == '-') {
		*why_r = "label ends with '-'";
		*col_r = end - 1;
		return -1;
	}
	return 0;
}

struct domset *
domset_new(void)
{
	struct domset *set = mem_calloc(1, sizeof(*set));

	set->names = strset_new();
	return set;
}

void
domset_free(struct domset **setp)
{
	if (*setp == NULL)
		return;
	strset_free(&(*setp)->names);
	free(*setp);
	*setp = NULL;
}

int
domset_add(struct domset *set, const char *name, size_t len)
{
	const char *why;
	size_t col;

	if (domain_validate(name, len, &why, &col) < 0)
		return -1;
	if (name[0] == '*') {
		name += 2;
		len -= 2;
	}
	if (name[len - 1] == '.')
		len--;
	strset_add_hashed(set->names, name, len, domset_hash(name, len));
	return 0;
}

bool
domset_match(const struct domset *set, const char *name, size_t len,
    const char **matched_r)
{
	size_t starts[DOMSET_MAX_LABELS];
	uint64_t hashes[DOMSET_MAX_LABELS];
	size_t n = 0, label = 0;
	uint64_t h = DOMSET_FNV_BASIS;

	if (len > 0 && name[len - 1] == '.')
		len--;
	if (len == 0 || len > DOMAIN_MAX_LEN ||
	    strset_count(set->names) == 0)
		return false;
	/* Backward pass: shape check and the hash of each label suffix. */
	for (size_t i = len; i-- > 0;) {
		unsigned char c = (unsigned char)name[i];

		if (c == '.') {
			if (label == 0)
				return false;	/* empty label */
			starts[n] = i + 1;
			hashes[n++] = h;
			label = 0;
		} else {
			label++;
		}
		h ^= domset_lc(c);
		h *= DOMSET_FNV_PRIME;
	}
	if (label == 0)
		return false;		/* leading dot */
	starts[n] = 0;
	hashes[n++] = h;
	/* Most specific first: the full name, then each parent. */
	while (n-- > 0) {
		const char *e = strset_get_hashed(set->names,
		    name + starts[n], len - starts[n], hashes[n]);

		if (e != NULL) {
			if (matched_r != NULL)
				*matched_r = e;
			return true;
		}
	}
	return false;
}

size_t
domset_count(const struct domset *set)
{
	return strset_count(set->names);
}
