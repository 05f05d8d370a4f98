/*
 * test_rule.c - compiling rules (every diagnostic the compiler gives) and
 * evaluating them against facts, including the clause-2 guardrails.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "agency.h"
#include "mem.h"
#include "node.h"
#include "rule.h"

struct env_fixture {
	struct node_doc *adoc;
	struct agency *agencies;
	size_t nagencies;
	struct list *lists[3];
	struct rule_env env;
};

static struct env_fixture fx;

static int
setup(void **state)
{
	static const char *agencies =
	    "agencies:\n"
	    "  - id: DEP\n"
	    "    domains: [dep.mass.example]\n"
	    "    acceptable_use_policy: { ref: A-1, date: 2025-01-10 }\n"
	    "  - id: DOR\n"
	    "    domains: [dor.mass.example]\n"
	    "    inbound_content_filtering: { counsel_approval: GC-1, date: "
	    "2025-01-10 }\n";
	static const char *lists =
	    "- { id: exts, type: extension, items: [exe, js] }\n"
	    "- { id: mail, type: domain, items: [gmail.com] }\n"
	    "- { id: nets, type: cidr, items: [192.0.2.0/24] }\n";
	struct node_doc *ldoc;
	struct diags d;

	(void)state;
	memset(&fx, 0, sizeof(fx));
	diags_init(&d);
	fx.adoc = node_load_buffer("agencies.yaml", agencies, strlen(agencies),
	    NULL, &d);
	assert_non_null(fx.adoc);
	agency_load_doc(fx.adoc->root, fx.adoc->file, &fx.agencies,
	    &fx.nagencies, &d);
	ldoc = node_load_buffer("lists.yaml", lists, strlen(lists), NULL, &d);
	assert_non_null(ldoc);
	for (size_t i = 0; i < 3; i++) {
		fx.lists[i] = list_load(ldoc->root->items[i], NULL, 100, &d);
		assert_non_null(fx.lists[i]);
	}
	node_doc_free(&ldoc);
	assert_int_equal(d.errors, 0);
	diags_free(&d);
	fx.env.lists = fx.lists;
	fx.env.nlists = 3;
	fx.env.agencies = fx.agencies;
	fx.env.nagencies = fx.nagencies;
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	for (size_t i = 0; i < 3; i++)
		list_free(&fx.lists[i]);
	for (size_t i = 0; i < fx.nagencies; i++)
		agency_free_contents(&fx.agencies[i]);
	free(fx.agencies);
	node_doc_free(&fx.adoc);
	return 0;
}

/* Compile one rule from text; return the first diagnostic or "" */
static char first_diag[1024];

static int
compile(const char *text, struct rule *r)
{
	struct node_doc *doc;
	struct diags d;
	int rc;

	diags_init(&d);
	doc = node_load_buffer("r.yaml", text, strlen(text), NULL, &d);
	assert_non_null(doc);
	rc = rule_compile(doc->root, &fx.env, r, &d);
	first_diag[0] = '\0';
	if (d.n > 0)
		diag_format(&d.v[0], first_diag, sizeof(first_diag));
	if (rc == 0) {
		/* Rules point at their file name: keep a stable one. */
		r->file = "r.yaml";
	}
	node_doc_free(&doc);
	diags_free(&d);
	return rc;
}

static void
expect_error(const char *text, const char *diag)
{
	struct rule r;

	assert_int_equal(compile(text, &r), -1);
	assert_string_equal(first_diag, diag);
}

static void
test_errors(void **state)
{
	(void)state;
	expect_error("id: a\npolicy: \"1.1\"\nacton: log\nmatch: { check: "
	    "mime.partial }\n",
	    "r.yaml:3:1: error: unknown key 'acton' in rule (did you mean "
	    "'action'?)");
	expect_error("id: a\npolicy: \"9\"\naction: log\nmatch: { check: "
	    "mime.partial }\n",
	    "r.yaml:2:9: error: unknown policy clause '9' (expected 1.1, 1.2, "
	    "1.3, 1.4, 2, 3.1, 3.2, 3.3, 3.4, 4 or 5)");
	expect_error("id: a\npolicy: \"1.1\"\naction: bounce\nmatch: { check: "
	    "mime.partial }\n",
	    "r.yaml:3:9: error: 'action' must be one of reject, tempfail, "
	    "discard, quarantine, strip, tag, log or accept, not 'bounce'");
	expect_error("id: a\npolicy: \"1.2\"\naction: log\nmatch: { subject: "
	    "{ regex: 'a(b' } }\n",
	    "r.yaml:4:32: error: bad regex: missing closing parenthesis at "
	    "offset 3");
	expect_error("id: a\npolicy: \"1.1\"\naction: log\nmatch: { check: "
	    "mime.partal }\n",
	    "r.yaml:4:17: error: unknown mail check 'mime.partal' (did you "
	    "mean 'mime.partial'?)");
	expect_error("id: a\npolicy: \"1.1\"\naction: log\nmatch: "
	    "{ attachment.extension: { in: ext } }\n",
	    "r.yaml:4:38: error: unknown list 'ext' (did you mean 'exts'?)");
	expect_error("id: a\npolicy: \"1.1\"\naction: log\nmatch: "
	    "{ attachment.extension: { in: mail } }\n",
	    "r.yaml:4:38: error: list 'mail' holds domain entries but "
	    "'attachment.extension' needs an extension list");
	expect_error("id: a\npolicy: \"1.1\"\naction: log\nmatch: "
	    "{ attachmnt.name: { regex: x } }\n",
	    "r.yaml:4:10: error: unknown match field 'attachmnt.name' (did you "
	    "mean 'attachment.name'?)");
	expect_error("id: a\npolicy: \"3.1\"\napplies: network\naction: log\n"
	    "match: { subject: { regex: x } }\n",
	    "r.yaml:5:10: error: match field 'subject' is not available to "
	    "network rules");
	expect_error("id: a\npolicy: \"3.1\"\napplies: network\naction: reject\n"
	    "match: { hostname: { in: mail } }\n",
	    "r.yaml:4:9: error: network rules can only log: the sensor watches "
	    "and cannot block (action 'reject')");
	expect_error("id: a\npolicy: \"1.1\"\naction: reject\nreply: \"4.7.1 "
	    "no\"\nmatch: { check: mime.partial }\n",
	    "r.yaml:4:8: error: reply must start with an enhanced status code "
	    "5.X.Y (RFC 3463) for action reject, e.g. \"5.7.1 Rejected by "
	    "policy\"");
	expect_error("id: a\npolicy: \"1.1\"\naction: log\nmatch: { dest.ip: "
	    "{ regex: x } }\n",
	    "r.yaml:4:10: error: match field 'dest.ip' is not available to "
	    "mail rules");
	expect_error("id: a\npolicy: \"1.1\"\naction: log\nmatch: { client.ip: "
	    "{ regex: x } }\n",
	    "r.yaml:4:23: error: 'regex' does not apply to 'client.ip' (IP "
	    "address)");
	expect_error("id: a b\npolicy: \"1.1\"\naction: log\nmatch: { check: "
	    "mime.partial }\n",
	    "r.yaml:1:5: error: rule id 'a b' may hold only letters, digits, "
	    "'.', '-' and '_'");
	expect_error("id: a\npolicy: \"1.1\"\naction: log\n",
	    "r.yaml:1:1: error: missing required key 'match' in rule");
	expect_error("id: a\npolicy: \"1.2\"\naction: log\nmatch: { subject: "
	    "{ regex: x, equals: y } }\n",
	    "r.yaml:4:19: error: 'subject' needs exactly one test (in, regex, "
	    "equals or at_least)");
}

/* Rule ids follow the one id syntax (id.h): no leading '.', 200 bytes. */
static void
test_id_syntax(void **state)
{
	struct rule r;
	char *text;

	(void)state;
	expect_error("id: .hidden\npolicy: \"1.1\"\naction: log\nmatch: "
	    "{ check: mime.partial }\n",
	    "r.yaml:1:5: error: rule id '.hidden' must not start with '.'");
	text = mem_printf("id: %0200d\npolicy: \"1.1\"\naction: log\n"
	    "match: { check: mime.partial }\n", 7);
	assert_int_equal(compile(text, &r), 0);
	assert_int_equal(strlen(r.id), 200);
	rule_free_contents(&r);
	free(text);
	text = mem_printf("id: %0201d\npolicy: \"1.1\"\naction: log\n"
	    "match: { check: mime.partial }\n", 7);
	assert_int_equal(compile(text, &r), -1);
	assert_non_null(strstr(first_diag, "r.yaml:1:5: error: rule id '000"));
	assert_non_null(strstr(first_diag, "' is longer than 200 bytes"));
	free(text);
}

static void
test_guardrails(void **state)
{
	struct rule r;

	(void)state;
	/* DEP has an acceptable-use policy: outbound is fine. */
	assert_int_equal(compile("id: a\npolicy: \"1.2\"\naction: log\n"
	    "agency: DEP\ndirection: outbound\nmatch: { subject: { regex: x "
	    "} }\n", &r), 0);
	rule_free_contents(&r);
	/* ... inbound needs counsel approval, which DEP lacks. */
	expect_error("id: a\npolicy: \"1.2\"\naction: log\nagency: DEP\n"
	    "direction: inbound\nmatch: { subject: { regex: x } }\n",
	    "r.yaml:4:9: error: rule 'a' filters DEP's incoming mail but "
	    "agency DEP has no inbound_content_filtering counsel_approval on "
	    "record (clause 2)");
	/* DOR has counsel approval, no AUP: both directions fail outbound. */
	expect_error("id: a\npolicy: \"1.2\"\naction: log\nagency: [DOR]\n"
	    "match: { subject: { regex: x } }\n",
	    "r.yaml:4:10: error: rule 'a' filters DOR's outgoing mail but "
	    "agency DOR has no acceptable_use_policy on record (clause 2)");
	expect_error("id: a\npolicy: \"1.2\"\naction: log\nagency: XYZ\n"
	    "match: { subject: { regex: x } }\n",
	    "r.yaml:4:9: error: unknown agency 'XYZ'");
}

/* A fact source: one message with a few fields. */
struct msg {
	const char *subject;
	const char *exts[3];
	const char *checks[3];
	const char *rcpt_domains[3];
	struct ipaddr client;
	uint64_t bytes;
};

static bool
msg_each(void *ctx, enum field field, const char *subkey,
    bool (*visit)(const struct cond *, const struct fact *),
    const struct cond *c)
{
	const struct msg *m = ctx;
	const char *const *vals = NULL;
	struct fact f;

	(void)subkey;
	memset(&f, 0, sizeof(f));
	switch (field) {
	case FIELD_SUBJECT:
		if (m->subject == NULL)
			return false;
		f.s = span_from_cstr(m->subject);
		return visit(c, &f);
	case FIELD_ATTACHMENT_EXTENSION:
		vals = m->exts;
		break;
	case FIELD_CHECK:
		vals = m->checks;
		break;
	case FIELD_RECIPIENT_DOMAIN:
		vals = m->rcpt_domains;
		break;
	case FIELD_CLIENT_IP:
		f.ip = m->client;
		return visit(c, &f);
	case FIELD_BYTES_TOSERVER:
		f.num = m->bytes;
		return visit(c, &f);
	default:
		return false;
	}
	for (size_t i = 0; i < 3 && vals[i] != NULL; i++) {
		f.s = span_from_cstr(vals[i]);
		if (visit(c, &f))
			return true;
	}
	return false;
}

static void
test_evaluation(void **state)
{
	struct msg m = { .subject = "Win a FREE prize",
		.exts = { "pdf", "EXE", NULL },
		.checks = { "rfc5322.to.multiple", NULL, NULL },
		.rcpt_domains = { "mail.gmail.com", NULL, NULL } };
	struct rule_facts facts = { msg_each, &m };
	struct rule r;

	(void)state;
	assert_int_equal(ipaddr_parse("192.0.2.9", 9, &m.client), 0);
	assert_int_equal(compile("id: a\npolicy: \"1.1\"\naction: reject\n"
	    "match: { attachment.extension: { in: exts } }\n", &r), 0);
	assert_true(rule_matches(&r, &facts));
	assert_string_equal(r.reply, "5.7.1 Message rejected by policy 1.1 "
	    "(a)");
	rule_free_contents(&r);

	assert_int_equal(compile("id: b\npolicy: \"1.2\"\naction: tag\n"
	    "match: { subject: { regex: '(?i)free prize' }, "
	    "recipient.domain: { in: mail } }\n", &r), 0);
	assert_true(rule_matches(&r, &facts));
	rule_free_contents(&r);

	assert_int_equal(compile("id: c\npolicy: \"1.2\"\naction: tag\n"
	    "match: { subject: { regex: 'free prize' } }\n", &r), 0);
	assert_false(rule_matches(&r, &facts));	/* case matters */
	rule_free_contents(&r);

	assert_int_equal(compile("id: d\npolicy: \"1.3\"\naction: log\n"
	    "match: { check: 'rfc5322.*.multiple' }\n", &r), 0);
	assert_true(rule_matches(&r, &facts));
	assert_true(rule_tests_check(&r, "rfc5322.cc.multiple"));
	assert_false(rule_tests_check(&r, "rfc5322.from.missing"));
	rule_free_contents(&r);

	assert_int_equal(compile("id: e\npolicy: \"1.1\"\naction: log\n"
	    "match: { client.ip: { in: nets }, check: mime.partial }\n", &r),
	    0);
	assert_false(rule_matches(&r, &facts));	/* second cond fails */
	rule_free_contents(&r);

	assert_int_equal(compile("id: f\npolicy: \"1.1\"\naction: log\n"
	    "match: { client.ip: { in: [198.51.100.0/24, 192.0.2.0/28] } }\n",
	    &r), 0);
	assert_true(rule_matches(&r, &facts));
	rule_free_contents(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_id_syntax),
		cmocka_unit_test(test_guardrails),
		cmocka_unit_test(test_evaluation),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
