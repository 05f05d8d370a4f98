/*
 * pgpriv.h - what pgdb.c shares with the rest of pgstore/: the libpq
 * connection under a struct pgdb, and libpq's messages made one line.
 * Only pgstore/ includes it (it pulls in libpq-fe.h).
 */
#ifndef MSGSEC_PGPRIV_H
#define MSGSEC_PGPRIV_H

#include <stdbool.h>

#include <libpq-fe.h>

#include "pgalert.h"
#include "pgdb.h"

PGconn *pgdb_conn(struct pgdb *db);

/* pgadmin.c's connection and this host's name, for pgimport.c. */
struct pgadmin;
PGconn *pgadmin_conn(struct pgadmin *a);
const char *pgadmin_gateway(const struct pgadmin *a);

/* "what: message" as one line (libpq's are several), allocated. */
char *pgdb_one_line(const char *what, const char *msg);

/*
 * Run one statement: with no parameters and text results as PQexec
 * (which also takes several statements, "SET a; SET b"), else as
 * PQexecParams with n parameters (lens and fmts NULL: all text) and the
 * results in binary when binary_result.  The result when the server
 * answered COMMAND_OK or TUPLES_OK (PQclear it), else NULL with *error_r
 * ("what: the server's message").
 */
PGresult *pgdb_exec(PGconn *c, const char *sql, int n,
    const char *const *vals, const int *lens, const int *fmts,
    bool binary_result, const char *what, char **error_r);
/* The same for a statement whose rows do not matter: 0, or -1. */
/* COMMIT, checked: a transaction the server rolled back is -1. */
int pgdb_commit(PGconn *c, const char *what, char **error_r);
int pgdb_run(PGconn *c, const char *sql, int n, const char *const *vals,
    const char *what, char **error_r);

/* A pgalert_query as the $1 (since) and $2 (until) of a statement:
 * seconds since the epoch, or NULL (SQL NULL) when not given. */
struct pgalert_params {
	char since[24], until[24];
	const char *vals[2];
};
void pgalert_params(const struct pgalert_query *q, struct pgalert_params *p);

#endif
