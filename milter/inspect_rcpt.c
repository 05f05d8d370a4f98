/*
 * inspect_rcpt.c - what a message's hits mean for each of its recipients,
 * so that a verdict never depends on the order of RCPT TO.
 *
 * Inbound, every recipient is judged on its own: a rule scoped to
 * agencies concerns a recipient whose agency is in its scope, and an
 * exception lowers a hit for a recipient only when it covers that
 * recipient (its agency, the address, the client host).  A hit's action is
 * the strictest over the recipients it concerns, so an exception lowers it
 * only when it covers every one of them, and the message's verdict is the
 * strictest over its recipients.  With milter.split_recipients, where
 * recipients' verdicts differ, those whose verdict blocks (quarantine,
 * discard, reject) are taken off the envelope and kept in the store, and
 * the message goes on to the others under their own, strictest, verdict.
 * Outbound, the sender is the one subject (its agency and address), as is
 * the empty address when --test is given no recipient.
 *
 * Labels that must be one of many (the agency of a verdict, the exception
 * a hit names) are chosen by their own order, never by the envelope's.
 *
 * Trusts: the envelope's recipients (bounded by limits.recipients at RCPT)
 * and the policy snapshot.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "address.h"
#include "inspect_priv.h"
#include "mem.h"

static bool
agency_in_scope(const struct rule *r, const struct agency *a)
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

/* NULL sorts last; otherwise the smaller string. */
static const char *
first_of(const char *a, const char *b)
{
	if (a == NULL)
		return b;
	if (b == NULL)
		return a;
	return strcmp(b, a) < 0 ? b : a;
}

static bool
per_recipient(const struct inspect *in)
{
	return in->direction == DIRECTION_INBOUND && in->env.nrcpts > 0;
}

void
inspect_rcpt_agencies(struct inspect *in)
{
	struct span dom;

	free(in->rcpt_agency);
	in->rcpt_agency = NULL;
	in->agency = NULL;
	if (in->direction == DIRECTION_OUTBOUND) {
		dom = address_domain(span_from_cstr(in->env.mail_from));
		in->agency = policy_agency_by_domain(in->p, dom.p, dom.len);
		return;
	}
	if (in->env.nrcpts == 0)
		return;
	in->rcpt_agency = mem_calloc(in->env.nrcpts, sizeof(*in->rcpt_agency));
	for (size_t k = 0; k < in->env.nrcpts; k++) {
		dom = address_domain(span_from_cstr(in->env.rcpts[k]));
		in->rcpt_agency[k] = policy_agency_by_domain(in->p, dom.p,
		    dom.len);
		/* Until the verdict names one: the agency of smallest id. */
		if (in->rcpt_agency[k] != NULL && (in->agency == NULL ||
		    strcmp(in->rcpt_agency[k]->id, in->agency->id) < 0))
			in->agency = in->rcpt_agency[k];
	}
}

bool
inspect_rule_in_scope(const struct inspect *in, const struct rule *r)
{
	if (!per_recipient(in))
		return agency_in_scope(r, in->agency);
	for (size_t k = 0; k < in->env.nrcpts; k++)
		if (agency_in_scope(r, in->rcpt_agency[k]))
			return true;
	return false;
}

/* The exception covering rule r for one subject, or NULL. */
static const struct exception *
exception_of(const struct inspect *in, const struct rule *r,
    const struct agency *a, const char *user)
{
	const struct ipaddr *host = in->env.has_client ? &in->env.client :
	    NULL;

	return policy_exception_for(in->p, r->id, a != NULL ? a->id : NULL,
	    span_from_cstr(user != NULL ? user : ""), host, in->now);
}

void
inspect_hit_scope(struct inspect *in, struct hit *h)
{
	const struct rule *r = h->rule;
	bool monitor = r->monitor || in->p->config.monitor;
	bool all_excepted = true;
	const char *exc = NULL;

	h->action = r->action;
	h->intended = r->action;
	if (!per_recipient(in)) {
		const struct exception *e = exception_of(in, r, in->agency,
		    in->direction == DIRECTION_OUTBOUND ? in->env.mail_from :
		    "");

		if (e != NULL) {
			h->exception = e->id;
			h->action = ACTION_LOG;
		} else if (monitor) {
			h->monitor = true;
			h->action = ACTION_LOG;
		}
		return;
	}
	h->per_rcpt = mem_calloc(in->env.nrcpts, sizeof(*h->per_rcpt));
	h->per_exc = mem_calloc(in->env.nrcpts, sizeof(*h->per_exc));
	h->action = ACTION_ACCEPT;
	for (size_t k = 0; k < in->env.nrcpts; k++) {
		const struct exception *e;

		if (!agency_in_scope(r, in->rcpt_agency[k]))
			continue;	/* ACTION_ACCEPT: not its rule */
		e = exception_of(in, r, in->rcpt_agency[k], in->env.rcpts[k]);
		if (e != NULL) {
			h->per_rcpt[k] = ACTION_LOG;
			h->per_exc[k] = e->id;
			exc = first_of(exc, e->id);
		} else {
			all_excepted = false;
			h->per_rcpt[k] = monitor ? ACTION_LOG : r->action;
		}
		if (h->per_rcpt[k] > h->action)
			h->action = h->per_rcpt[k];
	}
	if (all_excepted && exc != NULL)
		h->exception = exc;
	else if (monitor)
		h->monitor = true;
	/* A rule that logs anyway: "log" is what it says. */
	if (h->action < ACTION_LOG)
		h->action = ACTION_LOG;
}

bool
inspect_hit_differs(const struct inspect *in, const struct hit *h)
{
	if (h->per_rcpt == NULL)
		return false;
	for (size_t k = 1; k < in->env.nrcpts; k++)
		if (h->per_rcpt[k] != h->per_rcpt[0])
			return true;
	return false;
}

static bool
blocks(enum action a)
{
	return a == ACTION_QUARANTINE || a == ACTION_DISCARD ||
	    a == ACTION_REJECT;
}

/* The hit deciding for recipient k: the first of the strictest. */
static const struct hit *
decider_for(const struct inspect *in, size_t k, enum action *a)
{
	const struct hit *d = NULL;

	*a = ACTION_ACCEPT;
	for (size_t i = 0; i < in->nhits; i++) {
		const struct hit *h = &in->hits[i];

		if (h->per_rcpt[k] > *a) {
			*a = h->per_rcpt[k];
			d = h;
		}
	}
	return d;
}

void
inspect_rcpt_verdicts(struct inspect *in)
{
	struct verdict *v = &in->verdict;
	bool any_block = false, any_keep = false, any_temp = false;
	enum action top = ACTION_ACCEPT;

	free(in->rv);
	in->rv = NULL;
	v->rcpts = NULL;
	v->nrcpts = 0;
	v->differs = false;
	v->nremoved = 0;
	if (!per_recipient(in))
		return;
	in->rv = mem_calloc(in->env.nrcpts, sizeof(*in->rv));
	for (size_t k = 0; k < in->env.nrcpts; k++) {
		struct rcpt_verdict *rv = &in->rv[k];

		rv->rcpt = in->env.rcpts[k];
		rv->agency = in->rcpt_agency[k] != NULL ?
		    in->rcpt_agency[k]->id : NULL;
		rv->decider = decider_for(in, k, &rv->action);
		for (size_t i = 0; i < in->nhits; i++)
			rv->exception = first_of(rv->exception,
			    in->hits[i].per_exc[k]);
		if (k > 0 && rv->action != in->rv[0].action)
			v->differs = true;
		any_block |= blocks(rv->action);
		any_temp |= rv->action == ACTION_TEMPFAIL;
		any_keep |= !blocks(rv->action) &&
		    rv->action != ACTION_TEMPFAIL;
	}
	v->rcpts = in->rv;
	v->nrcpts = in->env.nrcpts;

	/*
	 * Split: only where some recipients' verdicts block and the
	 * others' deliver.  A deferral cannot be given to one recipient
	 * after DATA: then the strictest verdict stays the message's.
	 */
	if (in->p->config.split_recipients && any_block && any_keep &&
	    !any_temp) {
		for (size_t k = 0; k < in->env.nrcpts; k++)
			if (blocks(in->rv[k].action)) {
				in->rv[k].removed = true;
				v->nremoved++;
			}
		/* The hits as the delivered copy meets them: tags, strip
		 * and the verdict are the kept recipients'. */
		for (size_t i = 0; i < in->nhits; i++) {
			struct hit *h = &in->hits[i];
			enum action a = ACTION_LOG;

			for (size_t k = 0; k < in->env.nrcpts; k++)
				if (!in->rv[k].removed && h->per_rcpt[k] > a)
					a = h->per_rcpt[k];
			h->action = a;
		}
	}

	/* The verdict's agency: the smallest id among the recipients whose
	 * verdict is the message's (the kept ones when split). */
	for (size_t k = 0; k < in->env.nrcpts; k++)
		if (!in->rv[k].removed && in->rv[k].action > top)
			top = in->rv[k].action;
	in->agency = NULL;
	for (int pass = 0; pass < 2 && in->agency == NULL; pass++)
		for (size_t k = 0; k < in->env.nrcpts; k++) {
			const struct agency *a = in->rcpt_agency[k];

			if (in->rv[k].removed || a == NULL ||
			    (pass == 0 && in->rv[k].action != top))
				continue;
			if (in->agency == NULL || strcmp(a->id,
			    in->agency->id) < 0)
				in->agency = a;
		}
}
