/*
 * pgalertsum.c - `msgsec alerts summary` over the records database
 * (pgalert_groups in pgalert.h): the counting done by SQL, GROUP BY
 * GROUPING SETS over msgsec_alert_key (the narrow copy of each alert's
 * counted fields that schema version 2's trigger keeps), so tens of
 * thousands of groups cross the socket instead of millions of lines.  The
 * distinct messages of the mail hits are counted at the same time on a
 * second connection (the server works on both at once).
 *
 * Trusts: the server for the shape of its answer (the columns are
 * checked); the keys are handed on as text for the caller to parse
 * strictly.  Numbers are parsed with range checks.
 */
#include "pgalert.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"
#include "pgpriv.h"
#include "str.h"

/* Alerts of the period, flow records left out as the file reader does. */
#define SUM_WHERE \
	" WHERE ($1::bigint IS NULL OR at >= to_timestamp($1::bigint))" \
	" AND ($2::bigint IS NULL OR at < to_timestamp($2::bigint))"

static const char GROUPS_SQL[] =
    "SELECT GROUPING(src_ip, service, usr), event_type, category, policy,"
    " rule, agency, action, intended, direction, exception,"
    " to_json(gateway)::text, CASE WHEN hp THEN '1' ELSE '0' END,"
    " src_ip, service, hostname, usr, day,"
    " floor(extract(epoch FROM min(at)))::bigint,"
    " floor(extract(epoch FROM max(at)))::bigint, count(*), sum(sz)"
    " FROM (SELECT *, (at AT TIME ZONE 'UTC')::date - date '1970-01-01'"
    "   AS day,"
    "   event_type = '\"message\"' AND coalesce(hits ~ '^[0-9]{1,19}$'"
    "   AND hits ~ '[1-9]', false) AS hp,"
    "   CASE WHEN event_type = '\"message\"' AND size ~ '^[0-9]{1,19}$'"
    "   THEN size::numeric ELSE 0 END AS sz"
    "   FROM msgsec_alert_key" SUM_WHERE
    "   AND event_type IS DISTINCT FROM '\"flow\"') k"
    " GROUP BY GROUPING SETS ("
    "  (day, event_type, category, policy, rule, agency, action, intended,"
    "   direction, exception, gateway, hp),"
    "  (event_type, category, src_ip),"
    "  (event_type, category, service, hostname),"
    "  (event_type, category, usr))";

static const char MESSAGES_SQL[] =
    "SELECT count(DISTINCT msg) FROM msgsec_alert_key" SUM_WHERE
    " AND msg IS NOT NULL";

#define NCOLS 21	/* GROUPS_SQL's columns */

static const char *const key_names[PGK_COUNT] = {
	[PGK_EVENT_TYPE] = "event_type", [PGK_CATEGORY] = "category",
	[PGK_POLICY] = "policy", [PGK_RULE] = "rule",
	[PGK_AGENCY] = "agency", [PGK_ACTION] = "action",
	[PGK_INTENDED] = "intended", [PGK_DIRECTION] = "direction",
	[PGK_EXCEPTION] = "exception", [PGK_GATEWAY] = "gateway",
	[PGK_HITS] = "hits", [PGK_SRC_IP] = "src_ip",
	[PGK_SERVICE] = "service", [PGK_HOSTNAME] = "hostname",
	[PGK_USER] = "user",
};

/* A signed count or time from the server: 0 or -1. */
static int
number(const char *s, long long min, long long max, long long *v_r)
{
	char *end;
	long long v;

	if (*s == '\0')
		return -1;
	v = strtoll(s, &end, 10);
	if (*end != '\0' || v < min || v > max)
		return -1;
	*v_r = v;
	return 0;
}

/* One row of GROUPS_SQL into g.  0, or -1 (a shape we did not ask for). */
static int
row_group(PGresult *r, int i, struct pgalert_group *g)
{
	long long grouping, day, first, last, n, bytes;
	const char *sum = PQgetvalue(r, i, 20);
	char *dot;

	memset(g, 0, sizeof(*g));
	memcpy(g->name, key_names, sizeof(g->name));
	if (number(PQgetvalue(r, i, 0), 0, 7, &grouping) < 0 ||
	    number(PQgetvalue(r, i, 17), -(1LL << 40), 1LL << 40,
	    &first) < 0 ||
	    number(PQgetvalue(r, i, 18), -(1LL << 40), 1LL << 40,
	    &last) < 0 ||
	    number(PQgetvalue(r, i, 19), 1, 1LL << 62, &n) < 0)
		return -1;
	/* sum(numeric) prints no fraction for whole numbers; a sum past
	 * 64 bits is not a size we count. */
	dot = strchr(sum, '.');
	if (dot != NULL)
		*dot = '\0';
	if (number(sum, 0, 1LL << 62, &bytes) < 0)
		bytes = 0;
	switch (grouping) {
	case 7:
		g->set = PGS_MAIN;
		if (number(PQgetvalue(r, i, 16), -(1LL << 30), 1LL << 30,
		    &day) < 0)
			return -1;
		g->day = (int32_t)day;
		break;
	case 3:
		g->set = PGS_HOST;
		break;
	case 5:
		g->set = PGS_SERVICE;
		break;
	case 6:
		g->set = PGS_USER;
		break;
	default:
		return -1;
	}
	for (int k = 0; k < PGK_COUNT; k++)
		g->key[k] = PQgetisnull(r, i, k + 1) ? NULL :
		    PQgetvalue(r, i, k + 1);
	if (g->set != PGS_MAIN)
		g->key[PGK_GATEWAY] = g->key[PGK_HITS] = NULL;
	g->first = (time_t)first;
	g->last = (time_t)last;
	g->n = (uint64_t)n;
	g->bytes = (uint64_t)bytes;
	return 0;
}

static int
each_group(PGresult *r, int (*each)(void *, const struct pgalert_group *),
    void *arg, char **error_r)
{
	struct pgalert_group g;

	if (PQnfields(r) != NCOLS) {
		*error_r = mem_printf("database: the summary has %d columns, "
		    "not %d", PQnfields(r), NCOLS);
		return -1;
	}
	for (int i = 0; i < PQntuples(r); i++) {
		if (row_group(r, i, &g) < 0) {
			*error_r = mem_printf("database: summary row %d is "
			    "not what was asked for", i);
			return -1;
		}
		if (each(arg, &g) != 0)
			break;
	}
	return 0;
}

/* The distinct messages, from the second connection. */
static int
messages_result(PGconn *c, uint64_t *messages_r, char **error_r)
{
	PGresult *r, *last = NULL;
	long long n;
	int rc = 0;

	while ((r = PQgetResult(c)) != NULL) {
		PQclear(last);
		last = r;
	}
	if (PQresultStatus(last) != PGRES_TUPLES_OK) {
		*error_r = pgdb_one_line("database: messages",
		    last != NULL ? PQresultErrorMessage(last) :
		    PQerrorMessage(c));
		rc = -1;
	} else if (PQntuples(last) != 1 || PQnfields(last) != 1 ||
	    number(PQgetvalue(last, 0, 0), 0, 1LL << 62, &n) < 0) {
		*error_r = mem_printf("database: messages: not a count");
		rc = -1;
	} else {
		*messages_r = (uint64_t)n;
	}
	PQclear(last);
	return rc;
}

static struct pgdb *
open_db(const struct config *c, char **error_r)
{
	struct pgdb *db = pgdb_connect(c->quarantine_dsn,
	    c->quarantine_statement_ms, error_r);

	if (db != NULL && (pgdb_check_schema(db, error_r) < 0 ||
	    pgdb_run(pgdb_conn(db), "SET work_mem = '256MB'", 0, NULL,
	    "database", error_r) < 0))
		pgdb_close(&db);
	return db;
}

int
pgalert_groups(const struct config *c, const struct pgalert_query *q,
    int (*each)(void *arg, const struct pgalert_group *g), void *arg,
    uint64_t *messages_r, char **error_r)
{
	struct pgalert_params params;
	const char *const *vals = params.vals;
	struct pgdb *db, *db2;
	PGresult *r;
	int rc = -1;

	*messages_r = 0;
	pgalert_params(q, &params);
	if ((db = open_db(c, error_r)) == NULL)
		return -1;
	if ((db2 = open_db(c, error_r)) == NULL) {
		pgdb_close(&db);
		return -1;
	}
	if (PQsendQueryParams(pgdb_conn(db2), MESSAGES_SQL, 2, NULL, vals,
	    NULL, NULL, 0) != 1) {
		*error_r = pgdb_one_line("database: messages",
		    PQerrorMessage(pgdb_conn(db2)));
		goto out;
	}
	r = pgdb_exec(pgdb_conn(db), GROUPS_SQL, 2, vals, NULL, NULL, false,
	    "database: summary", error_r);
	if (r == NULL) {
		char *ignore = NULL;

		(void)messages_result(pgdb_conn(db2), messages_r, &ignore);
		free(ignore);
		goto out;
	}
	rc = each_group(r, each, arg, error_r);
	PQclear(r);
	if (rc == 0)
		rc = messages_result(pgdb_conn(db2), messages_r, error_r);
	else {
		char *ignore = NULL;

		(void)messages_result(pgdb_conn(db2), messages_r, &ignore);
		free(ignore);
	}
out:
	pgdb_close(&db2);
	pgdb_close(&db);
	return rc;
}
