/*
 * inspect_rules.c - the mail rules over the message's facts: the
 * direction of the message, which rules apply to it (applies, enabled,
 * direction and agency scope: decide.h), the facts offered to them, and
 * one hit per rule that holds, on the message or on an attachment.
 *
 * Facts are offered to the rules through two kinds of object: the message
 * (envelope, headers, subject, text, message-level checks) and each
 * attachment (the message's fields plus the attachment's names,
 * extensions, types and checks).  A rule that names no attachment field
 * and no check is judged once, on the message.
 *
 * Trusts: the facts are data, compared by the rules; patterns are bounded
 * by limits.regex_* (a pattern that gives up raises limit.regex).
 */
#include <stdint.h>
#include <string.h>

#include "address.h"
#include "mem.h"
#include "regex.h"

#include "inspect_priv.h"

struct object {
	const struct inspect *in;
	const struct attachment *att;	/* NULL: the message itself */
};

static bool
visit_str(const struct cond *c, bool (*visit)(const struct cond *,
    const struct fact *), const char *s)
{
	struct fact f;

	if (s == NULL)
		return false;
	memset(&f, 0, sizeof(f));
	f.s = span_from_cstr(s);
	return visit(c, &f);
}

static bool
object_each(void *ctx, enum field field, const char *subkey,
    bool (*visit)(const struct cond *, const struct fact *),
    const struct cond *c)
{
	const struct object *o = ctx;
	const struct inspect *in = o->in;
	const struct attachment *a = o->att;
	struct fact f;

	memset(&f, 0, sizeof(f));
	switch (field) {
	case FIELD_CHECK:
		if (a != NULL) {
			for (size_t i = 0; i < a->nchecks; i++)
				if (visit_str(c, visit, a->checks[i]))
					return true;
			return false;
		}
		for (size_t i = 0; i < in->nchecks; i++)
			if (visit_str(c, visit, in->checks[i]))
				return true;
		return false;
	case FIELD_SUBJECT:
		return visit_str(c, visit, in->subject);
	case FIELD_HEADER:
		for (size_t i = 0; i < in->nfields; i++)
			if (strcmp(in->fields[i].name, subkey) == 0 &&
			    visit_str(c, visit, in->fields[i].value))
				return true;
		return false;
	case FIELD_BODY:
		for (size_t i = 0; i < in->ntexts; i++) {
			f.s = in->texts[i];
			if (visit(c, &f))
				return true;
		}
		return false;
	case FIELD_SENDER:
		return visit_str(c, visit, in->env.mail_from);
	case FIELD_SENDER_DOMAIN:
		f.s = address_domain(span_from_cstr(in->env.mail_from));
		return f.s.len > 0 && visit(c, &f);
	case FIELD_RECIPIENT:
	case FIELD_RECIPIENT_DOMAIN:
		for (size_t i = 0; i < in->env.nrcpts; i++) {
			f.s = span_from_cstr(in->env.rcpts[i]);
			if (field == FIELD_RECIPIENT_DOMAIN)
				f.s = address_domain(f.s);
			if (f.s.len > 0 && visit(c, &f))
				return true;
		}
		return false;
	case FIELD_CLIENT_IP:
		if (!in->env.has_client)
			return false;
		f.ip = in->env.client;
		return visit(c, &f);
	case FIELD_ATTACHMENT_NAME:
		if (a == NULL)
			return false;
		return visit_str(c, visit, a->names[0]) ||
		    visit_str(c, visit, a->names[1]);
	case FIELD_ATTACHMENT_EXTENSION:
		if (a == NULL)
			return false;
		for (int k = 0; k < 2; k++) {
			size_t pos = 0;

			if (a->names[k] == NULL)
				continue;
			while (inspect_name_ext(a->names[k], &pos, &f.s))
				if (visit(c, &f))
					return true;
		}
		return false;
	case FIELD_ATTACHMENT_DECLARED_TYPE:
		return a != NULL && a->declared[0] != '\0' &&
		    visit_str(c, visit, a->declared);
	case FIELD_ATTACHMENT_TYPE:
		return a != NULL && a->true_type[0] != '\0' &&
		    visit_str(c, visit, a->true_type);
	case FIELD_VIRUS:
		for (size_t i = 0; i < in->nviruses; i++)
			if (visit_str(c, visit, in->viruses[i]))
				return true;
		return false;
	default:
		/* viruses come from the scanner; network fields never apply
		 * to mail */
		return false;
	}
}

/* Does the rule name a field that lives on attachments (or a check)? */
static bool
rule_per_attachment(const struct rule *r)
{
	for (size_t i = 0; i < r->nconds; i++) {
		switch (r->conds[i].field) {
		case FIELD_CHECK:
		case FIELD_ATTACHMENT_NAME:
		case FIELD_ATTACHMENT_EXTENSION:
		case FIELD_ATTACHMENT_TYPE:
		case FIELD_ATTACHMENT_DECLARED_TYPE:
			return true;
		default:
			break;
		}
	}
	return false;
}

static bool
rule_applies(const struct inspect *in, const struct rule *r)
{
	if (r->applies != RULE_MAIL || !r->enabled)
		return false;
	/* Its direction, and scoped to agencies: any recipient (inbound)
	 * or the sender. */
	return decide_in_scope(r, in->direction, in->subjects,
	    in->nsubjects);
}

static void
add_hit(struct inspect *in, const struct rule *r, const struct attachment *a)
{
	struct hit *h;

	in->hits = mem_reallocarray(in->hits, in->nhits + 1, sizeof(*in->hits));
	h = &in->hits[in->nhits++];
	memset(h, 0, sizeof(*h));
	h->rule = r;
	inspect_hit_scope(in, h);	/* per recipient, and overall */
	h->part = a != NULL ? a->part : SIZE_MAX;
	h->reading = a != NULL ? a->reading : NULL;
	if (a != NULL)		/* a member as ARCHIVE/PATH */
		h->filename = inspect_att_name(in, a);
	if (rule_tests_check(r, "virus.found") && in->nviruses > 0)
		h->detail = mem_strdup(in->viruses[0]);
	else if (rule_tests_check(r, "mime.ambiguous") &&
	    in->amb_detail != NULL)
		h->detail = mem_strdup(in->amb_detail);
	else if (rule_tests_check(r, "virus.unscannable") &&
	    in->scan_error != NULL)
		h->detail = mem_strdup(in->scan_error);
	else if (r->conds[0].field == FIELD_CHECK)
		h->detail = mem_strdup(r->conds[0].str);
}

void
inspect_direction(struct inspect *in)
{
	const struct config *c = &in->p->config;

	in->direction = DIRECTION_INBOUND;
	if (in->env.auth_user != NULL && in->env.auth_user[0] != '\0')
		in->direction = DIRECTION_OUTBOUND;
	else if (in->env.has_client && c->internal_nets != NULL &&
	    cidrset_match(c->internal_nets, &in->env.client))
		in->direction = DIRECTION_OUTBOUND;
	else if (in->env.daemon != NULL) {
		for (size_t i = 0; i < c->noutbound_daemons; i++)
			if (strcmp(in->env.daemon, c->outbound_daemons[i]) == 0)
				in->direction = DIRECTION_OUTBOUND;
	}
	inspect_rcpt_agencies(in);
}

/* Every rule that applies, or only those testing check (once more). */
static void
judge_rules(struct inspect *in, const char *check)
{
	struct object msg = { in, NULL };
	struct rule_facts facts = { object_each, &msg };

	for (size_t i = 0; i < in->p->nrules; i++) {
		const struct rule *r = &in->p->rules[i];

		if (!rule_applies(in, r) || (check != NULL &&
		    !rule_tests_check(r, check)))
			continue;
		if (rule_matches(r, &facts)) {
			add_hit(in, r, NULL);
			continue;
		}
		if (!rule_per_attachment(r))
			continue;
		for (size_t k = 0; k < in->natts; k++) {
			struct object att = { in, &in->atts[k] };
			struct rule_facts af = { object_each, &att };

			if (rule_matches(r, &af))
				add_hit(in, r, &in->atts[k]);
		}
	}
}

/*
 * Every rule that applies, over the message and each attachment; then,
 * when a pattern gave up, the rules on limit.regex.
 */
void
inspect_rules(struct inspect *in)
{
	uint64_t regex_hits;

	regex_hits = regex_thread_limit_hits();
	judge_rules(in, NULL);
	if (regex_thread_limit_hits() != regex_hits) {
		/* A pattern gave up at limits.regex_*: it could not say no,
		 * so the rules on limit.regex decide, after the others. */
		inspect_raise(in, "limit.regex");
		judge_rules(in, "limit.regex");
	}
}
