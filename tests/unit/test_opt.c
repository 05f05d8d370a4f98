/*
 * test_opt.c - the daemons' shared options: each one taken, --set in
 * order, --now strict, -h and --version ending the parse with 0, and
 * getopt_long's complaints in our words (a missing argument, an unknown
 * short or long option, an argument left over).
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

#include "log.h"
#include "opt.h"
#include "stderr_capture.h"

static const struct option long_opts[] = {
	OPT_LONG_COMMON,
	{ "own", required_argument, NULL, OPT_OWN },
	{ NULL, 0, NULL, 0 },
};

static unsigned usage_calls;

static void
usage(FILE *out)
{
	(void)out;
	usage_calls++;
}

static char errbuf[4096];

/*
 * Parse argv (NULL-terminated) as a daemon would, stderr captured in
 * errbuf; the status (OPT_GO_ON when the whole line was good).
 */
static int
parse(struct opt_common *o, char **argv)
{
	int argc = 0, c, rc = OPT_GO_ON;
	struct capture cap;

	while (argv[argc] != NULL)
		argc++;
	memset(o, 0, sizeof(*o));
	usage_calls = 0;
	capture_begin(&cap);
	optind = 0;		/* glibc: start again from scratch */
	opterr = 0;
	while (rc == OPT_GO_ON && (c = getopt_long(argc, argv,
	    ":" OPT_SHORT_COMMON "x", long_opts, NULL)) != -1)
		if (c != 'x' && c != OPT_OWN)
			rc = opt_take(c, argv, o, "msgsec-test", usage);
	if (rc == OPT_GO_ON)
		rc = opt_end(argc, argv, usage);
	capture_end(&cap, errbuf, sizeof(errbuf));
	return rc;
}

static void
test_taken(void **state)
{
	char *argv[] = { "prog", "-c", "a.yaml", "--user=nobody", "-f",
		"--set", "k=1", "-x", "--own", "v", "--set=k=2",
		"--now=2026-11-22T10:00:00Z", NULL };
	struct opt_common o;

	(void)state;
	assert_int_equal(parse(&o, argv), OPT_GO_ON);
	assert_string_equal(o.config, "a.yaml");
	assert_string_equal(o.user, "nobody");
	assert_true(o.foreground);
	assert_int_equal(o.nsets, 2);
	assert_string_equal(o.sets[0], "k=1");
	assert_string_equal(o.sets[1], "k=2");
	assert_int_equal(o.now, 1795341600);
	assert_string_equal(errbuf, "");
	assert_int_equal(usage_calls, 0);
	opt_free(&o);
	assert_null(o.sets);
}

static void
test_ends(void **state)
{
	char *help[] = { "prog", "-h", "--bogus", NULL };
	char *now[] = { "prog", "--now", "2026-13-01", NULL };
	struct opt_common o;

	(void)state;
	/* -h ends the parse before the bad option after it. */
	assert_int_equal(parse(&o, help), 0);
	assert_int_equal(usage_calls, 1);
	assert_string_equal(errbuf, "");
	opt_free(&o);
	assert_int_equal(parse(&o, now), 2);
	assert_non_null(strstr(errbuf, "msgsec-test: --now: "));
	assert_int_equal(usage_calls, 0);
	opt_free(&o);
}

static void
complaint(char **argv, const char *want)
{
	struct opt_common o;

	assert_int_equal(parse(&o, argv), 2);
	assert_string_equal(errbuf, want);
	assert_int_equal(usage_calls, 1);
	opt_free(&o);
}

static void
test_complaints(void **state)
{
	char *missing_long[] = { "prog", "--set", NULL };
	char *missing_short[] = { "prog", "-c", NULL };
	char *unknown_short[] = { "prog", "-z", NULL };
	char *unknown_long[] = { "prog", "--bogus=1", NULL };
	char *no_arg[] = { "prog", "--foreground=1", NULL };
	char *left[] = { "prog", "-f", "extra", NULL };

	(void)state;
	complaint(missing_long, "msgsec-test: --set needs an argument\n");
	complaint(missing_short, "msgsec-test: -c needs an argument\n");
	complaint(unknown_short, "msgsec-test: unknown option '-z'\n");
	complaint(unknown_long, "msgsec-test: unknown option '--bogus=1'\n");
	/* getopt_long names the option by its value: the short form. */
	complaint(no_arg, "msgsec-test: unknown option '-f'\n");
	complaint(left, "msgsec-test: unexpected argument 'extra'\n");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_taken),
		cmocka_unit_test(test_ends),
		cmocka_unit_test(test_complaints),
	};

	log_open("msgsec-test", LOG_TO_STDERR, 0);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
