/*
 * test_exception.c - exception records: every required field and its
 * message, windows at and over the maximum, approvals (missing, same
 * person, denied), status consistency, in-force edges, scope coverage; and
 * agency records.
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
#include "date.h"
#include "exception.h"
#include "mem.h"

static char *approvers[] = { "MassIT", "ESB" };
static struct exception_settings set = { approvers, 2, 365 };
static struct agency *agencies;
static size_t nagencies;
static struct node_doc *adoc;
static char diag0[1024];
static size_t nerrors;

static const char base[] =
    "exception:\n"
    "  id: EX-1\n"
    "  agency: DEP\n"
    "  requested_by: { name: D, role: agency-head, email: d@dep.example }\n"
    "  reasons: R\n"
    "  circumstances: C\n"
    "  access_controls: A\n"
    "  scope: { rules: [network.webmail*], users: [lab@dep.example, "
    "partner.example], hosts: [192.0.2.16/28] }\n"
    "  valid_from: 2026-01-01\n"
    "  valid_until: 2026-12-31\n"
    "  status: approved\n"
    "  reviews:\n"
    "    - { body: MassIT, decision: approved, by: P, on: 2025-12-01 }\n"
    "    - { body: ESB, decision: approved, by: T, on: 2025-12-02 }\n";

static int
setup(void **state)
{
	const char *text = "agencies:\n  - { id: DEP, domains: [dep.example] }"
	    "\n  - { id: DOR }\n";
	struct diags d;

	(void)state;
	diags_init(&d);
	adoc = node_load_buffer("a.yaml", text, strlen(text), NULL, &d);
	agency_load_doc(adoc->root, adoc->file, &agencies, &nagencies, &d);
	assert_int_equal(d.errors, 0);
	diags_free(&d);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	for (size_t i = 0; i < nagencies; i++)
		agency_free_contents(&agencies[i]);
	free(agencies);
	node_doc_free(&adoc);
	return 0;
}

/* Load text as exceptions/EX-1.yaml; keep the first diagnostic. */
static struct exception *
load(const char *text, struct node_doc **doc_r)
{
	struct diags d;
	struct exception *e;

	diags_init(&d);
	*doc_r = node_load_buffer("exceptions/EX-1.yaml", text, strlen(text),
	    NULL, &d);
	assert_non_null(*doc_r);
	e = exception_load((*doc_r)->root, "exceptions/EX-1.yaml", &set,
	    agencies, nagencies, &d);
	diag0[0] = '\0';
	if (d.n > 0)
		diag_format(&d.v[0], diag0, sizeof(diag0));
	nerrors = d.errors;
	diags_free(&d);
	return e;
}

/* base with one line replaced (or removed when repl is ""). */
static char *
variant(const char *line_start, const char *repl)
{
	const char *p = strstr(base, line_start), *eol;
	struct buf b;

	assert_non_null(p);
	eol = strchr(p, '\n') + 1;
	buf_init(&b, 8192);
	buf_append(&b, base, (size_t)(p - base));
	buf_append_cstr(&b, repl);
	buf_append_cstr(&b, eol);
	return b.data;
}

static void
expect(const char *line_start, const char *repl, const char *diag)
{
	char *text = variant(line_start, repl);
	struct node_doc *doc;
	struct exception *e = load(text, &doc);

	if (strcmp(diag0, diag) != 0)
		fprintf(stderr, "text:\n%s\n", text);
	assert_null(e);
	assert_string_equal(diag0, diag);
	node_doc_free(&doc);
	free(text);
}

static int32_t
day(const char *s)
{
	int32_t d;
	const char *w;

	assert_int_equal(date_parse(s, strlen(s), &d, &w), 0);
	return d;
}

static void
test_valid(void **state)
{
	struct node_doc *doc;
	struct exception *e = load(base, &doc);
	struct ipaddr in, out;

	(void)state;
	assert_non_null(e);
	assert_int_equal(nerrors, 0);
	assert_string_equal(e->id, "EX-1");
	assert_true(exception_fully_approved(e, &set));
	assert_false(exception_in_force(e, &set, day("2025-12-31")));
	assert_true(exception_in_force(e, &set, day("2026-01-01")));
	assert_true(exception_in_force(e, &set, day("2026-12-31")));
	assert_false(exception_in_force(e, &set, day("2027-01-01")));
	assert_int_equal(ipaddr_parse("192.0.2.20", 10, &in), 0);
	assert_int_equal(ipaddr_parse("192.0.2.40", 10, &out), 0);
	assert_true(exception_covers(e, "network.webmail.upload", "DEP",
	    span_from_cstr("lab@dep.example"), &in));
	assert_true(exception_covers(e, "network.webmail", "DEP",
	    span_from_cstr("Someone@Mail.Partner.Example"), &in));
	assert_false(exception_covers(e, "network.im", "DEP",
	    span_from_cstr("lab@dep.example"), &in));
	assert_false(exception_covers(e, "network.webmail", "DOR",
	    span_from_cstr("lab@dep.example"), &in));
	assert_false(exception_covers(e, "network.webmail", NULL,
	    span_from_cstr("lab@dep.example"), &in));
	assert_false(exception_covers(e, "network.webmail", "DEP",
	    span_from_cstr("other@dep.example"), &in));
	assert_false(exception_covers(e, "network.webmail", "DEP",
	    span_from_cstr(""), &in));
	assert_false(exception_covers(e, "network.webmail", "DEP",
	    span_from_cstr("lab@dep.example"), &out));
	assert_false(exception_covers(e, "network.webmail", "DEP",
	    span_from_cstr("lab@dep.example"), NULL));
	exception_free(&e);
	assert_null(e);
	node_doc_free(&doc);
}

static void
test_required(void **state)
{
	(void)state;
	expect("  reasons:", "",
	    "exceptions/EX-1.yaml:2:3: error: missing required key 'reasons' "
	    "in exception (clause 4 requires reasons, circumstances, duration "
	    "and access controls)");
	expect("  access_controls:", "",
	    "exceptions/EX-1.yaml:2:3: error: missing required key "
	    "'access_controls' in exception (clause 4 requires reasons, "
	    "circumstances, duration and access controls)");
	expect("  valid_until:", "",
	    "exceptions/EX-1.yaml:2:3: error: missing required key "
	    "'valid_until' in exception (clause 4 requires a duration)");
	expect("  circumstances:", "  circumstances: \"\"\n",
	    "exceptions/EX-1.yaml:6:18: error: 'circumstances' must not be "
	    "empty");
	expect("  requested_by:", "  requested_by: { name: D, role: x, email: "
	    "nobody }\n",
	    "exceptions/EX-1.yaml:4:44: error: 'nobody' is not an e-mail "
	    "address");
	expect("  scope:", "  scope: {}\n",
	    "exceptions/EX-1.yaml:8:10: error: scope must name at least one "
	    "of rules, users or hosts");
	expect("  agency:", "  agency: DPE\n",
	    "exceptions/EX-1.yaml:3:11: error: unknown agency 'DPE' (did you "
	    "mean 'DEP'?)");
	expect("  id:", "  id: EX-2\n",
	    "exceptions/EX-1.yaml:2:7: error: exception id 'EX-2' does not "
	    "match file name 'EX-1.yaml'");
	expect("  valid_from:", "  valid_from: 2026-02-30\n",
	    "exceptions/EX-1.yaml:9:15: error: bad date '2026-02-30' in "
	    "'valid_from': no such day in that month");
	expect("  status:", "  status: aproved\n",
	    "exceptions/EX-1.yaml:11:11: error: 'status' must be requested, "
	    "approved, denied, revoked or expired, not 'aproved'");
	expect("  access_controls:", "  access_control: A\n",
	    "exceptions/EX-1.yaml:7:3: error: unknown key 'access_control' in "
	    "exception (did you mean 'access_controls'?)");
}

static void
test_window(void **state)
{
	struct node_doc *doc;
	struct exception *e;
	char *text;

	(void)state;
	/* 2026-01-01 .. 2026-12-31 is 365 days: exactly the maximum. */
	e = load(base, &doc);
	assert_non_null(e);
	exception_free(&e);
	node_doc_free(&doc);
	/* 2024 is a leap year: 366 days is one over. */
	text = variant("  valid_from:", "  valid_from: 2024-01-01\n");
	free(text);
	expect("  valid_until:", "  valid_until: 2027-01-01\n",
	    "exceptions/EX-1.yaml:10:16: error: window of 366 days exceeds "
	    "the maximum of 365 days (exceptions.max_days)");
	expect("  valid_until:", "  valid_until: 2025-12-31\n",
	    "exceptions/EX-1.yaml:10:16: error: valid_until is before "
	    "valid_from");
}

static void
test_approvals(void **state)
{
	struct node_doc *doc;
	struct exception *e;
	char *text;

	(void)state;
	expect("    - { body: ESB", "",
	    "exceptions/EX-1.yaml:11:11: error: status is approved but ESB "
	    "has not approved it");
	expect("    - { body: ESB", "    - { body: ESB, decision: approved, "
	    "by: P, on: 2025-12-02 }\n",
	    "exceptions/EX-1.yaml:11:11: error: MassIT and ESB approvals are "
	    "both by 'P': the policy needs two different approvers");
	expect("    - { body: ESB", "    - { body: ESB, decision: denied, by: "
	    "T, on: 2025-12-02 }\n",
	    "exceptions/EX-1.yaml:11:11: error: status is approved but ESB "
	    "has not approved it");
	expect("    - { body: ESB", "    - { body: EBS, decision: approved, "
	    "by: T, on: 2025-12-02 }\n",
	    "exceptions/EX-1.yaml:14:15: error: unknown approving body 'EBS' "
	    "(did you mean 'ESB'?)");
	expect("    - { body: ESB", "    - { body: MassIT, decision: approved, "
	    "by: T, on: 2025-12-02 }\n",
	    "exceptions/EX-1.yaml:14:15: error: MassIT reviewed this "
	    "exception twice");
	/* requested with one approval: valid, never in force */
	text = variant("  status:", "  status: requested\n");
	e = load(text, &doc);
	assert_non_null(e);
	assert_false(exception_in_force(e, &set, day("2026-06-01")));
	exception_free(&e);
	node_doc_free(&doc);
	free(text);
	/* revoked: never in force */
	text = variant("  status:", "  status: revoked\n");
	e = load(text, &doc);
	assert_non_null(e);
	assert_false(exception_in_force(e, &set, day("2026-06-01")));
	exception_free(&e);
	node_doc_free(&doc);
	free(text);
	expect("  status:", "  status: denied\n",
	    "exceptions/EX-1.yaml:11:11: error: status is denied but no "
	    "review denied it");
}

static void
test_agencies(void **state)
{
	static const struct {
		const char *text, *diag;
	} cases[] = {
		{ "agencies:\n  - { id: A, networks: [10.0.0.1/8] }\n",
		    "a.yaml:2:25: error: bad network '10.0.0.1/8' in "
		    "'networks': host bits set below the prefix" },
		{ "agencies:\n  - { id: A, domains: [a..example] }\n",
		    "a.yaml:2:26: error: bad domain 'a..example' in "
		    "'domains': empty label" },
		{ "agencies:\n  - { id: A, netwroks: [] }\n",
		    "a.yaml:2:14: error: unknown key 'netwroks' in agency "
		    "(did you mean 'networks'?)" },
		{ "agencies:\n  - { id: A, acceptable_use_policy: { ref: X } }"
		    "\n", "a.yaml:2:37: error: missing required key 'date' in "
		    "'acceptable_use_policy'" },
		{ "agencies:\n  - { id: 'A B' }\n",
		    "a.yaml:2:11: error: agency id 'A B' may hold only letters, "
		    "digits, '-' and '_'" },
	};
	struct agency *v = NULL;
	size_t n = 0;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct diags d;
		struct node_doc *doc;

		diags_init(&d);
		doc = node_load_buffer("a.yaml", cases[i].text,
		    strlen(cases[i].text), NULL, &d);
		agency_load_doc(doc->root, doc->file, &v, &n, &d);
		assert_true(d.n > 0);
		diag_format(&d.v[0], diag0, sizeof(diag0));
		assert_string_equal(diag0, cases[i].diag);
		for (size_t j = 0; j < n; j++)
			agency_free_contents(&v[j]);
		free(v);
		v = NULL;
		n = 0;
		node_doc_free(&doc);
		diags_free(&d);
	}
}

static void
test_agency_duplicates(void **state)
{
	const char *text = "agencies:\n  - { id: A }\n  - { id: B }\n"
	    "  - { id: A }\n";
	struct agency *v = NULL;
	size_t n = 0;
	struct diags d;
	struct node_doc *doc;

	(void)state;
	diags_init(&d);
	doc = node_load_buffer("a.yaml", text, strlen(text), NULL, &d);
	agency_load_doc(doc->root, doc->file, &v, &n, &d);
	agency_check_unique(v, n, &d);
	diag_format(&d.v[0], diag0, sizeof(diag0));
	assert_string_equal(diag0, "a.yaml:4:5: error: duplicate agency id 'A' "
	    "(first defined at a.yaml:2)");
	for (size_t j = 0; j < n; j++)
		agency_free_contents(&v[j]);
	free(v);
	node_doc_free(&doc);
	diags_free(&d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid),
		cmocka_unit_test(test_required),
		cmocka_unit_test(test_window),
		cmocka_unit_test(test_approvals),
		cmocka_unit_test(test_agencies),
		cmocka_unit_test(test_agency_duplicates),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
