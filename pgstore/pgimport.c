/*
 * pgimport.c - a folder store moved into the records database
 * (pgimport.h).
 *
 * Trusts: the folder store's files are ours but came from the network:
 * the caller has parsed meta.json (qentry_parse) and checked each audit
 * line is JSON before they get here; message bytes go as a binary
 * parameter and are hashed by the server, so the hash the caller verifies
 * after COMMIT is of what the database holds, not of what we sent.
 */
#include "pgimport.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"
#include "pgpriv.h"
#include "str.h"

int
pgimport_find(struct pgadmin *a, const char *id, bool *found_r,
    char sha_r[SHA256_HEX_LEN + 1], uint64_t *size_r, char **error_r)
{
	const char *vals[1] = { id };
	PGresult *r = pgdb_exec(pgadmin_conn(a), "SELECT sha256, size FROM "
	    "msgsec_message WHERE id = $1", 1, vals, NULL, NULL, false,
	    "database: find", error_r);

	if (r == NULL)
		return -1;
	*found_r = PQntuples(r) == 1;
	sha_r[0] = '\0';
	*size_r = 0;
	if (*found_r) {
		str_lcpy(sha_r, PQgetvalue(r, 0, 0), SHA256_HEX_LEN + 1);
		*size_r = strtoull(PQgetvalue(r, 0, 1), NULL, 10);
	}
	PQclear(r);
	return 0;
}

int
pgimport_message(struct pgadmin *a, const char *id, int64_t received,
    const char *meta, size_t meta_len, const char *bytes, size_t len,
    char **error_r)
{
	static const char sql[] =
	    "INSERT INTO msgsec_message "
	    "(id, gateway, received, size, sha256, meta, bytes) "
	    "VALUES ($1, $2, to_timestamp($3), $4, encode(sha256($6), 'hex'), "
	    "$5, $6)";
	char recv_s[24], size_s[24], *m;
	const char *vals[6];
	int lens[6] = { 0 }, fmts[6] = { 0, 0, 0, 0, 0, 1 };
	int rc;

	if (len > PGIMPORT_MAX_MESSAGE) {
		*error_r = mem_printf("message of %zu bytes is past the "
		    "database's limit (%u bytes)", len, PGIMPORT_MAX_MESSAGE);
		return -1;
	}
	(void)snprintf(recv_s, sizeof(recv_s), "%" PRId64, received);
	(void)snprintf(size_s, sizeof(size_s), "%zu", len);
	m = mem_strndup(meta, meta_len);
	vals[0] = id;
	vals[1] = pgadmin_gateway(a);
	vals[2] = recv_s;
	vals[3] = size_s;
	vals[4] = m;
	vals[5] = bytes;
	lens[5] = (int)len;
	{
		PGresult *r = pgdb_exec(pgadmin_conn(a), sql, 6, vals, lens,
		    fmts, false, "database: import", error_r);

		rc = r != NULL ? 0 : -1;
		PQclear(r);
	}
	free(m);
	return rc;
}

int
pgimport_pass(struct pgadmin *a, const char *token, const char *id,
    int64_t created, char **error_r)
{
	char created_s[24];
	const char *vals[4] = { token, id, created_s, pgadmin_gateway(a) };

	(void)snprintf(created_s, sizeof(created_s), "%" PRId64, created);
	return pgdb_run(pgadmin_conn(a), "INSERT INTO msgsec_pass "
	    "(token, message_id, created, created_on) "
	    "VALUES ($1, $2, to_timestamp($3), $4) "
	    "ON CONFLICT (token) DO NOTHING", 4, vals, "database: pass",
	    error_r);
}

int
pgimport_audit_file(struct pgadmin *a, const char *text, uint64_t *added_r,
    char **error_r)
{
	/*
	 * The lines in file order; one not already a detail (an anti-join,
	 * not a scan per line).  A line that is not an object, or has no
	 * numeric "on", still goes in (its time the import's).
	 */
	static const char sql[] =
	    "WITH l AS (SELECT t, n, t::json AS j "
	    "  FROM regexp_split_to_table($1, E'\\n') WITH ORDINALITY "
	    "  AS s(t, n) WHERE t <> '') "
	    "INSERT INTO msgsec_audit "
	    "(at, gateway, actor, op, message_id, outcome, detail) "
	    "SELECT CASE WHEN json_typeof(j) = 'object' AND "
	    "  json_typeof(j->'on') = 'number' AND "
	    "  abs((j->>'on')::float8) < 1e11 "
	    "  THEN to_timestamp((j->>'on')::float8) ELSE now() END, $2, "
	    "  CASE WHEN json_typeof(j) = 'object' "
	    "  THEN coalesce(j->>'by', '') ELSE '' END, "
	    "  CASE WHEN json_typeof(j) = 'object' "
	    "  THEN coalesce(j->>'action', 'unknown') ELSE 'unknown' END, "
	    "  CASE WHEN json_typeof(j) = 'object' THEN j->>'id' END, "
	    "  'done', t "
	    "FROM l WHERE NOT EXISTS "
	    "  (SELECT 1 FROM msgsec_audit m WHERE m.detail = l.t) "
	    "ORDER BY n";
	const char *vals[2] = { text, pgadmin_gateway(a) };
	PGresult *r;

	*added_r = 0;
	r = pgdb_exec(pgadmin_conn(a), sql, 2, vals, NULL, NULL, false,
	    "database: audit trail", error_r);
	if (r == NULL)
		return -1;
	*added_r = strtoull(PQcmdTuples(r), NULL, 10);
	PQclear(r);
	return 0;
}
