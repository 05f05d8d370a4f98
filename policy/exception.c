/*
 * exception.c - exception records (clause 4).
 *
 * Trusts: nothing in the record.  Validation is strict because a record
 * that loads can switch a rule off: every field the policy requires must
 * be present and non-empty, the window must be real and no longer than the
 * maximum, the approving bodies must be the configured ones, and the
 * status must agree with the reviews (an "approved" record needs every
 * body's approval, by different people).  The record's id must be its
 * file name, so tools can find it and two files cannot claim one id.
 */
#include "exception.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "date.h"
#include "mem.h"

static const char *const top_keys[] = { "exception", NULL };
static const char *const exc_keys[] = { "id", "agency", "requested_by",
	"reasons", "circumstances", "access_controls", "scope", "valid_from",
	"valid_until", "status", "reviews", "history", NULL };
static const char *const requester_keys[] = { "name", "role", "email",
	NULL };
static const char *const scope_keys[] = { "rules", "users", "hosts", NULL };
static const char *const review_keys[] = { "body", "decision", "by", "on",
	"note", NULL };
static const char *const history_keys[] = { "on", "by", "action", "note",
	NULL };

static const char *const status_names[] = {
	[EXC_REQUESTED] = "requested",
	[EXC_APPROVED] = "approved",
	[EXC_DENIED] = "denied",
	[EXC_REVOKED] = "revoked",
	[EXC_EXPIRED] = "expired",
};

const char *
exception_status_name(enum exception_status s)
{
	if ((unsigned)s > EXC_EXPIRED)
		return "?";
	return status_names[s];
}

static bool
id_ok(const struct node *n)
{
	for (size_t i = 0; i < n->len; i++) {
		char c = n->str[i];

		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.'))
			return false;
	}
	return n->len > 0;
}

static char *
get_text(const struct node *map, const char *key, const char *what,
    struct diags *d)
{
	const struct node *v;

	if (node_get_str(map, key, true, what, d, &v) <= 0)
		return NULL;
	return mem_strndup(v->str, v->len);
}

static void
free_review(struct exception_review *r)
{
	free(r->body);
	free(r->by);
	free(r->note);
}

void
exception_free(struct exception **ep)
{
	struct exception *e = *ep;

	if (e == NULL)
		return;
	free(e->id);
	free(e->agency_id);
	free(e->requester_name);
	free(e->requester_role);
	free(e->requester_email);
	free(e->reasons);
	free(e->circumstances);
	free(e->access_controls);
	for (size_t i = 0; i < e->nrule_globs; i++)
		free(e->rule_globs[i]);
	free(e->rule_globs);
	strset_free(&e->user_addrs);
	domset_free(&e->user_domains);
	cidrset_free(&e->hosts);
	for (size_t i = 0; i < e->nreviews; i++)
		free_review(&e->reviews[i]);
	free(e->reviews);
	free(e);
	*ep = NULL;
}

/* The closest configured body, for a suggestion. */
static const char *
suggest(const char *s, char *const *v, size_t n)
{
	const char *best = NULL;
	size_t best_dist = 3;

	for (size_t i = 0; i < n; i++) {
		size_t dist = str_distance(s, v[i], best_dist);

		if (dist < best_dist) {
			best_dist = dist;
			best = v[i];
		}
	}
	return best;
}

static void
bodies_text(const struct exception_settings *set, char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < set->napprovers && off < len; i++) {
		int n = snprintf(buf + off, len - off, "%s%s",
		    i == 0 ? "" : i + 1 == set->napprovers ? " or " : ", ",
		    set->approvers[i]);

		if (n < 0)
			break;
		off += (size_t)n;
	}
}

static void
load_requester(struct exception *e, const struct node *map, struct diags *d)
{
	const struct node *v;
	const char *at;

	if (map == NULL) {
		diag_error(d, e->file, e->line, e->col,
		    "missing required key 'requested_by' in exception (the "
		    "agency head or designee who asks for it)");
		return;
	}
	if (!node_expect(map, NODE_MAP, "requested_by", d))
		return;
	node_check_keys(map, requester_keys, "requested_by", d);
	e->requester_name = get_text(map, "name", "requested_by", d);
	e->requester_role = get_text(map, "role", "requested_by", d);
	if (node_get_str(map, "email", true, "requested_by", d, &v) <= 0)
		return;
	at = memchr(v->str, '@', v->len);
	if (at == NULL || at == v->str || at == v->str + v->len - 1 ||
	    memchr(at + 1, '@', v->len - (size_t)(at - v->str) - 1) != NULL) {
		char q[80];

		diag_error(d, v->file, v->line, v->col,
		    "'%s' is not an e-mail address", node_quote(v, q,
		    sizeof(q)));
		return;
	}
	e->requester_email = mem_strndup(v->str, v->len);
}

static const struct node *
scope_list(const struct node *scope, const char *key, struct diags *d)
{
	const struct node *v = node_get(scope, key);

	if (v == NULL)
		return NULL;
	if (!node_expect(v, NODE_SEQ, key, d))
		return NULL;
	for (size_t i = 0; i < v->nitems; i++)
		if (!node_expect(v->items[i], NODE_SCALAR, key, d))
			return NULL;
	return v;
}

static void
load_scope(struct exception *e, const struct node *scope, struct diags *d)
{
	const struct node *rules, *users, *hosts;
	char q[80];

	if (scope == NULL) {
		diag_error(d, e->file, e->line, e->col,
		    "missing required key 'scope' in exception (which rules, "
		    "users or hosts it covers)");
		return;
	}
	if (!node_expect(scope, NODE_MAP, "scope", d))
		return;
	node_check_keys(scope, scope_keys, "scope", d);
	rules = scope_list(scope, "rules", d);
	users = scope_list(scope, "users", d);
	hosts = scope_list(scope, "hosts", d);
	if ((rules == NULL || rules->nitems == 0) &&
	    (users == NULL || users->nitems == 0) &&
	    (hosts == NULL || hosts->nitems == 0)) {
		diag_error(d, scope->file, scope->line, scope->col,
		    "scope must name at least one of rules, users or hosts");
		return;
	}
	if (rules != NULL) {
		e->rule_globs = mem_calloc(rules->nitems + 1,
		    sizeof(*e->rule_globs));
		for (size_t i = 0; i < rules->nitems; i++) {
			const struct node *it = rules->items[i];

			if (it->len == 0 || memchr(it->str, '\0', it->len)) {
				diag_error(d, it->file, it->line, it->col,
				    "empty rule in scope");
				continue;
			}
			e->rule_globs[e->nrule_globs++] = mem_strndup(it->str,
			    it->len);
		}
	}
	if (users != NULL && users->nitems > 0) {
		e->user_addrs = strset_new();
		e->user_domains = domset_new();
		for (size_t i = 0; i < users->nitems; i++) {
			const struct node *it = users->items[i];
			const char *at = memchr(it->str, '@', it->len);
			const char *why;
			size_t col;

			if (at != NULL) {
				if (at == it->str || domain_validate(at + 1,
				    it->len - (size_t)(at - it->str) - 1, &why,
				    &col) < 0) {
					diag_error(d, it->file, it->line,
					    it->col, "bad user '%s' in scope: "
					    "expected an address or a domain",
					    node_quote(it, q, sizeof(q)));
					continue;
				}
				strset_add(e->user_addrs, it->str, it->len);
			} else if (domset_add(e->user_domains, it->str,
			    it->len) < 0) {
				diag_error(d, it->file, it->line, it->col,
				    "bad user '%s' in scope: expected an "
				    "address or a domain",
				    node_quote(it, q, sizeof(q)));
				continue;
			}
			e->nusers++;
		}
	}
	if (hosts != NULL && hosts->nitems > 0) {
		e->hosts = cidrset_new();
		for (size_t i = 0; i < hosts->nitems; i++) {
			const struct node *it = hosts->items[i];
			struct cidr c;
			const char *why;

			if (cidr_parse(it->str, it->len, &c, &why) < 0) {
				diag_error(d, it->file, it->line, it->col,
				    "bad host '%s' in scope: %s",
				    node_quote(it, q, sizeof(q)), why);
				continue;
			}
			cidrset_add(e->hosts, &c);
		}
		cidrset_build(e->hosts);
	}
}

static int
get_day(const struct node *map, const char *key, int32_t *day,
    struct diags *d)
{
	const struct node *v;
	const char *why;
	char q[80];

	if (node_get_str(map, key, true, "exception", d, &v) <= 0)
		return -1;
	if (date_parse(v->str, v->len, day, &why) < 0) {
		diag_error(d, v->file, v->line, v->col, "bad date '%s' in "
		    "'%s': %s", node_quote(v, q, sizeof(q)), key, why);
		return -1;
	}
	return 0;
}

static void
load_reviews(struct exception *e, const struct node *seq,
    const struct exception_settings *set, struct diags *d)
{
	char bodies[256], q[80];

	if (seq == NULL || node_is_null(seq))
		return;
	if (!node_expect(seq, NODE_SEQ, "reviews", d))
		return;
	bodies_text(set, bodies, sizeof(bodies));
	e->reviews = mem_calloc(seq->nitems + 1, sizeof(*e->reviews));
	for (size_t i = 0; i < seq->nitems; i++) {
		const struct node *it = seq->items[i], *body, *dec, *by, *note;
		struct exception_review *r;
		const char *why;
		bool known = false;
		int32_t on;

		if (!node_expect(it, NODE_MAP, "reviews", d))
			continue;
		node_check_keys(it, review_keys, "review", d);
		if (node_get_str(it, "body", true, "review", d, &body) <= 0 ||
		    node_get_str(it, "decision", true, "review", d, &dec) <=
		    0 || node_get_str(it, "by", true, "review", d, &by) <= 0)
			continue;
		if (get_day(it, "on", &on, d) < 0)
			continue;
		(void)why;
		for (size_t j = 0; j < set->napprovers; j++)
			if (strcmp(body->str, set->approvers[j]) == 0)
				known = true;
		if (!known) {
			const char *s = suggest(body->str, set->approvers,
			    set->napprovers);

			if (s != NULL)
				diag_error(d, body->file, body->line, body->col,
				    "unknown approving body '%s' (did you mean "
				    "'%s'?)", node_quote(body, q, sizeof(q)),
				    s);
			else
				diag_error(d, body->file, body->line, body->col,
				    "unknown approving body '%s' (expected %s)",
				    node_quote(body, q, sizeof(q)), bodies);
			continue;
		}
		if (strcmp(dec->str, "approved") != 0 &&
		    strcmp(dec->str, "denied") != 0) {
			diag_error(d, dec->file, dec->line, dec->col,
			    "'decision' must be approved or denied, not '%s'",
			    node_quote(dec, q, sizeof(q)));
			continue;
		}
		for (size_t j = 0; j < e->nreviews; j++) {
			if (strcmp(e->reviews[j].body, body->str) == 0) {
				diag_error(d, body->file, body->line, body->col,
				    "%s reviewed this exception twice",
				    body->str);
				known = false;
			}
		}
		if (!known)
			continue;
		r = &e->reviews[e->nreviews++];
		r->body = mem_strndup(body->str, body->len);
		r->approved = strcmp(dec->str, "approved") == 0;
		r->by = mem_strndup(by->str, by->len);
		r->on = on;
		if (node_get_str(it, "note", false, "review", d, &note) > 0)
			r->note = mem_strndup(note->str, note->len);
	}
}

static void
load_history(struct exception *e, const struct node *seq, struct diags *d)
{
	if (seq == NULL || node_is_null(seq))
		return;
	if (!node_expect(seq, NODE_SEQ, "history", d))
		return;
	for (size_t i = 0; i < seq->nitems; i++) {
		const struct node *it = seq->items[i], *on, *v;
		const char *why;
		time_t t;
		char q[80];

		if (!node_expect(it, NODE_MAP, "history", d))
			continue;
		node_check_keys(it, history_keys, "history entry", d);
		if (node_get_str(it, "on", true, "history entry", d, &on) <= 0 ||
		    node_get_str(it, "by", true, "history entry", d, &v) <= 0 ||
		    node_get_str(it, "action", true, "history entry", d,
		    &v) <= 0)
			continue;
		if (date_parse_time(on->str, on->len, &t, &why) < 0) {
			diag_error(d, on->file, on->line, on->col,
			    "bad time '%s' in history: %s",
			    node_quote(on, q, sizeof(q)), why);
			continue;
		}
		e->nhistory++;
	}
}

static const struct exception_review *
review_of(const struct exception *e, const char *body)
{
	for (size_t i = 0; i < e->nreviews; i++)
		if (strcmp(e->reviews[i].body, body) == 0)
			return &e->reviews[i];
	return NULL;
}

/* Approved by every body, by different people? */
bool
exception_fully_approved(const struct exception *e,
    const struct exception_settings *set)
{
	for (size_t i = 0; i < set->napprovers; i++) {
		const struct exception_review *r = review_of(e,
		    set->approvers[i]);

		if (r == NULL || !r->approved)
			return false;
		for (size_t j = 0; j < i; j++)
			if (strcmp(review_of(e, set->approvers[j])->by,
			    r->by) == 0)
				return false;
	}
	return true;
}

static void
check_status(struct exception *e, const struct node *status,
    const struct exception_settings *set, struct diags *d)
{
	bool denied = false;

	for (size_t i = 0; i < e->nreviews; i++)
		denied |= !e->reviews[i].approved;
	if (e->status == EXC_APPROVED) {
		for (size_t i = 0; i < set->napprovers; i++) {
			const struct exception_review *r = review_of(e,
			    set->approvers[i]);

			if (r == NULL || !r->approved)
				diag_error(d, status->file, status->line,
				    status->col, "status is approved but %s "
				    "has not approved it", set->approvers[i]);
		}
		for (size_t i = 0; i < set->napprovers; i++) {
			const struct exception_review *a = review_of(e,
			    set->approvers[i]);

			for (size_t j = 0; a != NULL && j < i; j++) {
				const struct exception_review *b = review_of(e,
				    set->approvers[j]);

				if (b != NULL && strcmp(a->by, b->by) == 0)
					diag_error(d, status->file,
					    status->line, status->col,
					    "%s and %s approvals are both by "
					    "'%s': the policy needs two "
					    "different approvers", b->body,
					    a->body, a->by);
			}
		}
		if (denied)
			diag_error(d, status->file, status->line, status->col,
			    "status is approved but a review denied it");
	}
	if (e->status == EXC_DENIED && !denied)
		diag_error(d, status->file, status->line, status->col,
		    "status is denied but no review denied it");
}

struct exception *
exception_load(const struct node *root, const char *file,
    const struct exception_settings *set, const struct agency *agencies,
    size_t nagencies, struct diags *d)
{
	const struct node *n, *id, *agency, *status;
	struct exception *e;
	size_t errors = d->errors;
	const char *base;
	char q[80];

	if (root == NULL || root->type != NODE_MAP ||
	    (n = node_get(root, "exception")) == NULL) {
		diag_error(d, file, root != NULL ? root->line : 0,
		    root != NULL ? root->col : 0,
		    "an exception file is a mapping with the key 'exception'");
		return NULL;
	}
	node_check_keys(root, top_keys, "exception file", d);
	if (!node_expect(n, NODE_MAP, "exception", d))
		return NULL;
	e = mem_calloc(1, sizeof(*e));
	e->file = n->file;
	e->line = n->line;
	e->col = n->col;
	node_check_keys(n, exc_keys, "exception", d);

	if (node_get_str(n, "id", true, "exception", d, &id) > 0) {
		if (!id_ok(id)) {
			diag_error(d, id->file, id->line, id->col,
			    "exception id '%s' may hold only letters, digits, "
			    "'.', '-' and '_'", node_quote(id, q, sizeof(q)));
		} else {
			e->id = mem_strndup(id->str, id->len);
			base = strrchr(file, '/');
			base = base == NULL ? file : base + 1;
			if (strlen(base) != id->len + 5 ||
			    strncmp(base, id->str, id->len) != 0 ||
			    strcmp(base + id->len, ".yaml") != 0)
				diag_error(d, id->file, id->line, id->col,
				    "exception id '%s' does not match file "
				    "name '%s'", e->id, base);
		}
	}
	if (node_get_str(n, "agency", true, "exception", d, &agency) > 0) {
		e->agency_id = mem_strndup(agency->str, agency->len);
		e->agency = agency_by_id(agencies, nagencies, e->agency_id);
		if (e->agency == NULL) {
			const char *best = NULL;
			size_t best_dist = 3;

			for (size_t i = 0; i < nagencies; i++) {
				size_t dist = str_distance(e->agency_id,
				    agencies[i].id, best_dist);

				if (dist < best_dist) {
					best_dist = dist;
					best = agencies[i].id;
				}
			}
			if (best != NULL)
				diag_error(d, agency->file, agency->line,
				    agency->col, "unknown agency '%s' (did "
				    "you mean '%s'?)", node_quote(agency, q,
				    sizeof(q)), best);
			else
				diag_error(d, agency->file, agency->line,
				    agency->col, "unknown agency '%s'",
				    node_quote(agency, q, sizeof(q)));
		}
	}
	load_requester(e, node_get(n, "requested_by"), d);
	/* Clause 4 names these four; say so when one is missing. */
	static const char *const required[] = { "reasons", "circumstances",
		"access_controls" };
	for (size_t i = 0; i < 3; i++) {
		const struct node *v = node_get(n, required[i]);
		char **out = i == 0 ? &e->reasons : i == 1 ? &e->circumstances :
		    &e->access_controls;

		if (v == NULL) {
			diag_error(d, n->file, n->line, n->col,
			    "missing required key '%s' in exception (clause 4 "
			    "requires reasons, circumstances, duration and "
			    "access controls)", required[i]);
			continue;
		}
		*out = get_text(n, required[i], "exception", d);
	}
	load_scope(e, node_get(n, "scope"), d);
	if (node_get(n, "valid_from") == NULL ||
	    node_get(n, "valid_until") == NULL) {
		diag_error(d, n->file, n->line, n->col,
		    "missing required key '%s' in exception (clause 4 requires "
		    "a duration)", node_get(n, "valid_from") == NULL ?
		    "valid_from" : "valid_until");
	} else if (get_day(n, "valid_from", &e->valid_from, d) == 0 &&
	    get_day(n, "valid_until", &e->valid_until, d) == 0) {
		const struct node *u = node_get(n, "valid_until");
		int64_t days = (int64_t)e->valid_until - e->valid_from + 1;

		if (days < 1)
			diag_error(d, u->file, u->line, u->col,
			    "valid_until is before valid_from");
		else if ((uint64_t)days > set->max_days)
			diag_error(d, u->file, u->line, u->col,
			    "window of %lld days exceeds the maximum of %u "
			    "days (exceptions.max_days)", (long long)days,
			    set->max_days);
	}
	load_reviews(e, node_get(n, "reviews"), set, d);
	load_history(e, node_get(n, "history"), d);
	if (node_get_str(n, "status", true, "exception", d, &status) > 0) {
		bool found = false;

		for (unsigned i = 0; i <= EXC_EXPIRED; i++) {
			if (strcmp(status->str, status_names[i]) == 0) {
				e->status = (enum exception_status)i;
				found = true;
			}
		}
		if (!found)
			diag_error(d, status->file, status->line, status->col,
			    "'status' must be requested, approved, denied, "
			    "revoked or expired, not '%s'",
			    node_quote(status, q, sizeof(q)));
		else
			check_status(e, status, set, d);
	}
	if (d->errors > errors) {
		exception_free(&e);
		return NULL;
	}
	return e;
}

bool
exception_in_force(const struct exception *e,
    const struct exception_settings *set, int32_t day)
{
	return e->status == EXC_APPROVED && exception_fully_approved(e, set) &&
	    day >= e->valid_from && day <= e->valid_until &&
	    (int64_t)e->valid_until - e->valid_from + 1 <=
	    (int64_t)set->max_days;
}

bool
exception_covers(const struct exception *e, const char *rule_id,
    const char *agency_id, struct span user, const struct ipaddr *host)
{
	if (agency_id == NULL || e->agency_id == NULL ||
	    strcmp(agency_id, e->agency_id) != 0)
		return false;
	if (e->nrule_globs > 0) {
		bool hit = false;

		for (size_t i = 0; i < e->nrule_globs && !hit; i++)
			hit = glob_match(e->rule_globs[i], rule_id,
			    strlen(rule_id));
		if (!hit)
			return false;
	}
	if (e->nusers > 0) {
		const char *at;

		if (user.len == 0)
			return false;
		at = memrchr(user.p, '@', user.len);
		if (!strset_has(e->user_addrs, user.p, user.len) &&
		    !(at != NULL && domset_match(e->user_domains, at + 1,
		    user.len - (size_t)(at - user.p) - 1, NULL)))
			return false;
	}
	if (e->hosts != NULL && (host == NULL || !cidrset_match(e->hosts,
	    host)))
		return false;
	return true;
}
