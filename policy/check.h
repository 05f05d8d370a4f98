/*
 * check.h - the names of the built-in checks that the milter and the sensor
 * raise (rfc5322.from.missing, mime.partial, limit.mime-depth, ...).
 *
 * Rules turn a check into an action with `match: { check: NAME }`; keeping
 * the vocabulary in one table lets the loader refuse a misspelt check with
 * a suggestion instead of a rule that can never fire.
 */
#ifndef MSGSEC_CHECK_H
#define MSGSEC_CHECK_H

#include <stdbool.h>
#include <stddef.h>

enum check_scope {
	CHECK_MAIL = 1,
	CHECK_NETWORK = 2,
};

struct check_info {
	const char *name;
	enum check_scope scope;
	const char *policy;	/* the clause it serves */
	const char *what;	/* one line for docs and `msgsec check --list` */
};

/* The table, terminated by a NULL name. */
const struct check_info *check_table(void);
/* Exact lookup, or NULL. */
const struct check_info *check_find(const char *name);
/* Does glob (with '*' wildcards) name at least one check of scope? */
bool check_glob_matches_any(const char *glob, enum check_scope scope);
/* The closest name for a "did you mean", or NULL. */
const char *check_suggest(const char *name);

/* '*' matches any run of bytes (including dots).  Case-sensitive. */
bool glob_match(const char *pattern, const char *s, size_t len);

#endif
