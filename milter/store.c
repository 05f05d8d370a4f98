/*
 * store.c - the milter's one store: the folder store or the records
 * database (store.h).
 */
#include "store.h"

#include <string.h>

#include "pgdb.h"
#include "pgstore.h"
#include "release.h"

/* The records database, or NULL: the folder store. */
static struct pgstore *db;

int
store_open(const struct config *c, char **warning_r, char **error_r)
{
	*warning_r = NULL;
	if (c->quarantine_backend == QUARANTINE_FILES)
		return 0;
	return pgstore_open(c, &db, warning_r, error_r);
}

void
store_close(void)
{
	pgstore_close(&db);
}

bool
store_same(const struct config *c)
{
	if (db == NULL)
		return c->quarantine_backend == QUARANTINE_FILES;
	char gw[PGDB_GATEWAY_MAX];

	pgdb_gateway(c->quarantine_gateway, gw, sizeof(gw));
	return c->quarantine_backend == QUARANTINE_POSTGRESQL &&
	    strcmp(c->quarantine_dsn, pgstore_dsn(db)) == 0 &&
	    strcmp(gw, pgstore_gateway(db)) == 0;
}

int
store_commit(const struct config *c, struct spool *s, const char *id_hint,
    const char *meta, char *id_r, char **error_r)
{
	if (db != NULL)
		return pgstore_commit(db, s, id_hint, meta, id_r, error_r);
	return quarantine_commit(s, c->quarantine_dir, id_hint, meta, id_r,
	    error_r);
}

int
store_consume_pass(const struct config *c, const char *value, time_t now,
    char *id_r, size_t idlen, const char **why_r)
{
	if (db != NULL)
		return pgstore_consume_pass(db, value,
		    c->quarantine_release_seconds, id_r, idlen, why_r);
	return release_consume(c->quarantine_dir, value, now,
	    c->quarantine_release_seconds, id_r, idlen, why_r);
}
