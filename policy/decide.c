/*
 * decide.c - one decision on a rule that held: scope, exceptions, monitor
 * mode (decide.h).  The milter calls it once per hit with the message's
 * recipients (or its sender), the sensor once per alert with the client
 * host's agency, so both read a rule's `agency`, `direction` and
 * `monitor` keys, milter.monitor and the exception records the same way.
 *
 * Trusts: the policy snapshot.  The subjects' addresses are data: only
 * compared by the exception matcher.  No allocation, no state.
 */
#include "decide.h"

#include <string.h>

#include "exception.h"
#include "policy.h"
#include "str.h"

bool
decide_agency_in_scope(const struct rule *r, const struct agency *a)
{
	if (r->nagencies == 0)
		return true;
	if (a == NULL)
		return false;
	for (size_t i = 0; i < r->nagencies; i++)
		if (strcmp(r->agencies[i], a->id) == 0)
			return true;
	return false;
}

bool
decide_in_scope(const struct rule *r, enum direction dir,
    const struct decide_subject *subjects, size_t nsubjects)
{
	if ((r->direction & dir) == 0)
		return false;
	for (size_t k = 0; k < nsubjects; k++)
		if (decide_agency_in_scope(r, subjects[k].agency))
			return true;
	return false;
}

bool
decide_is_monitor(const struct policy *p, const struct rule *r)
{
	return r->monitor || p->config.monitor;
}

const char *
decide_first_id(const char *a, const char *b)
{
	if (a == NULL)
		return b;
	if (b == NULL)
		return a;
	return strcmp(b, a) < 0 ? b : a;
}

void
decide(const struct policy *p, const struct decide_facts *f,
    struct decision *d, struct decide_outcome *each)
{
	const struct rule *r = f->rule;
	bool monitor = decide_is_monitor(p, r);
	bool direction_ok = (r->direction & f->direction) != 0;
	bool all_excepted = true;
	const char *exc = NULL;

	memset(d, 0, sizeof(*d));
	d->action = ACTION_ACCEPT;
	d->intended = r->action;
	for (size_t k = 0; k < f->nsubjects; k++) {
		const struct decide_subject *s = &f->subjects[k];
		struct decide_outcome o = { false, ACTION_ACCEPT, NULL };
		const struct exception *e;

		if (direction_ok && decide_agency_in_scope(r, s->agency)) {
			o.in_scope = true;
			e = policy_exception_for(p, r->id, s->agency != NULL ?
			    s->agency->id : NULL, span_from_cstr(s->user !=
			    NULL ? s->user : ""), f->host, f->now);
			if (e != NULL) {
				o.action = ACTION_LOG;
				o.exception = e->id;
				exc = decide_first_id(exc, e->id);
			} else {
				all_excepted = false;
				o.action = monitor ? ACTION_LOG : r->action;
			}
			d->nscope++;
			if (o.action > d->action)
				d->action = o.action;
		}
		if (each != NULL)
			each[k] = o;
	}
	if (all_excepted && exc != NULL)
		d->exception = exc;
	else if (monitor && d->nscope > 0)
		d->monitor = true;
}
