/*
 * qstore.h - the quarantine as `msgsec quarantine` reads and changes it:
 * the folder store (policy/qentry.h, paths.quarantine) or, with
 * quarantine.backend: postgresql, the records database every gateway
 * shares (pgstore/pgadmin.h).  The subcommands see one interface.
 *
 * A change (release, delete, purge) runs between qstore_begin() and
 * qstore_end(): the folder store's lock file, or the database's
 * transaction under its advisory lock.
 */
#ifndef MSGSEC_QSTORE_H
#define MSGSEC_QSTORE_H

#include <stdbool.h>
#include <stddef.h>

#include "config.h"
#include "qentry.h"
#include "release.h"

struct pgadmin;

struct qstore {
	const char *qdir;	/* the folder store (also the database's
				 * spool folder, unused here) */
	struct pgadmin *db;	/* the database, or NULL */
	int lock;		/* the folder store's lock during a change */
};

/* 0, or -1 with *error_r (the database cannot be reached, or its schema
 * is not this msgsec's). */
int qstore_open(struct qstore *s, const struct config *c, char **error_r);
void qstore_close(struct qstore *s);

/* Where the audit trail is, for messages: "DIR/audit.jsonl" or "the
 * records database (msgsec_audit)". */
const char *qstore_audit_name(const struct qstore *s, char *buf, size_t len);

int qstore_list(struct qstore *s, char ***ids_r, size_t *n_r,
    char **error_r);
int qstore_load(struct qstore *s, const char *id, struct qentry *e,
    char **error_r);
/* The message as received, allocated (NUL after the bytes). */
int qstore_message(struct qstore *s, const char *id, char **data_r,
    size_t *len_r, char **error_r);
/* The same as a file descriptor to read from its start (the folder
 * store's file, or an anonymous in-memory file); -1 with *error_r. */
int qstore_message_fd(struct qstore *s, const char *id, char **error_r);

int qstore_begin(struct qstore *s, char **error_r);
/* Ends the change: commit when ok (0, or -1 with *error_r), else undo
 * what the database can undo. */
int qstore_end(struct qstore *s, bool ok, char **error_r);

/* Within a change. */
int qstore_audit(struct qstore *s, const struct qentry *e, const char *op,
    const char *by, const char *line, char **error_r);
int qstore_add_history(struct qstore *s, const struct qentry *e,
    const char *event, char **error_r);
int qstore_remove(struct qstore *s, const char *id, char **error_r);

/* A one-time pass, visible to every milter when this returns. */
int qstore_pass_create(struct qstore *s, const char *id,
    char token_r[RELEASE_TOKEN_LEN + 1], char **error_r);
void qstore_pass_cancel(struct qstore *s, const char *token);

#endif
