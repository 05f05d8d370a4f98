/*
 * pgpriv.h - what pgdb.c shares with the rest of pgstore/: the libpq
 * connection under a struct pgdb, and libpq's messages made one line.
 * Only pgstore/ includes it (it pulls in libpq-fe.h).
 */
#ifndef MSGSEC_PGPRIV_H
#define MSGSEC_PGPRIV_H

#include <libpq-fe.h>

#include "pgdb.h"

PGconn *pgdb_conn(struct pgdb *db);

/* "what: message" as one line (libpq's are several), allocated. */
char *pgdb_one_line(const char *what, const char *msg);

#endif
