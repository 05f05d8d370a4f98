/*
 * rule.c - compiling and evaluating rules.
 *
 * Trusts: nothing in the rule file.  Every field name, test, list reference
 * and regex is checked at load with a FILE:LINE:COL diagnostic, so that at
 * run time evaluation cannot fail: a compiled rule only ever answers yes or
 * no.  Regex work is bounded by the PCRE2 limits in the environment.
 */
#include "rule.h"

#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "clause.h"
#include "id.h"
#include "strset.h"
#include "mem.h"
#include "suggest.h"

#define MAIL RULE_MAIL
#define NET RULE_NETWORK

static const struct field_info fields[] = {
	{ "check", FIELD_CHECK, KIND_CHECK, MAIL | NET,
	    "a built-in check raised by the milter or the sensor" },
	{ "subject", FIELD_SUBJECT, KIND_TEXT, MAIL,
	    "the decoded Subject (RFC 2047 words decoded to UTF-8)" },
	{ "header", FIELD_HEADER, KIND_TEXT, MAIL,
	    "header.NAME: the unfolded value of each NAME field" },
	{ "body", FIELD_BODY, KIND_TEXT, MAIL,
	    "the decoded text of text parts, HTML with tags removed" },
	{ "sender", FIELD_SENDER, KIND_ADDRESS, MAIL,
	    "the envelope sender address" },
	{ "sender.domain", FIELD_SENDER_DOMAIN, KIND_DOMAIN, MAIL,
	    "the domain of the envelope sender" },
	{ "recipient", FIELD_RECIPIENT, KIND_ADDRESS, MAIL,
	    "each envelope recipient address" },
	{ "recipient.domain", FIELD_RECIPIENT_DOMAIN, KIND_DOMAIN, MAIL,
	    "the domain of each envelope recipient" },
	{ "client.ip", FIELD_CLIENT_IP, KIND_IP, MAIL,
	    "the SMTP client's address" },
	{ "attachment.name", FIELD_ATTACHMENT_NAME, KIND_TEXT, MAIL,
	    "each attachment or archive member name, normalised" },
	{ "attachment.extension", FIELD_ATTACHMENT_EXTENSION, KIND_EXTENSION,
	    MAIL, "each extension of each name (invoice.pdf.exe: pdf, exe)" },
	{ "attachment.type", FIELD_ATTACHMENT_TYPE, KIND_MIMETYPE, MAIL,
	    "the true type of each part or member (libmagic)" },
	{ "attachment.declared_type", FIELD_ATTACHMENT_DECLARED_TYPE,
	    KIND_MIMETYPE, MAIL, "the Content-Type each part declares" },
	{ "virus", FIELD_VIRUS, KIND_TEXT, MAIL,
	    "the name of each virus libclamav found" },
	{ "hostname", FIELD_HOSTNAME, KIND_DOMAIN, NET,
	    "any name seen for the flow: TLS or QUIC SNI, HTTP Host, DNS "
	    "query" },
	{ "tls.sni", FIELD_TLS_SNI, KIND_DOMAIN, NET, "TLS ClientHello SNI" },
	{ "quic.sni", FIELD_QUIC_SNI, KIND_DOMAIN, NET, "QUIC Initial SNI" },
	{ "http.host", FIELD_HTTP_HOST, KIND_DOMAIN, NET, "HTTP/1.x Host" },
	{ "dns.query", FIELD_DNS_QUERY, KIND_DOMAIN, NET, "DNS query name" },
	{ "app_proto", FIELD_APP_PROTO, KIND_TEXT, NET,
	    "application protocol: tls, quic, http, dns, xmpp, irc, ..." },
	{ "src.ip", FIELD_SRC_IP, KIND_IP, NET, "the client's address" },
	{ "dest.ip", FIELD_DEST_IP, KIND_IP, NET, "the server's address" },
	{ "dest.port", FIELD_DEST_PORT, KIND_PORT, NET,
	    "the server's protocol and port" },
	{ "bytes.toserver", FIELD_BYTES_TOSERVER, KIND_NUMBER, NET,
	    "bytes the client sent on the flow" },
	{ "bytes.toclient", FIELD_BYTES_TOCLIENT, KIND_NUMBER, NET,
	    "bytes the server sent on the flow" },
	{ "call.service", FIELD_CALL_SERVICE, KIND_TEXT, NET,
	    "the calling service a STUN/TURN flow was classified to: "
	    "whatsapp, messenger, meta, signal, teams, google-meet, telegram, "
	    "discord, viber" },
	{ NULL, 0, 0, 0, NULL },
};

#undef MAIL
#undef NET

const struct field_info *
field_table(void)
{
	return fields;
}

const struct field_info *
field_info(enum field f)
{
	for (const struct field_info *fi = fields; fi->name != NULL; fi++)
		if (fi->field == f)
			return fi;
	return NULL;
}

bool
rule_clause_is_valid(const char *clause)
{
	return clause_find(clause) != NULL;	/* clause.c names them */
}

/* ------------------------------------------------------------ evaluation */

static bool
eq_nocase(struct span a, const char *b)
{
	return span_eq_nocase(a, b);
}

bool
cond_test(const struct cond *c, const struct fact *v)
{
	enum field_kind kind = field_info(c->field)->kind;

	switch (c->op) {
	case COND_IN:
		if (kind == KIND_IP)
			return list_has_ip(c->list, &v->ip);
		if (kind == KIND_PORT)
			return list_has_port(c->list, v->proto, v->port);
		return list_has_str(c->list, v->s.p, v->s.len);
	case COND_REGEX:
		return regex_match(c->re, v->s.p, v->s.len) == 1;
	case COND_EQUALS:
		if (kind == KIND_TEXT)
			return span_eq(v->s, c->str);
		return eq_nocase(v->s, c->str);
	case COND_AT_LEAST:
		return v->num >= c->num;
	case COND_CHECK:
		return glob_match(c->str, v->s.p, v->s.len);
	}
	return false;
}

bool
rule_matches(const struct rule *r, const struct rule_facts *facts)
{
	for (size_t i = 0; i < r->nconds; i++) {
		const struct cond *c = &r->conds[i];

		if (!facts->each(facts->ctx, c->field, c->subkey, cond_test, c))
			return false;
	}
	return r->nconds > 0;
}

bool
rule_tests_check(const struct rule *r, const char *check)
{
	for (size_t i = 0; i < r->nconds; i++)
		if (r->conds[i].op == COND_CHECK &&
		    glob_match(r->conds[i].str, check, strlen(check)))
			return true;
	return false;
}

static void
cond_free(struct cond *c)
{
	free(c->subkey);
	list_free(&c->own_list);
	regex_free(&c->re);
	free(c->str);
	memset(c, 0, sizeof(*c));
}

void
rule_free_contents(struct rule *r)
{
	free(r->id);
	free(r->policy);
	free(r->description);
	for (size_t i = 0; i < r->nagencies; i++)
		free(r->agencies[i]);
	free(r->agencies);
	for (size_t i = 0; i < r->nconds; i++)
		cond_free(&r->conds[i]);
	free(r->conds);
	free(r->reply);
	free(r->tag.header);
	free(r->tag.value);
	free(r->tag.subject_prefix);
	memset(r, 0, sizeof(*r));
}

/* ------------------------------------------------------------ compiling */

static const char *const rule_keys[] = { "id", "policy", "description",
	"applies", "direction", "agency", "match", "action", "reply", "tag",
	"monitor", "enabled", NULL };
static const char *const tag_keys[] = { "header", "value", "subject_prefix",
	NULL };
static const char *const op_keys[] = { "in", "regex", "equals", "at_least",
	NULL };

/* RFC 5322 field-name: printable ASCII except colon. */
static bool
header_name_ok(const char *s)
{
	if (*s == '\0')
		return false;
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 33 || (unsigned char)*s > 126 ||
		    *s == ':')
			return false;
	return true;
}

static const struct field_info *
field_lookup(const char *name, const char **subkey_r)
{
	*subkey_r = NULL;
	if (strncmp(name, "header.", 7) == 0) {
		*subkey_r = name + 7;
		return field_info(FIELD_HEADER);
	}
	for (const struct field_info *fi = fields; fi->name != NULL; fi++)
		if (fi->field != FIELD_HEADER && strcmp(fi->name, name) == 0)
			return fi;
	return NULL;
}

static const char *
field_suggest(const char *name)
{
	struct suggest sg;

	suggest_init(&sg, name, SUGGEST_FAR);
	for (const struct field_info *fi = fields; fi->name != NULL; fi++)
		(void)suggest_add(&sg, fi->name);
	return suggest_best(&sg);
}

/* "a domain list", "an extension list" */
static const char *
list_article(enum list_type t)
{
	return t == LIST_EXTENSION ? "an" : "a";
}

static const char *
kind_name(enum field_kind k)
{
	static const char *const names[] = { "text", "extension", "MIME type",
		"domain", "address", "IP address", "port", "number", "check" };

	return names[k];
}

static bool
kind_takes_list(enum field_kind k, enum list_type t)
{
	switch (k) {
	case KIND_TEXT:
	case KIND_ADDRESS:
		return t == LIST_STRING;
	case KIND_EXTENSION:
		return t == LIST_EXTENSION;
	case KIND_MIMETYPE:
		return t == LIST_MIMETYPE;
	case KIND_DOMAIN:
		return t == LIST_DOMAIN;
	case KIND_IP:
		return t == LIST_CIDR;
	case KIND_PORT:
		return t == LIST_PORT;
	default:
		return false;
	}
}

static enum list_type
kind_list_type(enum field_kind k)
{
	switch (k) {
	case KIND_EXTENSION:
		return LIST_EXTENSION;
	case KIND_MIMETYPE:
		return LIST_MIMETYPE;
	case KIND_DOMAIN:
		return LIST_DOMAIN;
	case KIND_IP:
		return LIST_CIDR;
	case KIND_PORT:
		return LIST_PORT;
	default:
		return LIST_STRING;
	}
}

static const struct list *
env_list(const struct rule_env *env, const char *id)
{
	for (size_t i = 0; i < env->nlists; i++)
		if (strcmp(env->lists[i]->id, id) == 0)
			return env->lists[i];
	return NULL;
}

static const char *
env_list_suggest(const struct rule_env *env, const char *id)
{
	struct suggest sg;

	suggest_init(&sg, id, SUGGEST_FAR);
	for (size_t i = 0; i < env->nlists; i++)
		(void)suggest_add(&sg, env->lists[i]->id);
	return suggest_best(&sg);
}

static int
compile_in(struct cond *c, const struct field_info *fi, const char *fname,
    const struct node *v, const struct rule_env *env, struct diags *d)
{
	char q[80];

	if (fi->kind == KIND_NUMBER || fi->kind == KIND_CHECK) {
		diag_error(d, v->file, v->line, v->col,
		    "'in' does not apply to '%s' (%s)", fname,
		    kind_name(fi->kind));
		return -1;
	}
	if (v->type == NODE_SCALAR) {
		const struct list *l = env_list(env, v->str);
		const char *sugg;

		if (l == NULL && env->broken != NULL &&
		    strset_has(env->broken, v->str, v->len))
			return -1;	/* already reported where it failed */
		if (l == NULL) {
			sugg = env_list_suggest(env, v->str);
			if (sugg != NULL)
				diag_error(d, v->file, v->line, v->col,
				    "unknown list '%s' (did you mean '%s'?)",
				    node_quote(v, q, sizeof(q)), sugg);
			else
				diag_error(d, v->file, v->line, v->col,
				    "unknown list '%s'",
				    node_quote(v, q, sizeof(q)));
			return -1;
		}
		if (!kind_takes_list(fi->kind, l->type)) {
			diag_error(d, v->file, v->line, v->col,
			    "list '%s' holds %s entries but '%s' needs %s %s "
			    "list", l->id, list_type_name(l->type), fname,
			    list_article(kind_list_type(fi->kind)),
			    list_type_name(kind_list_type(fi->kind)));
			return -1;
		}
		c->list = l;
		return 0;
	}
	if (v->type == NODE_SEQ) {
		/* Inline items: an anonymous list of the field's type. */
		c->own_list = list_from_items(fname, kind_list_type(fi->kind), v,
		    SIZE_MAX, d);
		c->list = c->own_list;
		return c->own_list == NULL ? -1 : 0;
	}
	diag_error(d, v->file, v->line, v->col,
	    "'in' takes a list name or a list of values");
	return -1;
}

static int
compile_cond(struct cond *c, const struct node *key, const struct node *val,
    unsigned applies, const struct rule_env *env, struct diags *d)
{
	const struct field_info *fi;
	const struct node *opk, *opv;
	const char *subkey, *sugg;
	char q[80];

	memset(c, 0, sizeof(*c));
	fi = field_lookup(key->str, &subkey);
	if (fi == NULL || (subkey != NULL && !header_name_ok(subkey))) {
		if (subkey != NULL)
			diag_error(d, key->file, key->line, key->col,
			    "bad header name in '%s'",
			    node_quote(key, q, sizeof(q)));
		else if ((sugg = field_suggest(key->str)) != NULL)
			diag_error(d, key->file, key->line, key->col,
			    "unknown match field '%s' (did you mean '%s'?)",
			    node_quote(key, q, sizeof(q)), sugg);
		else
			diag_error(d, key->file, key->line, key->col,
			    "unknown match field '%s'",
			    node_quote(key, q, sizeof(q)));
		return -1;
	}
	if ((fi->applies & applies) == 0) {
		diag_error(d, key->file, key->line, key->col,
		    "match field '%s' is not available to %s rules", key->str,
		    applies == RULE_MAIL ? "mail" : "network");
		return -1;
	}
	c->field = fi->field;
	if (subkey != NULL) {
		c->subkey = mem_strdup(subkey);
		str_lower(c->subkey);
	}
	if (fi->kind == KIND_CHECK) {
		enum check_scope scope = applies == RULE_MAIL ? CHECK_MAIL :
		    CHECK_NETWORK;

		if (!node_expect(val, NODE_SCALAR, "check", d))
			return -1;
		if (!check_glob_matches_any(val->str, scope)) {
			sugg = check_suggest(val->str);
			if (sugg != NULL)
				diag_error(d, val->file, val->line, val->col,
				    "unknown %s check '%s' (did you mean "
				    "'%s'?)", applies == RULE_MAIL ? "mail" :
				    "network", node_quote(val, q, sizeof(q)),
				    sugg);
			else
				diag_error(d, val->file, val->line, val->col,
				    "unknown %s check '%s'",
				    applies == RULE_MAIL ? "mail" : "network",
				    node_quote(val, q, sizeof(q)));
			return -1;
		}
		c->op = COND_CHECK;
		c->str = mem_strdup(val->str);
		return 0;
	}
	if (!node_expect(val, NODE_MAP, key->str, d))
		return -1;
	if (node_check_keys(val, op_keys, "match test", d) > 0)
		return -1;
	if (val->npairs != 1) {
		diag_error(d, val->file, val->line, val->col,
		    "'%s' needs exactly one test (in, regex, equals or "
		    "at_least)", key->str);
		return -1;
	}
	opk = val->pairs[0].key;
	opv = val->pairs[0].value;
	if (strcmp(opk->str, "in") == 0) {
		c->op = COND_IN;
		return compile_in(c, fi, key->str, opv, env, d);
	}
	if (strcmp(opk->str, "at_least") == 0) {
		if (fi->kind != KIND_NUMBER) {
			diag_error(d, opk->file, opk->line, opk->col,
			    "'at_least' does not apply to '%s' (%s)", key->str,
			    kind_name(fi->kind));
			return -1;
		}
		c->op = COND_AT_LEAST;
		return node_to_u64(opv, "at_least", 0, UINT64_MAX, d, &c->num);
	}
	if (fi->kind == KIND_NUMBER || fi->kind == KIND_IP ||
	    fi->kind == KIND_PORT) {
		diag_error(d, opk->file, opk->line, opk->col,
		    "'%s' does not apply to '%s' (%s)", opk->str, key->str,
		    kind_name(fi->kind));
		return -1;
	}
	if (!node_expect(opv, NODE_SCALAR, opk->str, d))
		return -1;
	if (strcmp(opk->str, "equals") == 0) {
		c->op = COND_EQUALS;
		c->str = mem_strndup(opv->str, opv->len);
		return 0;
	}
	/* regex */
	{
		char *err = NULL;
		size_t off = 0;

		c->op = COND_REGEX;
		c->re = regex_compile(opv->str, opv->len, REGEX_UTF,
		    &env->re_limits, &err, &off);
		if (c->re == NULL) {
			/* Point at the byte when the pattern can be mapped
			 * back to the file exactly. */
			diag_error(d, opv->file, opv->line,
			    node_col_at(opv, off),
			    "bad regex: %s at offset %zu", err, off);
			free(err);
			return -1;
		}
	}
	return 0;
}

static int
compile_agencies(struct rule *r, const struct node *v,
    const struct rule_env *env, struct diags *d)
{
	const struct node *const *items;
	const struct node *one[1];
	size_t n;
	int rc = 0;

	if (v->type == NODE_SCALAR) {
		one[0] = v;
		items = one;
		n = 1;
	} else if (v->type == NODE_SEQ) {
		items = (const struct node *const *)v->items;
		n = v->nitems;
	} else {
		diag_error(d, v->file, v->line, v->col,
		    "'agency' takes an agency id or a list of them");
		return -1;
	}
	r->agencies = mem_calloc(n + 1, sizeof(*r->agencies));
	for (size_t i = 0; i < n; i++) {
		const struct node *it = items[i];
		const struct agency *a;
		char q[80];

		if (!node_expect(it, NODE_SCALAR, "agency", d)) {
			rc = -1;
			continue;
		}
		a = agency_by_id(env->agencies, env->nagencies, it->str);
		if (a == NULL) {
			diag_error(d, it->file, it->line, it->col,
			    "unknown agency '%s'", node_quote(it, q, sizeof(q)));
			rc = -1;
			continue;
		}
		r->agencies[r->nagencies++] = mem_strdup(a->id);
		if (r->applies != RULE_MAIL)
			continue;
		/* Clause 2: content filtering needs the legal record. */
		if ((r->direction & DIRECTION_OUTBOUND) != 0 &&
		    a->aup_ref == NULL) {
			diag_error(d, it->file, it->line, it->col,
			    "rule '%s' filters %s's outgoing mail but agency "
			    "%s has no acceptable_use_policy on record "
			    "(clause 2)", r->id, a->id, a->id);
			rc = -1;
		}
		if ((r->direction & DIRECTION_INBOUND) != 0 &&
		    a->counsel_ref == NULL) {
			diag_error(d, it->file, it->line, it->col,
			    "rule '%s' filters %s's incoming mail but agency "
			    "%s has no inbound_content_filtering "
			    "counsel_approval on record (clause 2)", r->id,
			    a->id, a->id);
			rc = -1;
		}
	}
	return rc;
}

/* "5.7.1 text": class digit by action, no controls, bounded. */
static int
check_reply(const struct rule *r, const struct node *v, struct diags *d)
{
	const char *s = v->str;
	char want = r->action == ACTION_TEMPFAIL ? '4' : '5';

	if (v->len > 512) {
		diag_error(d, v->file, v->line, v->col,
		    "reply longer than 512 bytes");
		return -1;
	}
	for (size_t i = 0; i < v->len; i++) {
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f) {
			diag_error(d, v->file, v->line, v->col,
			    "reply must be one line of printable text");
			return -1;
		}
	}
	if (r->action != ACTION_REJECT && r->action != ACTION_TEMPFAIL)
		return 0;
	if (!(s[0] == want && s[1] == '.' && s[2] >= '0' && s[2] <= '9')) {
		diag_error(d, v->file, v->line, v->col,
		    "reply must start with an enhanced status code %c.X.Y "
		    "(RFC 3463) for action %s, e.g. \"%c.7.1 Rejected by "
		    "policy\"", want, action_name(r->action), want);
		return -1;
	}
	return 0;
}

int
rule_compile(const struct node *n, const struct rule_env *env,
    struct rule *r, struct diags *d)
{
	const struct node *v, *id, *m, *tag;
	enum id_fault fault;
	char q[80];
	size_t errors = d->errors;
	bool b;

	memset(r, 0, sizeof(*r));
	r->file = n->file;
	r->line = n->line;
	r->col = n->col;
	r->enabled = true;
	r->applies = RULE_MAIL;
	r->direction = DIRECTION_BOTH;
	r->action = ACTION_LOG;
	if (!node_expect(n, NODE_MAP, "rules", d))
		return -1;
	node_check_keys(n, rule_keys, "rule", d);
	if (node_get_str(n, "id", true, "rule", d, &id) < 0)
		return -1;
	fault = id_check(id->str, id->len, NULL);
	if (fault == ID_BAD_CHAR) {
		diag_error(d, id->file, id->line, id->col,
		    "rule id '%s' may hold only letters, digits, '.', '-' and "
		    "'_'", node_quote(id, q, sizeof(q)));
		return -1;
	}
	if (fault != ID_OK) {
		diag_error(d, id->file, id->line, id->col, "rule id '%s' %s",
		    node_quote(id, q, sizeof(q)), id_fault_text(fault));
		return -1;
	}
	r->id = mem_strdup(id->str);
	if (node_get_str(n, "policy", true, "rule", d, &v) > 0) {
		if (!rule_clause_is_valid(v->str))
			diag_error(d, v->file, v->line, v->col,
			    "unknown policy clause '%s' (expected 1.1, 1.2, "
			    "1.3, 1.4, 2, 3.1, 3.2, 3.3, 3.4, 4 or 5)",
			    node_quote(v, q, sizeof(q)));
		else
			r->policy = mem_strdup(v->str);
	}
	if (node_get_str(n, "description", false, "rule", d, &v) > 0)
		r->description = mem_strdup(v->str);
	if (node_get_str(n, "applies", false, "rule", d, &v) > 0) {
		if (strcmp(v->str, "mail") == 0)
			r->applies = RULE_MAIL;
		else if (strcmp(v->str, "network") == 0)
			r->applies = RULE_NETWORK;
		else
			diag_error(d, v->file, v->line, v->col,
			    "'applies' must be mail or network, not '%s'",
			    node_quote(v, q, sizeof(q)));
	}
	if (node_get_str(n, "direction", false, "rule", d, &v) > 0 &&
	    direction_parse(v->str, &r->direction) < 0)
		diag_error(d, v->file, v->line, v->col,
		    "'direction' must be inbound, outbound or both, not '%s'",
		    node_quote(v, q, sizeof(q)));
	if (node_get_str(n, "action", true, "rule", d, &v) > 0) {
		if (action_parse(v->str, &r->action) < 0)
			diag_error(d, v->file, v->line, v->col,
			    "'action' must be one of %s, not '%s'",
			    action_choices(), node_quote(v, q, sizeof(q)));
		else if (r->applies == RULE_NETWORK &&
		    r->action != ACTION_LOG)
			diag_error(d, v->file, v->line, v->col,
			    "network rules can only log: the sensor watches "
			    "and cannot block (action '%s')", v->str);
	}
	if (node_get_bool(n, "monitor", false, "rule", d, &b) > 0)
		r->monitor = b;
	if (node_get_bool(n, "enabled", false, "rule", d, &b) > 0)
		r->enabled = b;
	if (node_get_str(n, "reply", false, "rule", d, &v) > 0 &&
	    check_reply(r, v, d) == 0)
		r->reply = mem_strndup(v->str, v->len);
	if (r->reply == NULL && r->policy != NULL) {
		if (r->action == ACTION_TEMPFAIL)
			r->reply = mem_printf("4.7.1 Message deferred by "
			    "policy %s (%s)", r->policy, r->id);
		else
			r->reply = mem_printf("5.7.1 Message rejected by "
			    "policy %s (%s)", r->policy, r->id);
	}
	tag = node_get(n, "tag");
	if (tag != NULL && node_expect(tag, NODE_MAP, "tag", d)) {
		node_check_keys(tag, tag_keys, "tag", d);
		if (node_get_str(tag, "header", false, "tag", d, &v) > 0) {
			if (!header_name_ok(v->str))
				diag_error(d, v->file, v->line, v->col,
				    "bad header name '%s'",
				    node_quote(v, q, sizeof(q)));
			else
				r->tag.header = mem_strdup(v->str);
		}
		if (node_get_str(tag, "value", false, "tag", d, &v) > 0)
			r->tag.value = mem_strndup(v->str, v->len);
		if (node_get_str(tag, "subject_prefix", false, "tag", d, &v) >
		    0)
			r->tag.subject_prefix = mem_strndup(v->str, v->len);
	}
	if (r->tag.header == NULL)
		r->tag.header = mem_strdup("X-Msgsec-Policy");
	v = node_get(n, "agency");
	if (v != NULL)
		(void)compile_agencies(r, v, env, d);
	m = node_get(n, "match");
	if (m == NULL) {
		diag_error(d, n->file, n->line, n->col,
		    "missing required key 'match' in rule");
	} else if (node_expect(m, NODE_MAP, "match", d)) {
		if (m->npairs == 0)
			diag_error(d, m->file, m->line, m->col,
			    "'match' needs at least one field");
		r->conds = mem_calloc(m->npairs + 1, sizeof(*r->conds));
		for (size_t i = 0; i < m->npairs; i++) {
			if (compile_cond(&r->conds[r->nconds],
			    m->pairs[i].key, m->pairs[i].value, r->applies,
			    env, d) == 0)
				r->nconds++;
			else
				cond_free(&r->conds[r->nconds]);
		}
	}
	if (d->errors > errors) {
		rule_free_contents(r);
		return -1;
	}
	return 0;
}
