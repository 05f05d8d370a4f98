/*
 * cli_args.c - the admin command's arguments, before a subcommand sees
 * them: the common options given ahead of the subcommand's name, and
 * each subcommand's options rewritten with getopt_long(3) into one form.
 *
 * Trusted input: the operator's command line.  The rewrite only moves
 * and splits words; every value is still checked by the subcommand.
 * Output: "CMD POSITIONAL... [leading options] OPTIONS..." where every
 * option is "--name" or "-x", followed by its value as a separate word
 * when it takes one.  The positionals that come before the first option
 * stay in front (subcommands dispatch on them: "quarantine list",
 * "alerts summary"), so the leading options are put right after them and
 * before the later options, which therefore win (the last -c counts).
 * When the table does not know an option, or one lacks its value, the
 * words go to the subcommand as given, to be refused in its own words.
 */
#include <getopt.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "mem.h"

#define LONG_BASE 256	/* getopt_long val of table entry k: base + k */

/* Each subcommand's long options (the common ones are added to all). */
struct cmd_opts {
	const char *cmd;
	const char *shorts;	/* getopt short options, without "-c:h" */
	const struct option *longs;	/* terminated by a NULL name */
};

#define REQ(n) { n, required_argument, NULL, 0 }
#define FLAG(n) { n, no_argument, NULL, 0 }
#define END { NULL, 0, NULL, 0 }

static const struct option common_longs[] = {
	REQ("config"), REQ("set"), FLAG("help"), END
};
static const struct option check_longs[] = {
	REQ("today"), FLAG("list-checks"), FLAG("list-fields"),
	FLAG("list-settings"), FLAG("runtime"), END
};
#define FILTER_LONGS REQ("since"), REQ("until"), REQ("rule"), \
	REQ("clause"), REQ("agency"), REQ("host"), REQ("user"), \
	REQ("action"), REQ("event-type"), REQ("exception")
static const struct option alerts_longs[] = {
	FILTER_LONGS, FLAG("json"), FLAG("table"), FLAG("follow"),
	REQ("top"), REQ("width"), END
};
static const struct option quarantine_longs[] = {
	REQ("since"), REQ("rule"), REQ("agency"), REQ("by"), REQ("reason"),
	REQ("older-than"), REQ("to"), REQ("now"), REQ("approved-by"),
	REQ("part"), REQ("output"), FLAG("headers"), FLAG("retention"),
	FLAG("dry-run"), FLAG("force"), FLAG("raw"), FLAG("remove-held"),
	FLAG("json"), END
};
static const struct option report_longs[] = {
	REQ("since"), REQ("until"), REQ("html"), REQ("alerts"),
	REQ("title"), REQ("today"), REQ("top"), END
};

/* exception parses --opt=value itself (exc_cli_args): not rewritten. */
static const struct cmd_opts cmd_table[] = {
	{ "check", "q", check_longs },
	{ "alerts", "f", alerts_longs },
	{ "quarantine", "o:", quarantine_longs },
	{ "report", "", report_longs },
};

static void
av_push(struct cli_argv *av, const char *s)
{
	if ((size_t)av->argc + 1 >= av->cap) {
		av->cap = av->cap == 0 ? 16 : av->cap * 2;
		av->argv = mem_reallocarray(av->argv, av->cap,
		    sizeof(*av->argv));
	}
	av->argv[av->argc++] = mem_strdup(s);
	av->argv[av->argc] = NULL;
}

static void
av_clear(struct cli_argv *av)
{
	for (int i = 0; i < av->argc; i++)
		free(av->argv[i]);
	av->argc = 0;
}

int
cli_args_lead(int argc, char **argv, struct cli_argv *av)
{
	static const struct option lead[] = {
		REQ("config"), REQ("set"), FLAG("help"), FLAG("version"), END
	};
	int ch, idx;

	memset(av, 0, sizeof(*av));
	opterr = 0;
	optind = 0;
	while ((ch = getopt_long(argc, argv, "+:c:h", lead, &idx)) != -1) {
		switch (ch) {
		case 'c':
			av->lead_config = optarg;
			break;
		case 'h':
			return 1;
		case 0:
			if (strcmp(lead[idx].name, "config") == 0) {
				av->lead_config = optarg;
			} else if (strcmp(lead[idx].name, "set") == 0) {
				av->lead_sets = mem_reallocarray(av->lead_sets,
				    av->nlead_sets + 1,
				    sizeof(*av->lead_sets));
				av->lead_sets[av->nlead_sets++] = optarg;
			} else if (strcmp(lead[idx].name, "help") == 0) {
				return 1;
			} else {
				return 3;
			}
			break;
		case ':':
			fprintf(stderr, "msgsec: %s needs a value\n",
			    argv[optind - 1]);
			return 2;
		default:
			fprintf(stderr, "msgsec: unknown option '%s' before "
			    "the command\n", argv[optind - 1]);
			return 2;
		}
	}
	if (optind < argc) {
		if (strcmp(argv[optind], "help") == 0)
			return 1;
		av->cmd = argv[optind];
		av->rest = optind + 1;
	}
	av->config = av->lead_config;
	return 0;
}

/* Rewrite argv[from..] for t into av; -1 when getopt refuses a word. */
static int
rewrite(struct cli_argv *av, const struct cmd_opts *t, int argc,
    char **argv, int from)
{
	struct option longs[64];
	char shorts[32], **words;
	size_t n = 0;
	int nwords = argc - from + 1, ch, idx;

	for (const struct option *o = common_longs; o->name != NULL; o++)
		longs[n++] = *o;
	for (const struct option *o = t->longs; o->name != NULL; o++)
		if (n + 1 < sizeof(longs) / sizeof(longs[0]))
			longs[n++] = *o;
	longs[n] = (struct option)END;
	for (size_t k = 0; k < n; k++)
		longs[k].val = LONG_BASE + (int)k;
	(void)snprintf(shorts, sizeof(shorts), "-:c:h%s", t->shorts);

	/* getopt wants argv[0]; work on a copy, it may reorder. */
	words = mem_reallocarray(NULL, (size_t)nwords + 1, sizeof(*words));
	words[0] = argv[0];
	for (int i = from; i < argc; i++)
		words[i - from + 1] = argv[i];
	words[nwords] = NULL;
	opterr = 0;
	optind = 0;
	while ((ch = getopt_long(nwords, words, shorts, longs, &idx)) != -1) {
		char flag[3] = { '-', (char)ch, '\0' };

		if (ch == '?' || ch == ':') {
			free(words);
			return -1;
		}
		if (ch == 1) {
			av_push(av, optarg);
		} else if (ch >= LONG_BASE) {
			char *name = mem_printf("--%s",
			    longs[ch - LONG_BASE].name);

			if (strcmp(name, "--config") == 0)
				av->config = optarg;
			av_push(av, name);
			free(name);
			if (longs[ch - LONG_BASE].has_arg != no_argument)
				av_push(av, optarg);
		} else {
			if (ch == 'c')
				av->config = optarg;
			av_push(av, flag);
			if (optarg != NULL && strchr(shorts, ch) != NULL &&
			    strchr(shorts, ch)[1] == ':')
				av_push(av, optarg);
		}
	}
	for (int i = optind; i < nwords; i++) {
		if (i == optind && i > 0 && strcmp(words[i - 1], "--") == 0)
			av_push(av, "--");
		av_push(av, words[i]);
	}
	free(words);
	return 0;
}

/* Does cmd take an action word first ("quarantine list")? */
static bool
cmd_dispatches(const char *cmd)
{
	return strcmp(cmd, "quarantine") == 0 || strcmp(cmd, "exception") == 0;
}

void
cli_args_rest(struct cli_argv *av, int argc, char **argv)
{
	const struct cmd_opts *t = NULL;
	int ins;

	av_push(av, av->cmd);
	for (size_t k = 0; k < sizeof(cmd_table) / sizeof(cmd_table[0]); k++)
		if (strcmp(cmd_table[k].cmd, av->cmd) == 0)
			t = &cmd_table[k];
	if (t == NULL || rewrite(av, t, argc, argv, av->rest) < 0) {
		av_clear(av);
		av_push(av, av->cmd);
		av->config = av->lead_config;
		for (int i = av->rest; i < argc; i++) {
			if ((strcmp(argv[i], "-c") == 0 ||
			    strcmp(argv[i], "--config") == 0) && i + 1 < argc)
				av->config = argv[i + 1];
			else if (strncmp(argv[i], "--config=", 9) == 0)
				av->config = argv[i] + 9;
			av_push(av, argv[i]);
		}
	}
	/* Where the leading options go: before the first option.  The
	 * commands that dispatch on argv[1] ("quarantine list") read -h
	 * there when no action word comes first: then at the end. */
	for (ins = 1; ins < av->argc; ins++)
		if (av->argv[ins][0] == '-' && av->argv[ins][1] != '\0')
			break;
	if (ins == 1 && cmd_dispatches(av->cmd))
		ins = av->argc;
	av->insert_at = ins;
	for (size_t k = 0; k < av->nlead_sets; k++) {
		cli_args_insert(av, "--set");
		cli_args_insert(av, av->lead_sets[k]);
	}
	if (av->lead_config != NULL) {
		cli_args_insert(av, "-c");
		cli_args_insert(av, av->lead_config);
	}
}

void
cli_args_insert(struct cli_argv *av, const char *s)
{
	av_push(av, s);		/* grows the array by one */
	if (av->insert_at < av->argc - 1) {
		char *last = av->argv[av->argc - 1];

		memmove(&av->argv[av->insert_at + 1], &av->argv[av->insert_at],
		    (size_t)(av->argc - 1 - av->insert_at) *
		    sizeof(*av->argv));
		av->argv[av->insert_at] = last;
	}
	av->insert_at++;
}

void
cli_args_push_config(struct cli_argv *av, const char *path)
{
	/* "msgsec quarantine" alone prints its usage: it needs no file. */
	if (av->argc == 1 && cmd_dispatches(av->cmd))
		return;
	cli_args_insert(av, "-c");
	cli_args_insert(av, path);
}

void
cli_args_free(struct cli_argv *av)
{
	av_clear(av);
	free(av->argv);
	free(av->lead_sets);
	memset(av, 0, sizeof(*av));
}

void
cli_err(const char *prog, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void
cli_stamp(time_t t, char *buf, size_t len)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	if (strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0 && len > 0)
		buf[0] = '\0';
}
