/*
 * inspect_verdict.c - one verdict from the hits: the strictest action
 * (a strip that cannot be cut out cleanly holds the message instead), its
 * SMTP reply, and, clause 5, the blocked message kept in the quarantine
 * store before the answer; when the spool or the store fails, the
 * configured internal-error answer.
 *
 * Trusts: the hits and the policy; a rule's reply was checked at load.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"
#include "quarantine.h"
#include "store.h"

#include "inspect_priv.h"

const struct attachment *
inspect_att_of(const struct inspect *in, size_t part)
{
	for (size_t i = 0; i < in->natts; i++)
		if (in->atts[i].part == part && in->atts[i].reading == NULL)
			return &in->atts[i];
	return NULL;
}

static bool
strip_possible(const struct inspect *in)
{
	size_t n = 0;

	for (size_t i = 0; i < in->nhits; i++) {
		const struct hit *h = &in->hits[i];
		const struct attachment *a;

		if (h->action != ACTION_STRIP)
			continue;
		a = h->part == SIZE_MAX || h->reading != NULL ? NULL :
		    inspect_att_of(in, h->part);
		if (a == NULL || !a->off_valid || a->off_end <= a->off_header)
			return false;
		n++;
	}
	return n > 0;
}

static void
set_reply(struct verdict *v, const struct rule *r)
{
	const char *reply = r != NULL && r->reply != NULL ? r->reply : NULL;
	bool temp = v->action == ACTION_TEMPFAIL;

	str_lcpy(v->rcode, temp ? "451" : "550", sizeof(v->rcode));
	str_lcpy(v->xcode, temp ? "4.7.1" : "5.7.1", sizeof(v->xcode));
	free(v->text);
	v->text = NULL;
	if (reply != NULL) {
		const char *sp = strchr(reply, ' ');
		size_t n = sp == NULL ? 0 : (size_t)(sp - reply);

		/* "5.7.1 text": the code's class must match the answer. */
		if (n > 0 && n < sizeof(v->xcode) && reply[0] == v->xcode[0]) {
			memcpy(v->xcode, reply, n);
			v->xcode[n] = '\0';
			v->text = mem_strdup(sp + 1);
		}
	}
	if (v->text == NULL)
		v->text = mem_strdup(temp ? "Message deferred by policy" :
		    "Message rejected by policy");
}

/*
 * After the hits: each recipient's verdict and the message's, its reply,
 * and, clause 5, the store before the answer; the internal-error answer
 * when the spool or the store failed.
 */
void
inspect_verdict(struct inspect *in)
{
	struct verdict *v = &in->verdict;

	inspect_rcpt_verdicts(in);
	v->action = ACTION_ACCEPT;
	v->decider = NULL;
	for (size_t i = 0; i < in->nhits; i++) {
		if (in->hits[i].action > v->action ||
		    (v->decider == NULL && in->hits[i].action == v->action)) {
			v->action = in->hits[i].action;
			v->decider = &in->hits[i];
		}
	}
	if (v->action == ACTION_ACCEPT)
		v->decider = NULL;
	if (v->action == ACTION_STRIP && !strip_possible(in)) {
		/* A part we cannot cut out cleanly (the message itself, or
		 * inside an encoded embedded message): hold it all. */
		v->action = ACTION_QUARANTINE;
	}
	v->direction = in->direction;
	v->agency = in->agency != NULL ? in->agency->id : NULL;
	v->hits = in->hits;
	v->nhits = in->nhits;
	set_reply(v, v->decider != NULL ? v->decider->rule : NULL);

	/* Clause 5: keep what we block, durably, before answering. */
	if (in->spooling && in->store && !in->internal_error &&
	    (v->action == ACTION_REJECT || v->action == ACTION_DISCARD ||
	    v->action == ACTION_QUARANTINE || v->action == ACTION_STRIP ||
	    v->nremoved > 0)) {
		char *meta = inspect_meta_json(in), *err = NULL;

		if (store_commit(&in->p->config, &in->spool,
		    in->env.queue_id, meta, v->quarantine_id, &err) < 0) {
			in->internal_error = true;
			in->internal_why = err;
			in->store_failed = true;
		}
		free(meta);
	}
	if (in->spooling && in->spool.error != 0 && !in->internal_error) {
		/* The spool failed: we cannot promise anything. */
		in->internal_error = true;
		in->store_failed = true;
		in->internal_why = mem_printf("cannot spool the message in "
		    "%s/.spool: %s", in->p->config.quarantine_dir,
		    strerror(in->spool.error));
	}
	if (in->internal_error) {
		v->action = in->p->config.on_internal_error;
		v->decider = NULL;
		set_reply(v, NULL);
		free(v->text);
		v->text = mem_printf("Message could not be inspected, try "
		    "again later");
	}
}
