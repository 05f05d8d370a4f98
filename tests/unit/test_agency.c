/*
 * test_agency.c - agency records: a full record read back field by field,
 * every diagnostic with its exact text, line and column (root shape,
 * ids, unknown keys, domains with the column of the bad byte, networks,
 * clause-2 records), records kept despite errors, duplicate ids across
 * files, and the lookups (most specific domain, network, id).
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
#include "mem.h"
#include "str.h"

struct loaded {
	struct node_doc *doc;
	struct agency *v;
	size_t n;
	struct diags d;
	char text[4096];	/* every diagnostic, one per line */
};

static void
diags_text(const struct diags *d, char *out, size_t len)
{
	size_t off = 0;

	out[0] = '\0';
	for (size_t i = 0; i < d->n && off < len; i++) {
		char line[1100];
		int w;

		diag_format(&d->v[i], line, sizeof(line));
		w = snprintf(out + off, len - off, "%s%s", i ? "\n" : "", line);
		assert_true(w > 0);
		off += (size_t)w;
	}
}

static void
load(struct loaded *l, const char *name, const char *text)
{
	memset(l, 0, sizeof(*l));
	diags_init(&l->d);
	l->doc = node_load_buffer(name, text, strlen(text), NULL, &l->d);
	assert_non_null(l->doc);
	agency_load_doc(l->doc->root, l->doc->file, &l->v, &l->n, &l->d);
	diags_text(&l->d, l->text, sizeof(l->text));
}

static void
unload(struct loaded *l)
{
	for (size_t i = 0; i < l->n; i++)
		agency_free_contents(&l->v[i]);
	free(l->v);
	node_doc_free(&l->doc);
	diags_free(&l->d);
}

/* text must give exactly these diagnostics (joined by newlines). */
static void
expect(const char *text, const char *want)
{
	struct loaded l;

	load(&l, "agencies/a.yaml", text);
	if (strcmp(l.text, want) != 0)
		fprintf(stderr, "input:\n%s\n", text);
	assert_string_equal(l.text, want);
	assert_int_equal(l.d.errors, l.d.n);
	unload(&l);
}

static int32_t
day(const char *s)
{
	int32_t v;
	const char *why;

	assert_int_equal(date_parse(s, strlen(s), &v, &why), 0);
	return v;
}

static struct ipaddr
addr(const char *s)
{
	struct ipaddr a;

	assert_int_equal(ipaddr_parse(s, strlen(s), &a), 0);
	return a;
}

static const char full[] =
    "# DEP\n"
    "agencies:\n"
    "  - id: DEP\n"
    "    name: Department of Environmental Protection\n"
    "    domains: [dep.example.gov, \"DEP-Mail.example.gov.\"]\n"
    "    networks: [192.0.2.0/24, \"2001:db8:20::/48\"]\n"
    "    acceptable_use_policy: { ref: DEP-AUP-2025, date: 2025-01-10 }\n"
    "    inbound_content_filtering: { counsel_approval: GC-2025-014, "
    "date: 2025-02-01 }\n"
    "    official_im: [teams.example.gov]\n"
    "  - { id: dor_2 }\n";

static void
test_full_record(void **state)
{
	struct loaded l;
	const struct agency *a;
	struct ipaddr in6 = addr("2001:db8:20:1::5");

	(void)state;
	load(&l, "agencies/a.yaml", full);
	assert_string_equal(l.text, "");
	assert_int_equal(l.n, 2);
	a = &l.v[0];
	assert_string_equal(a->id, "DEP");
	assert_string_equal(a->name, "Department of Environmental Protection");
	assert_string_equal(a->file, "agencies/a.yaml");
	assert_int_equal(a->line, 3);
	assert_int_equal(a->col, 5);
	assert_int_equal(domset_count(a->domains), 2);
	assert_true(domset_match(a->domains, "x.dep-mail.example.gov", 22,
	    NULL));
	assert_int_equal(cidrset_count(a->networks), 2);
	assert_true(cidrset_match(a->networks, &in6));
	assert_string_equal(a->aup_ref, "DEP-AUP-2025");
	assert_int_equal(a->aup_date, day("2025-01-10"));
	assert_string_equal(a->counsel_ref, "GC-2025-014");
	assert_int_equal(a->counsel_date, day("2025-02-01"));
	assert_true(domset_match(a->official_im, "teams.example.gov", 17,
	    NULL));

	/* Only an id: empty sets, no clause-2 records. */
	a = &l.v[1];
	assert_string_equal(a->id, "dor_2");
	assert_null(a->name);
	assert_non_null(a->domains);
	assert_int_equal(domset_count(a->domains), 0);
	assert_non_null(a->networks);
	assert_int_equal(cidrset_count(a->networks), 0);
	assert_non_null(a->official_im);
	assert_null(a->aup_ref);
	assert_null(a->counsel_ref);
	assert_int_equal(a->line, 10);
	assert_int_equal(a->col, 5);
	unload(&l);

	/* A null optional value is the same as leaving the key out. */
	load(&l, "agencies/a.yaml", "agencies:\n  - id: DEP\n    name:\n"
	    "    domains:\n    networks: ~\n    acceptable_use_policy:\n"
	    "    inbound_content_filtering: null\n    official_im:\n");
	assert_string_equal(l.text, "");
	assert_int_equal(l.n, 1);
	assert_null(l.v[0].aup_ref);
	assert_null(l.v[0].counsel_ref);
	assert_int_equal(domset_count(l.v[0].domains), 0);
	unload(&l);

	/* An empty list is a valid file with no agencies. */
	load(&l, "agencies/a.yaml", "agencies: []\n");
	assert_string_equal(l.text, "");
	assert_int_equal(l.n, 0);
	unload(&l);
}

static void
test_root(void **state)
{
	(void)state;
	expect("", "agencies/a.yaml: error: an agency file is a mapping with "
	    "the key 'agencies'");
	expect("- id: DEP\n", "agencies/a.yaml:1:1: error: an agency file is "
	    "a mapping with the key 'agencies'");
	expect("agencys:\n  - id: DEP\n",
	    "agencies/a.yaml:1:1: error: unknown key 'agencys' in agency file "
	    "(did you mean 'agencies'?)\n"
	    "agencies/a.yaml:1:1: error: missing required key 'agencies' in "
	    "agency file");
	expect("agencies: []\nrules: []\n",
	    "agencies/a.yaml:2:1: error: unknown key 'rules' in agency file");
	expect("agencies: DEP\n", "agencies/a.yaml:1:11: error: expected a "
	    "list for 'agencies', found a scalar");
	expect("agencies: { id: DEP }\n", "agencies/a.yaml:1:11: error: "
	    "expected a list for 'agencies', found a mapping");
	expect("agencies:\n  - DEP\n", "agencies/a.yaml:2:5: error: expected "
	    "a mapping for 'agencies', found a scalar");
}

static void
test_ids(void **state)
{
	(void)state;
	expect("agencies:\n  - name: Nobody\n", "agencies/a.yaml:2:5: error: "
	    "missing required key 'id' in agency");
	expect("agencies:\n  - { id: 'A B' }\n", "agencies/a.yaml:2:11: "
	    "error: agency id 'A B' may hold only letters, digits, '-' and "
	    "'_'");
	expect("agencies:\n  - { id: DEP.x }\n", "agencies/a.yaml:2:11: "
	    "error: agency id 'DEP.x' may hold only letters, digits, '-' and "
	    "'_'");
	expect("agencies:\n  - { id: \"\" }\n", "agencies/a.yaml:2:11: "
	    "error: 'id' must not be empty");
	/* The one id syntax's bound (id.h), exactly and one over. */
	{
		char *at = mem_printf("agencies:\n  - { id: %0200d }\n", 1);
		char *over = mem_printf("agencies:\n  - { id: A%0200d }\n", 1);
		struct loaded l;

		load(&l, "agencies/a.yaml", at);
		assert_string_equal(l.text, "");
		assert_int_equal(l.n, 1);
		assert_int_equal(strlen(l.v[0].id), 200);
		unload(&l);
		load(&l, "agencies/a.yaml", over);
		assert_int_equal(l.n, 0);
		assert_non_null(strstr(l.text, "agencies/a.yaml:2:11: error: "
		    "agency id 'A000"));
		assert_non_null(strstr(l.text, "' is longer than 200 bytes"));
		unload(&l);
		free(at);
		free(over);
	}
	expect("agencies:\n  - { id: [DEP] }\n", "agencies/a.yaml:2:11: "
	    "error: expected a scalar for 'id', found a list");
	expect("agencies:\n  - { id: DEP, name: [x] }\n",
	    "agencies/a.yaml:2:22: error: expected a scalar for 'name', found "
	    "a list");
}

static void
test_unknown_key(void **state)
{
	(void)state;
	expect("agencies:\n  - id: DEP\n    netwroks: [192.0.2.0/24]\n",
	    "agencies/a.yaml:3:5: error: unknown key 'netwroks' in agency "
	    "(did you mean 'networks'?)");
	expect("agencies:\n  - id: DEP\n    colour: green\n",
	    "agencies/a.yaml:3:5: error: unknown key 'colour' in agency");
	expect("agencies:\n  - id: DEP\n    acceptable_use_policy: { ref: X, "
	    "date: 2025-01-10, dat: 1 }\n",
	    "agencies/a.yaml:3:56: error: unknown key 'dat' in "
	    "'acceptable_use_policy' (did you mean 'date'?)");
}

static void
test_domains(void **state)
{
	(void)state;
	/* The column of the offending byte inside a plain scalar. */
	expect("agencies:\n  - id: DEP\n    domains: [dep..mass.example]\n",
	    "agencies/a.yaml:3:19: error: bad domain 'dep..mass.example' in "
	    "'domains': empty label");
	/* Inside a quoted one: one more for the quote. */
	expect("agencies:\n  - id: DEP\n    domains: [ok.example, "
	    "\"dep..mass.example\"]\n",
	    "agencies/a.yaml:3:32: error: bad domain 'dep..mass.example' in "
	    "'domains': empty label");
	/* A block scalar: the entry's own column. */
	expect("agencies:\n  - id: DEP\n    domains:\n      - |-\n"
	    "        dep..mass.example\n",
	    "agencies/a.yaml:4:9: error: bad domain 'dep..mass.example' in "
	    "'domains': empty label");
	expect("agencies:\n  - id: DEP\n    domains: [-dep.example]\n",
	    "agencies/a.yaml:3:15: error: bad domain '-dep.example' in "
	    "'domains': label starts with '-'");
	expect("agencies:\n  - id: DEP\n    domains: [\"\"]\n",
	    "agencies/a.yaml:3:16: error: bad domain '' in 'domains': empty "
	    "name");
	expect("agencies:\n  - id: DEP\n    domains: dep.example\n",
	    "agencies/a.yaml:3:14: error: expected a list for 'domains', "
	    "found a scalar");
	expect("agencies:\n  - id: DEP\n    domains: [[dep.example]]\n",
	    "agencies/a.yaml:3:15: error: expected a scalar for 'domains', "
	    "found a list");
	expect("agencies:\n  - id: DEP\n    official_im: [teams..example]\n",
	    "agencies/a.yaml:3:25: error: bad domain 'teams..example' in "
	    "'official_im': empty label");
}

static void
test_networks(void **state)
{
	(void)state;
	expect("agencies:\n  - id: DEP\n    networks: [192.0.2.1/24]\n",
	    "agencies/a.yaml:3:16: error: bad network '192.0.2.1/24' in "
	    "'networks': host bits set below the prefix");
	expect("agencies:\n  - id: DEP\n    networks: [192.0.2.0/33]\n",
	    "agencies/a.yaml:3:16: error: bad network '192.0.2.0/33' in "
	    "'networks': prefix longer than /32");
	expect("agencies:\n  - id: DEP\n    networks: [010.0.0.0/8]\n",
	    "agencies/a.yaml:3:16: error: bad network '010.0.0.0/8' in "
	    "'networks': leading zero in IPv4 octet");
	expect("agencies:\n  - id: DEP\n    networks: [\"2001:db8::1/32\"]\n",
	    "agencies/a.yaml:3:16: error: bad network '2001:db8::1/32' in "
	    "'networks': host bits set below the prefix");
	expect("agencies:\n  - id: DEP\n    networks: 192.0.2.0/24\n",
	    "agencies/a.yaml:3:15: error: expected a list for 'networks', "
	    "found a scalar");
}

static void
test_clause2_records(void **state)
{
	(void)state;
	expect("agencies:\n  - { id: A, acceptable_use_policy: { ref: X } }\n",
	    "agencies/a.yaml:2:37: error: missing required key 'date' in "
	    "'acceptable_use_policy'");
	expect("agencies:\n  - { id: A, acceptable_use_policy: { date: "
	    "2025-01-10 } }\n",
	    "agencies/a.yaml:2:37: error: missing required key 'ref' in "
	    "'acceptable_use_policy'");
	expect("agencies:\n  - { id: A, acceptable_use_policy: { ref: X, date: "
	    "2025-13-01 } }\n",
	    "agencies/a.yaml:2:53: error: bad date '2025-13-01' in "
	    "'acceptable_use_policy': month 13 out of range");
	expect("agencies:\n  - { id: A, acceptable_use_policy: X }\n",
	    "agencies/a.yaml:2:37: error: expected a mapping for "
	    "'acceptable_use_policy', found a scalar");
	expect("agencies:\n  - { id: A, inbound_content_filtering: { "
	    "counsel_approval: GC-1 } }\n",
	    "agencies/a.yaml:2:41: error: missing required key 'date' in "
	    "'inbound_content_filtering'");
	expect("agencies:\n  - { id: A, inbound_content_filtering: { "
	    "date: 2025-02-01 } }\n",
	    "agencies/a.yaml:2:41: error: missing required key "
	    "'counsel_approval' in 'inbound_content_filtering'");
	expect("agencies:\n  - { id: A, inbound_content_filtering: { "
	    "counsel_approval: GC-1, date: 2025-02-29 } }\n",
	    "agencies/a.yaml:2:73: error: bad date '2025-02-29' in "
	    "'inbound_content_filtering': no such day in that month");
}

/*
 * Every error of a record is reported, and the record is kept (without
 * its bad fields) so that exceptions naming it and the duplicate check do
 * not report follow-on errors.
 */
static void
test_kept_with_errors(void **state)
{
	struct loaded l;
	struct ipaddr a = addr("192.0.2.7");

	(void)state;
	load(&l, "agencies/a.yaml", "agencies:\n"
	    "  - id: DEP\n"
	    "    domains: [dep.example, bad..example]\n"
	    "    networks: [192.0.2.0/24, 198.51.100.1/24]\n"
	    "    acceptable_use_policy: { ref: X }\n"
	    "  - { id: 'no good' }\n"
	    "  - { id: DOR }\n");
	assert_string_equal(l.text,
	    "agencies/a.yaml:3:32: error: bad domain 'bad..example' in "
	    "'domains': empty label\n"
	    "agencies/a.yaml:4:30: error: bad network '198.51.100.1/24' in "
	    "'networks': host bits set below the prefix\n"
	    "agencies/a.yaml:5:28: error: missing required key 'date' in "
	    "'acceptable_use_policy'\n"
	    "agencies/a.yaml:6:11: error: agency id 'no good' may hold only "
	    "letters, digits, '-' and '_'");
	assert_int_equal(l.d.errors, 4);
	assert_int_equal(l.n, 2);
	assert_string_equal(l.v[0].id, "DEP");
	assert_int_equal(domset_count(l.v[0].domains), 1);
	assert_true(cidrset_match(l.v[0].networks, &a));
	assert_null(l.v[0].aup_ref);	/* half a record grants nothing */
	assert_string_equal(l.v[1].id, "DOR");
	unload(&l);
}

static void
test_duplicates(void **state)
{
	struct loaded l1, l2;
	struct agency *all;
	size_t n;
	char text[2048];

	(void)state;
	/* Within one file. */
	load(&l1, "agencies/a.yaml", "agencies:\n  - { id: A }\n  - { id: B }"
	    "\n  - { id: A }\n");
	agency_check_unique(l1.v, l1.n, &l1.d);
	diags_text(&l1.d, text, sizeof(text));
	assert_string_equal(text, "agencies/a.yaml:4:5: error: duplicate "
	    "agency id 'A' (first defined at agencies/a.yaml:2)");
	unload(&l1);

	/* Across files, as policy.c loads them: one array, then the check. */
	load(&l1, "agencies/agencies.yaml", "agencies:\n  - id: DEP\n"
	    "  - id: DOR\n");
	load(&l2, "agencies/more.yaml", "agencies:\n  - id: DEP\n"
	    "    name: again\n  - id: dor\n");
	all = mem_reallocarray(NULL, l1.n + l2.n, sizeof(*all));
	memcpy(all, l1.v, l1.n * sizeof(*all));
	memcpy(all + l1.n, l2.v, l2.n * sizeof(*all));
	n = l1.n + l2.n;
	agency_check_unique(all, n, &l2.d);
	diags_text(&l2.d, text, sizeof(text));
	/* Ids are case-sensitive: "dor" is another agency. */
	assert_string_equal(text, "agencies/more.yaml:2:5: error: duplicate "
	    "agency id 'DEP' (first defined at agencies/agencies.yaml:2)");
	free(all);
	unload(&l1);
	unload(&l2);
}

static void
test_lookups(void **state)
{
	struct loaded l;
	struct ipaddr a;

	(void)state;
	load(&l, "agencies/a.yaml", "agencies:\n"
	    "  - { id: GOV, domains: [example.gov], networks: [10.0.0.0/8] }\n"
	    "  - { id: DEP, domains: [dep.example.gov, dep.example.org], "
	    "networks: [10.20.0.0/16] }\n"
	    "  - { id: LAB, domains: [lab.dep.example.gov] }\n");
	assert_string_equal(l.text, "");
	assert_int_equal(l.n, 3);

#define BY_DOMAIN(s) agency_by_domain(l.v, l.n, (s), strlen(s))
	/* The most specific entry wins, whatever the order of agencies. */
	assert_ptr_equal(BY_DOMAIN("example.gov"), &l.v[0]);
	assert_ptr_equal(BY_DOMAIN("mail.example.gov"), &l.v[0]);
	assert_ptr_equal(BY_DOMAIN("dep.example.gov"), &l.v[1]);
	assert_ptr_equal(BY_DOMAIN("mx.DEP.Example.GOV."), &l.v[1]);
	assert_ptr_equal(BY_DOMAIN("dep.example.org"), &l.v[1]);
	assert_ptr_equal(BY_DOMAIN("lab.dep.example.gov"), &l.v[2]);
	assert_ptr_equal(BY_DOMAIN("x.lab.dep.example.gov"), &l.v[2]);
	/* Label boundaries only. */
	assert_null(BY_DOMAIN("notexample.gov"));
	assert_null(BY_DOMAIN("example.gov.evil.example"));
	assert_null(BY_DOMAIN("example.org"));
	assert_null(BY_DOMAIN(""));
	assert_null(agency_by_domain(l.v, l.n, "dep.example.gov", 3));
#undef BY_DOMAIN

	a = addr("10.20.3.4");
	assert_non_null(agency_by_addr(l.v, l.n, &a));
	a = addr("11.0.0.1");
	assert_null(agency_by_addr(l.v, l.n, &a));
	a = addr("10.1.2.3");
	assert_ptr_equal(agency_by_addr(l.v, l.n, &a), &l.v[0]);

	assert_ptr_equal(agency_by_id(l.v, l.n, "DEP"), &l.v[1]);
	assert_null(agency_by_id(l.v, l.n, "dep"));
	assert_null(agency_by_id(l.v, l.n, NULL));
	assert_null(agency_by_id(NULL, 0, "DEP"));
	unload(&l);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_full_record),
		cmocka_unit_test(test_root),
		cmocka_unit_test(test_ids),
		cmocka_unit_test(test_unknown_key),
		cmocka_unit_test(test_domains),
		cmocka_unit_test(test_networks),
		cmocka_unit_test(test_clause2_records),
		cmocka_unit_test(test_kept_with_errors),
		cmocka_unit_test(test_duplicates),
		cmocka_unit_test(test_lookups),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
