/*
 * policy.c - loading, validating and publishing a policy snapshot.
 *
 * Order: configuration (with --set overrides) -> rule files (parsed) ->
 * lists -> agencies -> rules (compiled against lists and agencies, which
 * the clause-2 guardrails need) -> exceptions (validated against agencies
 * and the approving bodies).  Every diagnostic from every file is
 * collected; a load with any error publishes nothing.
 *
 * Trusts: nothing in any file.  Bounds: file size, YAML depth and nodes,
 * list entries, rule and exception counts, all from the limits.* settings.
 */
#include "policy.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "date.h"
#include "mem.h"
#include "sha256.h"
#include "refcount.h"
#include "strset.h"

/* ------------------------------------------------------------ helpers */

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * The *.yaml files of a folder, sorted, as "dir/name".  Hidden files and
 * editor leftovers (name~, .swp) are skipped.  Returns -1 when the folder
 * cannot be read.
 */
static int
yaml_files(const char *dir, char ***out, size_t *n, struct diags *d)
{
	DIR *dh = opendir(dir);
	struct dirent *de;
	size_t cap = 0;

	*out = NULL;
	*n = 0;
	if (dh == NULL) {
		diag_error(d, dir, 0, 0, "cannot read folder: %s",
		    strerror(errno));
		return -1;
	}
	while ((de = readdir(dh)) != NULL) {
		size_t len = strlen(de->d_name);

		if (de->d_name[0] == '.' || len < 6 ||
		    strcmp(de->d_name + len - 5, ".yaml") != 0)
			continue;
		if (*n == cap) {
			cap = cap == 0 ? 16 : cap * 2;
			*out = mem_reallocarray(*out, cap, sizeof(**out));
		}
		(*out)[(*n)++] = mem_printf("%s/%s", dir, de->d_name);
	}
	closedir(dh);
	if (*n > 1)
		qsort(*out, *n, sizeof(**out), name_cmp);
	return 0;
}

static void
free_names(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static struct node_doc *
keep_doc(struct policy *p, struct node_doc *doc)
{
	p->docs = mem_reallocarray(p->docs, p->ndocs + 1, sizeof(*p->docs));
	p->docs[p->ndocs++] = doc;
	return doc;
}

static char *
dir_of(const char *file)
{
	const char *slash = strrchr(file, '/');

	if (slash == NULL)
		return mem_strdup(".");
	return mem_strndup(file, slash == file ? 1 : (size_t)(slash - file));
}

static void
limits_to_node(const struct limits *l, struct node_limits *nl)
{
	nl->max_file_size = l->yaml_file_size;
	nl->max_depth = l->yaml_depth;
	nl->max_nodes = l->yaml_nodes;
	nl->max_scalar = NODE_DEFAULT_MAX_SCALAR;
}

/* ------------------------------------------------------------ loading */

static const char *const rule_file_keys[] = { "lists", "rules", NULL };

/* Parse every rule file; returns the docs that parsed (kept in p). */
static void
load_rule_docs(struct policy *p, const struct node_limits *nl,
    struct node_doc ***docs, size_t *ndocs, struct diags *d)
{
	char **files;
	size_t nfiles;

	*docs = NULL;
	*ndocs = 0;
	if (yaml_files(p->config.rules_dir, &files, &nfiles, d) < 0)
		return;
	if (nfiles == 0)
		diag_error(d, p->config.rules_dir, 0, 0,
		    "no rule files (*.yaml) in the rules folder");
	*docs = mem_calloc(nfiles + 1, sizeof(**docs));
	for (size_t i = 0; i < nfiles; i++) {
		struct node_doc *doc = node_load_file(files[i], nl, d);
		const struct node *root;

		if (doc == NULL)
			continue;
		keep_doc(p, doc);
		root = doc->root;
		if (root == NULL || node_is_null(root))
			continue;
		if (root->type != NODE_MAP) {
			diag_error(d, doc->file, root->line, root->col,
			    "a rule file is a mapping with 'lists' and/or "
			    "'rules'");
			continue;
		}
		node_check_keys(root, rule_file_keys, "rule file", d);
		(*docs)[(*ndocs)++] = doc;
	}
	free_names(files, nfiles);
}

static void
load_lists(struct policy *p, struct node_doc **docs, size_t ndocs,
    struct diags *d)
{
	for (size_t i = 0; i < ndocs; i++) {
		const struct node *seq = node_get(docs[i]->root, "lists");
		char *base;

		if (seq == NULL || node_is_null(seq))
			continue;
		if (!node_expect(seq, NODE_SEQ, "lists", d))
			continue;
		base = dir_of(docs[i]->file);
		for (size_t j = 0; j < seq->nitems; j++) {
			struct list *l = list_load(seq->items[j], base,
			    p->config.limits.list_entries, d);
			const struct list *dup;

			if (l == NULL) {
				const struct node *id = node_get(seq->items[j],
				    "id");

				if (id != NULL && id->type == NODE_SCALAR)
					strset_add(p->broken_lists, id->str,
					    id->len);
				continue;
			}
			dup = policy_list(p, l->id);
			if (dup != NULL) {
				diag_error(d, seq->items[j]->file,
				    seq->items[j]->line, seq->items[j]->col,
				    "duplicate list id '%s' (first defined at "
				    "line %u)", l->id, dup->line);
				list_free(&l);
				continue;
			}
			p->lists = mem_reallocarray(p->lists, p->nlists + 1,
			    sizeof(*p->lists));
			p->lists[p->nlists++] = l;
		}
		free(base);
	}
}

static void
load_agencies(struct policy *p, const struct node_limits *nl, struct diags *d)
{
	char **files;
	size_t nfiles;

	if (yaml_files(p->config.agencies_dir, &files, &nfiles, d) < 0)
		return;
	for (size_t i = 0; i < nfiles; i++) {
		struct node_doc *doc = node_load_file(files[i], nl, d);

		if (doc == NULL)
			continue;
		keep_doc(p, doc);
		agency_load_doc(doc->root, doc->file, &p->agencies,
		    &p->nagencies, d);
	}
	agency_check_unique(p->agencies, p->nagencies, d);
	free_names(files, nfiles);
}

static void
load_rules(struct policy *p, struct node_doc **docs, size_t ndocs,
    struct diags *d)
{
	struct rule_env env = {
		.lists = p->lists,
		.nlists = p->nlists,
		.broken = p->broken_lists,
		.agencies = p->agencies,
		.nagencies = p->nagencies,
		.re_limits = {
			.match_limit = (uint32_t)p->config.limits.regex_match_limit,
			.depth_limit = (uint32_t)p->config.limits.regex_depth_limit,
		},
	};

	for (size_t i = 0; i < ndocs; i++) {
		const struct node *seq = node_get(docs[i]->root, "rules");

		if (seq == NULL || node_is_null(seq))
			continue;
		if (!node_expect(seq, NODE_SEQ, "rules", d))
			continue;
		for (size_t j = 0; j < seq->nitems; j++) {
			struct rule r;
			const struct rule *dup;

			if (p->nrules >= p->config.limits.rules) {
				diag_error(d, seq->items[j]->file,
				    seq->items[j]->line, seq->items[j]->col,
				    "more than %llu rules (limits.rules)",
				    (unsigned long long)p->config.limits.rules);
				return;
			}
			if (rule_compile(seq->items[j], &env, &r, d) < 0)
				continue;
			dup = policy_rule(p, r.id);
			if (dup != NULL) {
				diag_error(d, r.file, r.line, r.col,
				    "duplicate rule id '%s' (first defined at "
				    "%s:%u)", r.id, dup->file, dup->line);
				rule_free_contents(&r);
				continue;
			}
			p->rules = mem_reallocarray(p->rules, p->nrules + 1,
			    sizeof(*p->rules));
			p->rules[p->nrules++] = r;
		}
	}
}

static int
exception_cmp(const void *a, const void *b)
{
	const struct exception *x = *(const struct exception *const *)a;
	const struct exception *y = *(const struct exception *const *)b;

	return strcmp(x->id, y->id);
}

static bool
any_rule_matches(const struct policy *p, const char *glob)
{
	for (size_t i = 0; i < p->nrules; i++)
		if (glob_match(glob, p->rules[i].id, strlen(p->rules[i].id)))
			return true;
	return false;
}

static void
load_exceptions(struct policy *p, const struct node_limits *nl,
    struct diags *d)
{
	char **files;
	size_t nfiles;

	if (yaml_files(p->config.exceptions_dir, &files, &nfiles, d) < 0)
		return;
	for (size_t i = 0; i < nfiles; i++) {
		struct node_doc *doc;
		struct exception *e;

		if (p->nexceptions >= p->config.limits.exceptions) {
			diag_error(d, files[i], 0, 0,
			    "more than %llu exception records "
			    "(limits.exceptions)",
			    (unsigned long long)p->config.limits.exceptions);
			break;
		}
		doc = node_load_file(files[i], nl, d);
		if (doc == NULL)
			continue;
		keep_doc(p, doc);
		e = exception_load(doc->root, doc->file, &p->exc_settings,
		    p->agencies, p->nagencies, d);
		if (e == NULL)
			continue;
		for (size_t j = 0; j < p->nexceptions; j++) {
			if (strcmp(p->exceptions[j]->id, e->id) == 0) {
				diag_error(d, e->file, e->line, e->col,
				    "duplicate exception id '%s' (also in %s)",
				    e->id, p->exceptions[j]->file);
				exception_free(&e);
				break;
			}
		}
		if (e == NULL)
			continue;
		for (size_t j = 0; j < e->nrule_globs; j++)
			if (!any_rule_matches(p, e->rule_globs[j]))
				diag_warning(d, e->file, e->line, e->col,
				    "exception '%s': scope rule '%s' matches "
				    "no rule", e->id, e->rule_globs[j]);
		p->exceptions = mem_reallocarray(p->exceptions,
		    p->nexceptions + 1, sizeof(*p->exceptions));
		p->exceptions[p->nexceptions++] = e;
	}
	if (p->nexceptions > 1)
		qsort(p->exceptions, p->nexceptions, sizeof(*p->exceptions),
		    exception_cmp);
	free_names(files, nfiles);
}

static void
policy_free(struct policy *p)
{
	for (size_t i = 0; i < p->nexceptions; i++)
		exception_free(&p->exceptions[i]);
	free(p->exceptions);
	for (size_t i = 0; i < p->nrules; i++)
		rule_free_contents(&p->rules[i]);
	free(p->rules);
	for (size_t i = 0; i < p->nagencies; i++)
		agency_free_contents(&p->agencies[i]);
	free(p->agencies);
	for (size_t i = 0; i < p->nlists; i++)
		list_free(&p->lists[i]);
	free(p->lists);
	for (size_t i = 0; i < p->ndocs; i++)
		node_doc_free(&p->docs[i]);
	free(p->docs);
	config_free(&p->config);
	strset_free(&p->broken_lists);
	free(p);
}

static void
hash_field(struct sha256 *h, const char *kind, const char *digest)
{
	sha256_update(h, kind, strlen(kind) + 1);
	sha256_update(h, digest, strlen(digest));
	sha256_update(h, "\n", 1);
}

/*
 * The files' contents in the order read (fixed by the configuration and
 * the folders' sorted names), not their paths: the same checkout under
 * /etc/msgsec on one gateway and /srv/msgsec on another has one hash.
 */
static void
policy_hash(struct policy *p, const char *const *overrides,
    size_t noverrides)
{
	struct sha256 h;

	sha256_init(&h);
	for (size_t i = 0; i < p->ndocs; i++)
		hash_field(&h, "file", p->docs[i]->sha256);
	for (size_t i = 0; i < p->nlists; i++)
		if (p->lists[i]->sha256[0] != '\0')
			hash_field(&h, "list", p->lists[i]->sha256);
	for (size_t i = 0; i < noverrides; i++)
		hash_field(&h, "set", overrides[i]);
	sha256_final_hex(&h, p->hash);
	memcpy(p->hash_short, p->hash, 12);
	p->hash_short[12] = '\0';
}

struct policy *
policy_load(const char *config_file, const char *const *overrides,
    size_t noverrides, struct diags *d)
{
	struct node_doc *cdoc, **rdocs;
	struct node_limits nl;
	struct policy *p;
	size_t nrdocs, errors = d->errors;

	node_limits_default(&nl);
	cdoc = node_load_file(config_file, &nl, d);
	if (cdoc == NULL) {
		diags_sort(d);
		return NULL;
	}
	for (size_t i = 0; i < noverrides; i++)
		(void)config_override(cdoc, overrides[i], d);
	p = mem_calloc(1, sizeof(*p));
	ref_init(&p->refcount);
	p->broken_lists = strset_new();
	p->loaded_at = time(NULL);
	keep_doc(p, cdoc);
	if (d->errors > errors ||
	    config_from_node(&p->config, config_file, cdoc->root, d) < 0) {
		policy_free(p);
		diags_sort(d);
		return NULL;
	}
	p->exc_settings.approvers = p->config.approvers;
	p->exc_settings.napprovers = p->config.napprovers;
	p->exc_settings.max_days = (uint32_t)p->config.exception_max_days;
	limits_to_node(&p->config.limits, &nl);

	load_rule_docs(p, &nl, &rdocs, &nrdocs, d);
	load_lists(p, rdocs, nrdocs, d);
	load_agencies(p, &nl, d);
	load_rules(p, rdocs, nrdocs, d);
	free(rdocs);
	load_exceptions(p, &nl, d);
	diags_sort(d);
	if (d->errors > errors) {
		policy_free(p);
		return NULL;
	}
	policy_hash(p, overrides, noverrides);
	return p;
}

/* ------------------------------------------------------------ queries */

struct policy *
policy_ref(struct policy *p)
{
	ref_get(&p->refcount);
	return p;
}

void
policy_unref(struct policy **pp)
{
	struct policy *p = *pp;

	*pp = NULL;
	if (p != NULL && ref_put(&p->refcount))
		policy_free(p);
}

const struct list *
policy_list(const struct policy *p, const char *id)
{
	for (size_t i = 0; i < p->nlists; i++)
		if (strcmp(p->lists[i]->id, id) == 0)
			return p->lists[i];
	return NULL;
}

const struct rule *
policy_rule(const struct policy *p, const char *id)
{
	for (size_t i = 0; i < p->nrules; i++)
		if (strcmp(p->rules[i].id, id) == 0)
			return &p->rules[i];
	return NULL;
}

const struct agency *
policy_agency(const struct policy *p, const char *id)
{
	return agency_by_id(p->agencies, p->nagencies, id);
}

const struct agency *
policy_agency_by_domain(const struct policy *p, const char *domain,
    size_t len)
{
	return agency_by_domain(p->agencies, p->nagencies, domain, len);
}

const struct agency *
policy_agency_by_addr(const struct policy *p, const struct ipaddr *addr)
{
	return agency_by_addr(p->agencies, p->nagencies, addr);
}

const struct exception *
policy_exception_for(const struct policy *p, const char *rule_id,
    const char *agency_id, struct span user, const struct ipaddr *host,
    time_t t)
{
	int32_t day = date_day_of(t);

	for (size_t i = 0; i < p->nexceptions; i++) {
		const struct exception *e = p->exceptions[i];

		if (exception_covers(e, rule_id, agency_id, user, host) &&
		    exception_in_force(e, &p->exc_settings, day))
			return e;
	}
	return NULL;
}

/* ------------------------------------------------------------ holder */

void
policy_holder_init(struct policy_holder *h, struct policy *p)
{
	pthread_mutex_init(&h->lock, NULL);
	h->current = p;
}

struct policy *
policy_holder_get(struct policy_holder *h)
{
	struct policy *p;

	pthread_mutex_lock(&h->lock);
	p = h->current != NULL ? policy_ref(h->current) : NULL;
	pthread_mutex_unlock(&h->lock);
	return p;
}

void
policy_holder_set(struct policy_holder *h, struct policy *p)
{
	struct policy *old;

	pthread_mutex_lock(&h->lock);
	old = h->current;
	h->current = p;
	pthread_mutex_unlock(&h->lock);
	policy_unref(&old);
}

void
policy_holder_destroy(struct policy_holder *h)
{
	policy_unref(&h->current);
	pthread_mutex_destroy(&h->lock);
}
