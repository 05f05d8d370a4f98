/*
 * test_policy.c - whole loads: the shipped configuration, the exception
 * query over it, reference counting and the holder, overrides, and a
 * failed load leaving nothing behind.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "date.h"
#include "policy.h"

static time_t
day(const char *s)
{
	int32_t d;
	const char *why;

	assert_int_equal(date_parse(s, strlen(s), &d, &why), 0);
	return date_day_start(d) + 12 * 3600;
}

static struct policy *
load_shipped(const char *const *sets, size_t nsets)
{
	struct diags d;
	struct policy *p;

	diags_init(&d);
	p = policy_load("rules/msgsec.yaml", sets, nsets, &d);
	if (p == NULL)
		diags_print(&d, stderr);
	diags_free(&d);
	return p;
}

static void
test_shipped_loads(void **state)
{
	struct policy *p = load_shipped(NULL, 0);

	(void)state;
	assert_non_null(p);
	assert_true(p->nrules > 30);
	assert_non_null(policy_rule(p, "attach.dangerous-extension"));
	assert_non_null(policy_list(p, "dangerous_extensions"));
	assert_true(policy_list(p, "dangerous_extensions")->count > 50);
	assert_int_equal(p->nagencies, 4);
	assert_int_equal(p->nexceptions, 6);
	policy_unref(&p);
	assert_null(p);
}

static void
test_exception_query(void **state)
{
	struct policy *p = load_shipped(NULL, 0);
	const struct exception *e;
	struct ipaddr h17, h99;
	struct span none = { "", 0 };

	(void)state;
	assert_non_null(p);
	assert_int_equal(ipaddr_parse("192.0.2.17", 10, &h17), 0);
	assert_int_equal(ipaddr_parse("192.0.2.99", 10, &h99), 0);
	/* EX-2026-0001: DEP, network.webmail, hosts .17/.18, 2026-06-01 ..
	 * 2027-05-31, approved by both. */
	e = policy_exception_for(p, "network.webmail", "DEP", none, &h17,
	    day("2026-11-22"));
	assert_non_null(e);
	assert_string_equal(e->id, "EX-2026-0001");
	assert_non_null(policy_exception_for(p, "network.webmail", "DEP", none,
	    &h17, day("2026-06-01")));
	assert_non_null(policy_exception_for(p, "network.webmail", "DEP", none,
	    &h17, day("2027-05-31")));
	assert_null(policy_exception_for(p, "network.webmail", "DEP", none,
	    &h17, day("2027-06-01")));
	assert_null(policy_exception_for(p, "network.webmail", "DEP", none,
	    &h17, day("2026-05-31")));
	assert_null(policy_exception_for(p, "network.webmail", "DEP", none,
	    &h99, day("2026-11-22")));
	assert_null(policy_exception_for(p, "network.im", "DEP", none, &h17,
	    day("2026-11-22")));
	assert_null(policy_exception_for(p, "network.webmail", "DOR", none,
	    &h17, day("2026-11-22")));
	assert_null(policy_exception_for(p, "network.webmail", NULL, none,
	    &h17, day("2026-11-22")));
	/* EX-2026-0003 has one approval only: never in force. */
	assert_null(policy_exception_for(p, "attach.dangerous-extension", "DOR",
	    span_from_cstr("audit-team@dor.mass.example"), NULL,
	    day("2026-12-15")));
	/* EX-2026-0006 was revoked. */
	assert_null(policy_exception_for(p, "attach.executable-type", "DEP",
	    span_from_cstr("lab-manager@dep.mass.example"), NULL,
	    day("2026-11-22")));
	policy_unref(&p);
}

static void
test_agency_lookup(void **state)
{
	struct policy *p = load_shipped(NULL, 0);
	struct ipaddr a;

	(void)state;
	assert_non_null(p);
	assert_string_equal(policy_agency_by_domain(p, "dep.mass.example",
	    16)->id, "DEP");
	assert_string_equal(policy_agency_by_domain(p, "Mail.HHS.mass.example.",
	    22)->id, "EOHHS");
	assert_null(policy_agency_by_domain(p, "mass.example", 12));
	assert_int_equal(ipaddr_parse("192.0.2.200", 11, &a), 0);
	assert_string_equal(policy_agency_by_addr(p, &a)->id, "DOR");
	assert_int_equal(ipaddr_parse("2001:db8:20::5", 14, &a), 0);
	assert_string_equal(policy_agency_by_addr(p, &a)->id, "DEP");
	assert_int_equal(ipaddr_parse("10.0.0.1", 8, &a), 0);
	assert_null(policy_agency_by_addr(p, &a));
	policy_unref(&p);
}

static void
test_overrides_and_failure(void **state)
{
	static const char *const ok[] = { "limits.mime_depth=7" };
	static const char *const tight[] = { "exceptions.max_days=30" };
	static const char *const bad[] = { "paths.rules=/nonexistent" };
	struct policy *p;
	struct diags d;

	(void)state;
	p = load_shipped(ok, 1);
	assert_non_null(p);
	assert_int_equal(p->config.limits.mime_depth, 7);
	policy_unref(&p);

	/* Windows longer than 30 days become errors. */
	diags_init(&d);
	assert_null(policy_load("rules/msgsec.yaml", tight, 1, &d));
	assert_true(d.errors > 0);
	diags_free(&d);

	diags_init(&d);
	assert_null(policy_load("rules/msgsec.yaml", bad, 1, &d));
	assert_true(d.errors > 0);
	diags_free(&d);

	diags_init(&d);
	assert_null(policy_load("/nonexistent/msgsec.yaml", NULL, 0, &d));
	assert_int_equal(d.errors, 1);
	diags_free(&d);
}

static void
test_holder(void **state)
{
	struct policy_holder h;
	struct policy *p1 = load_shipped(NULL, 0), *p2, *got;

	(void)state;
	assert_non_null(p1);
	policy_holder_init(&h, p1);
	got = policy_holder_get(&h);
	assert_ptr_equal(got, p1);
	p2 = load_shipped(NULL, 0);
	policy_holder_set(&h, p2);	/* p1 lives on through got */
	assert_int_equal(got->refcount, 1);
	policy_unref(&got);
	got = policy_holder_get(&h);
	assert_ptr_equal(got, p2);
	policy_unref(&got);
	policy_holder_destroy(&h);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shipped_loads),
		cmocka_unit_test(test_exception_query),
		cmocka_unit_test(test_agency_lookup),
		cmocka_unit_test(test_overrides_and_failure),
		cmocka_unit_test(test_holder),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
