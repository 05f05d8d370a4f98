/*
 * cmd_report.c - `msgsec report` (placeholder until the subcommand lands).
 */
#include <stdio.h>

#include "cli.h"

int
cmd_report(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "msgsec: report: not available yet\n");
	return 2;
}
