/*
 * cli.h - the msgsec admin command: shared option handling for its
 * subcommands.
 */
#ifndef MSGSEC_CLI_H
#define MSGSEC_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

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

/*
 * The command line as main hands it to a subcommand (cli_args.c): argv
 * and argc are owned copies, argv[0] the subcommand's name.
 */
struct cli_argv {
	const char *cmd;	/* the subcommand's name, or NULL */
	int rest;		/* index in the original argv after it */
	const char *lead_config;	/* -c given before the subcommand */
	const char **lead_sets;	/* --set given before it */
	size_t nlead_sets;
	const char *config;	/* the -c that counts (last given), or NULL */
	char **argv;
	int argc;
	size_t cap;
	int insert_at;		/* where cli_args_insert puts a word */
};

/*
 * The options before the subcommand (-c, --config, --set, -h, --help,
 * --version) and its name.  Returns 0; 1 for help, 3 for --version; 2
 * after a message on stderr.
 */
int cli_args_lead(int argc, char **argv, struct cli_argv *av);
/* The subcommand's words, rewritten (cli_args.c), leading options put in. */
void cli_args_rest(struct cli_argv *av, int argc, char **argv);
/* Put a word where the leading options go (before the first option). */
void cli_args_insert(struct cli_argv *av, const char *s);
/* Add "-c PATH" there (no -c was given). */
void cli_args_push_config(struct cli_argv *av, const char *path);
void cli_args_free(struct cli_argv *av);

/*
 * The main configuration c names, with its --set overrides, alone (no
 * rules, lists or records).  0, or -1 after printing its diagnostics
 * (conf is then empty).  cli_config.c.
 */
struct config;
int cli_config_load(const struct cli_common *c, struct config *conf);

/* "PROG: message" and a line end on stderr (each subcommand's err). */
void cli_err(const char *prog, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* t as RFC 3339 UTC, YYYY-MM-DDTHH:MM:SSZ ("" if it does not fit). */
void cli_stamp(time_t t, char *buf, size_t len);

int cmd_check(int argc, char **argv);
int cmd_exception(int argc, char **argv);	/* cmd_exception.c */
int cmd_quarantine(int argc, char **argv);	/* cmd_quarantine.c */
int cmd_alerts(int argc, char **argv);		/* cmd_alerts.c */
int cmd_report(int argc, char **argv);		/* cmd_report.c */
int cmd_db(int argc, char **argv);		/* cmd_db.c */

#endif
