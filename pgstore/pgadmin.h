/*
 * pgadmin.h - the admin command's side of the records database: the
 * quarantine as `msgsec quarantine` reads and changes it when
 * quarantine.backend is postgresql (admin/qstore.c picks this or the
 * folder store).
 *
 * A change runs inside pgadmin_begin() .. pgadmin_end(): one transaction
 * holding the store's advisory lock (so two offices' commands on the
 * fleet's store wait for each other, as two on one folder store do); the
 * audit line, the history and a removal commit together or not at all.
 * Release passes are written on a connection of their own and committed
 * at once: the milter that meets the released message must see the pass
 * before the command's transaction ends.
 */
#ifndef MSGSEC_PGADMIN_H
#define MSGSEC_PGADMIN_H

#include <stdbool.h>
#include <stddef.h>

#include "config.h"
#include "qentry.h"
#include "release.h"

struct pgadmin;

/* Connect and check the schema; NULL with *error_r. */
struct pgadmin *pgadmin_open(const struct config *c, char **error_r);
void pgadmin_close(struct pgadmin **ap);

/* The held entries' ids, oldest first. */
int pgadmin_list(struct pgadmin *a, char ***ids_r, size_t *n_r,
    char **error_r);
/* One entry's metadata (qentry_parse()), id and size; "no quarantine
 * entry ID" when there is none. */
int pgadmin_load(struct pgadmin *a, const char *id, struct qentry *e,
    char **error_r);
/* The message as received, allocated. */
int pgadmin_message(struct pgadmin *a, const char *id, char **data_r,
    size_t *len_r, char **error_r);

/* Open and close a change (commit when ok, else roll back). */
int pgadmin_begin(struct pgadmin *a, char **error_r);
int pgadmin_end(struct pgadmin *a, bool ok, char **error_r);

/* Within a change: the audit line (a JSON object) of what was done. */
int pgadmin_audit(struct pgadmin *a, const char *id, const char *op,
    const char *by, const char *line, char **error_r);
/* Within a change: replace e's metadata (its history grown). */
int pgadmin_set_meta(struct pgadmin *a, const char *id, const char *meta,
    size_t len, char **error_r);
/* Within a change: remove the entry (its passes with it). */
int pgadmin_remove(struct pgadmin *a, const char *id, char **error_r);

/* A one-time pass for entry id, committed before this returns. */
int pgadmin_pass_create(struct pgadmin *a, const char *id,
    char token_r[RELEASE_TOKEN_LEN + 1], char **error_r);
void pgadmin_pass_cancel(struct pgadmin *a, const char *token);

#endif
