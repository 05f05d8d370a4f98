/*
 * cmd_exception.c - `msgsec exception` (placeholder until the subcommand lands).
 */
#include <stdio.h>

#include "cli.h"

int
cmd_exception(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "msgsec: exception: not available yet\n");
	return 2;
}
