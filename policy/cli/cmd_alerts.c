/*
 * cmd_alerts.c - `msgsec alerts` (placeholder until the subcommand lands).
 */
#include <stdio.h>

#include "cli.h"

int
cmd_alerts(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "msgsec: alerts: not available yet\n");
	return 2;
}
