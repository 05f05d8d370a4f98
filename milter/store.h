/*
 * store.h - where the milter keeps what it blocks (clause 5) and checks
 * release passes: the folder store (policy/quarantine.h, release.h) or,
 * with quarantine.backend: postgresql, the records database every gateway
 * shares (pgstore/pgstore.h).  One store per process, opened at start:
 * changing quarantine.backend or quarantine.dsn takes a restart (a reload
 * that changes them is refused by the reload's check).
 */
#ifndef MSGSEC_STORE_H
#define MSGSEC_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "config.h"
#include "quarantine.h"

/*
 * Open the store c names.  The folder store needs nothing; the database
 * is connected and its schema checked: -1 with *error_r on a schema this
 * msgsec does not know (the program refuses to start), 0 with *warning_r
 * set when the server cannot be reached now (mail it blocks is then
 * answered milter.on_internal_error until it can).
 */
int store_open(const struct config *c, char **warning_r, char **error_r);
void store_close(void);

/* Does c name the store that is open (backend and dsn)?  A reload that
 * does not is refused. */
bool store_same(const struct config *c);

/* Keep the spooled message (quarantine_commit()'s contract). */
int store_commit(const struct config *c, struct spool *s,
    const char *id_hint, const char *meta, char *id_r, char **error_r);

/* Consume a release pass (release_consume()'s contract). */
int store_consume_pass(const struct config *c, const char *value,
    time_t now, char *id_r, size_t idlen, const char **why_r);

#endif
