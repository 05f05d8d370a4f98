/*
 * exception.c - exception records (clause 4).
 *
 * Trusts: nothing in the record.  Validation is strict because a record
 * that loads can turn a rule's action into "log": every field clause 4
 * requires (who asks, reasons, circumstances, duration, access controls)
 * must be present and non-blank, the window must be made of real days and
 * be no longer than the maximum, reviewers must be the configured
 * approving bodies, each reviewing once, and the status must agree with
 * the reviews (an "approved" record needs every body's approval, by
 * different people; a "denied" one a denial).  The id must be the file
 * name, so tools find a record by its id and two files cannot both hold
 * one record.
 *
 * An optional key whose value is null ("reviews:" with nothing after it)
 * counts as absent.
 *
 * Every problem in a record is reported, not just the first; a record
 * with any error is not returned.  Where one mistake would make a later
 * check meaningless (a review naming an unknown body, then "status is
 * approved but ESB has not approved it"), the later check is skipped.
 *
 * Limits: the record's size is bounded by node.c (file size, node count,
 * scalar length); nothing here allocates more than the tree holds.
 * Ownership: a struct exception owns its strings and sets; file points
 * into the node document and agency into the agency array, both of which
 * must outlive it.
 */
#include "exception.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "date.h"
#include "id.h"
#include "mem.h"
#include "suggest.h"

/* Says why reasons, circumstances, access controls and the window exist. */
#define EXC_CLAUSE4 "clause 4 requires reasons, circumstances, duration " \
	"and access controls"

static const char *const exc_top_keys[] = { "exception", NULL };
static const char *const exc_keys[] = { "id", "agency", "requested_by",
	"reasons", "circumstances", "access_controls", "scope", "valid_from",
	"valid_until", "status", "reviews", "history", NULL };
static const char *const exc_requester_keys[] = { "name", "role", "email",
	NULL };
static const char *const exc_scope_keys[] = { "rules", "users", "hosts",
	NULL };
static const char *const exc_review_keys[] = { "body", "decision", "by",
	"on", "note", NULL };
static const char *const exc_history_keys[] = { "on", "by", "action",
	"note", NULL };
static const char *const exc_decisions[] = { "approved", "denied" };

static const char *const exc_status_names[] = {
	[EXC_REQUESTED] = "requested",
	[EXC_APPROVED] = "approved",
	[EXC_DENIED] = "denied",
	[EXC_REVOKED] = "revoked",
	[EXC_EXPIRED] = "expired",
};

#define EXC_NSTATUS (sizeof(exc_status_names) / sizeof(exc_status_names[0]))

const char *
exception_status_name(enum exception_status s)
{
	if ((size_t)s >= EXC_NSTATUS)
		return "?";
	return exc_status_names[s];
}

/* A scope rule: a rule id (id.h's alphabet) with '*' wildcards. */
static size_t
exc_glob_bad_char(const struct node *n)
{
	for (size_t i = 0; i < n->len; i++)
		if (!id_is_char((unsigned char)n->str[i]) && n->str[i] != '*')
			return i;
	return n->len;
}

/* "A", "A or B", "A, B or C" into buf. */
static const char *
exc_alternatives(const char *const *v, size_t n, char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		int w = snprintf(buf + off, len - off, "%s%s",
		    i == 0 ? "" : i + 1 == n ? " or " : ", ", v[i]);

		if (w < 0 || (size_t)w >= len - off)
			break;
		off += (size_t)w;
	}
	return buf;
}

/* " (did you mean 'X'?)" or "" into buf. */
static const char *
exc_did_you_mean(const char *s, const char *const *v, size_t n, char *buf,
    size_t len)
{
	const char *best = suggest_closest(s, v, n, SUGGEST_NEAR);

	buf[0] = '\0';
	if (best != NULL)
		(void)snprintf(buf, len, " (did you mean '%s'?)", best);
	return buf;
}

/* A stored string, escaped for a diagnostic (see node_quote). */
static const char *
exc_quote(const char *s, char *buf, size_t len)
{
	struct buf b;

	buf_init(&b, len > 4 ? len - 4 : 0);
	(void)buf_append_escaped(&b, span_from_cstr(s), 60);
	str_lcpy(buf, b.data != NULL ? b.data : "", len);
	buf_free(&b);
	return buf;
}

static bool
exc_is_blank(const struct node *v)
{
	for (size_t i = 0; i < v->len; i++)
		if (v->str[i] != ' ' && v->str[i] != '\t' &&
		    v->str[i] != '\n' && v->str[i] != '\r')
			return false;
	return true;
}

/*
 * A required, non-blank scalar: map[key] as a new string, or NULL after a
 * diagnostic.  suffix (may be "") follows the "missing required key"
 * message.
 */
static char *
exc_text(const struct node *map, const char *key, const char *what,
    const char *suffix, struct diags *d)
{
	const struct node *v;

	if (*suffix != '\0' && node_get(map, key) == NULL) {
		diag_error(d, map->file, map->line, map->col,
		    "missing required key '%s' in %s (%s)", key, what, suffix);
		return NULL;
	}
	if (node_get_str(map, key, true, what, d, &v) <= 0)
		return NULL;
	if (exc_is_blank(v)) {
		diag_error(d, v->file, v->line, v->col,
		    "'%s' must not be empty", key);
		return NULL;
	}
	return mem_strndup(v->str, v->len);
}

/*
 * Are a and b the same person?  Compared ASCII case-insensitively with
 * runs of blanks as one, so that "J. Smith" and "j.  smith" cannot pass
 * for two approvers.
 */
static bool
exc_same_person(const char *a, const char *b)
{
	for (;;) {
		while (*a == ' ' || *a == '\t')
			a++;
		while (*b == ' ' || *b == '\t')
			b++;
		if (*a == '\0' || *b == '\0')
			return *a == *b;
		while (*a != '\0' && *a != ' ' && *a != '\t') {
			char ca = *a, cb = *b;

			if (ca >= 'A' && ca <= 'Z')
				ca = (char)(ca - 'A' + 'a');
			if (cb >= 'A' && cb <= 'Z')
				cb = (char)(cb - 'A' + 'a');
			if (ca != cb)
				return false;
			a++;
			b++;
		}
		if (*b != '\0' && *b != ' ' && *b != '\t')
			return false;
	}
}

bool
exception_same_person(const char *a, const char *b)
{
	return exc_same_person(a, b);
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
	for (size_t i = 0; i < e->nreviews; i++) {
		free(e->reviews[i].body);
		free(e->reviews[i].by);
		free(e->reviews[i].note);
	}
	free(e->reviews);
	free(e);
	*ep = NULL;
}

static void
exc_load_id(struct exception *e, const struct node *n, const char *file,
    struct diags *d)
{
	const struct node *id;
	const char *base;
	enum id_fault fault;
	size_t bad = 0;
	char q[80];

	if (node_get_str(n, "id", true, "exception", d, &id) <= 0)
		return;
	fault = id_check(id->str, id->len, &bad);
	if (fault == ID_BAD_CHAR) {
		diag_error(d, id->file, id->line, node_col_at(id, bad),
		    "exception id '%s' may hold only letters, digits, '.', '-' "
		    "and '_'", node_quote(id, q, sizeof(q)));
		return;
	}
	if (fault != ID_OK) {
		diag_error(d, id->file, id->line, id->col,
		    "exception id '%s' %s", node_quote(id, q, sizeof(q)),
		    id_fault_text(fault));
		return;
	}
	e->id = mem_strndup(id->str, id->len);
	base = strrchr(file, '/');
	base = base == NULL ? file : base + 1;
	if (strlen(base) != id->len + 5 ||
	    memcmp(base, id->str, id->len) != 0 ||
	    strcmp(base + id->len, ".yaml") != 0) {
		char qb[80];

		diag_error(d, id->file, id->line, id->col,
		    "exception id '%s' does not match file name '%s'", e->id,
		    exc_quote(base, qb, sizeof(qb)));
	}
}

static void
exc_load_agency(struct exception *e, const struct node *n,
    const struct agency *agencies, size_t nagencies, struct diags *d)
{
	const struct node *v;
	const char *best;
	struct suggest sg;
	char q[80];

	if (node_get_str(n, "agency", true, "exception", d, &v) <= 0)
		return;
	e->agency_id = mem_strndup(v->str, v->len);
	e->agency = agency_by_id(agencies, nagencies, e->agency_id);
	if (e->agency != NULL)
		return;
	suggest_init(&sg, e->agency_id, SUGGEST_NEAR);
	for (size_t i = 0; i < nagencies; i++)
		(void)suggest_add(&sg, agencies[i].id);
	if ((best = suggest_best(&sg)) != NULL)
		diag_error(d, v->file, v->line, v->col,
		    "unknown agency '%s' (did you mean '%s'?)",
		    node_quote(v, q, sizeof(q)), best);
	else
		diag_error(d, v->file, v->line, v->col, "unknown agency '%s'",
		    node_quote(v, q, sizeof(q)));
}

/* Exactly one '@', with text on both sides. */
static bool
exc_email_is_valid(const struct node *v)
{
	const char *at = memchr(v->str, '@', v->len);
	size_t before, after;

	if (at == NULL)
		return false;
	before = (size_t)(at - v->str);
	after = v->len - before - 1;
	return before > 0 && after > 0 && memchr(at + 1, '@', after) == NULL;
}

static void
exc_load_requester(struct exception *e, const struct node *n,
    struct diags *d)
{
	const struct node *map = node_get(n, "requested_by"), *v;
	char q[80];

	if (map == NULL) {
		diag_error(d, n->file, n->line, n->col,
		    "missing required key 'requested_by' in exception "
		    "(clause 4: the agency head or a designee asks for it)");
		return;
	}
	if (!node_expect(map, NODE_MAP, "requested_by", d))
		return;
	node_check_keys(map, exc_requester_keys, "requested_by", d);
	e->requester_name = exc_text(map, "name", "requested_by", "", d);
	e->requester_role = exc_text(map, "role", "requested_by", "", d);
	if (node_get_str(map, "email", true, "requested_by", d, &v) <= 0)
		return;
	if (!exc_email_is_valid(v)) {
		diag_error(d, v->file, v->line, v->col,
		    "'%s' is not an e-mail address (expected one '@' with "
		    "text on both sides)", node_quote(v, q, sizeof(q)));
		return;
	}
	e->requester_email = mem_strndup(v->str, v->len);
}

/*
 * scope[key] when it is a list of scalars, else NULL (*bad set when it is
 * there but malformed).
 */
static const struct node *
exc_scope_list(const struct node *scope, const char *key, bool *bad,
    struct diags *d)
{
	const struct node *v = node_get(scope, key);
	bool ok = true;

	if (v == NULL || node_is_null(v))
		return NULL;
	if (!node_expect(v, NODE_SEQ, key, d)) {
		*bad = true;
		return NULL;
	}
	for (size_t i = 0; i < v->nitems; i++)
		ok &= node_expect(v->items[i], NODE_SCALAR, key, d);
	if (!ok) {
		*bad = true;
		return NULL;
	}
	return v;
}

static void
exc_load_rules(struct exception *e, const struct node *rules,
    struct diags *d)
{
	char q[80];

	e->rule_globs = mem_calloc(rules->nitems + 1, sizeof(*e->rule_globs));
	for (size_t i = 0; i < rules->nitems; i++) {
		const struct node *it = rules->items[i];
		size_t bad;

		if (node_is_null(it) || it->len == 0) {
			diag_error(d, it->file, it->line, it->col,
			    "empty rule in scope");
			continue;
		}
		bad = exc_glob_bad_char(it);
		if (bad < it->len) {
			diag_error(d, it->file, it->line, node_col_at(it, bad),
			    "scope rule '%s' may hold only letters, digits, "
			    "'.', '-', '_' and '*'", node_quote(it, q,
			    sizeof(q)));
			continue;
		}
		e->rule_globs[e->nrule_globs++] = mem_strndup(it->str,
		    it->len);
	}
}

/* An address (local@domain) or a domain; either way the domain is checked. */
static void
exc_load_users(struct exception *e, const struct node *users,
    struct diags *d)
{
	char q[80];

	e->user_addrs = strset_new();
	e->user_domains = domset_new();
	for (size_t i = 0; i < users->nitems; i++) {
		const struct node *it = users->items[i];
		const char *at = memchr(it->str, '@', it->len), *why;
		size_t dom = at == NULL ? 0 : (size_t)(at - it->str) + 1, off;

		if (at != NULL && (dom == 1 ||
		    memchr(at + 1, '@', it->len - dom) != NULL)) {
			diag_error(d, it->file, it->line, it->col,
			    "bad user '%s' in scope: expected an address or a "
			    "domain", node_quote(it, q, sizeof(q)));
			continue;
		}
		if (domain_validate(it->str + dom, it->len - dom, &why,
		    &off) < 0) {
			diag_error(d, it->file, it->line,
			    node_col_at(it, dom + off), "bad user '%s' in "
			    "scope: %s", node_quote(it, q, sizeof(q)), why);
			continue;
		}
		if (at != NULL)
			strset_add(e->user_addrs, it->str, it->len);
		else
			(void)domset_add(e->user_domains, it->str, it->len);
		e->nusers++;
	}
}

static void
exc_load_hosts(struct exception *e, const struct node *hosts,
    struct diags *d)
{
	char q[80];

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

static void
exc_load_scope(struct exception *e, const struct node *n, struct diags *d)
{
	const struct node *scope = node_get(n, "scope");
	const struct node *rules, *users, *hosts;
	bool bad = false;

	if (scope == NULL) {
		diag_error(d, n->file, n->line, n->col,
		    "missing required key 'scope' in exception (which rules, "
		    "users or hosts it covers)");
		return;
	}
	if (!node_expect(scope, NODE_MAP, "scope", d))
		return;
	node_check_keys(scope, exc_scope_keys, "scope", d);
	rules = exc_scope_list(scope, "rules", &bad, d);
	users = exc_scope_list(scope, "users", &bad, d);
	hosts = exc_scope_list(scope, "hosts", &bad, d);
	if (bad)
		return;
	if ((rules == NULL || rules->nitems == 0) &&
	    (users == NULL || users->nitems == 0) &&
	    (hosts == NULL || hosts->nitems == 0)) {
		diag_error(d, scope->file, scope->line, scope->col,
		    "scope must name at least one of rules, users or hosts");
		return;
	}
	if (rules != NULL && rules->nitems > 0)
		exc_load_rules(e, rules, d);
	if (users != NULL && users->nitems > 0)
		exc_load_users(e, users, d);
	if (hosts != NULL && hosts->nitems > 0)
		exc_load_hosts(e, hosts, d);
}

/* map[key] as a day; 0, or -1 after a diagnostic. */
static int
exc_get_day(const struct node *map, const char *key, const char *what,
    int32_t *day, const struct node **v_r, struct diags *d)
{
	const struct node *v;
	const char *why;
	char q[80];

	if (node_get_str(map, key, true, what, d, &v) <= 0)
		return -1;
	if (date_parse(v->str, v->len, day, &why) < 0) {
		diag_error(d, v->file, v->line, v->col,
		    "bad date '%s' in '%s': %s", node_quote(v, q, sizeof(q)),
		    key, why);
		return -1;
	}
	if (v_r != NULL)
		*v_r = v;
	return 0;
}

static void
exc_load_window(struct exception *e, const struct node *n,
    const struct exception_settings *set, struct diags *d)
{
	static const char *const keys[] = { "valid_from", "valid_until" };
	const struct node *until = NULL;
	bool ok = true;
	int64_t days;

	for (size_t i = 0; i < 2; i++) {
		if (node_get(n, keys[i]) == NULL) {
			diag_error(d, n->file, n->line, n->col,
			    "missing required key '%s' in exception (%s)",
			    keys[i], EXC_CLAUSE4);
			ok = false;
		}
	}
	if (!ok)
		return;
	ok = exc_get_day(n, "valid_from", "exception", &e->valid_from, NULL,
	    d) == 0;
	ok &= exc_get_day(n, "valid_until", "exception", &e->valid_until,
	    &until, d) == 0;
	if (!ok)
		return;
	days = (int64_t)e->valid_until - e->valid_from + 1;
	if (days < 1)
		diag_error(d, until->file, until->line, until->col,
		    "valid_until is before valid_from");
	else if (days > (int64_t)set->max_days)
		diag_error(d, until->file, until->line, until->col,
		    "window of %lld days exceeds the maximum of %lu days "
		    "(exceptions.max_days)", (long long)days,
		    (unsigned long)set->max_days);
}

static const struct exception_review *
exc_review_of(const struct exception *e, const char *body)
{
	for (size_t i = 0; i < e->nreviews; i++)
		if (strcmp(e->reviews[i].body, body) == 0)
			return &e->reviews[i];
	return NULL;
}

/* One review; fills r and returns true when it has no error. */
static bool
exc_load_review(const struct exception *e, const struct node *it,
    const struct exception_settings *set, struct exception_review *r,
    struct diags *d)
{
	const struct node *body = NULL, *dec = NULL, *by = NULL, *note = NULL;
	const char *const *approvers = (const char *const *)set->approvers;
	size_t errors = d->errors;
	char q[80], alt[256], dym[128];
	int32_t on = 0;
	bool known = false;

	if (!node_expect(it, NODE_MAP, "reviews", d))
		return false;
	node_check_keys(it, exc_review_keys, "review", d);
	if (node_get_str(it, "body", true, "review", d, &body) > 0) {
		for (size_t j = 0; j < set->napprovers; j++)
			if (strcmp(body->str, set->approvers[j]) == 0)
				known = true;
		if (!known) {
			const char *best = suggest_closest(body->str,
			    approvers, set->napprovers, SUGGEST_NEAR);

			dym[0] = '\0';
			if (best != NULL)
				(void)snprintf(dym, sizeof(dym),
				    "; did you mean '%s'?", best);
			diag_error(d, body->file, body->line, body->col,
			    "unknown approving body '%s' (expected %s%s)",
			    node_quote(body, q, sizeof(q)),
			    exc_alternatives(approvers, set->napprovers, alt,
			    sizeof(alt)), dym);
		} else {
			for (size_t j = 0; j < e->nreviews; j++)
				if (strcmp(e->reviews[j].body, body->str) == 0)
					diag_error(d, body->file, body->line,
					    body->col, "%s reviewed this "
					    "exception twice", body->str);
		}
	}
	if (node_get_str(it, "decision", true, "review", d, &dec) > 0 &&
	    strcmp(dec->str, "approved") != 0 &&
	    strcmp(dec->str, "denied") != 0)
		diag_error(d, dec->file, dec->line, dec->col,
		    "'decision' must be approved or denied, not '%s'%s",
		    node_quote(dec, q, sizeof(q)), exc_did_you_mean(dec->str,
		    exc_decisions, 2, dym, sizeof(dym)));
	if (node_get_str(it, "by", true, "review", d, &by) > 0 &&
	    exc_is_blank(by))
		diag_error(d, by->file, by->line, by->col,
		    "'by' must not be empty");
	(void)exc_get_day(it, "on", "review", &on, NULL, d);
	if (!node_is_null(node_get(it, "note")))
		(void)node_get_str(it, "note", false, "review", d, &note);
	if (d->errors > errors)
		return false;
	r->body = mem_strndup(body->str, body->len);
	r->approved = strcmp(dec->str, "approved") == 0;
	r->by = mem_strndup(by->str, by->len);
	r->on = on;
	r->note = note != NULL ? mem_strndup(note->str, note->len) : NULL;
	return true;
}

/* Returns false when any review has an error. */
static bool
exc_load_reviews(struct exception *e, const struct node *n,
    const struct exception_settings *set, struct diags *d)
{
	const struct node *seq = node_get(n, "reviews");
	bool ok = true;

	if (seq == NULL || node_is_null(seq))
		return true;
	if (!node_expect(seq, NODE_SEQ, "reviews", d))
		return false;
	e->reviews = mem_calloc(seq->nitems + 1, sizeof(*e->reviews));
	for (size_t i = 0; i < seq->nitems; i++) {
		struct exception_review r;

		memset(&r, 0, sizeof(r));
		if (exc_load_review(e, seq->items[i], set, &r, d))
			e->reviews[e->nreviews++] = r;
		else
			ok = false;
	}
	return ok;
}

static void
exc_load_history(struct exception *e, const struct node *n, struct diags *d)
{
	const struct node *seq = node_get(n, "history");

	if (seq == NULL || node_is_null(seq) ||
	    !node_expect(seq, NODE_SEQ, "history", d))
		return;
	for (size_t i = 0; i < seq->nitems; i++) {
		const struct node *it = seq->items[i], *on, *v;
		size_t errors = d->errors;
		const char *why;
		time_t t;
		char q[80];

		if (!node_expect(it, NODE_MAP, "history", d))
			continue;
		node_check_keys(it, exc_history_keys, "history entry", d);
		if (node_get_str(it, "on", true, "history entry", d, &on) > 0 &&
		    date_parse_time(on->str, on->len, &t, &why) < 0)
			diag_error(d, on->file, on->line, on->col,
			    "bad time '%s' in history: %s",
			    node_quote(on, q, sizeof(q)), why);
		(void)node_get_str(it, "by", true, "history entry", d, &v);
		(void)node_get_str(it, "action", true, "history entry", d, &v);
		if (!node_is_null(node_get(it, "note")))
			(void)node_get_str(it, "note", false, "history entry",
			    d, &v);
		if (d->errors == errors)
			e->nhistory++;
	}
}

/* The status must agree with the reviews (they loaded without error). */
static void
exc_check_status(const struct exception *e, const struct node *status,
    const struct exception_settings *set, struct diags *d)
{
	bool denied = false;
	char q[80];

	for (size_t i = 0; i < e->nreviews; i++)
		denied |= !e->reviews[i].approved;
	if (e->status == EXC_DENIED && !denied)
		diag_error(d, status->file, status->line, status->col,
		    "status is denied but no review denied it");
	if (e->status != EXC_APPROVED)
		return;
	for (size_t i = 0; i < set->napprovers; i++) {
		const struct exception_review *r = exc_review_of(e,
		    set->approvers[i]);

		if (r == NULL || !r->approved)
			diag_error(d, status->file, status->line, status->col,
			    "status is approved but %s has not approved it",
			    set->approvers[i]);
	}
	for (size_t i = 0; i < set->napprovers; i++) {
		const struct exception_review *a = exc_review_of(e,
		    set->approvers[i]);

		if (a == NULL || !a->approved)
			continue;
		for (size_t j = 0; j < i; j++) {
			const struct exception_review *b = exc_review_of(e,
			    set->approvers[j]);

			if (b != NULL && b->approved &&
			    exc_same_person(a->by, b->by))
				diag_error(d, status->file, status->line,
				    status->col, "%s and %s approvals are both "
				    "by '%s': the policy needs two different "
				    "approvers", b->body, a->body,
				    exc_quote(a->by, q, sizeof(q)));
		}
	}
	if (denied)
		diag_error(d, status->file, status->line, status->col,
		    "status is approved but a review denied it");
}

/* Returns the status node when it is valid, else NULL. */
static const struct node *
exc_load_status(struct exception *e, const struct node *n, struct diags *d)
{
	const struct node *v;
	char q[80], dym[128];

	if (node_get_str(n, "status", true, "exception", d, &v) <= 0)
		return NULL;
	for (size_t i = 0; i < EXC_NSTATUS; i++) {
		if (strcmp(v->str, exc_status_names[i]) == 0) {
			e->status = (enum exception_status)i;
			return v;
		}
	}
	diag_error(d, v->file, v->line, v->col,
	    "'status' must be requested, approved, denied, revoked or expired, "
	    "not '%s'%s", node_quote(v, q, sizeof(q)),
	    exc_did_you_mean(v->str, exc_status_names, EXC_NSTATUS, dym,
	    sizeof(dym)));
	return NULL;
}

struct exception *
exception_load(const struct node *root, const char *file,
    const struct exception_settings *set, const struct agency *agencies,
    size_t nagencies, struct diags *d)
{
	static const char *const texts[] = { "reasons", "circumstances",
		"access_controls" };
	const struct node *n, *status;
	struct exception *e;
	size_t errors = d->errors;
	char **out[3];
	bool reviews_ok;

	if (root == NULL || node_is_null(root) || root->type != NODE_MAP) {
		diag_error(d, file, root != NULL ? root->line : 0,
		    root != NULL ? root->col : 0,
		    "an exception file is a mapping with the key 'exception'");
		return NULL;
	}
	node_check_keys(root, exc_top_keys, "exception file", d);
	n = node_get(root, "exception");
	if (n == NULL) {
		diag_error(d, root->file, root->line, root->col,
		    "missing required key 'exception' in exception file");
		return NULL;
	}
	if (!node_expect(n, NODE_MAP, "exception", d))
		return NULL;
	e = mem_calloc(1, sizeof(*e));
	e->file = n->file;
	e->line = n->line;
	e->col = n->col;
	node_check_keys(n, exc_keys, "exception", d);

	exc_load_id(e, n, file, d);
	exc_load_agency(e, n, agencies, nagencies, d);
	exc_load_requester(e, n, d);
	out[0] = &e->reasons;
	out[1] = &e->circumstances;
	out[2] = &e->access_controls;
	for (size_t i = 0; i < 3; i++)
		*out[i] = exc_text(n, texts[i], "exception", EXC_CLAUSE4, d);
	exc_load_scope(e, n, d);
	exc_load_window(e, n, set, d);
	status = exc_load_status(e, n, d);
	reviews_ok = exc_load_reviews(e, n, set, d);
	exc_load_history(e, n, d);
	if (status != NULL && reviews_ok)
		exc_check_status(e, status, set, d);
	if (d->errors > errors) {
		exception_free(&e);
		return NULL;
	}
	return e;
}

bool
exception_fully_approved(const struct exception *e,
    const struct exception_settings *set)
{
	for (size_t i = 0; i < set->napprovers; i++) {
		const struct exception_review *r = exc_review_of(e,
		    set->approvers[i]);

		if (r == NULL || !r->approved)
			return false;
		/* Bodies before i have approved (or we returned). */
		for (size_t j = 0; j < i; j++)
			if (exc_same_person(exc_review_of(e,
			    set->approvers[j])->by, r->by))
				return false;
	}
	return true;
}

bool
exception_in_force(const struct exception *e,
    const struct exception_settings *set, int32_t day)
{
	int64_t days = (int64_t)e->valid_until - e->valid_from + 1;

	return e->status == EXC_APPROVED && exception_fully_approved(e, set) &&
	    day >= e->valid_from && day <= e->valid_until && days >= 1 &&
	    days <= (int64_t)set->max_days;
}

static bool
exc_rule_is_covered(const struct exception *e, const char *rule_id)
{
	size_t len = strlen(rule_id);

	if (e->nrule_globs == 0)
		return true;
	for (size_t i = 0; i < e->nrule_globs; i++)
		if (glob_match(e->rule_globs[i], rule_id, len))
			return true;
	return false;
}

static bool
exc_user_is_covered(const struct exception *e, struct span user)
{
	const char *at;

	if (e->nusers == 0)
		return true;
	if (user.p == NULL || user.len == 0)
		return false;
	if (strset_has(e->user_addrs, user.p, user.len))
		return true;
	at = memrchr(user.p, '@', user.len);
	return at != NULL && domset_match(e->user_domains, at + 1,
	    user.len - (size_t)(at - user.p) - 1, NULL);
}

bool
exception_covers(const struct exception *e, const char *rule_id,
    const char *agency_id, struct span user, const struct ipaddr *host)
{
	/* Granted to one agency: an event of no known agency is not its. */
	if (rule_id == NULL || agency_id == NULL || e->agency_id == NULL ||
	    strcmp(agency_id, e->agency_id) != 0)
		return false;
	if (!exc_rule_is_covered(e, rule_id) || !exc_user_is_covered(e, user))
		return false;
	if (e->hosts != NULL && (host == NULL || !cidrset_match(e->hosts,
	    host)))
		return false;
	return true;
}
