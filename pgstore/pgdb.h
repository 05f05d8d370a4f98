/*
 * pgdb.h - the records database (quarantine.backend: postgresql).
 *
 * One connection string (quarantine.dsn: libpq's keywords or URI, never a
 * password: PGPASSFILE, ~/.pgpass or passfile=) and one schema, versioned:
 * version N is what the first N migrations make.  `msgsec db init` and
 * `msgsec db migrate` apply the missing ones under an advisory lock, in
 * one transaction (idempotent: a second run finds nothing to do, two at
 * once wait for each other); every other program refuses a schema whose
 * version is not PGDB_SCHEMA_VERSION, saying which to run.
 *
 * Every statement runs under quarantine.statement_timeout_ms and with
 * synchronous_commit on: a COMMIT that returned is on the server's disk.
 *
 * Not thread-safe per connection (libpq's rule): one struct pgdb per
 * thread at a time.
 */
#ifndef MSGSEC_PGDB_H
#define MSGSEC_PGDB_H

#include <stddef.h>
#include <stdint.h>

/*
 * The name every row names its writer by: configured (quarantine.gateway)
 * unless empty or NULL, else this host's (gethostname).
 */
#define PGDB_GATEWAY_MAX 256
void pgdb_gateway(const char *configured, char *buf, size_t len);

/* The schema this msgsec reads and writes. */
#define PGDB_SCHEMA_VERSION 2

struct pgdb;

/*
 * Connect to dsn (quarantine.dsn), every statement under statement_ms
 * (quarantine.statement_timeout_ms).  NULL with *error_r (allocated:
 * libpq's reason, one line) when the server cannot be reached or refuses
 * us.
 */
struct pgdb *pgdb_connect(const char *dsn, uint64_t statement_ms,
    char **error_r);
void pgdb_close(struct pgdb **dbp);

/*
 * The schema's version: 0 when it has none (an empty database), else the
 * highest version applied.  0 or -1 with *error_r.
 */
int pgdb_schema_version(struct pgdb *db, int *version_r, char **error_r);

/*
 * Apply the migrations the schema lacks, up to PGDB_SCHEMA_VERSION, in
 * one transaction.  *from_r and *to_r get the versions before and after
 * (equal: nothing to do).  A schema newer than this msgsec is an error
 * (nothing is changed).  0 or -1 with *error_r.
 */
int pgdb_migrate(struct pgdb *db, int *from_r, int *to_r, char **error_r);

/*
 * For a program that uses the store: 0 when the schema is
 * PGDB_SCHEMA_VERSION, else -1 with *error_r saying what to run
 * ("msgsec db init", "msgsec db migrate", or a newer msgsec).
 */
int pgdb_check_schema(struct pgdb *db, char **error_r);

#endif
