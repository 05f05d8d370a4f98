/*
 * pgstore.c - the milter's records store in PostgreSQL (pgstore.h).
 *
 * Trusts: the server's answers are read as text and copied into bounded
 * buffers; nothing the server says becomes a size.  Message bytes go as a
 * binary parameter (never quoted into SQL), and every statement is a
 * fixed text with parameters.
 *
 * Memory: a message is read from its spool into one buffer for the
 * INSERT, so at most quarantine.pool messages (each at most
 * limits.message_size) are held at once: commits wait for a connection.
 */
#include "pgstore.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"
#include "pgpriv.h"
#include "release.h"
#include "str.h"

struct pgstore {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	char *dsn;		/* quarantine.dsn */
	uint64_t statement_ms;	/* quarantine.statement_timeout_ms */
	char gateway[PGDB_GATEWAY_MAX];
	struct pgdb **conns;	/* NULL: not made (or dropped) */
	bool *busy;
	size_t max;
	char *outage;		/* the outage's first reason, or NULL */
};

/*
 * A failure: the outage's first reason is the reason of every failure
 * until one succeeds, so the milter, which reports a reason once, says
 * once per outage why (not once per message, nor once per libpq wording:
 * "server closed the connection", then "could not connect").
 */
static char *
outage(struct pgstore *st, char *err)
{
	char *reason;

	pthread_mutex_lock(&st->mu);
	if (st->outage == NULL)
		st->outage = err;
	else
		free(err);
	reason = mem_strdup(st->outage);
	pthread_mutex_unlock(&st->mu);
	return reason;
}

static void
recovered(struct pgstore *st)
{
	pthread_mutex_lock(&st->mu);
	free(st->outage);
	st->outage = NULL;
	pthread_mutex_unlock(&st->mu);
}

/* A new connection with the schema checked; NULL with *error_r. */
static struct pgdb *
connect_checked(struct pgstore *st, char **error_r)
{
	struct pgdb *db = pgdb_connect(st->dsn, st->statement_ms, error_r);

	if (db != NULL && pgdb_check_schema(db, error_r) < 0)
		pgdb_close(&db);
	return db;
}

/*
 * Take a connection: a free one, or a new one while fewer than max are
 * made; else wait for one (at most the statement timeout).  Returns the
 * slot, or -1 with *error_r.
 */
static ssize_t
pool_get(struct pgstore *st, char **error_r)
{
	struct timespec until;
	ssize_t slot = -1;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += (time_t)(st->statement_ms / 1000);
	until.tv_nsec += (long)(st->statement_ms % 1000) *
	    1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&st->mu);
	for (;;) {
		ssize_t empty = -1;

		for (size_t i = 0; i < st->max && slot < 0; i++) {
			if (st->busy[i])
				continue;
			if (st->conns[i] != NULL)
				slot = (ssize_t)i;
			else if (empty < 0)
				empty = (ssize_t)i;
		}
		if (slot < 0 && empty >= 0)
			slot = empty;
		if (slot >= 0)
			break;
		if (pthread_cond_timedwait(&st->cv, &st->mu, &until) ==
		    ETIMEDOUT) {
			pthread_mutex_unlock(&st->mu);
			*error_r = mem_printf("database: no free connection "
			    "within quarantine.statement_timeout_ms (%llu ms, "
			    "quarantine.pool %zu)", (unsigned long long)
			    st->statement_ms, st->max);
			return -1;
		}
	}
	st->busy[slot] = true;
	pthread_mutex_unlock(&st->mu);
	if (st->conns[slot] == NULL &&
	    (st->conns[slot] = connect_checked(st, error_r)) == NULL) {
		pthread_mutex_lock(&st->mu);
		st->busy[slot] = false;
		pthread_cond_signal(&st->cv);
		pthread_mutex_unlock(&st->mu);
		return -1;
	}
	return slot;
}

/* Give it back; a connection that broke is dropped (made again later). */
static void
pool_put(struct pgstore *st, ssize_t slot)
{
	struct pgdb *db = st->conns[slot];

	if (db != NULL && PQstatus(pgdb_conn(db)) != CONNECTION_OK)
		pgdb_close(&st->conns[slot]);
	pthread_mutex_lock(&st->mu);
	st->busy[slot] = false;
	pthread_cond_signal(&st->cv);
	pthread_mutex_unlock(&st->mu);
}

int
pgstore_open(const struct config *c, struct pgstore **store_r,
    char **warning_r, char **error_r)
{
	struct pgstore *st = mem_calloc(1, sizeof(*st));
	char *err = NULL;
	struct pgdb *db;

	*store_r = NULL;
	*warning_r = NULL;
	pthread_mutex_init(&st->mu, NULL);
	pthread_cond_init(&st->cv, NULL);
	st->dsn = mem_strdup(c->quarantine_dsn);
	st->statement_ms = c->quarantine_statement_ms;
	pgdb_gateway(c->quarantine_gateway, st->gateway, sizeof(st->gateway));
	st->max = (size_t)c->quarantine_pool;
	st->conns = mem_calloc(st->max, sizeof(*st->conns));
	st->busy = mem_calloc(st->max, sizeof(*st->busy));

	db = pgdb_connect(st->dsn, st->statement_ms, &err);
	if (db == NULL) {
		/* Not reachable now: start, answer tempfail until it is. */
		*warning_r = mem_printf("%s: blocked mail is answered "
		    "milter.on_internal_error until the database is "
		    "reachable", err);
		st->outage = err;
		*store_r = st;
		return 0;
	}
	if (pgdb_check_schema(db, &err) < 0) {
		*error_r = err;
		pgdb_close(&db);
		pgstore_close(&st);
		return -1;
	}
	/* Not kept: the daemon may fork after this; the pool connects in
	 * the process that uses it. */
	pgdb_close(&db);
	*store_r = st;
	return 0;
}

void
pgstore_close(struct pgstore **sp)
{
	struct pgstore *st = *sp;

	if (st == NULL)
		return;
	for (size_t i = 0; i < st->max; i++)
		pgdb_close(&st->conns[i]);
	free(st->conns);
	free(st->busy);
	free(st->dsn);
	free(st->outage);
	pthread_cond_destroy(&st->cv);
	pthread_mutex_destroy(&st->mu);
	free(st);
	*sp = NULL;
}

const char *
pgstore_dsn(const struct pgstore *st)
{
	return st->dsn;
}

const char *
pgstore_gateway(const struct pgstore *st)
{
	return st->gateway;
}

/* The spooled bytes in one buffer; NULL with *error_r. */
static char *
spool_bytes(const struct spool *s, size_t *len_r, char **error_r)
{
	char *b;
	size_t n = 0;

	if (s->size > SIZE_MAX - 1) {
		*error_r = mem_printf("spool: message too large");
		return NULL;
	}
	b = mem_malloc((size_t)s->size + 1);
	while (n < s->size) {
		ssize_t r = spool_pread(s, n, b + n, (size_t)s->size - n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			*error_r = mem_printf("cannot read the spool back: %s",
			    r < 0 ? strerror(errno) : "short file");
			free(b);
			return NULL;
		}
		n += (size_t)r;
	}
	*len_r = n;
	return b;
}

int
pgstore_commit(struct pgstore *st, const struct spool *s,
    const char *id_hint, const char *meta, char *id_r, char **error_r)
{
	static const char sql[] =
	    "INSERT INTO msgsec_message "
	    "(id, gateway, received, size, sha256, meta, bytes) "
	    "VALUES ($1, $2, now(), $3, encode(sha256($5), 'hex'), $4, $5) "
	    "ON CONFLICT (id) DO NOTHING RETURNING id";
	char base[96], id[112], size_s[24];
	const char *vals[5];
	int lens[5] = { 0 }, fmts[5] = { 0, 0, 0, 0, 1 };
	size_t len;
	ssize_t slot;
	char *bytes, *err = NULL;
	int rc = -1;

	id_r[0] = '\0';
	/* The connection first: it bounds how many messages are in memory. */
	if ((slot = pool_get(st, &err)) < 0) {
		*error_r = outage(st, err);
		return -1;
	}
	if ((bytes = spool_bytes(s, &len, error_r)) == NULL) {
		pool_put(st, slot);
		return -1;
	}
	if (len > INT32_MAX) {
		*error_r = mem_printf("message of %zu bytes is past the "
		    "database's 2 GB parameter", len);
		free(bytes);
		pool_put(st, slot);
		return -1;
	}
	quarantine_make_id(id_hint, base, sizeof(base));
	(void)snprintf(size_s, sizeof(size_s), "%zu", len);
	vals[1] = st->gateway;
	vals[2] = size_s;
	vals[3] = meta;
	vals[4] = bytes;
	lens[4] = (int)len;
	for (int i = 0; i < QUARANTINE_ID_TRIES && rc < 0 && err == NULL;
	    i++) {
		PGresult *r;

		if (i == 0)
			str_lcpy(id, base, sizeof(id));
		else
			(void)snprintf(id, sizeof(id), "%s.%d", base, i);
		vals[0] = id;
		r = pgdb_exec(pgdb_conn(st->conns[slot]), sql, 5, vals, lens,
		    fmts, false, "database: store", &err);
		if (r != NULL && PQntuples(r) == 1)
			rc = 0;	/* new; else taken: the next name */
		PQclear(r);
	}
	pool_put(st, slot);
	free(bytes);
	if (rc == 0) {
		str_lcpy(id_r, id, 96);
		recovered(st);
		return 0;
	}
	if (err == NULL)
		err = mem_printf("database: %d entry names taken for %s",
		    QUARANTINE_ID_TRIES, base);
	*error_r = outage(st, err);
	return -1;
}

int
pgstore_consume_pass(struct pgstore *st, const char *value,
    uint64_t max_age, char *id_r, size_t idlen, const char **why_r)
{
	static const char sql[] =
	    "UPDATE msgsec_pass SET consumed = now(), consumed_on = $2 "
	    "WHERE token = $1 AND consumed IS NULL "
	    "AND created > now() - make_interval(secs => $3) "
	    "RETURNING message_id";
	char token[RELEASE_TOKEN_LEN + 1], age[24], *err = NULL;
	const char *vals[3];
	PGresult *r;
	ssize_t slot;
	int rc = -1;

	if (release_token_parse(value, token) < 0) {
		*why_r = "malformed pass";
		return -1;
	}
	if ((slot = pool_get(st, &err)) < 0) {
		free(outage(st, err));
		*why_r = "records database unavailable";
		return -1;
	}
	(void)snprintf(age, sizeof(age), "%llu", (unsigned long long)max_age);
	vals[0] = token;
	vals[1] = st->gateway;
	vals[2] = age;
	r = pgdb_exec(pgdb_conn(st->conns[slot]), sql, 3, vals, NULL, NULL,
	    false, "database: pass", &err);
	if (r == NULL) {
		free(outage(st, err));
		*why_r = "records database unavailable";
	} else if (PQntuples(r) != 1) {
		recovered(st);
		*why_r = "unknown, expired or already used pass";
	} else {
		recovered(st);
		str_lcpy(id_r, PQgetvalue(r, 0, 0), idlen);
		rc = 0;
	}
	PQclear(r);
	pool_put(st, slot);
	return rc;
}
