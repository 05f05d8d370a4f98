/*
 * suggest.h - "did you mean": the closest of some known names to one that
 * is not known, by edit distance (str_distance: Levenshtein, ASCII case
 * folded, names over 64 bytes never close).
 *
 * A candidate is offered only within max_dist edits, and the first of
 * equally close candidates wins, so the order of the known names decides
 * ties.  Two reaches are in use: SUGGEST_NEAR for keys, settings, agencies
 * and approving bodies, SUGGEST_FAR for match fields, lists and checks.
 *
 * Thread safety: a struct suggest is one caller's; nothing is shared.
 */
#ifndef MSGSEC_SUGGEST_H
#define MSGSEC_SUGGEST_H

#include <stdbool.h>
#include <stddef.h>

#define SUGGEST_NEAR 2		/* edits */
#define SUGGEST_FAR 3

struct suggest {
	const char *word;
	const char *best;	/* the closest candidate so far, or NULL */
	size_t best_dist;
};

/* Start looking for word's closest match within max_dist edits. */
void suggest_init(struct suggest *s, const char *word, size_t max_dist);

/*
 * Weigh one candidate (NUL-terminated; it must outlive s unless the
 * caller keeps its own copy).  Returns true when it is now the closest.
 */
bool suggest_add(struct suggest *s, const char *candidate);

/* The closest candidate, or NULL when none was within reach. */
const char *suggest_best(const struct suggest *s);

/* The closest of v[0..n) to word within max_dist edits, or NULL. */
const char *suggest_closest(const char *word, const char *const *v,
    size_t n, size_t max_dist);

#endif
