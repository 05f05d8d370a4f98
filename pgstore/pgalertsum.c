/*
 * pgalertsum.c - `msgsec alerts summary` over the records database
 * (pgalert_groups in pgalert.h): the counting done by SQL, GROUP BY and
 * GROUPING SETS over msgsec_alert_key (the narrow copy of each alert's
 * counted fields that schema version 2's trigger keeps), so tens of
 * thousands of groups cross the socket instead of millions of lines.  The
 * main counts, the hosts/services/users and the distinct messages of the
 * mail hits are three statements on three connections, which the server
 * works on at once.
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

/*
 * Three statements, each on a connection of its own, which the server
 * runs at once (it scans the same cached pages): the main counts, the
 * hosts, services and users, and the distinct messages.  Both group
 * statements give the same 21 columns (NCOLS), a set's keys or NULL; the
 * first says which set (GROUPING of src_ip, service and usr: 7 main, 3
 * hosts, 5 services, 6 users).
 */
static const char MAIN_SQL[] =
    "SELECT 7, event_type, category, policy, rule, agency, action,"
    " intended, direction, exception, to_json(gateway)::text,"
    " CASE WHEN hp THEN '1' ELSE '0' END, NULL, NULL, NULL, NULL, day,"
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
    " GROUP BY day, event_type, category, policy, rule, agency, action,"
    "  intended, direction, exception, gateway, hp";

static const char SIDE_SQL[] =
    "SELECT GROUPING(src_ip, service, usr), event_type, category, NULL,"
    " NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, src_ip, service,"
    " hostname, usr, NULL, floor(extract(epoch FROM min(at)))::bigint,"
    " floor(extract(epoch FROM max(at)))::bigint, count(*), 0"
    " FROM msgsec_alert_key" SUM_WHERE
    " AND event_type IS DISTINCT FROM '\"flow\"'"
    " AND event_type IS DISTINCT FROM '\"message\"'"
    " GROUP BY GROUPING SETS ((event_type, category, src_ip),"
    "  (event_type, category, service, hostname),"
    "  (event_type, category, usr))";

static const char MESSAGES_SQL[] =
    "SELECT count(DISTINCT msg) FROM msgsec_alert_key" SUM_WHERE
    " AND msg IS NOT NULL";

#define NCOLS 21	/* MAIN_SQL's and SIDE_SQL's columns */

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

/* The last result of a statement sent with PQsendQueryParams: its rows,
 * or NULL with *error_r. */
static PGresult *
async_result(PGconn *c, const char *what, char **error_r)
{
	PGresult *r, *last = NULL;

	while ((r = PQgetResult(c)) != NULL) {
		PQclear(last);
		last = r;
	}
	if (PQresultStatus(last) != PGRES_TUPLES_OK) {
		*error_r = pgdb_one_line(what, last != NULL ?
		    PQresultErrorMessage(last) : PQerrorMessage(c));
		PQclear(last);
		return NULL;
	}
	return last;
}

static int
messages_of(PGresult *r, uint64_t *messages_r, char **error_r)
{
	long long n;

	if (PQntuples(r) != 1 || PQnfields(r) != 1 ||
	    number(PQgetvalue(r, 0, 0), 0, 1LL << 62, &n) < 0) {
		*error_r = mem_printf("database: messages: not a count");
		return -1;
	}
	*messages_r = (uint64_t)n;
	return 0;
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

static int
send_one(struct pgdb *db, const char *sql, const char *const *vals,
    char **error_r)
{
	if (PQsendQueryParams(pgdb_conn(db), sql, 2, NULL, vals, NULL, NULL,
	    0) == 1)
		return 0;
	*error_r = pgdb_one_line("database: summary",
	    PQerrorMessage(pgdb_conn(db)));
	return -1;
}

/* Every result in order; the first failure's reason is kept. */
static int
collect(struct pgdb *db[3], int (*each)(void *, const struct pgalert_group *),
    void *arg, uint64_t *messages_r, char **error_r)
{
	static const char *const what[3] = { "database: summary",
		"database: summary", "database: messages" };
	PGresult *r;
	char *err = NULL;
	int rc = 0;

	for (int k = 0; k < 3; k++) {
		r = async_result(pgdb_conn(db[k]), what[k], &err);
		if (r != NULL && rc == 0)
			rc = k < 2 ? each_group(r, each, arg, &err) :
			    messages_of(r, messages_r, &err);
		else if (r == NULL && rc == 0)
			rc = -1;
		PQclear(r);
		if (err != NULL && *error_r == NULL)
			*error_r = err;
		else
			free(err);
		err = NULL;
	}
	return rc;
}

int
pgalert_groups(const struct config *c, const struct pgalert_query *q,
    int (*each)(void *arg, const struct pgalert_group *g), void *arg,
    uint64_t *messages_r, char **error_r)
{
	static const char *const sql[3] = { MAIN_SQL, SIDE_SQL,
		MESSAGES_SQL };
	struct pgalert_params params;
	struct pgdb *db[3] = { NULL, NULL, NULL };
	int rc = -1, k;

	*messages_r = 0;
	*error_r = NULL;
	pgalert_params(q, &params);
	for (k = 0; k < 3; k++)
		if ((db[k] = open_db(c, error_r)) == NULL)
			goto out;
	for (k = 0; k < 3; k++)
		if (send_one(db[k], sql[k], params.vals, error_r) < 0)
			break;
	if (k == 3)
		rc = collect(db, each, arg, messages_r, error_r);
	else
		for (int i = 0; i < k; i++) {
			char *ignore = NULL;

			PQclear(async_result(pgdb_conn(db[i]), "", &ignore));
			free(ignore);
		}
out:
	for (k = 0; k < 3; k++)
		pgdb_close(&db[k]);
	return rc;
}
