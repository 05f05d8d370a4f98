/*
 * msgsec.c - the admin command's entry point: dispatch to subcommands.
 *
 * Exit codes: 0 success, 1 the thing checked is wrong (diagnostics
 * printed), 2 usage error.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "mem.h"

static void
usage(FILE *out)
{
	fprintf(out,
	    "usage: msgsec COMMAND [options]\n"
	    "\n"
	    "commands:\n"
	    "  check      validate the configuration and everything it names\n"
	    "  exception  file, review, list and expire exception requests "
	    "(clause 4)\n"
	    "  alerts     filter, follow and summarise the alert log\n"
	    "  quarantine list, show, release, delete and purge held mail "
	    "(clause 5)\n"
	    "  report     write a self-contained HTML report\n"
	    "\n"
	    "common options:\n"
	    "  -c FILE              configuration file (default %s)\n"
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
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return 0;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("msgsec %s\n", MSGSEC_VERSION);
		return 0;
	}
	static const struct {
		const char *name;
		int (*fn)(int, char **);
	} cmds[] = {
		{ "check", cmd_check },
		{ "exception", cmd_exception },
		{ "alerts", cmd_alerts },
		{ "quarantine", cmd_quarantine },
		{ "report", cmd_report },
	};

	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (strcmp(argv[1], cmds[i].name) == 0)
			return cmds[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "msgsec: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return 2;
}
