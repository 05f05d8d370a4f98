/*
 * pgdb.c - the records database: connection and versioned schema (pgdb.h).
 *
 * The schema is a list of migrations; version N is what the first N make.
 * A migration never changes once released: a new version appends one.
 * Every object is created by msgsec_schema's owner under an advisory lock
 * inside one transaction, so two `msgsec db migrate` at once wait for each
 * other and the second finds nothing to do.
 *
 * Trusts: the server's answers are parsed as numbers and never used as
 * sizes; error texts from libpq are cut to one line before they are shown.
 */
#include "pgpriv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "mem.h"

#ifndef MSGSEC_VERSION
#define MSGSEC_VERSION "unknown"	/* built without the Makefile's
					 * flags (make fuzz) */
#endif

/* pg_advisory_xact_lock key: "msgsec" in ASCII, 0x6d7367736563. */
#define MIGRATE_LOCK "120342424282467"

struct pgdb {
	PGconn *conn;
};

/*
 * Version 1: the store of blocked messages (bytes as received, meta.json
 * as json: text kept as written, so a \u0000 in a subject is stored, which
 * jsonb refuses; its history holds the legal holds, as meta.json's does),
 * one-time release passes, the audit trail and the alert log.  Every row
 * names the gateway (host) that wrote it.
 */
static const char *const migrations[] = {
	/* 1 */
	"CREATE TABLE msgsec_message ("
	"  id text PRIMARY KEY,"
	"  gateway text NOT NULL,"
	"  received timestamptz NOT NULL,"
	"  size bigint NOT NULL CHECK (size >= 0),"
	"  sha256 text NOT NULL,"
	"  meta json NOT NULL,"
	"  bytes bytea NOT NULL,"
	"  state text NOT NULL DEFAULT 'held'"
	"    CHECK (state IN ('held', 'released', 'deleted')),"
	"  state_at timestamptz,"
	"  state_by text);"
	"CREATE INDEX msgsec_message_received ON msgsec_message (received);"
	"CREATE INDEX msgsec_message_sha256 ON msgsec_message (sha256);"
	"CREATE TABLE msgsec_pass ("
	"  token text PRIMARY KEY,"
	"  message_id text NOT NULL REFERENCES msgsec_message (id),"
	"  created timestamptz NOT NULL DEFAULT now(),"
	"  created_on text NOT NULL,"
	"  consumed timestamptz,"
	"  consumed_on text);"
	"CREATE TABLE msgsec_audit ("
	"  seq bigserial PRIMARY KEY,"
	"  at timestamptz NOT NULL DEFAULT now(),"
	"  gateway text NOT NULL,"
	"  actor text NOT NULL,"
	"  op text NOT NULL,"
	"  message_id text,"
	"  outcome text NOT NULL,"
	"  detail text);"
	"CREATE TABLE msgsec_alert ("
	"  seq bigserial PRIMARY KEY,"
	"  at timestamptz NOT NULL,"
	"  gateway text NOT NULL,"
	"  policy_hash text,"
	"  line jsonb NOT NULL);"
	"CREATE INDEX msgsec_alert_at ON msgsec_alert (at);",
	/*
	 * 2: alert lines kept as written (json, not jsonb: the bytes the
	 * file has, key order included, and a \u0000 from a hostile
	 * subject, which jsonb refuses and would turn a batch away).  And
	 * msgsec_alert_key: the fields `msgsec alerts summary` counts, one
	 * narrow row per alert, filled by a statement trigger from each
	 * INSERT or COPY, so the summary groups in SQL over a table a
	 * third the size.  Values are the JSON text as written (a string
	 * with its quotes and escapes: no \u0000 can fail a cast), NULL
	 * when the key is absent; msg is the message a mail hit belongs to
	 * (quarantine id, queue id, or time and sender).  PostgreSQL's json
	 * functions refuse a \u0000 anywhere in the object, so the keys are
	 * read from a copy where it is U+FFFD (the line itself is kept).
	 */
	"ALTER TABLE msgsec_alert ALTER COLUMN line TYPE json"
	"  USING line::text::json;"
	"CREATE TABLE msgsec_alert_key ("
	"  seq bigint PRIMARY KEY,"
	"  at timestamptz NOT NULL,"
	"  gateway text NOT NULL,"
	"  event_type text, category text, policy text, rule text,"
	"  agency text, action text, intended text, direction text,"
	"  exception text, src_ip text, service text, hostname text,"
	"  usr text, size text, hits text, msg text);"
	"CREATE INDEX msgsec_alert_key_at ON msgsec_alert_key (at);"
	"CREATE FUNCTION msgsec_alert_keys() RETURNS trigger"
	"  LANGUAGE plpgsql AS $$ BEGIN"
	"  INSERT INTO msgsec_alert_key SELECT n.seq, n.at, n.gateway,"
	"    r.event_type::text, r.category::text, r.policy::text,"
	"    r.rule::text, r.agency::text, r.action::text,"
	"    r.intended::text, r.direction::text, r.exception::text,"
	"    r.src_ip::text, r.service::text, r.hostname::text,"
	"    r.\"user\"::text, r.size::text, r.hits::text,"
	"    CASE WHEN r.event_type::text IS DISTINCT FROM '\"mail\"'"
	"      THEN NULL"
	"      WHEN r.quarantine_id::text LIKE '\"_%' THEN"
	"        r.quarantine_id::text"
	"      WHEN r.queue_id::text LIKE '\"_%' THEN r.queue_id::text"
	"      ELSE coalesce(r.\"timestamp\"::text, '') || chr(9) ||"
	"        CASE WHEN r.mail_from::text LIKE '\"%'"
	"        THEN r.mail_from::text ELSE '' END END"
	"  FROM new_alerts n, json_to_record(replace(n.line::text,"
	"    '\\u0000', '\\ufffd')::json) AS r(event_type json,"
	"    category json, policy json, rule json, agency json,"
	"    action json, intended json, direction json, exception json,"
	"    src_ip json, service json, hostname json, \"user\" json,"
	"    size json, hits json, quarantine_id json, queue_id json,"
	"    \"timestamp\" json, mail_from json);"
	"  RETURN NULL; END $$;"
	"CREATE TRIGGER msgsec_alert_keys AFTER INSERT ON msgsec_alert"
	"  REFERENCING NEW TABLE AS new_alerts"
	"  FOR EACH STATEMENT EXECUTE FUNCTION msgsec_alert_keys();"
	/* Alerts deleted (retention) take their keys along. */
	"CREATE FUNCTION msgsec_alert_unkeys() RETURNS trigger"
	"  LANGUAGE plpgsql AS $$ BEGIN"
	"  IF TG_OP = 'TRUNCATE' THEN TRUNCATE msgsec_alert_key;"
	"  ELSE DELETE FROM msgsec_alert_key k USING old_alerts o"
	"    WHERE k.seq = o.seq; END IF;"
	"  RETURN NULL; END $$;"
	"CREATE TRIGGER msgsec_alert_unkeys AFTER DELETE ON msgsec_alert"
	"  REFERENCING OLD TABLE AS old_alerts"
	"  FOR EACH STATEMENT EXECUTE FUNCTION msgsec_alert_unkeys();"
	"CREATE TRIGGER msgsec_alert_truncate AFTER TRUNCATE ON msgsec_alert"
	"  FOR EACH STATEMENT EXECUTE FUNCTION msgsec_alert_unkeys();"
	/* Rows from version 1 get their keys by going in again. */
	"CREATE TEMP TABLE msgsec_v1_alerts ON COMMIT DROP AS"
	"  SELECT * FROM msgsec_alert;"
	"DELETE FROM msgsec_alert;"
	"INSERT INTO msgsec_alert SELECT * FROM msgsec_v1_alerts;",
};
#define NMIGRATIONS (sizeof(migrations) / sizeof(migrations[0]))

_Static_assert(NMIGRATIONS == PGDB_SCHEMA_VERSION,
    "PGDB_SCHEMA_VERSION is the number of migrations");

/* libpq's message as one line: "could not connect ...: No such file". */
char *
pgdb_one_line(const char *prefix, const char *msg)
{
	char *s = mem_printf("%s%s%s", prefix, *prefix != '\0' ? ": " : "",
	    msg != NULL ? msg : "unknown error");
	size_t n = strlen(s);

	for (size_t i = 0; i < n; i++)
		if (s[i] == '\n' || s[i] == '\r' || s[i] == '\t')
			s[i] = ' ';
	while (n > 0 && s[n - 1] == ' ')
		s[--n] = '\0';
	return s;
}

/* Server notices ("relation ... already exists, skipping") are not ours
 * to print. */
static void
no_notice(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

static char *
conn_error(const struct pgdb *db, const char *what)
{
	return pgdb_one_line(what, PQerrorMessage(db->conn));
}

PGresult *
pgdb_exec(PGconn *c, const char *sql, int n, const char *const *vals,
    const int *lens, const int *fmts, bool binary_result, const char *what,
    char **error_r)
{
	PGresult *r = n == 0 && !binary_result ? PQexec(c, sql) :
	    PQexecParams(c, sql, n, NULL, vals, lens, fmts,
	    binary_result ? 1 : 0);

	if (PQresultStatus(r) != PGRES_COMMAND_OK &&
	    PQresultStatus(r) != PGRES_TUPLES_OK) {
		*error_r = pgdb_one_line(what, PQresultErrorMessage(r));
		PQclear(r);
		return NULL;
	}
	return r;
}

int
pgdb_run(PGconn *c, const char *sql, int n, const char *const *vals,
    const char *what, char **error_r)
{
	PGresult *r = pgdb_exec(c, sql, n, vals, NULL, NULL, false, what,
	    error_r);

	PQclear(r);
	return r != NULL ? 0 : -1;
}

/*
 * COMMIT answers "ROLLBACK" (and no error) when an earlier statement of
 * the transaction failed: that is a failure, said as one.
 */
int
pgdb_commit(PGconn *c, const char *what, char **error_r)
{
	PGresult *r = pgdb_exec(c, "COMMIT", 0, NULL, NULL, NULL, false, what,
	    error_r);
	int rc = -1;

	if (r == NULL)
		return -1;
	if (strcmp(PQcmdStatus(r), "COMMIT") == 0)
		rc = 0;
	else
		*error_r = mem_printf("%s: the server rolled the transaction "
		    "back (%s): nothing was changed", what, PQcmdStatus(r));
	PQclear(r);
	return rc;
}

static int
exec_cmd(struct pgdb *db, const char *sql, const char *what, char **error_r)
{
	return pgdb_run(db->conn, sql, 0, NULL, what, error_r);
}

struct pgdb *
pgdb_connect(const char *dsn, uint64_t statement_ms, char **error_r)
{
	char connect_s[24], set[96];
	const char *keys[] = { "fallback_application_name", "connect_timeout",
		"dbname", NULL };
	const char *vals[] = { "msgsec", connect_s, dsn, NULL };
	struct pgdb *db = mem_calloc(1, sizeof(*db));
	uint64_t cs = (statement_ms + 999) / 1000;

	/* libpq's connect_timeout is in seconds, at least 2. */
	(void)snprintf(connect_s, sizeof(connect_s), "%llu",
	    (unsigned long long)(cs < 2 ? 2 : cs));
	db->conn = PQconnectdbParams(keys, vals, 1);
	if (db->conn == NULL) {
		*error_r = mem_strdup("database: out of memory");
		free(db);
		return NULL;
	}
	if (PQstatus(db->conn) != CONNECTION_OK) {
		*error_r = conn_error(db, "database");
		pgdb_close(&db);
		return NULL;
	}
	PQsetNoticeProcessor(db->conn, no_notice, NULL);
	(void)snprintf(set, sizeof(set), "SET statement_timeout = %llu; "
	    "SET synchronous_commit = on", (unsigned long long)statement_ms);
	if (exec_cmd(db, set, "database", error_r) < 0) {
		pgdb_close(&db);
		return NULL;
	}
	return db;
}

void
pgdb_gateway(const char *configured, char *buf, size_t len)
{
	if (len == 0)
		return;
	if (configured != NULL && *configured != '\0')
		(void)snprintf(buf, len, "%s", configured);
	else if (gethostname(buf, len) < 0)
		(void)snprintf(buf, len, "unknown");
	buf[len - 1] = '\0';
}

PGconn *
pgdb_conn(struct pgdb *db)
{
	return db->conn;
}

void
pgdb_close(struct pgdb **dbp)
{
	struct pgdb *db = *dbp;

	if (db == NULL)
		return;
	PQfinish(db->conn);
	free(db);
	*dbp = NULL;
}

/* One text value from sql (a single row, a single column). */
static int
query_value(struct pgdb *db, const char *sql, char *out, size_t outlen,
    char **error_r)
{
	PGresult *r = pgdb_exec(db->conn, sql, 0, NULL, NULL, NULL, false,
	    "database", error_r);

	if (r == NULL)
		return -1;
	if (PQntuples(r) != 1 || PQnfields(r) != 1) {
		*error_r = mem_printf("database: %d rows of %d values where "
		    "one was expected", PQntuples(r), PQnfields(r));
		PQclear(r);
		return -1;
	}
	(void)snprintf(out, outlen, "%s", PQgetvalue(r, 0, 0));
	PQclear(r);
	return 0;
}

/* SELECT max(version) FROM msgsec_schema, 0 when there is no such table. */
static int
read_version(struct pgdb *db, int *version_r, char **error_r)
{
	char v[32], *end;
	long n;

	if (query_value(db, "SELECT to_regclass('msgsec_schema') IS NOT NULL",
	    v, sizeof(v), error_r) < 0)
		return -1;
	if (strcmp(v, "t") != 0) {
		*version_r = 0;
		return 0;
	}
	if (query_value(db, "SELECT coalesce(max(version), 0) FROM "
	    "msgsec_schema", v, sizeof(v), error_r) < 0)
		return -1;
	n = strtol(v, &end, 10);
	if (*v == '\0' || *end != '\0' || n < 0 || n > 1000000) {
		*error_r = mem_printf("database: schema version '%s' is not "
		    "a number", v);
		return -1;
	}
	*version_r = (int)n;
	return 0;
}

int
pgdb_schema_version(struct pgdb *db, int *version_r, char **error_r)
{
	return read_version(db, version_r, error_r);
}

int
pgdb_migrate(struct pgdb *db, int *from_r, int *to_r, char **error_r)
{
	int v;

	if (exec_cmd(db, "BEGIN", "database", error_r) < 0)
		return -1;
	/*
	 * The table first (IF NOT EXISTS, under the lock, so two first runs
	 * do not race on it), then what it says is missing.
	 */
	if (exec_cmd(db, "SELECT pg_advisory_xact_lock(" MIGRATE_LOCK ")",
	    "database: lock", error_r) < 0 ||
	    exec_cmd(db, "CREATE TABLE IF NOT EXISTS msgsec_schema ("
	    "  version integer PRIMARY KEY,"
	    "  applied timestamptz NOT NULL DEFAULT now(),"
	    "  by_msgsec text NOT NULL)", "database: msgsec_schema",
	    error_r) < 0 ||
	    read_version(db, &v, error_r) < 0)
		goto fail;
	*from_r = *to_r = v;
	if (v > (int)NMIGRATIONS) {
		*error_r = mem_printf("database: schema version %d is newer "
		    "than this msgsec's %d: nothing changed (run a newer "
		    "msgsec)", v, (int)NMIGRATIONS);
		goto fail;
	}
	for (; v < (int)NMIGRATIONS; v++) {
		char what[48], ins[160];

		(void)snprintf(what, sizeof(what), "database: migration %d",
		    v + 1);
		(void)snprintf(ins, sizeof(ins), "INSERT INTO msgsec_schema "
		    "(version, by_msgsec) VALUES (%d, 'msgsec %s')", v + 1,
		    MSGSEC_VERSION);
		if (exec_cmd(db, migrations[v], what, error_r) < 0 ||
		    exec_cmd(db, ins, what, error_r) < 0)
			goto fail;
	}
	if (pgdb_commit(db->conn, "database: commit", error_r) < 0)
		return -1;
	*to_r = v;
	return 0;
fail:
	{
		char *ignore = NULL;

		(void)exec_cmd(db, "ROLLBACK", "", &ignore);
		free(ignore);
	}
	return -1;
}

int
pgdb_check_schema(struct pgdb *db, char **error_r)
{
	int v;

	if (read_version(db, &v, error_r) < 0)
		return -1;
	if (v == PGDB_SCHEMA_VERSION)
		return 0;
	if (v == 0)
		*error_r = mem_printf("database has no msgsec schema: run "
		    "'msgsec db init'");
	else if (v < PGDB_SCHEMA_VERSION)
		*error_r = mem_printf("database schema is version %d, this "
		    "msgsec needs %d: run 'msgsec db migrate'", v,
		    PGDB_SCHEMA_VERSION);
	else
		*error_r = mem_printf("database schema is version %d, newer "
		    "than this msgsec's %d: run a newer msgsec", v,
		    PGDB_SCHEMA_VERSION);
	return -1;
}
