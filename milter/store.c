/*
 * store.c - the milter's one store: the folder store or the records
 * database (store.h).
 */
#include "store.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mem.h"
#include "pgstore.h"
#include "release.h"

static struct pgstore *db;
static enum quarantine_backend backend = QUARANTINE_FILES;
static char *dsn;

int
store_open(const struct config *c, char **warning_r, char **error_r)
{
	char host[HOST_NAME_MAX + 1];

	*warning_r = NULL;
	backend = c->quarantine_backend;
	if (backend == QUARANTINE_FILES)
		return 0;
	free(dsn);
	dsn = mem_strdup(c->quarantine_dsn);
	if (gethostname(host, sizeof(host)) < 0)
		memcpy(host, "unknown", sizeof("unknown"));
	host[sizeof(host) - 1] = '\0';
	return pgstore_open(c, host, &db, warning_r, error_r);
}

void
store_close(void)
{
	pgstore_close(&db);
	backend = QUARANTINE_FILES;
	free(dsn);
	dsn = NULL;
}

bool
store_same(const struct config *c)
{
	return c->quarantine_backend == backend &&
	    (backend == QUARANTINE_FILES ||
	    strcmp(c->quarantine_dsn, dsn) == 0);
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
