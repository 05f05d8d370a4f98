/*
 * test_exception.c - exception records (clause 4): a full record read back,
 * every required field and its exact diagnostic (text, line, column), the
 * file-name rule, scope entries, windows at and over the maximum, every
 * status and its agreement with the reviews, approvals (missing, denied,
 * same person), history entries, in-force edges (day before, first day,
 * last day, day after) and coverage along each scope dimension.
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
#include "str.h"

#define FILE_NAME "exceptions/EX-2026-0007.yaml"

static char *approvers[] = { "MassIT", "ESB" };
static struct exception_settings set = { approvers, 2, 365 };
static struct agency *agencies;
static size_t nagencies;
static struct node_doc *adoc;
static char diags_seen[8192];	/* every diagnostic of the last load */
static size_t nerrors;

/*
 * The valid record every case starts from; the line numbers in the
 * expected diagnostics refer to it.
 */
static const char *const base[] = {
	/* 1 */ "exception:",
	/* 2 */ "  id: EX-2026-0007",
	/* 3 */ "  agency: DEP",
	/* 4 */ "  requested_by: { name: Dana Whitfield, role: agency-head, "
	    "email: dana@dep.example }",
	/* 5 */ "  reasons: R",
	/* 6 */ "  circumstances: C",
	/* 7 */ "  access_controls: A",
	/* 8 */ "  scope: { rules: [network.webmail*], users: [lab@dep.example, "
	    "partner.example], hosts: [192.0.2.16/28] }",
	/* 9 */ "  valid_from: 2026-01-01",
	/* 10 */ "  valid_until: 2026-12-31",
	/* 11 */ "  status: approved",
	/* 12 */ "  reviews:",
	/* 13 */ "    - { body: MassIT, decision: approved, by: P. Raman, on: "
	    "2025-12-01 }",
	/* 14 */ "    - { body: ESB, decision: approved, by: T. Okafor, on: "
	    "2025-12-02, note: ok }",
	/* 15 */ "  history:",
	/* 16 */ "    - { on: 2025-11-20T09:00:00Z, by: Dana Whitfield, action: "
	    "requested }",
	/* 17 */ "    - { on: 2025-12-02, by: T. Okafor, action: approved, note: "
	    "both bodies }",
};
#define NBASE (sizeof(base) / sizeof(base[0]))

static int
setup(void **state)
{
	const char *text = "agencies:\n  - { id: DEP, domains: [dep.example] }"
	    "\n  - { id: DOR }\n  - { id: EOHHS }\n";
	struct diags d;

	(void)state;
	diags_init(&d);
	adoc = node_load_buffer("agencies/a.yaml", text, strlen(text), NULL,
	    &d);
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

/* Load text as name; keep every diagnostic in diags_seen. */
static struct exception *
load_as(const char *name, const char *text, struct node_doc **doc_r)
{
	struct diags d;
	struct exception *e;
	size_t off = 0;

	diags_init(&d);
	*doc_r = node_load_buffer(name, text, strlen(text), NULL, &d);
	assert_non_null(*doc_r);
	e = exception_load((*doc_r)->root, name, &set, agencies, nagencies,
	    &d);
	diags_seen[0] = '\0';
	for (size_t i = 0; i < d.n; i++) {
		char line[1100];
		int w;

		diag_format(&d.v[i], line, sizeof(line));
		w = snprintf(diags_seen + off, sizeof(diags_seen) - off, "%s%s",
		    i > 0 ? "\n" : "", line);
		assert_true(w > 0 && (size_t)w < sizeof(diags_seen) - off);
		off += (size_t)w;
	}
	nerrors = d.errors;
	diags_free(&d);
	return e;
}

static struct exception *
load(const char *text, struct node_doc **doc_r)
{
	return load_as(FILE_NAME, text, doc_r);
}

/*
 * base with line lineno (1-based) replaced by repl; repl NULL drops the
 * line, and repl may hold several lines.  Further (lineno, repl) pairs may
 * follow, ending with 0.
 */
static char *
variant(unsigned lineno, ...)
{
	const char *repl[NBASE + 1];
	bool replaced[NBASE + 1];
	struct buf b;
	va_list ap;

	memset(replaced, 0, sizeof(replaced));
	va_start(ap, lineno);
	while (lineno != 0) {
		assert_true(lineno <= NBASE);
		replaced[lineno] = true;
		repl[lineno] = va_arg(ap, const char *);
		lineno = va_arg(ap, unsigned);
	}
	va_end(ap);
	buf_init(&b, 65536);
	for (unsigned i = 1; i <= NBASE; i++) {
		if (!replaced[i]) {
			buf_append_cstr(&b, base[i - 1]);
			buf_append_cstr(&b, "\n");
		} else if (repl[i] != NULL) {
			buf_append_cstr(&b, repl[i]);
			buf_append_cstr(&b, "\n");
		}
	}
	return b.data;
}

static char *
base_text(void)
{
	return variant(0);
}

/* text must fail to load with exactly these diagnostics; frees text. */
static void
expect_text(char *text, const char *want)
{
	struct node_doc *doc;
	struct exception *e = load(text, &doc);

	if (strcmp(diags_seen, want) != 0)
		fprintf(stderr, "input:\n%s\n", text);
	assert_string_equal(diags_seen, want);
	assert_null(e);
	assert_true(nerrors > 0);
	node_doc_free(&doc);
	free(text);
}

/* text must load without any diagnostic; the caller frees e and doc. */
static struct exception *
expect_ok(char *text, struct node_doc **doc_r)
{
	struct exception *e = load(text, doc_r);

	if (e == NULL)
		fprintf(stderr, "input:\n%s\n", text);
	assert_string_equal(diags_seen, "");
	assert_non_null(e);
	free(text);
	return e;
}

static void
done(struct exception **e, struct node_doc **doc)
{
	exception_free(e);
	assert_null(*e);
	node_doc_free(doc);
}

static int32_t
day(const char *s)
{
	int32_t d;
	const char *w;

	assert_int_equal(date_parse(s, strlen(s), &d, &w), 0);
	return d;
}

static struct ipaddr
addr(const char *s)
{
	struct ipaddr a;

	assert_int_equal(ipaddr_parse(s, strlen(s), &a), 0);
	return a;
}

#define CLAUSE4 "(clause 4 requires reasons, circumstances, duration and " \
	"access controls)"

static void
test_valid_record(void **state)
{
	struct node_doc *doc;
	struct exception *e = expect_ok(base_text(), &doc);

	(void)state;
	assert_string_equal(e->id, "EX-2026-0007");
	assert_string_equal(e->agency_id, "DEP");
	assert_ptr_equal(e->agency, &agencies[0]);
	assert_string_equal(e->requester_name, "Dana Whitfield");
	assert_string_equal(e->requester_role, "agency-head");
	assert_string_equal(e->requester_email, "dana@dep.example");
	assert_string_equal(e->reasons, "R");
	assert_string_equal(e->circumstances, "C");
	assert_string_equal(e->access_controls, "A");
	assert_int_equal(e->nrule_globs, 1);
	assert_string_equal(e->rule_globs[0], "network.webmail*");
	assert_int_equal(e->nusers, 2);
	assert_int_equal(strset_count(e->user_addrs), 1);
	assert_int_equal(domset_count(e->user_domains), 1);
	assert_int_equal(cidrset_count(e->hosts), 1);
	assert_int_equal(e->valid_from, day("2026-01-01"));
	assert_int_equal(e->valid_until, day("2026-12-31"));
	assert_int_equal(e->status, EXC_APPROVED);
	assert_int_equal(e->nreviews, 2);
	assert_string_equal(e->reviews[0].body, "MassIT");
	assert_true(e->reviews[0].approved);
	assert_string_equal(e->reviews[0].by, "P. Raman");
	assert_int_equal(e->reviews[0].on, day("2025-12-01"));
	assert_null(e->reviews[0].note);
	assert_string_equal(e->reviews[1].note, "ok");
	assert_int_equal(e->nhistory, 2);
	assert_string_equal(e->file, FILE_NAME);
	assert_int_equal(e->line, 2);
	assert_int_equal(e->col, 3);
	assert_true(exception_fully_approved(e, &set));
	done(&e, &doc);

	/* Block style, quoted scalars and a plain file name work alike. */
	e = expect_ok(mem_strdup(
	    "exception:\n"
	    "  id: 'EX-2026-0007'\n"
	    "  agency: \"DEP\"\n"
	    "  requested_by:\n"
	    "    name: Dana\n"
	    "    role: designee\n"
	    "    email: dana@dep.example\n"
	    "  reasons: |\n"
	    "    Two lines\n"
	    "    of reasons.\n"
	    "  circumstances: >\n"
	    "    Folded.\n"
	    "  access_controls: A\n"
	    "  scope:\n"
	    "    hosts: [\"2001:db8::/32\"]\n"
	    "  valid_from: 2026-01-01\n"
	    "  valid_until: 2026-01-01\n"
	    "  status: requested\n"), &doc);
	assert_string_equal(e->reasons, "Two lines\nof reasons.\n");
	assert_int_equal(e->nreviews, 0);
	assert_int_equal(e->nhistory, 0);
	assert_int_equal(e->nrule_globs, 0);
	assert_int_equal(e->nusers, 0);
	assert_null(e->user_addrs);
	done(&e, &doc);
}

static void
test_root(void **state)
{
	(void)state;
	expect_text(mem_strdup(""), FILE_NAME ": error: an exception file is "
	    "a mapping with the key 'exception'");
	expect_text(mem_strdup("- id: EX-2026-0007\n"), FILE_NAME ":1:1: "
	    "error: an exception file is a mapping with the key 'exception'");
	expect_text(mem_strdup("exeption:\n  id: EX-2026-0007\n"),
	    FILE_NAME ":1:1: error: unknown key 'exeption' in exception file "
	    "(did you mean 'exception'?)\n"
	    FILE_NAME ":1:1: error: missing required key 'exception' in "
	    "exception file");
	expect_text(mem_strdup("exception: EX-2026-0007\n"), FILE_NAME ":1:12: "
	    "error: expected a mapping for 'exception', found a scalar");
	expect_text(variant(1, "extra: 1\nexception:", 0), FILE_NAME ":1:1: "
	    "error: unknown key 'extra' in exception file");
}

static void
test_required(void **state)
{
	(void)state;
	expect_text(variant(2, NULL, 0), FILE_NAME ":2:3: error: missing "
	    "required key 'id' in exception");
	expect_text(variant(3, NULL, 0), FILE_NAME ":2:3: error: missing "
	    "required key 'agency' in exception");
	expect_text(variant(4, NULL, 0), FILE_NAME ":2:3: error: missing "
	    "required key 'requested_by' in exception (clause 4: the agency "
	    "head or a designee asks for it)");
	expect_text(variant(5, NULL, 0), FILE_NAME ":2:3: error: missing "
	    "required key 'reasons' in exception " CLAUSE4);
	expect_text(variant(6, NULL, 0), FILE_NAME ":2:3: error: missing "
	    "required key 'circumstances' in exception " CLAUSE4);
	expect_text(variant(7, NULL, 0), FILE_NAME ":2:3: error: missing "
	    "required key 'access_controls' in exception " CLAUSE4);
	expect_text(variant(8, NULL, 0), FILE_NAME ":2:3: error: missing "
	    "required key 'scope' in exception (which rules, users or hosts "
	    "it covers)");
	expect_text(variant(9, NULL, 0), FILE_NAME ":2:3: error: missing "
	    "required key 'valid_from' in exception " CLAUSE4);
	expect_text(variant(10, NULL, 0), FILE_NAME ":2:3: error: missing "
	    "required key 'valid_until' in exception " CLAUSE4);
	expect_text(variant(9, NULL, 10, NULL, 0),
	    FILE_NAME ":2:3: error: missing required key 'valid_from' in "
	    "exception " CLAUSE4 "\n"
	    FILE_NAME ":2:3: error: missing required key 'valid_until' in "
	    "exception " CLAUSE4);
	expect_text(variant(11, NULL, 0), FILE_NAME ":2:3: error: missing "
	    "required key 'status' in exception");

	/* requested_by's own keys. */
	expect_text(variant(4, "  requested_by: { role: head, email: d@x }", 0),
	    FILE_NAME ":4:17: error: missing required key 'name' in "
	    "requested_by");
	expect_text(variant(4, "  requested_by: { name: D, email: d@x }", 0),
	    FILE_NAME ":4:17: error: missing required key 'role' in "
	    "requested_by");
	expect_text(variant(4, "  requested_by: { name: D, role: head }", 0),
	    FILE_NAME ":4:17: error: missing required key 'email' in "
	    "requested_by");
	expect_text(variant(4, "  requested_by: Dana", 0), FILE_NAME ":4:17: "
	    "error: expected a mapping for 'requested_by', found a scalar");
	expect_text(variant(4, "  requested_by: { name: D, role: head, email: "
	    "d@x, phone: 1 }", 0), FILE_NAME ":4:52: error: unknown key "
	    "'phone' in requested_by");
}

static void
test_texts(void **state)
{
	(void)state;
	expect_text(variant(6, "  circumstances: \"\"", 0), FILE_NAME ":6:18: "
	    "error: 'circumstances' must not be empty");
	expect_text(variant(6, "  circumstances:", 0), FILE_NAME ":6:17: "
	    "error: 'circumstances' must not be empty");
	expect_text(variant(5, "  reasons: '   '", 0), FILE_NAME ":5:12: "
	    "error: 'reasons' must not be empty");
	expect_text(variant(7, "  access_controls: [a, b]", 0),
	    FILE_NAME ":7:20: error: expected a scalar for 'access_controls', "
	    "found a list");
	expect_text(variant(4, "  requested_by: { name: ' ', role: head, "
	    "email: d@x }", 0), FILE_NAME ":4:25: error: 'name' must not be "
	    "empty");
	expect_text(variant(7, "  access_control: A", 0), FILE_NAME ":7:3: "
	    "error: unknown key 'access_control' in exception (did you mean "
	    "'access_controls'?)\n"
	    FILE_NAME ":2:3: error: missing required key 'access_controls' in "
	    "exception " CLAUSE4);
}

static void
test_email(void **state)
{
	static const char *const bad[] = { "nobody", "'@dep.example'",
		"dana@", "a@b@dep.example" };
	static const char *const good[] = { "a@b", "Dana.W+x@dep.example" };

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char line[200], want[400];
		const char *shown = bad[i][0] == '\'' ? "@dep.example" : bad[i];

		(void)snprintf(line, sizeof(line), "  requested_by: { name: D, "
		    "role: head, email: %s }", bad[i]);
		(void)snprintf(want, sizeof(want), FILE_NAME ":4:47: error: "
		    "'%s' is not an e-mail address (expected one '@' with text "
		    "on both sides)", shown);
		expect_text(variant(4, line, 0), want);
	}
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		char line[200];
		struct node_doc *doc;
		struct exception *e;

		(void)snprintf(line, sizeof(line), "  requested_by: { name: D, "
		    "role: head, email: %s }", good[i]);
		e = expect_ok(variant(4, line, 0), &doc);
		assert_string_equal(e->requester_email, good[i]);
		done(&e, &doc);
	}
}

static void
test_id(void **state)
{
	struct node_doc *doc;
	struct exception *e;
	char *text;

	(void)state;
	expect_text(variant(2, "  id: EX-2026-0008", 0), FILE_NAME ":2:7: "
	    "error: exception id 'EX-2026-0008' does not match file name "
	    "'EX-2026-0007.yaml'");
	expect_text(variant(2, "  id: EX 2026", 0), FILE_NAME ":2:9: error: "
	    "exception id 'EX 2026' may hold only letters, digits, '.', '-' "
	    "and '_'");
	expect_text(variant(2, "  id: ../EX-2026-0007", 0), FILE_NAME ":2:9: "
	    "error: exception id '../EX-2026-0007' may hold only letters, "
	    "digits, '.', '-' and '_'");
	/* A name starting with '.' is hidden: the folder loader skips it. */
	expect_text(variant(2, "  id: .EX-2026-0007", 0), FILE_NAME ":2:7: "
	    "error: exception id '.EX-2026-0007' must not start with '.'");
	/* The id is case-sensitive, like the file system. */
	expect_text(variant(2, "  id: ex-2026-0007", 0), FILE_NAME ":2:7: "
	    "error: exception id 'ex-2026-0007' does not match file name "
	    "'EX-2026-0007.yaml'");

	/* Only the base name counts; ".yml" is not "ID.yaml". */
	text = base_text();
	e = load_as("EX-2026-0007.yaml", text, &doc);
	assert_non_null(e);
	done(&e, &doc);
	e = load_as("/etc/msgsec/exceptions/EX-2026-0007.yml", text, &doc);
	assert_null(e);
	assert_string_equal(diags_seen, "/etc/msgsec/exceptions/"
	    "EX-2026-0007.yml:2:7: error: exception id 'EX-2026-0007' does "
	    "not match file name 'EX-2026-0007.yml'");
	node_doc_free(&doc);
	free(text);
}

static void
test_agency(void **state)
{
	struct node_doc *doc;
	struct exception *e;

	(void)state;
	expect_text(variant(3, "  agency: DPE", 0), FILE_NAME ":3:11: error: "
	    "unknown agency 'DPE' (did you mean 'DEP'?)");
	expect_text(variant(3, "  agency: XYZZY", 0), FILE_NAME ":3:11: "
	    "error: unknown agency 'XYZZY'");
	expect_text(variant(3, "  agency: dep", 0), FILE_NAME ":3:11: "
	    "error: unknown agency 'dep' (did you mean 'DEP'?)");
	e = expect_ok(variant(3, "  agency: DOR", 0), &doc);
	assert_ptr_equal(e->agency, &agencies[1]);
	done(&e, &doc);
}

static void
test_scope(void **state)
{
	struct node_doc *doc;
	struct exception *e;

	(void)state;
	expect_text(variant(8, "  scope: {}", 0), FILE_NAME ":8:10: error: "
	    "scope must name at least one of rules, users or hosts");
	expect_text(variant(8, "  scope: { rules: [], users: [] }", 0),
	    FILE_NAME ":8:10: error: scope must name at least one of rules, "
	    "users or hosts");
	expect_text(variant(8, "  scope: network.webmail", 0),
	    FILE_NAME ":8:10: error: expected a mapping for 'scope', found a "
	    "scalar");
	/* A malformed list says so, and only so. */
	expect_text(variant(8, "  scope: { rules: network.webmail }", 0),
	    FILE_NAME ":8:19: error: expected a list for 'rules', found a "
	    "scalar");
	expect_text(variant(8, "  scope: { user: [a@b.example] }", 0),
	    FILE_NAME ":8:12: error: unknown key 'user' in scope (did you "
	    "mean 'users'?)\n"
	    FILE_NAME ":8:10: error: scope must name at least one of rules, "
	    "users or hosts");
	expect_text(variant(8, "  scope: { hosts: [192.0.2.17/24] }", 0),
	    FILE_NAME ":8:20: error: bad host '192.0.2.17/24' in scope: host "
	    "bits set below the prefix");
	expect_text(variant(8, "  scope: { hosts: [host.example] }", 0),
	    FILE_NAME ":8:20: error: bad host 'host.example' in scope: bad "
	    "character in IPv4 address");
	/* The column of the bad byte in a user's domain. */
	expect_text(variant(8, "  scope: { users: [lab@dep..example] }", 0),
	    FILE_NAME ":8:28: error: bad user 'lab@dep..example' in scope: "
	    "empty label");
	expect_text(variant(8, "  scope: { users: [partner..example] }", 0),
	    FILE_NAME ":8:28: error: bad user 'partner..example' in scope: "
	    "empty label");
	expect_text(variant(8, "  scope: { users: ['@dep.example'] }", 0),
	    FILE_NAME ":8:20: error: bad user '@dep.example' in scope: "
	    "expected an address or a domain");
	expect_text(variant(8, "  scope: { users: [a@b@dep.example] }", 0),
	    FILE_NAME ":8:20: error: bad user 'a@b@dep.example' in scope: "
	    "expected an address or a domain");
	expect_text(variant(8, "  scope: { rules: [\"\"] }", 0),
	    FILE_NAME ":8:20: error: empty rule in scope");
	expect_text(variant(8, "  scope: { rules: [network webmail] }", 0),
	    FILE_NAME ":8:27: error: scope rule 'network webmail' may hold "
	    "only letters, digits, '.', '-', '_' and '*'");
	expect_text(variant(8, "  scope: { rules: [[a]] }", 0),
	    FILE_NAME ":8:20: error: expected a scalar for 'rules', found a "
	    "list");

	/* Any one dimension is enough. */
	e = expect_ok(variant(8, "  scope: { rules: ['*'] }", 0), &doc);
	assert_int_equal(e->nrule_globs, 1);
	assert_int_equal(e->nusers, 0);
	assert_null(e->hosts);
	done(&e, &doc);
	e = expect_ok(variant(8, "  scope: { users: [Lab@DEP.example] }", 0),
	    &doc);
	assert_int_equal(e->nrule_globs, 0);
	assert_int_equal(e->nusers, 1);
	done(&e, &doc);
	e = expect_ok(variant(8, "  scope:\n    rules:\n    users: ~\n"
	    "    hosts: [192.0.2.17]", 0), &doc);
	assert_int_equal(cidrset_count(e->hosts), 1);
	done(&e, &doc);
}

static void
test_window(void **state)
{
	struct node_doc *doc;
	struct exception *e;

	(void)state;
	/* 2026-01-01 .. 2026-12-31 is 365 days: exactly the maximum. */
	e = expect_ok(base_text(), &doc);
	assert_true(exception_in_force(e, &set, day("2026-07-01")));
	done(&e, &doc);
	/* One day over. */
	expect_text(variant(10, "  valid_until: 2027-01-01", 0),
	    FILE_NAME ":10:16: error: window of 366 days exceeds the maximum "
	    "of 365 days (exceptions.max_days)");
	/* A leap year is 366 days too. */
	expect_text(variant(9, "  valid_from: 2024-01-01", 10,
	    "  valid_until: 2024-12-31", 0), FILE_NAME ":10:16: error: window "
	    "of 366 days exceeds the maximum of 365 days "
	    "(exceptions.max_days)");
	expect_text(variant(10, "  valid_until: 2027-02-04", 0),
	    FILE_NAME ":10:16: error: window of 400 days exceeds the maximum "
	    "of 365 days (exceptions.max_days)");
	/* The maximum is a setting. */
	set.max_days = 400;
	e = expect_ok(variant(10, "  valid_until: 2027-02-04", 0), &doc);
	done(&e, &doc);
	expect_text(variant(10, "  valid_until: 2027-02-05", 0),
	    FILE_NAME ":10:16: error: window of 401 days exceeds the maximum "
	    "of 400 days (exceptions.max_days)");
	set.max_days = 365;
	/* One day: from = until. */
	e = expect_ok(variant(10, "  valid_until: 2026-01-01", 0), &doc);
	assert_true(exception_in_force(e, &set, day("2026-01-01")));
	assert_false(exception_in_force(e, &set, day("2026-01-02")));
	done(&e, &doc);
	expect_text(variant(10, "  valid_until: 2025-12-31", 0),
	    FILE_NAME ":10:16: error: valid_until is before valid_from");
	expect_text(variant(9, "  valid_from: 2026-02-30", 0),
	    FILE_NAME ":9:15: error: bad date '2026-02-30' in 'valid_from': no "
	    "such day in that month");
	expect_text(variant(10, "  valid_until: 2026-12-31T00:00:00Z", 0),
	    FILE_NAME ":10:16: error: bad date '2026-12-31T00:00:00Z' in "
	    "'valid_until': unexpected text after YYYY-MM-DD");
	expect_text(variant(9, "  valid_from: soon", 10,
	    "  valid_until: 2026-13-01", 0),
	    FILE_NAME ":9:15: error: bad date 'soon' in 'valid_from': expected "
	    "a date as YYYY-MM-DD\n"
	    FILE_NAME ":10:16: error: bad date '2026-13-01' in 'valid_until': "
	    "month 13 out of range");
}

static void
test_statuses(void **state)
{
	static const struct {
		const char *status, *r13, *r14;
		enum exception_status want;
	} ok[] = {
		{ "requested", NULL, NULL, EXC_REQUESTED },
		{ "approved", "", "", EXC_APPROVED },
		{ "denied", "", "    - { body: ESB, decision: denied, by: T, "
		    "on: 2025-12-02 }", EXC_DENIED },
		{ "revoked", "", "", EXC_REVOKED },
		{ "expired", "", "", EXC_EXPIRED },
	};
	struct node_doc *doc;
	struct exception *e;

	(void)state;
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		char line[64];
		char *text;

		(void)snprintf(line, sizeof(line), "  status: %s",
		    ok[i].status);
		if (ok[i].r13 == NULL)	/* no reviews at all */
			text = variant(11, line, 12, NULL, 13, NULL, 14, NULL,
			    0);
		else if (*ok[i].r14 != '\0')
			text = variant(11, line, 14, ok[i].r14, 0);
		else
			text = variant(11, line, 0);
		e = expect_ok(text, &doc);
		assert_int_equal(e->status, ok[i].want);
		assert_string_equal(exception_status_name(e->status),
		    ok[i].status);
		assert_int_equal(exception_in_force(e, &set,
		    day("2026-06-01")), ok[i].want == EXC_APPROVED);
		done(&e, &doc);
	}
	assert_string_equal(exception_status_name((enum exception_status)99),
	    "?");
	expect_text(variant(11, "  status: aproved", 0), FILE_NAME ":11:11: "
	    "error: 'status' must be requested, approved, denied, revoked or "
	    "expired, not 'aproved' (did you mean 'approved'?)");
	expect_text(variant(11, "  status: pending", 0), FILE_NAME ":11:11: "
	    "error: 'status' must be requested, approved, denied, revoked or "
	    "expired, not 'pending'");
}

static void
test_reviews(void **state)
{
	struct node_doc *doc;
	struct exception *e;

	(void)state;
	/* An unknown body; the status check is skipped, not repeated. */
	expect_text(variant(14, "    - { body: EBS, decision: approved, by: T, "
	    "on: 2025-12-02 }", 0), FILE_NAME ":14:15: error: unknown "
	    "approving body 'EBS' (expected MassIT or ESB; did you mean "
	    "'ESB'?)");
	expect_text(variant(13, "    - { body: MassITT, decision: approved, by: "
	    "P, on: 2025-12-01 }", 0), FILE_NAME ":13:15: error: unknown "
	    "approving body 'MassITT' (expected MassIT or ESB; did you mean "
	    "'MassIT'?)");
	expect_text(variant(14, "    - { body: Governor, decision: approved, "
	    "by: T, on: 2025-12-02 }", 0), FILE_NAME ":14:15: error: unknown "
	    "approving body 'Governor' (expected MassIT or ESB)");
	expect_text(variant(14, "    - { body: MassIT, decision: approved, by: "
	    "T, on: 2025-12-02 }", 0), FILE_NAME ":14:15: error: MassIT "
	    "reviewed this exception twice");
	expect_text(variant(14, "    - { body: ESB, decision: aproved, by: T, "
	    "on: 2025-12-02 }", 0), FILE_NAME ":14:30: error: 'decision' must "
	    "be approved or denied, not 'aproved' (did you mean 'approved'?)");
	expect_text(variant(14, "    - { body: ESB, decision: approved, on: "
	    "2025-12-02 }", 0), FILE_NAME ":14:7: error: missing required key "
	    "'by' in review");
	expect_text(variant(14, "    - { body: ESB, decision: approved, by: T, "
	    "on: 2025-12-32 }", 0), FILE_NAME ":14:51: error: bad date "
	    "'2025-12-32' in 'on': no such day in that month");
	expect_text(variant(14, "    - { body: ESB, decision: approved, by: T, "
	    "on: 2025-12-02, when: now }", 0), FILE_NAME ":14:63: error: "
	    "unknown key 'when' in review");
	expect_text(variant(14, "    - ESB approved", 0), FILE_NAME ":14:7: "
	    "error: expected a mapping for 'reviews', found a scalar");
	expect_text(variant(12, "  reviews: MassIT", 13, NULL, 14, NULL, 0),
	    FILE_NAME ":12:12: error: expected a list for 'reviews', found a "
	    "scalar");
	/* Every error of a review is reported. */
	expect_text(variant(14, "    - { body: EBS, decision: maybe, by: '', "
	    "on: x }", 0),
	    FILE_NAME ":14:15: error: unknown approving body 'EBS' (expected "
	    "MassIT or ESB; did you mean 'ESB'?)\n"
	    FILE_NAME ":14:30: error: 'decision' must be approved or denied, "
	    "not 'maybe'\n"
	    FILE_NAME ":14:41: error: 'by' must not be empty\n"
	    FILE_NAME ":14:49: error: bad date 'x' in 'on': expected a date as "
	    "YYYY-MM-DD");

	expect_text(variant(14, "    - { body: ESB, decision: approved, by: T, "
	    "on: 2025-12-02, note: [a] }", 0), FILE_NAME ":14:69: error: "
	    "expected a scalar for 'note', found a list");
	e = expect_ok(variant(14, "    - { body: ESB, decision: approved, by: "
	    "T, on: 2025-12-02, note: ~ }", 0), &doc);
	assert_null(e->reviews[1].note);
	done(&e, &doc);

	/* Reviews are optional for a request. */
	e = expect_ok(variant(11, "  status: requested", 12, NULL, 13, NULL,
	    14, NULL, 0), &doc);
	assert_int_equal(e->nreviews, 0);
	assert_false(exception_fully_approved(e, &set));
	done(&e, &doc);
}

static void
test_approvals(void **state)
{
	struct node_doc *doc;
	struct exception *e;
	char *three[] = { "MassIT", "ESB", "Counsel" };
	struct exception_settings set3 = { three, 3, 365 };

	(void)state;
	expect_text(variant(14, NULL, 0), FILE_NAME ":11:11: error: status is "
	    "approved but ESB has not approved it");
	expect_text(variant(13, NULL, 14, NULL, 0),
	    FILE_NAME ":11:11: error: status is approved but MassIT has not "
	    "approved it\n"
	    FILE_NAME ":11:11: error: status is approved but ESB has not "
	    "approved it");
	expect_text(variant(12, NULL, 13, NULL, 14, NULL, 0),
	    FILE_NAME ":11:11: error: status is approved but MassIT has not "
	    "approved it\n"
	    FILE_NAME ":11:11: error: status is approved but ESB has not "
	    "approved it");
	expect_text(variant(14, "    - { body: ESB, decision: denied, by: T, "
	    "on: 2025-12-02 }", 0),
	    FILE_NAME ":11:11: error: status is approved but ESB has not "
	    "approved it\n"
	    FILE_NAME ":11:11: error: status is approved but a review denied "
	    "it");
	expect_text(variant(14, "    - { body: ESB, decision: approved, by: "
	    "P. Raman, on: 2025-12-02 }", 0), FILE_NAME ":11:11: error: "
	    "MassIT and ESB approvals are both by 'P. Raman': the policy "
	    "needs two different approvers");
	/* Case and spacing do not make two people. */
	expect_text(variant(14, "    - { body: ESB, decision: approved, by: "
	    "'p.  RAMAN ', on: 2025-12-02 }", 0), FILE_NAME ":11:11: error: "
	    "MassIT and ESB approvals are both by 'p.  RAMAN ': the policy "
	    "needs two different approvers");
	expect_text(variant(11, "  status: denied", 0), FILE_NAME ":11:11: "
	    "error: status is denied but no review denied it");

	/* A request may carry one approval, or the same person twice. */
	e = expect_ok(variant(11, "  status: requested", 14, NULL, 0), &doc);
	assert_false(exception_fully_approved(e, &set));
	assert_false(exception_in_force(e, &set, day("2026-06-01")));
	done(&e, &doc);
	e = expect_ok(variant(11, "  status: requested", 14, "    - { body: "
	    "ESB, decision: approved, by: P. Raman, on: 2025-12-02 }", 0),
	    &doc);
	assert_false(exception_fully_approved(e, &set));
	done(&e, &doc);
	/* Denied by one body: consistent even though the other approved. */
	e = expect_ok(variant(11, "  status: denied", 14, "    - { body: ESB, "
	    "decision: denied, by: T, on: 2025-12-02 }", 0), &doc);
	assert_false(exception_fully_approved(e, &set));
	assert_false(exception_in_force(e, &set, day("2026-06-01")));
	done(&e, &doc);

	/* The bodies are a setting: a third one must approve too. */
	e = expect_ok(base_text(), &doc);
	assert_true(exception_fully_approved(e, &set));
	assert_false(exception_fully_approved(e, &set3));
	assert_false(exception_in_force(e, &set3, day("2026-06-01")));
	done(&e, &doc);
}

static void
test_history(void **state)
{
	struct node_doc *doc;
	struct exception *e;

	(void)state;
	e = expect_ok(variant(17, "    - { on: 2025-12-02T10:11:00.5+02:00, "
	    "by: T, action: approved }\n"
	    "    - { on: 2025-12-03, by: P, action: noted }", 0), &doc);
	assert_int_equal(e->nhistory, 3);
	done(&e, &doc);
	e = expect_ok(variant(15, NULL, 16, NULL, 17, NULL, 0), &doc);
	assert_int_equal(e->nhistory, 0);
	done(&e, &doc);
	expect_text(variant(16, "    - { on: 2025-11-20 09:00, by: D, action: "
	    "requested }", 0), FILE_NAME ":16:13: error: bad time "
	    "'2025-11-20 09:00' in history: expected a time as HH:MM:SS");
	expect_text(variant(16, "    - { on: 2025-11-20T09:00:00Z, by: D }", 0),
	    FILE_NAME ":16:7: error: missing required key 'action' in history "
	    "entry");
	expect_text(variant(16, "    - { by: D, action: requested }", 0),
	    FILE_NAME ":16:7: error: missing required key 'on' in history "
	    "entry");
	expect_text(variant(16, "    - { on: 2025-11-20T09:00:00Z, action: "
	    "requested, who: D }", 0),
	    FILE_NAME ":16:54: error: unknown key 'who' in history entry\n"
	    FILE_NAME ":16:7: error: missing required key 'by' in history "
	    "entry");
	expect_text(variant(16, "    - requested", 0), FILE_NAME ":16:7: "
	    "error: expected a mapping for 'history', found a scalar");
	expect_text(variant(15, "  history: {}", 16, NULL, 17, NULL, 0),
	    FILE_NAME ":15:12: error: expected a list for 'history', found a "
	    "mapping");
}

/* A record with several problems reports them all, and is refused. */
static void
test_all_errors_reported(void **state)
{
	(void)state;
	expect_text(variant(3, "  agency: XYZZY", 5, NULL, 10,
	    "  valid_until: 2028-01-01", 14, NULL, 0),
	    FILE_NAME ":3:11: error: unknown agency 'XYZZY'\n"
	    FILE_NAME ":2:3: error: missing required key 'reasons' in "
	    "exception " CLAUSE4 "\n"
	    FILE_NAME ":9:16: error: window of 731 days exceeds the maximum "
	    "of 365 days (exceptions.max_days)\n"
	    FILE_NAME ":10:11: error: status is approved but ESB has not "
	    "approved it");
}

static void
test_in_force(void **state)
{
	struct node_doc *doc;
	struct exception *e;

	(void)state;
	e = expect_ok(base_text(), &doc);
	assert_false(exception_in_force(e, &set, day("2025-12-31")));
	assert_true(exception_in_force(e, &set, day("2026-01-01")));
	assert_true(exception_in_force(e, &set, day("2026-12-31")));
	assert_false(exception_in_force(e, &set, day("2027-01-01")));
	/* A record loaded under a longer maximum is not in force under a
	 * shorter one (a reload that lowers exceptions.max_days). */
	set.max_days = 364;
	assert_false(exception_in_force(e, &set, day("2026-06-01")));
	set.max_days = 365;
	/* Status is what the file says: revoked stops it at once. */
	e->status = EXC_REVOKED;
	assert_false(exception_in_force(e, &set, day("2026-06-01")));
	e->status = EXC_EXPIRED;
	assert_false(exception_in_force(e, &set, day("2026-06-01")));
	done(&e, &doc);
}

static void
test_covers(void **state)
{
	struct node_doc *doc;
	struct exception *e;
	struct ipaddr in = addr("192.0.2.20"), edge = addr("192.0.2.31"),
	    out = addr("192.0.2.32"), v6 = addr("2001:db8::1");
	struct span lab = span_from_cstr("lab@dep.example");

	(void)state;
	e = expect_ok(base_text(), &doc);
	/* rules: network.webmail* */
	assert_true(exception_covers(e, "network.webmail", "DEP", lab, &in));
	assert_true(exception_covers(e, "network.webmail.upload", "DEP", lab,
	    &in));
	assert_false(exception_covers(e, "network.im", "DEP", lab, &in));
	assert_false(exception_covers(e, "Network.webmail", "DEP", lab, &in));
	/* agency: exactly the one it was granted to */
	assert_false(exception_covers(e, "network.webmail", "DOR", lab, &in));
	assert_false(exception_covers(e, "network.webmail", "dep", lab, &in));
	assert_false(exception_covers(e, "network.webmail", NULL, lab, &in));
	/* users: whole address, case-insensitively */
	assert_true(exception_covers(e, "network.webmail", "DEP",
	    span_from_cstr("LAB@Dep.Example"), &in));
	assert_false(exception_covers(e, "network.webmail", "DEP",
	    span_from_cstr("other@dep.example"), &in));
	assert_false(exception_covers(e, "network.webmail", "DEP",
	    span_from_cstr("xlab@dep.example"), &in));
	/* users: a domain covers itself and below, at label boundaries */
	assert_true(exception_covers(e, "network.webmail", "DEP",
	    span_from_cstr("a@partner.example"), &in));
	assert_true(exception_covers(e, "network.webmail", "DEP",
	    span_from_cstr("Someone@Mail.Partner.Example"), &in));
	assert_false(exception_covers(e, "network.webmail", "DEP",
	    span_from_cstr("a@notpartner.example"), &in));
	assert_false(exception_covers(e, "network.webmail", "DEP",
	    span_from_cstr("partner.example"), &in));
	/* users named, user unknown: not covered */
	assert_false(exception_covers(e, "network.webmail", "DEP",
	    span_from_cstr(""), &in));
	assert_false(exception_covers(e, "network.webmail", "DEP",
	    (struct span){ NULL, 0 }, &in));
	/* hosts: 192.0.2.16/28 */
	assert_true(exception_covers(e, "network.webmail", "DEP", lab, &edge));
	assert_false(exception_covers(e, "network.webmail", "DEP", lab, &out));
	assert_false(exception_covers(e, "network.webmail", "DEP", lab, &v6));
	assert_false(exception_covers(e, "network.webmail", "DEP", lab, NULL));
	done(&e, &doc);

	/* No rules named: every rule; no users or hosts: any or none. */
	e = expect_ok(variant(8, "  scope: { hosts: [\"2001:db8::/32\"] }", 0),
	    &doc);
	assert_true(exception_covers(e, "anything.at.all", "DEP",
	    span_from_cstr(""), &v6));
	assert_true(exception_covers(e, "mail.x", "DEP", lab, &v6));
	assert_false(exception_covers(e, "mail.x", "DEP", lab, &in));
	done(&e, &doc);
	e = expect_ok(variant(8, "  scope: { rules: ['*.upload', "
	    "attach.dangerous-extension] }", 0), &doc);
	assert_true(exception_covers(e, "network.webmail.upload", "DEP",
	    (struct span){ NULL, 0 }, NULL));
	assert_true(exception_covers(e, "attach.dangerous-extension", "DEP",
	    (struct span){ NULL, 0 }, NULL));
	assert_false(exception_covers(e, "attach.dangerous-extension.zip",
	    "DEP", (struct span){ NULL, 0 }, NULL));
	assert_false(exception_covers(e, "network.upload.x", "DEP",
	    (struct span){ NULL, 0 }, NULL));
	assert_false(exception_covers(e, "network.webmail.upload", "EOHHS",
	    (struct span){ NULL, 0 }, NULL));
	done(&e, &doc);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_record),
		cmocka_unit_test(test_root),
		cmocka_unit_test(test_required),
		cmocka_unit_test(test_texts),
		cmocka_unit_test(test_email),
		cmocka_unit_test(test_id),
		cmocka_unit_test(test_agency),
		cmocka_unit_test(test_scope),
		cmocka_unit_test(test_window),
		cmocka_unit_test(test_statuses),
		cmocka_unit_test(test_reviews),
		cmocka_unit_test(test_approvals),
		cmocka_unit_test(test_history),
		cmocka_unit_test(test_all_errors_reported),
		cmocka_unit_test(test_in_force),
		cmocka_unit_test(test_covers),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
