/*
 * cmd_quarantine.c - `msgsec quarantine` (placeholder until the subcommand lands).
 */
#include <stdio.h>

#include "cli.h"

int
cmd_quarantine(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "msgsec: quarantine: not available yet\n");
	return 2;
}
