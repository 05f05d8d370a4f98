/*
 * pgimport.h - the database side of `msgsec quarantine import`: a folder
 * store's entries, release passes and audit trail written into the
 * records database (admin/qimport.c reads the folder and removes what
 * was committed and verified).
 *
 * Every call but pgimport_audit_file runs inside a pgadmin change
 * (pgadmin_begin() .. pgadmin_end()), so an entry, its passes and the
 * audit line of its import commit together or not at all.
 */
#ifndef MSGSEC_PGIMPORT_H
#define MSGSEC_PGIMPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "pgadmin.h"
#include "sha256.h"

/* The most bytes one message may have in the database (config.h). */
#define PGIMPORT_MAX_MESSAGE CONFIG_DB_MESSAGE_MAX

/*
 * Is entry id in the database (whatever its state)?  *found_r, and its
 * sha256 (as the server computed it from the stored bytes) and size when
 * found.  0, or -1 with *error_r.
 */
int pgimport_find(struct pgadmin *a, const char *id, bool *found_r,
    char sha_r[SHA256_HEX_LEN + 1], uint64_t *size_r, char **error_r);

/*
 * A new held entry id: received (Unix time), meta (a JSON object), the
 * message's len bytes.  The row's sha256 is the server's, computed from
 * the bytes it received.  0, or -1 with *error_r (the id taken included).
 */
int pgimport_message(struct pgadmin *a, const char *id, int64_t received,
    const char *meta, size_t meta_len, const char *bytes, size_t len,
    char **error_r);

/*
 * An unconsumed pass token for entry id, made at created (Unix time: the
 * age quarantine.release_seconds counts from).  A token already there is
 * left as it is (a second import).  0, or -1 with *error_r.
 */
int pgimport_pass(struct pgadmin *a, const char *token, const char *id,
    int64_t created, char **error_r);

/*
 * The folder store's audit trail (text: JSON objects, one a line, each
 * already checked to be one), appended to msgsec_audit in one
 * statement, in order, each line as the row's detail, its "on", "by",
 * "action" and "id" as the row's time, actor, op and message.  A line
 * whose text is already a row's detail is not added again (a second
 * import, or the line of an import).  *added_r gets how many were.  Its
 * own transaction: 0, or -1 with *error_r (nothing added).
 */
int pgimport_audit_file(struct pgadmin *a, const char *text,
    uint64_t *added_r, char **error_r);

#endif
