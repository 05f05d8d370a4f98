/*
 * cli.h - the msgsec admin command: shared option handling for its
 * subcommands.
 */
#ifndef MSGSEC_CLI_H
#define MSGSEC_CLI_H

#include <stdbool.h>
#include <stddef.h>

#ifndef MSGSEC_DEFAULT_CONFIG
#define MSGSEC_DEFAULT_CONFIG "/etc/msgsec/msgsec.yaml"
#endif

/* Options every subcommand takes. */
struct cli_common {
	const char *config;	/* -c FILE */
	const char **sets;	/* --set key=value, in order */
	size_t nsets;
};

/*
 * If argv[*i] is a common option, consume it (and its argument) and return
 * 1; 0 if it is not one; -1 (message printed) if it is malformed.
 */
int cli_common_option(struct cli_common *c, int argc, char **argv, int *i);
void cli_common_free(struct cli_common *c);

int cmd_check(int argc, char **argv);
int cmd_exception(int argc, char **argv);	/* cmd_exception.c */
int cmd_quarantine(int argc, char **argv);	/* cmd_quarantine.c */
int cmd_alerts(int argc, char **argv);		/* cmd_alerts.c */
int cmd_report(int argc, char **argv);		/* cmd_report.c */

#endif
