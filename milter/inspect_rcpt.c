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
#include "decide.h"
#include "inspect_priv.h"
#include "mem.h"

static bool
per_recipient(const struct inspect *in)
{
	return in->direction == DIRECTION_INBOUND && in->env.nrcpts > 0;
}

/*
 * Who the message concerns: inbound each recipient (its agency, its
 * address), outbound the sender, and inbound without recipients (--test)
 * the empty address.
 */
void
inspect_rcpt_agencies(struct inspect *in)
{
	struct span dom;

	free(in->subjects);
	in->subjects = NULL;
	in->nsubjects = 0;
	in->agency = NULL;
	if (!per_recipient(in)) {
		if (in->direction == DIRECTION_OUTBOUND) {
			dom = address_domain(span_from_cstr(in->env.mail_from));
			in->agency = policy_agency_by_domain(in->p, dom.p,
			    dom.len);
		}
		in->subjects = mem_calloc(1, sizeof(*in->subjects));
		in->subjects[0].agency = in->agency;
		in->subjects[0].user = in->direction == DIRECTION_OUTBOUND ?
		    in->env.mail_from : NULL;
		in->nsubjects = 1;
		return;
	}
	in->subjects = mem_calloc(in->env.nrcpts, sizeof(*in->subjects));
	in->nsubjects = in->env.nrcpts;
	for (size_t k = 0; k < in->env.nrcpts; k++) {
		dom = address_domain(span_from_cstr(in->env.rcpts[k]));
		in->subjects[k].agency = policy_agency_by_domain(in->p, dom.p,
		    dom.len);
		in->subjects[k].user = in->env.rcpts[k];
		/* Until the verdict names one: the agency of smallest id. */
		if (in->subjects[k].agency != NULL && (in->agency == NULL ||
		    strcmp(in->subjects[k].agency->id, in->agency->id) < 0))
			in->agency = in->subjects[k].agency;
	}
}

/*
 * What the hit means for each subject and overall (decide.h).  Inbound
 * with recipients each one's action is kept for the verdicts (ACCEPT
 * where the rule's scope leaves it out), and a hit is at least "log".
 */
void
inspect_hit_scope(struct inspect *in, struct hit *h)
{
	struct decide_facts f = { h->rule, in->direction, in->subjects,
		in->nsubjects, in->env.has_client ? &in->env.client : NULL,
		in->now };
	struct decide_outcome *each = NULL;
	struct decision d;

	if (per_recipient(in))
		each = mem_calloc(in->nsubjects, sizeof(*each));
	decide(in->p, &f, &d, each);
	h->action = d.action;
	h->intended = d.intended;
	h->exception = d.exception;
	h->monitor = d.monitor;
	if (each == NULL)
		return;
	h->per_rcpt = mem_calloc(in->env.nrcpts, sizeof(*h->per_rcpt));
	h->per_exc = mem_calloc(in->env.nrcpts, sizeof(*h->per_exc));
	for (size_t k = 0; k < in->env.nrcpts; k++) {
		h->per_rcpt[k] = each[k].action;
		h->per_exc[k] = each[k].exception;
	}
	free(each);
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
		rv->agency = in->subjects[k].agency != NULL ?
		    in->subjects[k].agency->id : NULL;
		rv->decider = decider_for(in, k, &rv->action);
		for (size_t i = 0; i < in->nhits; i++)
			rv->exception = decide_first_id(rv->exception,
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
			const struct agency *a = in->subjects[k].agency;

			if (in->rv[k].removed || a == NULL ||
			    (pass == 0 && in->rv[k].action != top))
				continue;
			if (in->agency == NULL || strcmp(a->id,
			    in->agency->id) < 0)
				in->agency = a;
		}
}
