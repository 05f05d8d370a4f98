/*
 * pgadmin.c - the quarantine in the records database, for the admin
 * command (pgadmin.h).
 *
 * Trusts: the database is ours, but what it holds came from the network:
 * metadata is parsed with qentry_parse() (bounded, strict), message bytes
 * are read as a binary result and never interpreted here, ids are checked
 * with qentry_id_is_valid() before they are used.
 */
#include "pgadmin.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"
#include "pgpriv.h"

/* The store's lock: "msgsec-q" in ASCII. */
#define STORE_LOCK "7886761117775768945"

struct pgadmin {
	struct pgdb *db;
	char *dsn;		/* quarantine.dsn */
	uint64_t statement_ms;	/* quarantine.statement_timeout_ms */
	char gateway[PGDB_GATEWAY_MAX];
};

static PGconn *
conn(struct pgadmin *a)
{
	return pgdb_conn(a->db);
}

PGconn *
pgadmin_conn(struct pgadmin *a)
{
	return conn(a);
}

const char *
pgadmin_gateway(const struct pgadmin *a)
{
	return a->gateway;
}

struct pgadmin *
pgadmin_open(const struct config *c, char **error_r)
{
	struct pgadmin *a = mem_calloc(1, sizeof(*a));

	a->dsn = mem_strdup(c->quarantine_dsn);
	a->statement_ms = c->quarantine_statement_ms;
	pgdb_gateway(c->quarantine_gateway, a->gateway, sizeof(a->gateway));
	a->db = pgdb_connect(a->dsn, a->statement_ms, error_r);
	if (a->db == NULL || pgdb_check_schema(a->db, error_r) < 0) {
		pgadmin_close(&a);
		return NULL;
	}
	return a;
}

void
pgadmin_close(struct pgadmin **ap)
{
	struct pgadmin *a = *ap;

	if (a == NULL)
		return;
	pgdb_close(&a->db);
	free(a->dsn);
	free(a);
	*ap = NULL;
}

int
pgadmin_list(struct pgadmin *a, char ***ids_r, size_t *n_r, char **error_r)
{
	PGresult *r = pgdb_exec(conn(a), "SELECT id FROM msgsec_message "
	    "WHERE state = 'held' ORDER BY id", 0, NULL, NULL, NULL, false,
	    "database: list", error_r);
	char **ids;
	size_t n = 0;

	if (r == NULL)
		return -1;
	ids = mem_calloc((size_t)PQntuples(r) + 1, sizeof(*ids));
	for (int i = 0; i < PQntuples(r); i++) {
		const char *id = PQgetvalue(r, i, 0);

		if (qentry_id_is_valid(id))
			ids[n++] = mem_strdup(id);
	}
	PQclear(r);
	*ids_r = ids;
	*n_r = n;
	return 0;
}

int
pgadmin_load(struct pgadmin *a, const char *id, struct qentry *e,
    char **error_r)
{
	const char *vals[1] = { id };
	PGresult *r;
	char *err = NULL;
	const char *meta;
	size_t len;

	memset(e, 0, sizeof(*e));
	if (!qentry_id_is_valid(id)) {
		*error_r = mem_printf("bad quarantine id '%s'", id);
		return -1;
	}
	r = pgdb_exec(conn(a), "SELECT meta::text, size, gateway "
	    "FROM msgsec_message "
	    "WHERE id = $1 AND state = 'held'", 1, vals, NULL, NULL, false,
	    "database: load", error_r);
	if (r == NULL)
		return -1;
	if (PQntuples(r) != 1) {
		PQclear(r);
		*error_r = mem_printf("no quarantine entry %s", id);
		return -1;
	}
	meta = PQgetvalue(r, 0, 0);
	len = (size_t)PQgetlength(r, 0, 0);
	if (len > QENTRY_MAX_META || qentry_parse(e, meta, len, &err) < 0) {
		*error_r = mem_printf("database: metadata of %s: %s", id,
		    err != NULL ? err : "too large");
		free(err);
		PQclear(r);
		return -1;
	}
	e->id = mem_strdup(id);
	e->size = strtoull(PQgetvalue(r, 0, 1), NULL, 10);
	e->gateway = mem_strdup(PQgetvalue(r, 0, 2));
	PQclear(r);
	return 0;
}

int
pgadmin_message(struct pgadmin *a, const char *id, char **data_r,
    size_t *len_r, char **error_r)
{
	const char *vals[1] = { id };
	PGresult *r = pgdb_exec(conn(a), "SELECT bytes FROM msgsec_message "
	    "WHERE id = $1", 1, vals, NULL, NULL, true, "database: message",
	    error_r);
	size_t len;

	if (r == NULL)
		return -1;
	if (PQntuples(r) != 1) {
		PQclear(r);
		*error_r = mem_printf("no quarantine entry %s", id);
		return -1;
	}
	len = (size_t)PQgetlength(r, 0, 0);
	*data_r = mem_malloc(len + 1);
	memcpy(*data_r, PQgetvalue(r, 0, 0), len);
	(*data_r)[len] = '\0';
	*len_r = len;
	PQclear(r);
	return 0;
}

int
pgadmin_begin(struct pgadmin *a, char **error_r)
{
	if (pgdb_run(conn(a), "BEGIN", 0, NULL, "database: begin",
	    error_r) < 0)
		return -1;
	if (pgdb_run(conn(a), "SELECT pg_advisory_xact_lock(" STORE_LOCK ")",
	    0, NULL, "database: lock", error_r) < 0) {
		char *ignore = NULL;

		(void)pgadmin_end(a, false, &ignore);
		free(ignore);
		return -1;
	}
	return 0;
}

int
pgadmin_end(struct pgadmin *a, bool ok, char **error_r)
{
	if (ok)
		return pgdb_commit(conn(a), "database: commit", error_r);
	return pgdb_run(conn(a), "ROLLBACK", 0, NULL, "database: rollback",
	    error_r);
}

int
pgadmin_audit(struct pgadmin *a, const char *id, const char *op,
    const char *by, const char *line, char **error_r)
{
	const char *vals[5] = { a->gateway, by != NULL ? by : "", op, id,
		line };

	return pgdb_run(conn(a), "INSERT INTO msgsec_audit "
	    "(gateway, actor, op, message_id, outcome, detail) "
	    "VALUES ($1, $2, $3, $4, 'done', $5)", 5, vals, "database: audit",
	    error_r);
}

int
pgadmin_set_meta(struct pgadmin *a, const char *id, const char *meta,
    size_t len, char **error_r)
{
	char *m = mem_strndup(meta, len);
	const char *vals[2] = { id, m };
	int rc = pgdb_run(conn(a), "UPDATE msgsec_message SET meta = $2 "
	    "WHERE id = $1", 2, vals, "database: history", error_r);

	free(m);
	return rc;
}

int
pgadmin_remove(struct pgadmin *a, const char *id, char **error_r)
{
	const char *vals[1] = { id };

	if (pgdb_run(conn(a), "DELETE FROM msgsec_pass WHERE message_id = $1",
	    1, vals, "database: remove", error_r) < 0)
		return -1;
	return pgdb_run(conn(a), "DELETE FROM msgsec_message WHERE id = $1", 1,
	    vals, "database: remove", error_r);
}

int
pgadmin_pass_create(struct pgadmin *a, const char *id,
    char token_r[RELEASE_TOKEN_LEN + 1], char **error_r)
{
	struct pgdb *own;
	const char *vals[3] = { token_r, id, a->gateway };
	int rc;

	if (release_token_new(token_r, error_r) < 0)
		return -1;
	if ((own = pgdb_connect(a->dsn, a->statement_ms, error_r)) == NULL)
		return -1;
	rc = pgdb_run(pgdb_conn(own), "INSERT INTO msgsec_pass "
	    "(token, message_id, created_on) VALUES ($1, $2, $3)", 3, vals,
	    "database: pass", error_r);
	pgdb_close(&own);
	return rc;
}

void
pgadmin_pass_cancel(struct pgadmin *a, const char *token)
{
	struct pgdb *own;
	const char *vals[1] = { token };
	char *err = NULL;

	if ((own = pgdb_connect(a->dsn, a->statement_ms, &err)) != NULL)
		(void)pgdb_run(pgdb_conn(own), "DELETE FROM msgsec_pass "
		    "WHERE token = $1 AND consumed IS NULL", 1, vals, "",
		    &err);
	free(err);
	pgdb_close(&own);
}
