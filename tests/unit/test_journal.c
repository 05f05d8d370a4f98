/*
 * test_journal.c - the records archives of a message (milter/journal.c):
 * journal.address and the agencies' journal_address, each once whatever
 * its case, none already an envelope recipient, none for a removed
 * recipient's agency, the sender's agency outbound only, the same sorted
 * set, spelt the same, in every recipient order; which verdicts are
 * journaled.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "journal.h"
#include "mem.h"

#define J "journal@records.mass.example"
#define DEP_A "records@archive.dep.mass.example"

/* The shipped rules' agencies, with the clause-2 records they need. */
static const char agencies[] =
    "agencies:\n"
    "  - id: DEP\n"
    "    domains: [dep.mass.example]\n"
    "    acceptable_use_policy: { ref: DEP-AUP-2025, date: 2025-01-10 }\n"
    "    journal_address: " DEP_A "\n"
    "  - id: DOR\n"		/* DEP's archive, in capitals */
    "    domains: [dor.mass.example]\n"
    "    acceptable_use_policy: { ref: DOR-AUP-2024, date: 2024-09-02 }\n"
    "    inbound_content_filtering: { counsel_approval: GC-2025-031, "
    "date: 2025-04-18 }\n"
    "    journal_address: RECORDS@Archive.DEP.mass.example\n"
    "  - id: EOHHS\n"		/* the global archive */
    "    domains: [eohhs.mass.example]\n"
    "    journal_address: JOURNAL@records.mass.example\n"
    "  - id: MASSIT\n"		/* none of its own */
    "    domains: [itd.mass.example]\n";

static char dir[] = "/tmp/msgsec-test-journal.XXXXXX";
static struct policy *with_global, *without_global;

static struct policy *
load(const char *journal)
{
	char *sets[3];
	struct diags d;
	struct policy *p;

	sets[0] = mem_strdup("clamav.enabled=false");
	sets[1] = mem_printf("paths.agencies=%s", dir);
	sets[2] = mem_printf("journal.address=%s", journal);
	diags_init(&d);
	p = policy_load("rules/msgsec.yaml", (const char *const *)sets, 3, &d);
	if (p == NULL)
		diags_print(&d, stderr);
	diags_free(&d);
	for (size_t i = 0; i < 3; i++)
		free(sets[i]);
	return p;
}

static int
setup(void **state)
{
	char *path;
	FILE *f;

	(void)state;
	if (mkdtemp(dir) == NULL)
		return -1;
	path = mem_printf("%s/agencies.yaml", dir);
	f = fopen(path, "w");
	if (f == NULL || fputs(agencies, f) < 0 || fclose(f) != 0)
		return -1;
	free(path);
	with_global = load(J);
	without_global = load("");
	return with_global != NULL && without_global != NULL ? 0 : -1;
}

static int
teardown(void **state)
{
	char *path = mem_printf("%s/agencies.yaml", dir);

	(void)state;
	policy_unref(&with_global);
	policy_unref(&without_global);
	(void)unlink(path);
	(void)rmdir(dir);
	free(path);
	return 0;
}

/* The archives as one string, "a,b", for comparison. */
static char *
collect(const struct policy *p, const char *from, const char *const *rcpts,
    size_t n, enum direction dir_, const bool *removed)
{
	struct envelope env;
	const char **v;
	struct buf b;
	size_t k;

	memset(&env, 0, sizeof(env));
	env.mail_from = from;
	env.rcpts = rcpts;
	env.nrcpts = n;
	k = journal_collect(p, &env, dir_, removed, &v);
	assert_true(k <= 1 + p->nagencies);
	if (k == 0)
		assert_null(v);
	buf_init(&b, 4096);
	for (size_t i = 0; i < k; i++) {
		if (i > 0)
			(void)buf_append(&b, ",", 1);
		(void)buf_append(&b, v[i], strlen(v[i]));
	}
	free(v);
	return b.data != NULL ? b.data : mem_strdup("");
}

static void
check(const struct policy *p, const char *from, const char *const *rcpts,
    size_t n, enum direction dir_, const bool *removed, const char *want)
{
	char *got = collect(p, from, rcpts, n, dir_, removed);

	assert_string_equal(got, want);
	free(got);
}

static void
test_each_once(void **state)
{
	const char *rcpts[] = { "a@dep.mass.example", "b@dor.mass.example",
		"c@eohhs.mass.example", "d@itd.mass.example", "e@example.com" };

	(void)state;
	/* DOR's archive is DEP's, EOHHS's the global one: two copies, the
	 * global one spelt as journal.address is, DEP's as it sorts first. */
	check(with_global, "s@example.org", rcpts, 5, DIRECTION_INBOUND, NULL,
	    J ",RECORDS@Archive.DEP.mass.example");
	check(with_global, "s@example.org", rcpts, 1, DIRECTION_INBOUND, NULL,
	    J "," DEP_A);
	check(without_global, "s@example.org", rcpts, 5, DIRECTION_INBOUND,
	    NULL, "JOURNAL@records.mass.example,"
	    "RECORDS@Archive.DEP.mass.example");
	check(with_global, "s@example.org", rcpts + 3, 2, DIRECTION_INBOUND,
	    NULL, J);
	check(without_global, "s@example.org", rcpts + 3, 2,
	    DIRECTION_INBOUND, NULL, "");
	check(with_global, "s@example.org", NULL, 0, DIRECTION_INBOUND, NULL,
	    J);
}

/* Heap's algorithm: every order of the recipients gives one answer. */
static void
test_any_order(void **state)
{
	const char *v[] = { "a@dep.mass.example", "b@dor.mass.example",
		"c@eohhs.mass.example", "Journal@Records.Mass.Example",
		"e@example.com" };
	size_t c[5] = { 0 }, i = 1, runs = 1;

	(void)state;
	check(with_global, "s@example.org", v, 5, DIRECTION_INBOUND, NULL,
	    "RECORDS@Archive.DEP.mass.example");
	while (i < 5) {
		if (c[i] < i) {
			const char *t;
			size_t j = i % 2 == 0 ? 0 : c[i];

			t = v[j];
			v[j] = v[i];
			v[i] = t;
			check(with_global, "s@example.org", v, 5,
			    DIRECTION_INBOUND, NULL,
			    "RECORDS@Archive.DEP.mass.example");
			runs++;
			c[i]++;
			i = 1;
		} else {
			c[i] = 0;
			i++;
		}
	}
	assert_int_equal(runs, 120);
}

static void
test_envelope_and_removed(void **state)
{
	const char *rcpts[] = { "a@dep.mass.example", "b@dor.mass.example",
		"e@example.com" };
	const char *archive[] = { "x@itd.mass.example", DEP_A };
	const bool removed[] = { true, true, false };
	const bool dep_only[] = { true, false, false };

	(void)state;
	/* The archive a recipient (any case): not added again. */
	check(with_global, "s@example.org", archive, 2, DIRECTION_INBOUND,
	    NULL, J);
	/* Recipients taken off: their agencies' archives get nothing. */
	check(with_global, "s@example.org", rcpts, 3, DIRECTION_INBOUND,
	    removed, J);
	/* DEP's removed, DOR's kept: DOR's archive (DEP's, as DOR wrote
	 * it) all the same. */
	check(with_global, "s@example.org", rcpts, 3, DIRECTION_INBOUND,
	    dep_only, J ",RECORDS@Archive.DEP.mass.example");
}

static void
test_sender(void **state)
{
	const char *out[] = { "e@example.com" };

	(void)state;
	check(with_global, "clerk@dep.mass.example", out, 1,
	    DIRECTION_OUTBOUND, NULL, J "," DEP_A);
	check(with_global, "clerk@dep.mass.example", out, 1,
	    DIRECTION_INBOUND, NULL, J);
	check(with_global, "clerk@itd.mass.example", out, 1,
	    DIRECTION_OUTBOUND, NULL, J);
	check(with_global, "", out, 1, DIRECTION_OUTBOUND, NULL, J);
	check(with_global, NULL, out, 1, DIRECTION_OUTBOUND, NULL, J);
}

static void
test_delivered(void **state)
{
	(void)state;
	assert_true(journal_is_delivered(ACTION_ACCEPT));
	assert_true(journal_is_delivered(ACTION_LOG));
	assert_true(journal_is_delivered(ACTION_TAG));
	assert_true(journal_is_delivered(ACTION_STRIP));
	assert_false(journal_is_delivered(ACTION_QUARANTINE));
	assert_false(journal_is_delivered(ACTION_DISCARD));
	assert_false(journal_is_delivered(ACTION_TEMPFAIL));
	assert_false(journal_is_delivered(ACTION_REJECT));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_each_once),
		cmocka_unit_test(test_any_order),
		cmocka_unit_test(test_envelope_and_removed),
		cmocka_unit_test(test_sender),
		cmocka_unit_test(test_delivered),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
