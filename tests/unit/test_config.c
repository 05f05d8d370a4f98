/*
 * test_config.c - the settings table: defaults, relative paths, --set
 * overrides (scalars and lists), unknown keys with suggestions, values out
 * of range at and over their bounds.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "config.h"
#include "mem.h"
#include "node.h"

static char diag0[1024];

/* Parse text as rules/msgsec.yaml, apply sets, build c. */
static int
build(const char *text, const char *const *sets, size_t nsets,
    struct config *c, size_t *errors_r)
{
	struct node_doc *doc;
	struct diags d;
	int rc = -1;

	diags_init(&d);
	doc = node_load_buffer("rules/msgsec.yaml", text, strlen(text), NULL,
	    &d);
	assert_non_null(doc);
	for (size_t i = 0; i < nsets; i++)
		(void)config_override(doc, sets[i], &d);
	if (d.errors == 0)
		rc = config_from_node(c, "rules/msgsec.yaml", doc->root, &d);
	else
		memset(c, 0, sizeof(*c));
	diag0[0] = '\0';
	if (d.n > 0)
		diag_format(&d.v[0], diag0, sizeof(diag0));
	*errors_r = d.errors;
	node_doc_free(&doc);
	diags_free(&d);
	return rc;
}

static void
test_defaults(void **state)
{
	struct config c;
	size_t errors;

	(void)state;
	assert_int_equal(build("", NULL, 0, &c, &errors), 0);
	assert_string_equal(c.rules_dir, "rules/policy");
	assert_string_equal(c.quarantine_dir, "state/quarantine");
	assert_string_equal(c.alert_file, "state/alerts.json");
	assert_int_equal(c.limits.mime_depth, 100);
	assert_int_equal(c.limits.mime_parts, 10000);
	assert_int_equal(c.limits.regex_match_limit, 3500);
	assert_int_equal(c.limits.regex_depth_limit, 1500);
	assert_int_equal(c.limits.yaml_depth, 128);
	assert_int_equal(c.napprovers, 2);
	assert_string_equal(c.approvers[0], "MassIT");
	assert_string_equal(c.approvers[1], "ESB");
	assert_int_equal(c.exception_max_days, 365);
	assert_int_equal(c.on_internal_error, ACTION_TEMPFAIL);
	assert_int_equal(c.milter_socket_mode, 0660);
	assert_false(c.multipart_literal);
	config_free(&c);
}

static void
test_file_values(void **state)
{
	struct config c;
	size_t errors;
	struct ipaddr a;

	(void)state;
	assert_int_equal(build("paths: { rules: /etc/x }\nlimits: { mime_depth: "
	    "7 }\nmilter: { internal_networks: [10.0.0.0/8], monitor: true }\n",
	    NULL, 0, &c, &errors), 0);
	assert_string_equal(c.rules_dir, "/etc/x");
	assert_int_equal(c.limits.mime_depth, 7);
	assert_true(c.monitor);
	assert_int_equal(ipaddr_parse("10.1.2.3", 8, &a), 0);
	assert_true(cidrset_match(c.internal_nets, &a));
	assert_int_equal(ipaddr_parse("127.0.0.1", 9, &a), 0);
	assert_false(cidrset_match(c.internal_nets, &a));
	config_free(&c);
}

static void
test_unknown_keys(void **state)
{
	struct config c;
	size_t errors;

	(void)state;
	assert_int_equal(build("limits: { mime_dpth: 3 }\n", NULL, 0, &c,
	    &errors), -1);
	assert_string_equal(diag0,
	    "rules/msgsec.yaml:1:11: error: unknown setting "
	    "'limits.mime_dpth' (did you mean 'limits.mime_depth'?)");
	config_free(&c);
	assert_int_equal(build("limts: { mime_depth: 3 }\n", NULL, 0, &c,
	    &errors), -1);
	assert_string_equal(diag0,
	    "rules/msgsec.yaml:1:1: error: unknown setting 'limts' (did you "
	    "mean 'limits'?)");
	config_free(&c);
	assert_int_equal(build("limits: 3\n", NULL, 0, &c, &errors), -1);
	assert_string_equal(diag0,
	    "rules/msgsec.yaml:1:9: error: expected a mapping for 'limits', "
	    "found a scalar");
	config_free(&c);
}

static void
test_ranges(void **state)
{
	struct config c;
	size_t errors;

	(void)state;
	/* exceptions.max_days: 1..36500, at and over both bounds */
	assert_int_equal(build("exceptions: { max_days: 36500 }\n", NULL, 0, &c,
	    &errors), 0);
	config_free(&c);
	assert_int_equal(build("exceptions: { max_days: 36501 }\n", NULL, 0, &c,
	    &errors), -1);
	assert_string_equal(diag0,
	    "rules/msgsec.yaml:1:25: error: 'exceptions.max_days' must be a "
	    "whole number from 1 to 36500, not '36501'");
	config_free(&c);
	assert_int_equal(build("exceptions: { max_days: 0 }\n", NULL, 0, &c,
	    &errors), -1);
	config_free(&c);
	assert_int_equal(build("milter: { on_internal_error: accept-ish }\n",
	    NULL, 0, &c, &errors), -1);
	assert_string_equal(diag0,
	    "rules/msgsec.yaml:1:30: error: 'milter.on_internal_error' must be "
	    "one of reject, tempfail, discard, quarantine, strip, tag, log or "
	    "accept, not 'accept-ish'");
	config_free(&c);
	assert_int_equal(build("milter: { internal_networks: [10.0.0.1/8] }\n",
	    NULL, 0, &c, &errors), -1);
	assert_non_null(strstr(diag0, "rules/msgsec.yaml:1:31: error: bad "
	    "network '10.0.0.1/8' in 'milter.internal_networks': "));
	config_free(&c);
	assert_int_equal(build("exceptions: { approvers: [] }\n", NULL, 0, &c,
	    &errors), -1);
	config_free(&c);
}

static void
test_overrides(void **state)
{
	static const char *const sets[] = { "limits.mime_depth=12",
		"exceptions.approvers=[CIO, Board, Counsel]",
		"alerts.output=stdout" };
	static const char *const bad[] = { "limits.mime_dept=1" };
	static const char *const badval[] = { "limits.mime_depth=deep" };
	static const char *const noeq[] = { "limits.mime_depth" };
	struct config c;
	size_t errors;

	(void)state;
	assert_int_equal(build("limits: { mime_depth: 5 }\n", sets, 3, &c,
	    &errors), 0);
	assert_int_equal(c.limits.mime_depth, 12);
	assert_int_equal(c.napprovers, 3);
	assert_string_equal(c.approvers[2], "Counsel");
	assert_int_equal(c.alert_output, ALERT_OUT_STDOUT);
	config_free(&c);

	assert_int_equal(build("", bad, 1, &c, &errors), -1);
	assert_string_equal(diag0,
	    "--set: error: unknown setting 'limits.mime_dept' (did you mean "
	    "'limits.mime_depth'?)");
	assert_int_equal(build("", badval, 1, &c, &errors), -1);
	assert_string_equal(diag0,
	    "--set limits.mime_depth:1:1: error: 'limits.mime_depth' must be "
	    "a whole number from 1 to 10000, not 'deep'");
	config_free(&c);
	assert_int_equal(build("", noeq, 1, &c, &errors), -1);
	assert_string_equal(diag0,
	    "--set: error: expected key.path=value, not 'limits.mime_depth'");
}

/* The sensor's keys: defaults, "-" for stdout, an empty user. */
static void
test_sensor_keys(void **state)
{
	static const char *const sets[] = { "sensor.flow_log=-",
		"sensor.user=", "sensor.max_flows=1000" };
	static const char *const quoted[] = { "sensor.user=\"\"",
		"sensor.flow_log=flows.json" };
	struct config c;
	size_t errors;

	(void)state;
	assert_int_equal(build("", NULL, 0, &c, &errors), 0);
	assert_string_equal(c.sensor.user, "msgsec");
	assert_string_equal(c.sensor.flow_log, "");
	assert_int_equal(c.sensor.max_flows, 262144);
	assert_int_equal(c.sensor.stream_bytes, 16384);
	assert_int_equal(c.sensor.snaplen, 65535);
	assert_int_equal(c.sensor.dns_dedup_seconds, 300);
	assert_true(c.sensor.progress);
	assert_false(c.sensor.immediate);
	assert_string_equal(c.sensor.ech_fronts_list, "ech_fronts");
	config_free(&c);

	assert_int_equal(build("sensor: { user: nobody }\n", sets, 3, &c,
	    &errors), 0);
	assert_string_equal(c.sensor.flow_log, "-");
	assert_string_equal(c.sensor.user, "");
	assert_int_equal(c.sensor.max_flows, 1000);
	config_free(&c);

	assert_int_equal(build("", quoted, 2, &c, &errors), 0);
	assert_string_equal(c.sensor.user, "");
	assert_string_equal(c.sensor.flow_log, "flows.json");
	config_free(&c);
}

/* sensor.workers: 1 by default, auto (0), 1..64 at and over the bounds. */
static void
test_sensor_workers(void **state)
{
	static const char *const autos[] = { "sensor.workers=auto" };
	static const char *const top[] = { "sensor.workers=64" };
	struct config c;
	size_t errors;

	(void)state;
	assert_int_equal(build("", NULL, 0, &c, &errors), 0);
	assert_int_equal(c.sensor.workers, 1);
	config_free(&c);
	assert_int_equal(build("", autos, 1, &c, &errors), 0);
	assert_int_equal(c.sensor.workers, 0);
	config_free(&c);
	assert_int_equal(build("", top, 1, &c, &errors), 0);
	assert_int_equal(c.sensor.workers, 64);
	config_free(&c);
	assert_int_equal(build("sensor: { workers: 65 }\n", NULL, 0, &c,
	    &errors), -1);
	assert_string_equal(diag0,
	    "rules/msgsec.yaml:1:20: error: 'sensor.workers' must be auto or "
	    "a whole number from 1 to 64, not '65'");
	config_free(&c);
	assert_int_equal(build("sensor: { workers: 0 }\n", NULL, 0, &c,
	    &errors), -1);
	assert_string_equal(diag0,
	    "rules/msgsec.yaml:1:20: error: 'sensor.workers' must be auto or "
	    "a whole number from 1 to 64, not '0'");
	config_free(&c);
	assert_int_equal(build("sensor: { workers: [2] }\n", NULL, 0, &c,
	    &errors), -1);
	config_free(&c);
}

/* clamav.reload and the metrics settings (issue 12). */
static void
test_reload_and_metrics_keys(void **state)
{
	static const char *const sets[] = { "clamav.reload=blocking",
	    "metrics.file=state/milter.prom", "metrics.interval=1",
	    "clamav.reload_wait_seconds=3600" };
	static const char *const bad[] = { "clamav.reload=lazy" };
	static const char *const over[] = { "metrics.interval=3601" };
	struct config c;
	size_t errors;

	(void)state;
	assert_int_equal(build("", NULL, 0, &c, &errors), 0);
	assert_int_equal(c.clamav_reload, CLAMAV_RELOAD_CONCURRENT);
	assert_int_equal(c.clamav_reload_wait_seconds, 120);
	assert_string_equal(c.metrics_file, "");
	assert_string_equal(c.metrics_sensor_file, "");
	assert_int_equal(c.metrics_interval, 15);
	assert_int_equal(c.metrics_max_series, 10000);
	config_free(&c);
	assert_int_equal(build("", sets, 4, &c, &errors), 0);
	assert_int_equal(c.clamav_reload, CLAMAV_RELOAD_BLOCKING);
	assert_string_equal(c.metrics_file, "rules/state/milter.prom");
	assert_int_equal(c.metrics_interval, 1);
	assert_int_equal(c.clamav_reload_wait_seconds, 3600);
	config_free(&c);
	assert_int_equal(build("", bad, 1, &c, &errors), -1);
	assert_non_null(strstr(diag0, "'clamav.reload' must be concurrent or "
	    "blocking, not 'lazy'"));
	config_free(&c);
	assert_int_equal(build("", over, 1, &c, &errors), -1);
	config_free(&c);
}

static void
test_table_defaults_parse(void **state)
{
	(void)state;
	/* Every key has help text and a default; dotted, lowercase. */
	for (const struct config_key *k = config_keys(); k->name != NULL; k++) {
		assert_non_null(k->def);
		assert_non_null(k->help);
		assert_non_null(strchr(k->name, '.'));
		assert_ptr_equal(config_key_find(k->name), k);
	}
}

/* quarantine.backend and a connection string without a password. */
static void
test_database_keys(void **state)
{
	static const char *const refused[] = {
		"host=db password=secret",
		"host=db PASSWORD = 'x y'",
		"dbname='a b' password='it''s'",
		"postgresql://msgsec:secret@db/msgsec",
		"postgres://db/msgsec?sslmode=require&password=s",
		"postgresql://db/msgsec?password=s",
	};
	static const char *const allowed[] = {
		"",
		"host=/run/postgresql dbname=msgsec",
		"host=db passfile=/etc/msgsec/pgpass user=msgsec",
		"dbname='password=x'",
		"postgresql://msgsec@db:5432/msgsec?passfile=/etc/msgsec/pgpass",
	};
	struct config c;
	size_t errors;
	char text[256];

	(void)state;
	assert_int_equal(build("", NULL, 0, &c, &errors), 0);
	assert_int_equal(c.quarantine_backend, QUARANTINE_FILES);
	assert_string_equal(c.quarantine_dsn, "");
	assert_int_equal(c.quarantine_statement_ms, 10000);
	assert_int_equal(c.quarantine_pool, 4);
	config_free(&c);
	assert_int_equal(build("quarantine: { backend: postgresql }\n", NULL,
	    0, &c, &errors), 0);
	assert_int_equal(c.quarantine_backend, QUARANTINE_POSTGRESQL);
	config_free(&c);
	assert_int_equal(build("quarantine: { backend: mysql }\n", NULL, 0, &c,
	    &errors), -1);
	assert_string_equal(diag0, "rules/msgsec.yaml:1:24: error: "
	    "'quarantine.backend' must be files or postgresql, not 'mysql'");
	config_free(&c);
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		(void)snprintf(text, sizeof(text), "quarantine:\n  dsn: \"%s\"\n",
		    refused[i]);
		assert_int_equal(build(text, NULL, 0, &c, &errors), -1);
		assert_string_equal(diag0, "rules/msgsec.yaml:2:8: error: "
		    "'quarantine.dsn' must not hold a password: give it "
		    "through PGPASSFILE, ~/.pgpass or passfile=");
		config_free(&c);
	}
	for (size_t i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++) {
		(void)snprintf(text, sizeof(text), "quarantine:\n  dsn: \"%s\"\n",
		    allowed[i]);
		assert_int_equal(build(text, NULL, 0, &c, &errors), 0);
		assert_string_equal(c.quarantine_dsn, allowed[i]);
		config_free(&c);
	}
	/* The timeout's bounds: 10 ms to 10 minutes. */
	assert_int_equal(build("quarantine: { statement_timeout_ms: 9 }\n",
	    NULL, 0, &c, &errors), -1);
	config_free(&c);
	assert_int_equal(build("quarantine: { statement_timeout_ms: 600000 }\n",
	    NULL, 0, &c, &errors), 0);
	config_free(&c);
	assert_int_equal(build("quarantine: { pool: 257 }\n", NULL, 0, &c,
	    &errors), -1);
	config_free(&c);
	/* The gateway's name: empty by default, 64 name characters at most. */
	assert_int_equal(build("", NULL, 0, &c, &errors), 0);
	assert_string_equal(c.quarantine_gateway, "");
	config_free(&c);
	assert_int_equal(build("quarantine: { gateway: mx-1.boston_2 }\n",
	    NULL, 0, &c, &errors), 0);
	assert_string_equal(c.quarantine_gateway, "mx-1.boston_2");
	config_free(&c);
	(void)snprintf(text, sizeof(text), "quarantine: { gateway: %.64s }\n",
	    "gggggggggggggggggggggggggggggggggggggggggggggggggggggggggggggggg");
	assert_int_equal(build(text, NULL, 0, &c, &errors), 0);
	config_free(&c);
	(void)snprintf(text, sizeof(text), "quarantine: { gateway: %.65s }\n",
	    "ggggggggggggggggggggggggggggggggggggggggggggggggggggggggggggggggg");
	assert_int_equal(build(text, NULL, 0, &c, &errors), -1);
	config_free(&c);
	assert_int_equal(build("quarantine:\n  gateway: \"mx 1\"\n", NULL, 0,
	    &c, &errors), -1);
	assert_string_equal(diag0, "rules/msgsec.yaml:2:12: error: "
	    "'quarantine.gateway' must be at most 64 letters, digits, '.', "
	    "'-' or '_', not 'mx 1'");
	config_free(&c);
}

/* journal.address: off by default, an address checked at its byte. */
static void
test_journal_address(void **state)
{
	static const struct {
		const char *addr;
		size_t off;	/* SIZE_MAX: valid */
	} cases[] = {
		{ "journal@records.mass.example", SIZE_MAX },
		{ "a.b+c_d-e!#$%&'*/=?^`{|}~@x.example", SIZE_MAX },
		{ "j@x", SIZE_MAX },
		{ "j@x.example.", SIZE_MAX },
		{ "journal", 0 },
		{ "@x.example", 0 },
		{ ".j@x.example", 0 },
		{ "j.@x.example", 1 },
		{ "j..k@x.example", 1 },
		{ "j k@x.example", 1 },
		{ "\"j\"@x.example", 0 },
		{ "<j@x.example>", 0 },
		{ "j@", 2 },
		{ "j@x..example", 4 },
		{ "j@-x.example", 2 },
		{ "j@*.x.example", 2 },
		{ "j@k@x.example", 3 },
		{ "j@x.example>", 11 },
	};
	char local[80], text[400];
	const char *why;
	size_t off, errors;
	struct config c;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int rc = config_address_check(cases[i].addr,
		    strlen(cases[i].addr), &why, &off);

		if (cases[i].off == SIZE_MAX) {
			assert_int_equal(rc, 0);
			continue;
		}
		assert_int_equal(rc, -1);
		assert_int_equal(off, cases[i].off);
	}
	/* Local part: 64 bytes at most; the address: 254. */
	memset(local, 'a', 64);
	(void)snprintf(local + 64, sizeof(local) - 64, "@x.example");
	assert_int_equal(config_address_check(local, strlen(local), &why,
	    &off), 0);
	memmove(local + 1, local, strlen(local) + 1);
	assert_int_equal(config_address_check(local, strlen(local), &why,
	    &off), -1);
	assert_int_equal(off, 64);
	/* "j@" and labels of at most 51 bytes: 254 bytes, then 255. */
	memset(text, 'a', sizeof(text));
	text[1] = '@';
	for (size_t at = 52; at < 254; at += 50)
		text[at] = '.';
	assert_int_equal(config_address_check(text, 254, &why, &off), 0);
	assert_int_equal(config_address_check(text, 255, &why, &off), -1);
	assert_int_equal(off, 254);
	/* In the file and with --set. */
	assert_int_equal(build("", NULL, 0, &c, &errors), 0);
	assert_string_equal(c.journal_address, "");
	config_free(&c);
	assert_int_equal(build("journal: { address: records@x.example }\n",
	    NULL, 0, &c, &errors), 0);
	assert_string_equal(c.journal_address, "records@x.example");
	config_free(&c);
	assert_int_equal(build("journal:\n  address: rec ords@x.example\n",
	    NULL, 0, &c, &errors), -1);
	assert_string_equal(diag0, "rules/msgsec.yaml:2:15: error: bad "
	    "address 'rec ords@x.example' in 'journal.address': the local "
	    "part holds a character other than letters, digits and "
	    "!#$%&'*+-/=?^_`{|}~");
	config_free(&c);
	{
		const char *sets[] = { "journal.address=j@x..example" };

		assert_int_equal(build("", sets, 1, &c, &errors), -1);
		assert_string_equal(diag0, "--set journal.address:1:5: error: "
		    "bad address 'j@x..example' in 'journal.address': empty "
		    "label");
		config_free(&c);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_sensor_keys),
		cmocka_unit_test(test_sensor_workers),
		cmocka_unit_test(test_file_values),
		cmocka_unit_test(test_unknown_keys),
		cmocka_unit_test(test_ranges),
		cmocka_unit_test(test_overrides),
		cmocka_unit_test(test_table_defaults_parse),
		cmocka_unit_test(test_reload_and_metrics_keys),
		cmocka_unit_test(test_database_keys),
		cmocka_unit_test(test_journal_address),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
