/*
 * journal.c - the records archives a delivered message is copied to
 * (journal.h).
 *
 * Trusts: the envelope's addresses only as strings to compare (bounded
 * by limits.recipients at RCPT); the archive addresses were checked at
 * load (config_address_check).  Memory: one array of at most 1 + the
 * policy's agencies pointers; time: recipients x archives comparisons.
 */
#include "journal.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "address.h"
#include "inspect_priv.h"
#include "mem.h"

bool
journal_is_delivered(enum action a)
{
	return a == ACTION_ACCEPT || a == ACTION_LOG || a == ACTION_TAG ||
	    a == ACTION_STRIP;
}

struct journal_set {
	const char **v;
	size_t n, max;
	size_t nfixed;		/* v[0..nfixed) keep their spelling */
	const struct envelope *env;
};

/*
 * Add addr unless it is empty, already there or an envelope recipient.
 * Written in two cases by two agencies' records, the spelling kept is the
 * one that sorts first, so the recipients' order cannot choose it; that
 * of journal.address (the first, fixed) stays.
 */
static void
journal_add(struct journal_set *s, const char *addr)
{
	if (addr == NULL || addr[0] == '\0')
		return;
	for (size_t i = 0; i < s->n; i++)
		if (strcasecmp(s->v[i], addr) == 0) {
			if (i >= s->nfixed && strcmp(addr, s->v[i]) < 0)
				s->v[i] = addr;
			return;
		}
	for (size_t k = 0; k < s->env->nrcpts; k++)
		if (s->env->rcpts[k] != NULL &&
		    strcasecmp(s->env->rcpts[k], addr) == 0)
			return;
	if (s->n < s->max)
		s->v[s->n++] = addr;
}

static void
journal_add_agency_of(struct journal_set *s, const struct policy *p,
    const char *addr)
{
	struct span dom;
	const struct agency *a;

	if (addr == NULL)
		return;
	dom = address_domain(span_from_cstr(addr));
	a = policy_agency_by_domain(p, dom.p, dom.len);
	if (a != NULL)
		journal_add(s, a->journal_address);
}

static int
journal_cmp(const void *a, const void *b)
{
	return strcasecmp(*(const char *const *)a, *(const char *const *)b);
}

size_t
journal_collect(const struct policy *p, const struct envelope *env,
    enum direction dir, const bool *removed, const char ***out_r)
{
	struct journal_set s = { NULL, 0, 1 + p->nagencies, 0, env };

	*out_r = NULL;
	s.v = mem_calloc(s.max, sizeof(*s.v));
	journal_add(&s, p->config.journal_address);
	s.nfixed = s.n;
	if (dir == DIRECTION_OUTBOUND)
		journal_add_agency_of(&s, p, env->mail_from);
	for (size_t k = 0; k < env->nrcpts; k++)
		if (removed == NULL || !removed[k])
			journal_add_agency_of(&s, p, env->rcpts[k]);
	if (s.n == 0) {
		free(s.v);
		return 0;
	}
	qsort(s.v, s.n, sizeof(*s.v), journal_cmp);
	*out_r = s.v;
	return s.n;
}

size_t
inspect_journal(const struct inspect *in, const char ***out_r)
{
	bool *removed = NULL;
	size_t n;

	if (in->finished && in->verdict.nremoved > 0) {
		removed = mem_calloc(in->env.nrcpts, sizeof(*removed));
		for (size_t k = 0; k < in->verdict.nrcpts &&
		    k < in->env.nrcpts; k++)
			removed[k] = in->verdict.rcpts[k].removed;
	}
	n = journal_collect(in->p, &in->env, in->direction, removed, out_r);
	free(removed);
	return n;
}

size_t
inspect_journal_unjudged(struct inspect *in, const char ***out_r)
{
	if (!in->finished)
		inspect_direction(in);
	return inspect_journal(in, out_r);
}
