/*
 * agency.c - agency records: who an agency is on the wire and the
 * clause-2 records that let it filter content.
 *
 * Trusts: nothing in the file.  The root must be a mapping holding only
 * "agencies", a list of mappings; every id, domain, network and date goes
 * through its strict parser and a failure is reported at FILE:LINE:COL
 * (for a domain, at the offending byte when the scalar is on one line).
 * A clause-2 record counts only when it carries both its reference and its
 * date: a half-written record grants nothing.  An optional key whose value
 * is null ("networks:" with nothing after it) counts as absent.
 *
 * An agency whose id is valid is appended even when another of its fields
 * is wrong, with that field left out.  The set as a whole then carries
 * errors and must not be published (policy.c drops it), but the later
 * checks (duplicate ids, exceptions naming the agency) do not report
 * follow-on errors about an agency that is in the file.  Leaving a bad
 * entry out only ever narrows what an agency is and may do.
 *
 * Limits: the sizes of the file and its tree are bounded by node.c.
 * Ownership: an agency owns its strings and sets; file points into the
 * node document, which must outlive the agency.
 */
#include "agency.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "date.h"
#include "id.h"
#include "mem.h"
#include "str.h"

static const char *const agency_top_keys[] = { "agencies", NULL };
static const char *const agency_keys[] = { "id", "name", "domains",
	"networks", "acceptable_use_policy", "inbound_content_filtering",
	"official_im", "journal_address", NULL };
static const char *const agency_aup_keys[] = { "ref", "date", NULL };
static const char *const agency_counsel_keys[] = { "counsel_approval",
	"date", NULL };

/*
 * The shared id syntax (id.h) without '.': an agency id is a short code
 * such as DEP, and it has always refused '.', which catches a domain
 * typed where the id belongs.
 */
static enum id_fault
agency_id_check(const struct node *n)
{
	enum id_fault f = id_check(n->str, n->len, NULL);

	if (f != ID_EMPTY && memchr(n->str, '.', n->len) != NULL)
		return ID_BAD_CHAR;
	return f;
}

/* A list of domain names (domains, official_im); NULL seq: empty set. */
static void
agency_load_domains(const struct node *seq, const char *key,
    struct domset **out, struct diags *d)
{
	char q[80];

	*out = domset_new();
	if (seq == NULL || node_is_null(seq) ||
	    !node_expect(seq, NODE_SEQ, key, d))
		return;
	for (size_t i = 0; i < seq->nitems; i++) {
		const struct node *it = seq->items[i];
		const char *why;
		size_t off;

		if (!node_expect(it, NODE_SCALAR, key, d))
			continue;
		if (domain_validate(it->str, it->len, &why, &off) < 0) {
			diag_error(d, it->file, it->line, node_col_at(it, off),
			    "bad domain '%s' in '%s': %s",
			    node_quote(it, q, sizeof(q)), key, why);
			continue;
		}
		(void)domset_add(*out, it->str, it->len);
	}
}

static void
agency_load_networks(const struct node *seq, struct cidrset **out,
    struct diags *d)
{
	char q[80];

	*out = cidrset_new();
	if (seq != NULL && !node_is_null(seq) &&
	    node_expect(seq, NODE_SEQ, "networks", d)) {
		for (size_t i = 0; i < seq->nitems; i++) {
			const struct node *it = seq->items[i];
			struct cidr c;
			const char *why;

			if (!node_expect(it, NODE_SCALAR, "networks", d))
				continue;
			if (cidr_parse(it->str, it->len, &c, &why) < 0) {
				diag_error(d, it->file, it->line, it->col,
				    "bad network '%s' in 'networks': %s",
				    node_quote(it, q, sizeof(q)), why);
				continue;
			}
			cidrset_add(*out, &c);
		}
	}
	cidrset_build(*out);
}

/*
 * A clause-2 record { REFKEY: ..., date: YYYY-MM-DD } under key.  Returns
 * the reference (and sets *date_r) only when both parts are right.
 */
static char *
agency_load_record(const struct node *map, const char *key,
    const char *refkey, const char *const *keys, int32_t *date_r,
    struct diags *d)
{
	const struct node *ref = NULL, *date = NULL;
	const char *why;
	char what[64], q[80];
	int rr, rd;

	if (map == NULL || node_is_null(map) ||
	    !node_expect(map, NODE_MAP, key, d))
		return NULL;
	(void)snprintf(what, sizeof(what), "'%s'", key);
	node_check_keys(map, keys, what, d);
	rr = node_get_str(map, refkey, true, what, d, &ref);
	rd = node_get_str(map, "date", true, what, d, &date);
	if (rd > 0 && date_parse(date->str, date->len, date_r, &why) < 0) {
		diag_error(d, date->file, date->line, date->col,
		    "bad date '%s' in '%s': %s", node_quote(date, q,
		    sizeof(q)), key, why);
		return NULL;
	}
	if (rr <= 0 || rd <= 0)
		return NULL;
	return mem_strndup(ref->str, ref->len);
}

/*
 * journal_address: the agency's records archive (config_address_check),
 * or NULL when absent, empty or wrong (reported).
 */
static char *
agency_load_journal(const struct node *v, struct diags *d)
{
	const char *why;
	char q[80];
	size_t off;

	if (v == NULL || node_is_null(v) ||
	    !node_expect(v, NODE_SCALAR, "journal_address", d) || v->len == 0)
		return NULL;
	if (config_address_check(v->str, v->len, &why, &off) < 0) {
		diag_error(d, v->file, v->line, node_col_at(v, off),
		    "bad address '%s' in 'journal_address': %s",
		    node_quote(v, q, sizeof(q)), why);
		return NULL;
	}
	return mem_strndup(v->str, v->len);
}

/*
 * One list item.  Returns 0 when a is filled in (possibly with errors
 * reported about some of its fields), -1 when there is no usable id.
 */
static int
agency_load_one(const struct node *n, struct agency *a, struct diags *d)
{
	const struct node *id, *name;
	enum id_fault fault;
	char q[80];

	memset(a, 0, sizeof(*a));
	if (!node_expect(n, NODE_MAP, "agencies", d))
		return -1;
	a->file = n->file;
	a->line = n->line;
	a->col = n->col;
	node_check_keys(n, agency_keys, "agency", d);
	if (node_get_str(n, "id", true, "agency", d, &id) <= 0)
		return -1;
	if ((fault = agency_id_check(id)) == ID_BAD_CHAR) {
		diag_error(d, id->file, id->line, id->col,
		    "agency id '%s' may hold only letters, digits, '-' and '_'",
		    node_quote(id, q, sizeof(q)));
		return -1;
	}
	if (fault != ID_OK) {
		diag_error(d, id->file, id->line, id->col, "agency id '%s' %s",
		    node_quote(id, q, sizeof(q)), id_fault_text(fault));
		return -1;
	}
	a->id = mem_strndup(id->str, id->len);
	if (!node_is_null(node_get(n, "name")) &&
	    node_get_str(n, "name", false, "agency", d, &name) > 0)
		a->name = mem_strndup(name->str, name->len);
	agency_load_domains(node_get(n, "domains"), "domains", &a->domains, d);
	agency_load_networks(node_get(n, "networks"), &a->networks, d);
	a->aup_ref = agency_load_record(node_get(n, "acceptable_use_policy"),
	    "acceptable_use_policy", "ref", agency_aup_keys, &a->aup_date, d);
	a->counsel_ref = agency_load_record(node_get(n,
	    "inbound_content_filtering"), "inbound_content_filtering",
	    "counsel_approval", agency_counsel_keys, &a->counsel_date, d);
	agency_load_domains(node_get(n, "official_im"), "official_im",
	    &a->official_im, d);
	a->journal_address = agency_load_journal(node_get(n,
	    "journal_address"), d);
	return 0;
}

void
agency_load_doc(const struct node *root, const char *file,
    struct agency **v, size_t *n, struct diags *d)
{
	const struct node *seq;

	if (root == NULL || node_is_null(root) || root->type != NODE_MAP) {
		diag_error(d, file, root != NULL ? root->line : 0,
		    root != NULL ? root->col : 0,
		    "an agency file is a mapping with the key 'agencies'");
		return;
	}
	node_check_keys(root, agency_top_keys, "agency file", d);
	seq = node_get(root, "agencies");
	if (seq == NULL) {
		diag_error(d, root->file, root->line, root->col,
		    "missing required key 'agencies' in agency file");
		return;
	}
	if (!node_expect(seq, NODE_SEQ, "agencies", d))
		return;
	for (size_t i = 0; i < seq->nitems; i++) {
		struct agency a;

		if (agency_load_one(seq->items[i], &a, d) < 0) {
			agency_free_contents(&a);
			continue;
		}
		*v = mem_reallocarray(*v, *n + 1, sizeof(**v));
		(*v)[(*n)++] = a;
	}
}

void
agency_check_unique(const struct agency *v, size_t n, struct diags *d)
{
	/* Quadratic, but agencies number in the tens. */
	for (size_t i = 1; i < n; i++) {
		for (size_t j = 0; j < i; j++) {
			if (strcmp(v[i].id, v[j].id) != 0)
				continue;
			diag_error(d, v[i].file, v[i].line, v[i].col,
			    "duplicate agency id '%s' (first defined at %s:%u)",
			    v[i].id, v[j].file, v[j].line);
			break;
		}
	}
}

void
agency_free_contents(struct agency *a)
{
	free(a->id);
	free(a->name);
	domset_free(&a->domains);
	domset_free(&a->official_im);
	cidrset_free(&a->networks);
	free(a->aup_ref);
	free(a->counsel_ref);
	free(a->journal_address);
	memset(a, 0, sizeof(*a));
}

const struct agency *
agency_by_domain(const struct agency *v, size_t n, const char *domain,
    size_t len)
{
	const struct agency *best = NULL;
	size_t best_len = 0;

	/*
	 * domset_match answers with the set's most specific entry, so the
	 * longest of those across agencies is the most specific overall:
	 * "dep.example.gov" wins over "example.gov" for mail.dep.example.gov.
	 */
	for (size_t i = 0; i < n; i++) {
		const char *m;
		size_t mlen;

		if (v[i].domains == NULL ||
		    !domset_match(v[i].domains, domain, len, &m))
			continue;
		mlen = strlen(m);
		if (mlen > best_len) {
			best = &v[i];
			best_len = mlen;
		}
	}
	return best;
}

const struct agency *
agency_by_addr(const struct agency *v, size_t n, const struct ipaddr *addr)
{
	for (size_t i = 0; i < n; i++)
		if (v[i].networks != NULL && cidrset_match(v[i].networks, addr))
			return &v[i];
	return NULL;
}

const struct agency *
agency_by_id(const struct agency *v, size_t n, const char *id)
{
	if (id == NULL)
		return NULL;
	for (size_t i = 0; i < n; i++)
		if (v[i].id != NULL && strcmp(v[i].id, id) == 0)
			return &v[i];
	return NULL;
}
