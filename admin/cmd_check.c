/*
 * check.c - `msgsec check`: load the configuration and everything it
 * names, print every diagnostic (exit 1) or a summary (exit 0).
 *
 * The summary answers what the security office asks first: how many rules
 * enforce each clause, which agencies are known, and which exceptions are
 * in force today, pending, expired.  --today makes it answer for another
 * day (and keeps golden tests independent of the calendar).  The summary
 * also warns when the virus database folder is empty, before the first
 * message is deferred for it.
 *
 * --runtime checks what the running milter needs instead (runtime.c): the
 * virus database loaded, the socket reachable by the MTA, the quarantine
 * and the alert log's folder writable.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check.h"
#include "cli.h"
#include "date.h"
#include "policy.h"
#include "runtime.h"

static void
check_usage(FILE *out)
{
	fprintf(out,
	    "usage: msgsec check [-c FILE] [--set KEY=VALUE]... "
	    "[--today YYYY-MM-DD] [-q]\n"
	    "       msgsec check --runtime [-c FILE] [--set KEY=VALUE]... "
	    "[--postfix DIR]\n"
	    "                    [--mta-user USER] [--before-start]\n"
	    "       msgsec check --list-checks | --list-fields | "
	    "--list-settings\n");
}

static void
print_summary(const struct policy *p, int32_t today)
{
	static const char *const clauses[] = { "1.1", "1.2", "1.3", "1.4",
		"2", "3.1", "3.2", "3.3", "3.4", "4", "5" };
	size_t monitor = 0, disabled = 0, mail = 0, net = 0, entries = 0;
	size_t in_force = 0, pending = 0, expired = 0, scheduled = 0;
	size_t denied = 0, revoked = 0;
	char day[16], *warning;
	const char *sep = "";

	date_format(today, day, sizeof(day));
	printf("%s: OK\n", p->config.file);
	printf("policy hash: %s\n", p->hash);
	for (size_t i = 0; i < p->nrules; i++) {
		const struct rule *r = &p->rules[i];

		monitor += r->monitor;
		disabled += !r->enabled;
		if (r->applies == RULE_MAIL)
			mail++;
		else
			net++;
	}
	printf("rules: %zu (mail %zu, network %zu", p->nrules, mail, net);
	if (monitor > 0)
		printf(", monitor-only %zu", monitor);
	if (disabled > 0)
		printf(", disabled %zu", disabled);
	printf(")\n  by clause:");
	for (size_t c = 0; c < sizeof(clauses) / sizeof(clauses[0]); c++) {
		size_t n = 0;

		for (size_t i = 0; i < p->nrules; i++)
			if (strcmp(p->rules[i].policy, clauses[c]) == 0)
				n++;
		if (n > 0) {
			printf("%s %s: %zu", sep, clauses[c], n);
			sep = ",";
		}
	}
	printf("\n");
	for (size_t i = 0; i < p->nlists; i++)
		entries += p->lists[i]->count;
	printf("lists: %zu (%zu entries)\n", p->nlists, entries);
	printf("agencies: %zu", p->nagencies);
	for (size_t i = 0; i < p->nagencies; i++)
		printf("%s%s", i == 0 ? " (" : ", ", p->agencies[i].id);
	printf("%s\n", p->nagencies > 0 ? ")" : "");
	for (size_t i = 0; i < p->nexceptions; i++) {
		const struct exception *e = p->exceptions[i];

		if (exception_in_force(e, &p->exc_settings, today))
			in_force++;
		else if (e->status == EXC_REQUESTED)
			pending++;
		else if (e->status == EXC_DENIED)
			denied++;
		else if (e->status == EXC_REVOKED)
			revoked++;
		else if (e->status == EXC_EXPIRED || e->valid_until < today)
			expired++;
		else if (e->status == EXC_APPROVED && e->valid_from > today)
			scheduled++;
	}
	printf("exceptions: %zu on %s: in force %zu, pending %zu, "
	    "scheduled %zu, expired %zu, denied %zu, revoked %zu\n",
	    p->nexceptions, day, in_force, pending, scheduled, expired, denied,
	    revoked);
	for (size_t i = 0; i < p->nexceptions; i++) {
		const struct exception *e = p->exceptions[i];
		char until[16];

		if (!exception_in_force(e, &p->exc_settings, today))
			continue;
		date_format(e->valid_until, until, sizeof(until));
		printf("  in force: %s (%s) until %s\n", e->id, e->agency_id,
		    until);
	}
	if ((warning = runtime_db_warning(p)) != NULL) {
		printf("%s\n", warning);
		free(warning);
	}
}

static void
list_checks(void)
{
	for (const struct check_info *c = check_table(); c->name != NULL; c++)
		printf("%-32s %-7s %-4s %s\n", c->name,
		    c->scope == CHECK_MAIL ? "mail" : "network", c->policy,
		    c->what);
}

static void
list_fields(void)
{
	for (const struct field_info *f = field_table(); f->name != NULL; f++)
		printf("%-26s %-8s %s\n",
		    f->field == FIELD_HEADER ? "header.NAME" : f->name,
		    f->applies == RULE_MAIL ? "mail" : f->applies ==
		    RULE_NETWORK ? "network" : "both", f->what);
}

static void
list_settings(void)
{
	for (const struct config_key *k = config_keys(); k->name != NULL; k++)
		printf("%-30s %-28s %s\n", k->name, k->def, k->help);
}

int
cmd_check(int argc, char **argv)
{
	struct cli_common common = { MSGSEC_DEFAULT_CONFIG, NULL, 0 };
	struct policy *p;
	struct diags d;
	int32_t today = date_day_of(time(NULL));
	struct runtime_opts ro = { "/etc/postfix", NULL, false };
	bool quiet = false, runtime = false;
	int rc;

	for (int i = 1; i < argc; i++) {
		const char *why;

		rc = cli_common_option(&common, argc, argv, &i);
		if (rc < 0) {
			cli_common_free(&common);
			return 2;
		}
		if (rc > 0)
			continue;
		if (strcmp(argv[i], "-q") == 0) {
			quiet = true;
		} else if (strcmp(argv[i], "--runtime") == 0) {
			runtime = true;
		} else if (strcmp(argv[i], "--before-start") == 0) {
			ro.before_start = true;
		} else if (strcmp(argv[i], "--postfix") == 0 && i + 1 < argc) {
			ro.postfix_dir = argv[++i];
		} else if (strcmp(argv[i], "--mta-user") == 0 && i + 1 < argc) {
			ro.mta_user = argv[++i];
		} else if (strcmp(argv[i], "--today") == 0 && i + 1 < argc) {
			i++;
			if (date_parse(argv[i], strlen(argv[i]), &today,
			    &why) < 0) {
				fprintf(stderr, "msgsec check: --today: %s\n",
				    why);
				cli_common_free(&common);
				return 2;
			}
		} else if (strcmp(argv[i], "--list-checks") == 0) {
			list_checks();
			cli_common_free(&common);
			return 0;
		} else if (strcmp(argv[i], "--list-fields") == 0) {
			list_fields();
			cli_common_free(&common);
			return 0;
		} else if (strcmp(argv[i], "--list-settings") == 0) {
			list_settings();
			cli_common_free(&common);
			return 0;
		} else if (strcmp(argv[i], "-h") == 0 ||
		    strcmp(argv[i], "--help") == 0) {
			check_usage(stdout);
			cli_common_free(&common);
			return 0;
		} else {
			fprintf(stderr, "msgsec check: unknown option '%s'\n",
			    argv[i]);
			check_usage(stderr);
			cli_common_free(&common);
			return 2;
		}
	}
	diags_init(&d);
	p = policy_load(common.config, common.sets, common.nsets, &d);
	diags_print(&d, stdout);
	if (p == NULL) {
		printf("%s: %zu error%s, %zu warning%s\n", common.config,
		    d.errors, d.errors == 1 ? "" : "s", d.warnings,
		    d.warnings == 1 ? "" : "s");
		rc = 1;
	} else if (runtime) {
		rc = runtime_check(p, &ro, stdout) > 0 ? 1 : 0;
	} else {
		if (!quiet)
			print_summary(p, today);
		rc = 0;
	}
	policy_unref(&p);
	diags_free(&d);
	cli_common_free(&common);
	return rc;
}
