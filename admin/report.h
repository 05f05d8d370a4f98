/*
 * report.h - what `msgsec report` (cmd_report.c) shares with the
 * sections in reportops.c: the run, its counters and the page buffer.
 */
#ifndef MSGSEC_REPORT_H
#define MSGSEC_REPORT_H

#include <stddef.h>
#include <stdint.h>

#include "alertfilter.h"
#include "alertsum.h"
#include "cli.h"
#include "policy.h"
#include "str.h"

/* One release alert, for the table of releases. */
struct report_release {
	char when[24];		/* "2026-11-24 11:00" */
	char *id, *by, *approved_by, *to;	/* may be NULL */
	size_t nto;
};

struct report {
	struct cli_common common;
	struct alert_filter filter;
	const char *html;
	const char **logs;
	size_t nlogs;
	bool database;		/* --database: msgsec_alert, every gateway */
	const char *title;
	int32_t today;
	size_t top;
	struct alertsum sum;
	uint64_t lines, malformed;
	int errors;
	struct buf b;
	/* The latest --top releases (a ring; sum.releases counts all). */
	struct report_release *releases;
	size_t nreleases, release_next;
};

/* 12345 as "12,345". */
void report_num(uint64_t v, char *out, size_t len);
/* An exception's scope, named: rules, users, hosts. */
struct exception;
void report_scope(struct buf *b, const struct exception *e);
/* An exception's row up to its scope: "<tr><td><code>ID</code></td><td>
 * AGENCY</td><td>SCOPE"; its window's dates as YYYY-MM-DD into from and
 * until (16 bytes each). */
void report_exception_lead(struct buf *b, const struct exception *e,
    char from[16], char until[16]);
/* A summary card: a number and what it counts. */
void report_card(struct buf *b, const char *num, const char *label);

/* reportops.c: keep a release alert's row (the latest --top). */
void report_add_release(struct report *rp, const struct ascan_rec *r,
    time_t t);
void report_releases_free(struct report *rp);
/* The sections: mail volume and hits by direction, scanner health,
 * releases, exceptions pending review, the latest --top quarantine
 * entries by id. */
void report_mail(struct report *rp);
void report_health(struct report *rp);
void report_releases(struct report *rp);
void report_pending(struct report *rp, const struct policy *p);
struct qstore;
/* The legal holds and the latest --top entries of the n ids of s. */
void report_quarantine_ids(struct report *rp, struct qstore *s, char **ids,
    size_t n);

#endif
