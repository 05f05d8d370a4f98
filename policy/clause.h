/*
 * clause.h - the clauses of the messaging security policy, named once.
 *
 * Rules carry a clause number (`policy: "3.1"`); the loader accepts only
 * the numbers in this table, and the admin command's alert summaries, the
 * report's legends and the manual name them with these titles, so the
 * rules, the README, the alerts and the report cannot drift apart.
 */
#ifndef MSGSEC_CLAUSE_H
#define MSGSEC_CLAUSE_H

#include <stddef.h>

struct clause {
	const char *id;		/* "3.1" */
	const char *title;	/* a few words, for legends and tables */
	const char *text;	/* what the policy says, one sentence */
};

/* The table, in clause order, terminated by a NULL id.  Static. */
const struct clause *clause_table(void);
/* Exact lookup ("3.1"), or NULL. */
const struct clause *clause_find(const char *id);
/* The title of id, or "Other" for a number not in the table. */
const char *clause_title(const char *id);

#endif
