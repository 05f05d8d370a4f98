/*
 * suggest.c - the "did you mean" helper (see suggest.h).
 *
 * Trusts: nothing about the word (a key or value from a rule file or the
 * command line); str_distance bounds the work (names over 64 bytes are
 * never close) and allocates one row.
 */
#include "suggest.h"

#include "str.h"

void
suggest_init(struct suggest *s, const char *word, size_t max_dist)
{
	s->word = word;
	s->best = NULL;
	s->best_dist = max_dist + 1;	/* str_distance's cap */
}

bool
suggest_add(struct suggest *s, const char *candidate)
{
	size_t dist = str_distance(s->word, candidate, s->best_dist);

	if (dist >= s->best_dist)
		return false;
	s->best_dist = dist;
	s->best = candidate;
	return true;
}

const char *
suggest_best(const struct suggest *s)
{
	return s->best;
}

const char *
suggest_closest(const char *word, const char *const *v, size_t n,
    size_t max_dist)
{
	struct suggest s;

	suggest_init(&s, word, max_dist);
	for (size_t i = 0; i < n; i++)
		(void)suggest_add(&s, v[i]);
	return suggest_best(&s);
}
