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

/*
 * For `msgsec alerts summary` over the database: the alerts of q (but
 * event type flow) counted in groups by SQL over msgsec_alert_key, each
 * group handed to each(arg, g); *messages_r gets the distinct messages of
 * the mail hits.  A group's keys are JSON text as the lines have them (a
 * string with its quotes and escapes), NULL when absent or not a key of
 * its set.  0, or -1 with *error_r.
 */
enum pgalert_key {
	PGK_EVENT_TYPE, PGK_CATEGORY, PGK_POLICY, PGK_RULE, PGK_AGENCY,
	PGK_ACTION, PGK_INTENDED, PGK_DIRECTION, PGK_EXCEPTION,
	PGK_GATEWAY, PGK_HITS, PGK_SRC_IP, PGK_SERVICE, PGK_HOSTNAME,
	PGK_USER, PGK_COUNT
};
enum pgalert_set {
	PGS_MAIN,	/* everything but the keys below; hits 0 or 1 */
	PGS_HOST,	/* event type, category, src_ip */
	PGS_SERVICE,	/* event type, category, service, hostname */
	PGS_USER,	/* event type, category, user */
};
struct pgalert_group {
	enum pgalert_set set;
	const char *key[PGK_COUNT];
	const char *name[PGK_COUNT];	/* the JSON keys ("event_type") */
	int32_t day;		/* PGS_MAIN: days since 1970-01-01 (UTC) */
	time_t first, last;
	uint64_t n;		/* alerts in the group */
	uint64_t bytes;		/* the sizes of message records, summed */
};
int pgalert_groups(const struct config *c, const struct pgalert_query *q,
    int (*each)(void *arg, const struct pgalert_group *g), void *arg,
    uint64_t *messages_r, char **error_r);

#endif
