/*
 * test_decide.c - one decision for the milter and the sensor: a rule's
 * agency scope and direction, exceptions judged per subject (the overall
 * action lowered only when every subject in scope is covered, the
 * smallest id named), monitor mode from the rule and from milter.monitor
 * (an exception names itself first), exceptions out of their window.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "decide.h"
#include "sensor_policy.h"

static const char mail_rules[] =
    "rules:\n"
    "  - { id: mail.scoped, policy: \"1.2\", agency: DEP, direction: "
    "inbound, match: { subject: { equals: x } }, action: reject }\n"
    "  - { id: mail.plain, policy: \"1.2\", match: { subject: { equals: "
    "x } }, action: quarantine }\n"
    "  - { id: mail.watch, policy: \"1.2\", match: { subject: { equals: "
    "x } }, action: reject, monitor: true }\n";

static const char agencies[] =
    "agencies:\n"
    "  - id: DEP\n"
    "    domains: [dep.example]\n"
    "    networks: [192.0.2.0/25]\n"
    "    acceptable_use_policy: { ref: DEP-AUP-2025, date: 2025-01-10 }\n"
    "    inbound_content_filtering: { counsel_approval: GC-2025-014, "
    "date: 2025-02-01 }\n"
    "  - id: DOR\n"
    "    domains: [dor.example]\n"
    "    networks: [192.0.2.128/25]\n";

/* An approved exception for agency, rules and users (a YAML list). */
static void
write_exception(const char *id, const char *agency, const char *rules,
    const char *users)
{
	char rel[64], text[2048];

	snprintf(rel, sizeof(rel), "exceptions/%s.yaml", id);
	snprintf(text, sizeof(text),
	    "exception:\n"
	    "  id: %s\n"
	    "  agency: %s\n"
	    "  requested_by: { name: Dana W, role: agency-head, email: "
	    "dana@dep.example }\n"
	    "  reasons: A partner needs it.\n"
	    "  circumstances: Every day.\n"
	    "  access_controls: One laptop.\n"
	    "  scope:\n"
	    "    rules: %s\n"
	    "%s%s%s"
	    "  valid_from: 2026-06-01\n"
	    "  valid_until: 2027-05-31\n"
	    "  status: approved\n"
	    "  reviews:\n"
	    "    - { body: MassIT, decision: approved, by: P R, on: "
	    "2026-05-20 }\n"
	    "    - { body: ESB, decision: approved, by: T O, on: "
	    "2026-05-27 }\n", id, agency, rules, users != NULL ?
	    "    users: " : "", users != NULL ? users : "", users != NULL ?
	    "\n" : "");
	sp_write(rel, text);
}

static const char *conf;

static int
group_setup(void **state)
{
	(void)state;
	conf = sp_setup();
	sp_write("policy/mail.yaml", mail_rules);
	sp_write("agencies/agencies.yaml", agencies);
	write_exception("EX-2026-0001", "DEP", "[network.webmail]", NULL);
	write_exception("EX-2026-0010", "DEP", "[mail.plain]",
	    "[a@dep.example]");
	write_exception("EX-2026-0011", "DOR", "[mail.plain, mail.watch]",
	    NULL);
	return 0;
}

static int
group_teardown(void **state)
{
	(void)state;
	sp_teardown();
	return 0;
}

struct fixture {
	struct policy *p;
	const struct agency *dep, *dor;
	struct decide_subject a, b, c, none;	/* a@dep, b@dep, c@dor */
	time_t now;
};

static const struct rule *
rule_of(const struct policy *p, const char *id)
{
	for (size_t i = 0; i < p->nrules; i++)
		if (strcmp(p->rules[i].id, id) == 0)
			return &p->rules[i];
	fail_msg("no rule %s", id);
	return NULL;
}

static int
fix_setup_with(void **state, const char *const *overrides, size_t n)
{
	struct fixture *x = calloc(1, sizeof(*x));
	struct diags d;

	assert_non_null(x);
	diags_init(&d);
	x->p = policy_load(conf, overrides, n, &d);
	if (x->p == NULL)
		diags_print(&d, stderr);
	diags_free(&d);
	assert_non_null(x->p);
	x->dep = policy_agency_by_domain(x->p, "dep.example", 11);
	x->dor = policy_agency_by_domain(x->p, "dor.example", 11);
	assert_non_null(x->dep);
	assert_non_null(x->dor);
	x->a = (struct decide_subject){ x->dep, "a@dep.example" };
	x->b = (struct decide_subject){ x->dep, "b@dep.example" };
	x->c = (struct decide_subject){ x->dor, "c@dor.example" };
	x->none = (struct decide_subject){ NULL, "d@elsewhere.example" };
	x->now = sp_day("2026-07-01");
	*state = x;
	return 0;
}

static int
fix_setup(void **state)
{
	return fix_setup_with(state, NULL, 0);
}

static int
fix_setup_monitor(void **state)
{
	static const char *const o[] = { "milter.monitor=true" };

	return fix_setup_with(state, o, 1);
}

static int
fix_teardown(void **state)
{
	struct fixture *x = *state;

	policy_unref(&x->p);
	free(x);
	return 0;
}

static void
run(const struct fixture *x, const char *rule, enum direction dir,
    const struct decide_subject *s, size_t n, struct decision *d,
    struct decide_outcome *each)
{
	struct decide_facts f = { rule_of(x->p, rule), dir, s, n, NULL,
		x->now };

	decide(x->p, &f, d, each);
}

static void
test_scope(void **state)
{
	struct fixture *x = *state;
	const struct rule *scoped = rule_of(x->p, "mail.scoped");
	const struct rule *plain = rule_of(x->p, "mail.plain");
	struct decide_subject both[2];

	assert_true(decide_agency_in_scope(plain, NULL));
	assert_true(decide_agency_in_scope(plain, x->dor));
	assert_true(decide_agency_in_scope(scoped, x->dep));
	assert_false(decide_agency_in_scope(scoped, x->dor));
	assert_false(decide_agency_in_scope(scoped, NULL));

	both[0] = x->c;
	both[1] = x->b;
	assert_true(decide_in_scope(scoped, DIRECTION_INBOUND, both, 2));
	assert_false(decide_in_scope(scoped, DIRECTION_INBOUND, both, 1));
	assert_false(decide_in_scope(scoped, DIRECTION_INBOUND, both, 0));
	/* An outbound message is not an inbound rule's. */
	assert_false(decide_in_scope(scoped, DIRECTION_OUTBOUND, both, 2));
	/* No direction (the sensor): every rule's direction takes it in. */
	assert_true(decide_in_scope(scoped, DIRECTION_BOTH, both, 2));
}

static void
test_per_subject(void **state)
{
	struct fixture *x = *state;
	struct decide_subject s[4] = { x->a, x->b, x->c, x->none };
	struct decide_outcome each[4];
	struct decision d;

	/* a covered by EX-2026-0010 (its address), c by EX-2026-0011 (all
	 * of DOR), b and the agency-less address by none. */
	run(x, "mail.plain", DIRECTION_INBOUND, s, 4, &d, each);
	assert_int_equal(d.nscope, 4);
	assert_int_equal(d.action, ACTION_QUARANTINE);
	assert_int_equal(d.intended, ACTION_QUARANTINE);
	assert_null(d.exception);
	assert_false(d.monitor);
	assert_int_equal(each[0].action, ACTION_LOG);
	assert_string_equal(each[0].exception, "EX-2026-0010");
	assert_int_equal(each[1].action, ACTION_QUARANTINE);
	assert_null(each[1].exception);
	assert_int_equal(each[2].action, ACTION_LOG);
	assert_string_equal(each[2].exception, "EX-2026-0011");
	assert_int_equal(each[3].action, ACTION_QUARANTINE);

	/* Every subject covered: log, the smallest id named. */
	s[0] = x->c;
	s[1] = x->a;
	run(x, "mail.plain", DIRECTION_INBOUND, s, 2, &d, NULL);
	assert_int_equal(d.action, ACTION_LOG);
	assert_string_equal(d.exception, "EX-2026-0010");

	/* Scoped: the DOR recipient is not the rule's. */
	s[0] = x->c;
	s[1] = x->b;
	run(x, "mail.scoped", DIRECTION_INBOUND, s, 2, &d, each);
	assert_int_equal(d.nscope, 1);
	assert_int_equal(d.action, ACTION_REJECT);
	assert_false(each[0].in_scope);
	assert_int_equal(each[0].action, ACTION_ACCEPT);
	assert_true(each[1].in_scope);
	assert_int_equal(each[1].action, ACTION_REJECT);

	/* Direction: nobody's. */
	run(x, "mail.scoped", DIRECTION_OUTBOUND, s, 2, &d, each);
	assert_int_equal(d.nscope, 0);
	assert_int_equal(d.action, ACTION_ACCEPT);
	assert_false(each[1].in_scope);
	assert_false(d.monitor);
}

static void
test_host_and_window(void **state)
{
	struct fixture *x = *state;
	struct decide_subject s = { x->dep, NULL };
	struct decide_facts f = { rule_of(x->p, "network.webmail"),
		DIRECTION_BOTH, &s, 1, NULL, x->now };
	struct decision d;

	/* EX-2026-0001 covers DEP for network.webmail, any host. */
	decide(x->p, &f, &d, NULL);
	assert_string_equal(d.exception, "EX-2026-0001");
	assert_int_equal(d.action, ACTION_LOG);
	/* Past valid_until: the rule's own action, no exception. */
	f.now = sp_day("2027-06-01");
	decide(x->p, &f, &d, NULL);
	assert_null(d.exception);
	assert_int_equal(d.nscope, 1);
	/* Of no agency: an exception granted to one is not its. */
	f.now = x->now;
	s.agency = NULL;
	decide(x->p, &f, &d, NULL);
	assert_null(d.exception);
}

static void
test_monitor_rule(void **state)
{
	struct fixture *x = *state;
	struct decide_subject s[2] = { x->b, x->c };
	struct decide_outcome each[2];
	struct decision d;

	assert_true(decide_is_monitor(x->p, rule_of(x->p, "mail.watch")));
	assert_false(decide_is_monitor(x->p, rule_of(x->p, "mail.plain")));
	/* monitor: true - log only, the rule's action kept as intended. */
	run(x, "mail.watch", DIRECTION_INBOUND, s, 1, &d, each);
	assert_int_equal(d.action, ACTION_LOG);
	assert_int_equal(d.intended, ACTION_REJECT);
	assert_true(d.monitor);
	assert_null(d.exception);
	/* An exception covering every subject names itself instead. */
	run(x, "mail.watch", DIRECTION_INBOUND, s + 1, 1, &d, each);
	assert_int_equal(d.action, ACTION_LOG);
	assert_string_equal(d.exception, "EX-2026-0011");
	assert_false(d.monitor);
	/* Covering some: monitor mode for the others. */
	run(x, "mail.watch", DIRECTION_INBOUND, s, 2, &d, each);
	assert_int_equal(d.action, ACTION_LOG);
	assert_null(d.exception);
	assert_true(d.monitor);
	assert_null(each[0].exception);
	assert_string_equal(each[1].exception, "EX-2026-0011");
}

static void
test_monitor_global(void **state)
{
	struct fixture *x = *state;
	struct decision d;

	/* milter.monitor: every rule is monitored. */
	assert_true(decide_is_monitor(x->p, rule_of(x->p, "mail.plain")));
	run(x, "mail.plain", DIRECTION_INBOUND, &x->b, 1, &d, NULL);
	assert_int_equal(d.action, ACTION_LOG);
	assert_int_equal(d.intended, ACTION_QUARANTINE);
	assert_true(d.monitor);
	run(x, "mail.plain", DIRECTION_INBOUND, &x->a, 1, &d, NULL);
	assert_string_equal(d.exception, "EX-2026-0010");
	assert_false(d.monitor);
}

static void
test_first_id(void **state)
{
	(void)state;
	assert_null(decide_first_id(NULL, NULL));
	assert_string_equal(decide_first_id("EX-2", NULL), "EX-2");
	assert_string_equal(decide_first_id(NULL, "EX-2"), "EX-2");
	assert_string_equal(decide_first_id("EX-2", "EX-1"), "EX-1");
	assert_string_equal(decide_first_id("EX-1", "EX-2"), "EX-1");
}

#define T(f) cmocka_unit_test_setup_teardown(f, fix_setup, fix_teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_scope),
		T(test_per_subject),
		T(test_host_and_window),
		T(test_monitor_rule),
		cmocka_unit_test_setup_teardown(test_monitor_global,
		    fix_setup_monitor, fix_teardown),
		cmocka_unit_test(test_first_id),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
