/*
 * pgstore.h - the milter's side of the records database: a bounded pool
 * of connections, the blocked message stored before the answer, and the
 * one-time release passes (quarantine.backend: postgresql).
 *
 * Durability as the folder store's: pgstore_commit() returns 0 only after
 * the server's COMMIT (synchronous_commit on), and any failure (no server,
 * read-only, disk full, past quarantine.statement_timeout_ms) is -1 with a
 * reason, so the caller answers milter.on_internal_error: never an accept,
 * never a reject without a stored copy.
 *
 * The pool holds at most quarantine.pool connections, made when first
 * needed; a caller waits for a free one (at most the statement timeout).
 * A connection that failed is dropped and made again on the next use, so
 * the store recovers by itself when the server is back.  Every failure
 * of an outage gives the outage's first reason, so a caller that reports
 * a reason once (the milter's daemon) says it once per outage.
 *
 * Thread-safe.
 */
#ifndef MSGSEC_PGSTORE_H
#define MSGSEC_PGSTORE_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "config.h"
#include "quarantine.h"

struct pgstore;

/*
 * A pool for c's quarantine.dsn, naming this host (pgdb_gateway()) in
 * what it writes.  Connects once to check the schema (and closes: the pool
 * connects when first used, in the process that uses it): -1 with
 * *error_r when the schema is not PGDB_SCHEMA_VERSION (the milter refuses
 * to start); 0 with *store_r when the schema is right, and also when the
 * server cannot be reached now (*warning_r says so; the store connects
 * when first needed, and checks the schema then).
 */
int pgstore_open(const struct config *c, struct pgstore **store_r,
    char **warning_r, char **error_r);
void pgstore_close(struct pgstore **sp);

/* The connection string it was opened with. */
const char *pgstore_dsn(const struct pgstore *st);

/* The name its rows give this gateway (quarantine.gateway or the host's). */
const char *pgstore_gateway(const struct pgstore *st);

/*
 * Store the spooled message with meta (a JSON object) as a new entry;
 * its id (from id_hint, as the folder store makes them) in id_r (at least
 * 96 bytes).  0 after COMMIT, or -1 with *error_r and id_r "".
 */
int pgstore_commit(struct pgstore *st, const struct spool *s,
    const char *id_hint, const char *meta, char *id_r, char **error_r);

/*
 * Consume the pass a release header names (release.h's rules: exactly
 * RELEASE_TOKEN_LEN hex digits, younger than max_age seconds, used once
 * across every gateway).  0 and the entry id in id_r when this call
 * consumed it; -1 otherwise with *why_r a static reason ("database
 * unreachable" included: the message is then judged like any other).
 */
int pgstore_consume_pass(struct pgstore *st, const char *value,
    uint64_t max_age, char *id_r, size_t idlen, const char **why_r);

#endif
