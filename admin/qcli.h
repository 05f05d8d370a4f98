/*
 * qcli.h - what the `msgsec quarantine` subcommands share
 * (cmd_quarantine.c: list, show, delete, purge; qrelease.c: release;
 * qextract.c: extract).
 */
#ifndef MSGSEC_QCLI_H
#define MSGSEC_QCLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "cli.h"
#include "config.h"
#include "qentry.h"
#include "qstore.h"

struct qcli {
	const char *prog;	/* "msgsec quarantine release" */
	struct cli_common common;
	struct config conf;
	bool conf_loaded;
	const char *qdir;	/* conf.quarantine_dir */
	struct qstore store;	/* the folder store or the database */
	bool store_open;
	time_t now;		/* --now, or the clock */
	const char *id;		/* the positional ID (the first of ids) */
	const char **ids;	/* hold, release-hold: every ID given */
	size_t nids;
	const char *event_case;	/* the case a recorded event names */
	/* options */
	char *since, *rule, *agency, *by, *reason, *older, *to;
	char *approved_by, *part, *output, *case_ref, *from;
	bool headers, retention, dry_run, force, remove_held, raw, keep;
};

/* "PROG: TEXT" on stderr. */
#define qcli_err(q, ...) cli_err((q)->prog, __VA_ARGS__)
/* Is s NULL or only blanks? */
bool qcli_blank(const char *s);
/* --by and --reason both given?  1 (messages printed) when not. */
int qcli_need_who_why(const struct qcli *q);
/*
 * What a change to one entry starts with: --by and --reason given, the
 * change begun (qstore_begin()) and the entry q->id loaded into e.  0, or
 * 1 (message printed, nothing held).
 */
int qcli_open_entry(struct qcli *q, struct qentry *e);
/* End the change qcli_open_entry() began (commit when ok); rc, or 1 when
 * the commit failed (message printed). */
int qcli_close_entry(struct qcli *q, bool ok, int rc);
/*
 * Record action on e: one line in the audit log (always, first) and, when
 * keep_meta, the event in e's meta.json history.  to[0..nto) are the
 * recipients of a release.  0, or -1 (message printed; nothing done).
 */
int qcli_record(struct qcli *q, const struct qentry *e, const char *action,
    char **const to, size_t nto, bool keep_meta);
/*
 * The JSON of action on e at q->now into b (initialised here; buf_free
 * it): with audit, the audit line (with the entry's envelope), else the
 * event for its history.
 */
struct buf;
void qcli_event(const struct qcli *q, const struct qentry *e,
    const char *action, char **const to, size_t nto, bool audit,
    struct buf *b);
/* t as "YYYY-MM-DD HH:MM" (UTC) into buf. */
void qcli_fmt_time(int64_t t, char *buf, size_t len);
/* Untrusted text, escaped and cut to width bytes, into buf; returns buf. */
const char *qcli_esc(const char *s, size_t width, char *buf, size_t len);

/* The subcommands that live in their own files.  Return the exit code. */
int qrelease_run(struct qcli *q);	/* qrelease.c */
int qextract_run(struct qcli *q);	/* qextract.c */
int qhold_run(struct qcli *q);		/* qhold.c: hold */
int qhold_release_run(struct qcli *q);	/* qhold.c: release-hold */
int qimport_run(struct qcli *q);	/* qimport.c: import */
/* Refuse a change to a held entry: 1 after printing why and recording
 * the refused attempt (action "ACTION-refused"), 0 when not held. */
int qhold_refuse(struct qcli *q, const struct qentry *e, const char *action);

#endif
