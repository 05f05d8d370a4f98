/*
 * msgsec.c - the admin command's entry point: the common options before
 * the subcommand, the configuration search (confpath.h), the options'
 * long forms, and the dispatch to subcommands.
 *
 * Every subcommand parses its own arguments; before it does, cli_args.c
 * rewrites them with getopt_long(3) against the subcommand's table, so
 * that --opt=value, --opt value, an unambiguous abbreviation and options
 * before or after the subcommand all reach it as "--opt" "value", in the
 * order given.  An option the table does not know is left to the
 * subcommand, which refuses it with its own message.
 *
 * Exit codes: 0 success, 1 the thing checked is wrong (diagnostics
 * printed), 2 usage error.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "confpath.h"
#include "mem.h"

static void
usage(FILE *out)
{
	fprintf(out,
	    "usage: msgsec [-c FILE] [--set KEY=VALUE]... COMMAND [options]\n"
	    "\n"
	    "commands:\n"
	    "  check      validate the configuration and everything it names\n"
	    "  exception  file, review, list and expire exception requests "
	    "(clause 4)\n"
	    "  alerts     filter, follow and summarise the alert log\n"
	    "  quarantine list, show, extract, release, delete and purge "
	    "held mail (clause 5)\n"
	    "  report     write a self-contained HTML report\n"
	    "  db         create, migrate and check the records database "
	    "(PostgreSQL)\n"
	    "\n"
	    "common options (before or after COMMAND; --opt=value works too):\n"
	    "  -c, --config FILE    configuration file; without it "
	    "$MSGSEC_CONFIG,\n"
	    "                       then rules/msgsec.yaml of the checkout "
	    "the program\n"
	    "                       runs from, then %s\n"
	    "  --set KEY=VALUE      override one setting (repeatable)\n"
	    "  -h, --help           this text\n"
	    "  --version            print the version\n",
	    MSGSEC_DEFAULT_CONFIG);
}

int
cli_common_option(struct cli_common *c, int argc, char **argv, int *i)
{
	const char *a = argv[*i];
	const char *val = NULL;

	if (strcmp(a, "-c") == 0 || strcmp(a, "--config") == 0 ||
	    strcmp(a, "--set") == 0) {
		if (*i + 1 >= argc) {
			fprintf(stderr, "msgsec: %s needs an argument\n", a);
			return -1;
		}
		val = argv[++*i];
	} else if (strncmp(a, "--config=", 9) == 0) {
		val = a + 9;
		a = "-c";
	} else if (strncmp(a, "--set=", 6) == 0) {
		val = a + 6;
		a = "--set";
	} else {
		return 0;
	}
	if (strcmp(a, "--set") == 0) {
		c->sets = mem_reallocarray(c->sets, c->nsets + 1,
		    sizeof(*c->sets));
		c->sets[c->nsets++] = val;
	} else {
		c->config = val;
	}
	return 1;
}

void
cli_common_free(struct cli_common *c)
{
	free(c->sets);
	c->sets = NULL;
	c->nsets = 0;
}

int
main(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*fn)(int, char **);
	} cmds[] = {
		{ "check", cmd_check },
		{ "exception", cmd_exception },
		{ "alerts", cmd_alerts },
		{ "quarantine", cmd_quarantine },
		{ "report", cmd_report },
		{ "db", cmd_db },
	};
	struct cli_argv av;
	struct confpath cp;
	int rc;

	rc = cli_args_lead(argc, argv, &av);
	if (rc == 1) {
		usage(stdout);
		cli_args_free(&av);
		return 0;
	}
	if (rc == 3) {
		printf("msgsec %s\n", MSGSEC_VERSION);
		cli_args_free(&av);
		return 0;
	}
	if (rc != 0 || av.cmd == NULL) {
		usage(stderr);
		cli_args_free(&av);
		return 2;
	}
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		if (strcmp(av.cmd, cmds[i].name) != 0)
			continue;
		cli_args_rest(&av, argc, argv);
		confpath_find(&cp, av.config, MSGSEC_DEFAULT_CONFIG);
		if (av.config == NULL)
			cli_args_push_config(&av, cp.path);
		rc = cmds[i].fn(av.argc, av.argv);
		/* -c FILE: the subcommand's own error names it. */
		if (rc != 0 && !cp.found && av.config == NULL)
			fprintf(stderr, "msgsec: no configuration file at %s "
			    "(looked at: %s); give -c FILE or set "
			    "MSGSEC_CONFIG\n", cp.path, cp.tried);
		confpath_free(&cp);
		cli_args_free(&av);
		return rc;
	}
	fprintf(stderr, "msgsec: unknown command '%s'\n", av.cmd);
	usage(stderr);
	cli_args_free(&av);
	return 2;
}
