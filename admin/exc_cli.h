/*
 * exc_cli.h - what the `msgsec exception` subcommands share: the loaded
 * policy, the clock (--now / --today, so golden tests are stable), the
 * exceptions folder and its lock.
 */
#ifndef MSGSEC_EXC_CLI_H
#define MSGSEC_EXC_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "cli.h"
#include "policy.h"
#include "str.h"

/* The lock file every writer of the exceptions folder takes. */
#define EXC_LOCK_NAME ".lock"

struct exc_cli {
	const char *prog;	/* "msgsec exception review" */
	struct cli_common common;
	struct policy *p;
	const char *dir;	/* p->config.exceptions_dir */
	time_t now;
	int32_t today;
	const char *id;		/* the positional ID, if any */
};

/* One option: its name and where its value goes (repeats append ","). */
struct exc_opt {
	const char *name;	/* "--body" */
	char **val;
	bool list;		/* repeatable, joined with ',' */
};

/*
 * Parse argv[1..] against opts (NULL-name terminated), the common
 * options, --now TIME, --today DATE and at most one positional argument
 * (the ID) when want_id.  Returns 0, or 2 after a usage message.
 */
int exc_cli_args(struct exc_cli *x, int argc, char **argv,
    const struct exc_opt *opts, bool want_id);
/* Load the policy; 0, or 1 after printing why. */
int exc_cli_load(struct exc_cli *x);
void exc_cli_free(struct exc_cli *x, const struct exc_opt *opts);

/* "msgsec exception review: TEXT" on stderr. */
#define exc_cli_err(x, ...) cli_err((x)->prog, __VA_ARGS__)

/* A flow mapping "{ k: v, ... }" of NULL-terminated key/value pairs (a
 * NULL value skips the pair).  Returns NULL when a value is not valid
 * UTF-8 text. */
char *exc_cli_flow(const char *const *kv);

int exc_request(struct exc_cli *x, int argc, char **argv);

#endif
