/*
 * agency.c - agency records.
 *
 * Trusts: nothing in the file; every domain and network entry is checked
 * by its strict parser with a FILE:LINE:COL diagnostic, and the clause-2
 * records (acceptable-use policy, counsel approval) must carry both a
 * reference and a date to count.
 */
#include "agency.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "mem.h"
#include "str.h"

static const char *const agency_keys[] = { "id", "name", "domains",
	"networks", "acceptable_use_policy", "inbound_content_filtering",
	"official_im", NULL };
static const char *const aup_keys[] = { "ref", "date", NULL };
static const char *const counsel_keys[] = { "counsel_approval", "date",
	NULL };

static bool
agency_id_ok(const struct node *n)
{
	for (size_t i = 0; i < n->len; i++) {
		char c = n->str[i];

		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '_'))
			return false;
	}
	return n->len > 0;
}

static int
load_domains(const struct node *seq, const char *key, struct domset **out,
    struct diags *d)
{
	char q[80];
	int rc = 0;

	*out = domset_new();
	if (seq == NULL)
		return 0;
	if (!node_expect(seq, NODE_SEQ, key, d))
		return -1;
	for (size_t i = 0; i < seq->nitems; i++) {
		const struct node *it = seq->items[i];
		const char *why;
		size_t col;

		if (!node_expect(it, NODE_SCALAR, key, d)) {
			rc = -1;
			continue;
		}
		if (domain_validate(it->str, it->len, &why, &col) < 0) {
			diag_error(d, it->file, it->line, node_col_at(it, col),
			    "bad domain '%s' in '%s': %s",
			    node_quote(it, q, sizeof(q)), key, why);
			rc = -1;
			continue;
		}
		domset_add(*out, it->str, it->len);
	}
	return rc;
}

static int
load_networks(const struct node *seq, struct cidrset **out, struct diags *d)
{
	char q[80];
	int rc = 0;

	*out = cidrset_new();
	if (seq != NULL && node_expect(seq, NODE_SEQ, "networks", d)) {
		for (size_t i = 0; i < seq->nitems; i++) {
			const struct node *it = seq->items[i];
			struct cidr c;
			const char *why;

			if (!node_expect(it, NODE_SCALAR, "networks", d)) {
				rc = -1;
				continue;
			}
			if (cidr_parse(it->str, it->len, &c, &why) < 0) {
				diag_error(d, it->file, it->line, it->col,
				    "bad network '%s' in 'networks': %s",
				    node_quote(it, q, sizeof(q)), why);
				rc = -1;
				continue;
			}
			cidrset_add(*out, &c);
		}
	} else if (seq != NULL) {
		rc = -1;
	}
	cidrset_build(*out);
	return rc;
}

/* A {ref-key, date} record; returns the reference or NULL. */
static char *
load_record(const struct node *map, const char *key, const char *refkey,
    const char *const *keys, int32_t *date_r, struct diags *d)
{
	const struct node *ref, *date;
	const char *why;
	char what[64];

	if (map == NULL || !node_expect(map, NODE_MAP, key, d))
		return NULL;
	snprintf(what, sizeof(what), "'%s'", key);
	node_check_keys(map, keys, what, d);
	if (node_get_str(map, refkey, true, what, d, &ref) < 0 ||
	    node_get_str(map, "date", true, what, d, &date) < 0)
		return NULL;
	if (date_parse(date->str, date->len, date_r, &why) < 0) {
		diag_error(d, date->file, date->line, date->col,
		    "bad date in %s: %s", what, why);
		return NULL;
	}
	return mem_strndup(ref->str, ref->len);
}

static int
agency_load_one(const struct node *n, struct agency *a, struct diags *d)
{
	const struct node *id, *name;
	size_t errors = d->errors;
	char q[80];

	memset(a, 0, sizeof(*a));
	if (!node_expect(n, NODE_MAP, "agencies", d))
		return -1;
	a->file = n->file;
	a->line = n->line;
	a->col = n->col;
	node_check_keys(n, agency_keys, "agency", d);
	if (node_get_str(n, "id", true, "agency", d, &id) < 0)
		return -1;
	if (!agency_id_ok(id)) {
		diag_error(d, id->file, id->line, id->col,
		    "agency id '%s' may hold only letters, digits, '-' and '_'",
		    node_quote(id, q, sizeof(q)));
		return -1;
	}
	a->id = mem_strndup(id->str, id->len);
	if (node_get_str(n, "name", false, "agency", d, &name) > 0)
		a->name = mem_strndup(name->str, name->len);
	(void)load_domains(node_get(n, "domains"), "domains", &a->domains, d);
	(void)load_domains(node_get(n, "official_im"), "official_im",
	    &a->official_im, d);
	(void)load_networks(node_get(n, "networks"), &a->networks, d);
	a->aup_ref = load_record(node_get(n, "acceptable_use_policy"),
	    "acceptable_use_policy", "ref", aup_keys, &a->aup_date, d);
	a->counsel_ref = load_record(node_get(n,
	    "inbound_content_filtering"), "inbound_content_filtering",
	    "counsel_approval", counsel_keys, &a->counsel_date, d);
	return d->errors > errors ? -1 : 0;
}

void
agency_load_doc(const struct node *root, const char *file,
    struct agency **v, size_t *n, struct diags *d)
{
	static const char *const top[] = { "agencies", NULL };
	const struct node *seq;

	if (root == NULL || node_is_null(root))
		return;
	if (root->type != NODE_MAP) {
		diag_error(d, file, root->line, root->col,
		    "an agency file is a mapping with the key 'agencies'");
		return;
	}
	node_check_keys(root, top, "agency file", d);
	seq = node_get(root, "agencies");
	if (seq == NULL || node_is_null(seq))
		return;
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
	for (size_t i = 1; i < n; i++) {
		for (size_t j = 0; j < i; j++) {
			if (strcmp(v[i].id, v[j].id) == 0) {
				diag_error(d, v[i].file, v[i].line, v[i].col,
				    "duplicate agency id '%s' (first defined "
				    "at %s:%u)", v[i].id, v[j].file,
				    v[j].line);
				break;
			}
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
	memset(a, 0, sizeof(*a));
}

const struct agency *
agency_by_domain(const struct agency *v, size_t n, const char *domain,
    size_t len)
{
	const struct agency *best = NULL;
	size_t best_len = 0;

	for (size_t i = 0; i < n; i++) {
		const char *m;

		if (v[i].domains != NULL &&
		    domset_match(v[i].domains, domain, len, &m) &&
		    strlen(m) > best_len) {
			best = &v[i];
			best_len = strlen(m);
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
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i].id, id) == 0)
			return &v[i];
	return NULL;
}
