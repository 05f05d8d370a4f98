/*
 * pgalert.h - the alert log in the records database (alerts.output:
 * postgresql): every gateway's milter and sensor write to one table,
 * msgsec_alert, and `msgsec alerts`, `alerts summary` and `report` read
 * it across the fleet.
 *
 * Writing never waits on the database: a line goes to a bounded queue
 * (alerts.queue) that one writer thread sends in COPY batches
 * (alerts.batch).  When the queue is full, or the database cannot take
 * the lines, they go to a local spool (alerts.spool, JSON lines, at most
 * alerts.spool_bytes), sent when the database is back.  An outage is
 * logged once with its reason, and its end with the count spooled; an
 * alert that finds the spool full is lost and logged (limit.alerts_spool),
 * never silently.  Delivery is at least once: a spool left by a process
 * that died while sending it is sent again whole.
 */
#ifndef MSGSEC_PGALERT_H
#define MSGSEC_PGALERT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "alert.h"
#include "config.h"

/*
 * Open the alert log c says (alerts.output): alert_log_open for file,
 * stdout, syslog and none; for postgresql, alerts.file too when
 * alerts.keep_file, and the database sink, whose thread starts with the
 * first alert (so a daemon may fork after this).  NULL with *error_r.
 */
struct alert_log *pgalert_log_open(const struct config *c, const char *ident,
    int facility, char **error_r);

/* ------------------------------------------------------------ reading */

/* Which rows: since <= at < until when has_*. */
struct pgalert_query {
	bool has_since, has_until;
	time_t since, until;
};

/*
 * Call each(arg, line, len) for every row in time order, the line as
 * stored with "gateway" put first ({"gateway":"gw-a","timestamp":...}),
 * without LF; the bytes are valid until each returns.  each returns 0 to
 * go on, or 1 to stop.  0, or -1 with *error_r.
 */
int pgalert_each(const struct config *c, const struct pgalert_query *q,
    int (*each)(void *arg, const char *line, size_t len), void *arg,
    char **error_r);

#endif
