/*
 * qentry.h - the quarantine store as the security office sees it: read an
 * entry's meta.json, list entries, record what people do to them.
 *
 * Records (clause 5: nothing is removed without a record):
 *   - DIR/audit.jsonl: one JSON object per line per action (release,
 *     delete, purge), appended with O_APPEND and fsync'd under the store's
 *     lock (DIR/.lock); it is never rewritten.
 *   - the entry's own meta.json "history" array gets the same event
 *     (meta.json replaced atomically), while the entry exists.
 *
 * Thread safety: none needed (the admin command); the store's writers (the
 * milter) only add entries, never touch existing ones.
 */
#ifndef MSGSEC_QENTRY_H
#define MSGSEC_QENTRY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define QENTRY_LOCK ".lock"
#define QENTRY_AUDIT "audit.jsonl"
#define QENTRY_MAX_META (1u << 20)	/* bytes of one meta.json */
#define QENTRY_MAX_DEPTH 16		/* its nesting */

struct qentry_event {
	int64_t on;
	char *by, *action, *reason;	/* reason may be NULL */
	char *case_ref;		/* "case": a legal hold's, or NULL */
};

/* A hit as meta.json records it (msgsec-milter 0.1 entries have none). */
struct qentry_hit {
	char *rule, *action, *filename, *detail;	/* may be NULL */
	int64_t part;		/* -1 when none */
};

/* A file name in the message: a part's, or ARCHIVE/PATH for a member. */
struct qentry_file {
	int64_t part;
	char *name, *type, *reading;	/* type, reading may be NULL */
};

struct qentry {
	char *id;
	char *subject, *reply, *decided_by;	/* may be NULL */
	struct qentry_hit *hits;
	size_t nhits;
	struct qentry_file *files;
	size_t nfiles;
	char *queue_id, *mail_from, *client_ip, *direction, *agency, *action;
	char **rcpts;
	size_t nrcpts;
	char **held_for;	/* a split message: kept for these only */
	size_t nheld_for;
	char **rules;
	size_t nrules;
	int64_t received;	/* Unix time */
	uint64_t size;		/* bytes of message.eml */
	struct qentry_event *history;
	size_t nhistory;
	char *gateway;		/* the database's writer; NULL: folder store */
	char *meta;		/* meta.json as read */
	size_t meta_len;
	size_t history_end;	/* offset of history's ']', or SIZE_MAX */
};

/*
 * Is id a store entry name?  The shared id syntax (id.h): no '/', no
 * leading '.' (the store's temporary and half-removed entries), at most
 * ID_MAX bytes.
 */
bool qentry_id_is_valid(const char *id);

/*
 * Read DIR/ID/meta.json (and the size of message.eml).  Unknown keys are
 * ignored; missing ones stay NULL/0.  Returns 0, or -1 with *error_r.
 */
int qentry_load(const char *qdir, const char *id, struct qentry *e,
    char **error_r);
void qentry_free(struct qentry *e);

/*
 * The meta.json part of qentry_load: fill e (id and size left empty) from
 * the len bytes at meta, which are copied (e->meta).  Returns 0, or -1
 * with *error_r (e is then empty).  The fuzz target's entry point.
 */
int qentry_parse(struct qentry *e, const char *meta, size_t len,
    char **error_r);

/*
 * Legal hold (clause 5): an entry is held while its history has a "hold"
 * event for a case and no later "hold-released" event for that case.
 * The case of the latest hold still open, or NULL; with case_ref, only
 * whether that case holds it (case_ref returned, or NULL).
 */
const char *qentry_hold(const struct qentry *e, const char *case_ref);

/* The entries' ids, sorted (oldest first, as ids start with the time). */
int qentry_list(const char *qdir, char ***ids_r, size_t *n_r,
    char **error_r);
void qentry_list_free(char **ids, size_t n);

/*
 * e's metadata with event (a JSON object) appended to its history, in out
 * (initialised here; buf_free it).  0, or -1 with *error_r (out empty).
 */
struct buf;
int qentry_meta_with_event(const struct qentry *e, const char *event,
    struct buf *out, char **error_r);

/*
 * Append event (a JSON object, no newline) to e's meta.json history and
 * replace the file atomically.  Returns 0, or -1 with *error_r.
 */
int qentry_add_history(const char *qdir, const struct qentry *e,
    const char *event, char **error_r);

/* Append one line (a JSON object, no newline) to DIR/audit.jsonl. */
int qentry_audit(const char *qdir, const char *line, char **error_r);

/*
 * Remove an entry: renamed to DIR/.removing-ID first (so it vanishes from
 * listings at once), then its files and folder are removed and DIR is
 * fsync'd.  Returns 0, or -1 with *error_r.
 */
int qentry_remove(const char *qdir, const char *id, char **error_r);

#endif
