/*
 * pgalert.c - the alert log's database sink (pgalert.h): a bounded queue,
 * one writer thread sending COPY batches into msgsec_alert, and a local
 * spool for what the database cannot take now.
 *
 * Trusts: the lines, which policy/alert.c composed (valid JSON, at most
 * ALERT_LINE_MAX, no raw control characters); the spool, which only this
 * file writes, is read back with the same bound and a line that is not
 * whole (a crash mid-write) goes to SPOOL.rejected, logged, never into the
 * COPY.  The server's answers are only checked for success.
 *
 * Threads: producers (any thread writing an alert) take the mutex for a
 * queue push or a spool append (a local write, never the network); the
 * writer thread alone owns the connection and the file being sent
 * (SPOOL.sending).  Bounds: alerts.queue lines in memory, alerts.batch
 * rows per COPY, alerts.spool_bytes in the spool.
 */
#include "pgalert.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "mem.h"
#include "pgpriv.h"
#include "str.h"

struct pga_line {
	char *p;
	size_t len;		/* LF included */
};

struct pgalert {
	char *dsn;
	uint64_t statement_ms;
	char gateway[PGDB_GATEWAY_MAX];
	size_t queue_max, batch_max;
	uint64_t spool_max, retry_ms;
	char *spool, *sending, *rejected;

	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct pga_line *q;	/* ring of queue_max */
	size_t qhead, qn;
	bool started, running, stopping;
	pthread_t thread;
	int spool_fd;		/* -1: not open */
	uint64_t spool_bytes;
	bool spool_full;	/* logged; cleared when the spool drains */
	uint64_t lost;

	/* The writer's own. */
	struct pgdb *db;
	bool down;
	uint64_t next_try;	/* ms, CLOCK_MONOTONIC */
	uint64_t outage_spooled;
	bool have_sending;
	off_t sending_off;	/* sent up to here */
	struct buf copy;	/* one COPY's rows */
};

static uint64_t
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* ------------------------------------------------------------ the spool */

/* Append one line (LF included) to path's fd; the mutex is held. */
static int
spool_append(struct pgalert *a, const char *line, size_t len)
{
	struct stat st;
	ssize_t n;

	if (a->spool_fd < 0) {
		a->spool_fd = open(a->spool, O_WRONLY | O_APPEND | O_CREAT |
		    O_CLOEXEC, 0600);
		if (a->spool_fd < 0) {
			log_error("limit.alerts_spool: cannot open %s: %s: "
			    "an alert is lost", a->spool, strerror(errno));
			a->lost++;
			return -1;
		}
		a->spool_bytes = fstat(a->spool_fd, &st) == 0 ?
		    (uint64_t)st.st_size : 0;
	}
	/* Once one is lost, the spool stays shut until it drains: what it
	 * holds is then every alert up to the first lost one. */
	if (a->spool_full || a->spool_bytes > a->spool_max ||
	    a->spool_max - a->spool_bytes < len) {
		if (!a->spool_full)
			log_error("limit.alerts_spool: %s holds %llu bytes "
			    "(alerts.spool_bytes %llu): alerts are lost until "
			    "the database takes them", a->spool,
			    (unsigned long long)a->spool_bytes,
			    (unsigned long long)a->spool_max);
		a->spool_full = true;
		a->lost++;
		errno = ENOSPC;
		return -1;
	}
	do {
		n = write(a->spool_fd, line, len);
	} while (n < 0 && errno == EINTR);
	if (n < 0 || (size_t)n != len) {
		int e = n < 0 ? errno : EIO;

		log_error("limit.alerts_spool: %s: %s: an alert is lost",
		    a->spool, strerror(e));
		if (n > 0)
			(void)!write(a->spool_fd, "\n", 1);
		a->lost++;
		errno = e;
		return -1;
	}
	a->spool_bytes += len;
	return 0;
}

/* A line the database refused or that is not whole: kept aside, said. */
static void
reject(struct pgalert *a, const char *line, size_t len, const char *why)
{
	int fd = open(a->rejected, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC,
	    0600);
	bool kept = fd >= 0 && write(fd, line, len) == (ssize_t)len;

	if (fd >= 0)
		close(fd);
	log_error("alerts: an alert the database refused (%s) %s %s", why,
	    kept ? "is kept in" : "is lost: cannot write", a->rejected);
	if (!kept) {
		pthread_mutex_lock(&a->mu);
		a->lost++;
		pthread_mutex_unlock(&a->mu);
	}
}

/* ------------------------------------------------------------- the COPY */

/* COPY's text format: backslash, tab, CR and LF escaped. */
static void
copy_text(struct buf *b, const char *p, size_t len)
{
	size_t start = 0;

	for (size_t i = 0; i < len; i++) {
		const char *esc = p[i] == '\\' ? "\\\\" : p[i] == '\t' ?
		    "\\t" : p[i] == '\n' ? "\\n" : p[i] == '\r' ? "\\r" : NULL;

		if (esc == NULL)
			continue;
		(void)buf_append(b, p + start, i - start);
		(void)buf_append_cstr(b, esc);
		start = i + 1;
	}
	(void)buf_append(b, p + start, len - start);
}

/*
 * The value of a string field of the line made by policy/alert.c, when it
 * holds only the bytes of ok (a timestamp, a hash): the first occurrence
 * of ,"key":" or {"key":" (a quote inside a string is always escaped, so
 * these cannot start inside one).
 */
static struct span
line_field(const char *line, size_t len, const char *key, const char *ok)
{
	char pat[40];
	int n = snprintf(pat, sizeof(pat), "\"%s\":\"", key);
	struct span none = { NULL, 0 };
	const char *p = line, *end = line + len;

	if (n < 0 || (size_t)n >= sizeof(pat))
		return none;
	while ((p = memmem(p, (size_t)(end - p), pat, (size_t)n)) != NULL) {
		const char *v = p + n, *q = v;

		if (p == line || (p[-1] != ',' && p[-1] != '{')) {
			p += n;
			continue;
		}
		while (q < end && q - v < 64 && strchr(ok, *q) != NULL &&
		    *q != '\0')
			q++;
		if (q == end || *q != '"' || q == v)
			return none;
		return (struct span){ v, (size_t)(q - v) };
	}
	return none;
}

/* One COPY row: at, gateway, policy_hash, line. */
static void
copy_row(struct pgalert *a, const char *line, size_t len)
{
	struct span at = line_field(line, len, "timestamp",
	    "0123456789-T:.+Z");
	struct span hash = line_field(line, len, "policy_hash",
	    "0123456789abcdef");

	if (len > 0 && line[len - 1] == '\n')
		len--;
	if (at.p != NULL)
		(void)buf_append(&a->copy, at.p, at.len);
	else
		(void)buf_append_cstr(&a->copy, "epoch");
	(void)buf_append(&a->copy, "\t", 1);
	copy_text(&a->copy, a->gateway, strlen(a->gateway));
	(void)buf_append(&a->copy, "\t", 1);
	if (hash.p != NULL)
		(void)buf_append(&a->copy, hash.p, hash.len);
	else
		(void)buf_append_cstr(&a->copy, "\\N");
	(void)buf_append(&a->copy, "\t", 1);
	copy_text(&a->copy, line, len);
	(void)buf_append(&a->copy, "\n", 1);
}

/*
 * Send a.copy's rows in one COPY (one statement: all or none).  0; 1 when
 * the server refused the data (a bad row: the caller sends them one by
 * one); -1 when the database is unreachable or failing (*error_r).
 */
static int
copy_send(struct pgalert *a, char **error_r)
{
	PGconn *c = pgdb_conn(a->db);
	PGresult *r;
	const char *state;
	int rc = 0;

	r = PQexec(c, "COPY msgsec_alert (at, gateway, policy_hash, line) "
	    "FROM STDIN");
	if (PQresultStatus(r) != PGRES_COPY_IN) {
		*error_r = pgdb_one_line("database: COPY",
		    PQresultErrorMessage(r));
		PQclear(r);
		return -1;
	}
	PQclear(r);
	if (PQputCopyData(c, a->copy.data, (int)a->copy.len) != 1 ||
	    PQputCopyEnd(c, NULL) != 1) {
		*error_r = pgdb_one_line("database: COPY", PQerrorMessage(c));
		while ((r = PQgetResult(c)) != NULL)
			PQclear(r);
		return -1;
	}
	while ((r = PQgetResult(c)) != NULL) {
		if (PQresultStatus(r) != PGRES_COMMAND_OK && rc == 0) {
			state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
			*error_r = pgdb_one_line("database: COPY",
			    PQresultErrorMessage(r));
			/* Class 22 (data exception): a row, not the link. */
			rc = state != NULL && strncmp(state, "22", 2) == 0 &&
			    PQstatus(c) == CONNECTION_OK ? 1 : -1;
		}
		PQclear(r);
	}
	return rc;
}

/* An outage begins (logged once) or goes on. */
static void
outage(struct pgalert *a, char *err)
{
	if (!a->down) {
		log_error("alerts: %s: alerts wait in %s until the database "
		    "is back", err, a->spool);
		a->down = true;
		a->outage_spooled = 0;
	}
	free(err);
	pgdb_close(&a->db);
	a->next_try = mono_ms() + a->retry_ms;
}

/* Connected, or -1 (the outage noted). */
static int
ensure_db(struct pgalert *a)
{
	char *err = NULL;

	if (a->db != NULL)
		return 0;
	if (a->down && mono_ms() < a->next_try)
		return -1;
	a->db = pgdb_connect(a->dsn, a->statement_ms, &err);
	if (a->db != NULL && pgdb_check_schema(a->db, &err) < 0)
		pgdb_close(&a->db);
	if (a->db == NULL) {
		outage(a, err);
		return -1;
	}
	return 0;
}

/*
 * The outage ends with the first batch committed, not with a connection
 * (a server that accepts connections but times out every COPY is still
 * out, and said so once).
 */
static void
sent(struct pgalert *a)
{
	if (!a->down)
		return;
	log_notice("alerts: the database is back; %llu alerts were spooled "
	    "meanwhile, sending them", (unsigned long long)a->outage_spooled);
	a->down = false;
}

/*
 * Send lines[0..n) (each ending in LF).  0 when the database has them
 * (or refused a row, set aside in SPOOL.rejected); -1 when it cannot take
 * them now (the caller keeps them).
 */
static int
send_lines(struct pgalert *a, const struct pga_line *lines, size_t n)
{
	char *err = NULL;
	int rc;

	if (ensure_db(a) < 0)
		return -1;
	a->copy.len = 0;
	for (size_t i = 0; i < n; i++)
		copy_row(a, lines[i].p, lines[i].len);
	rc = copy_send(a, &err);
	if (rc == 0) {
		sent(a);
		return 0;
	}
	if (rc < 0) {
		outage(a, err);
		return -1;
	}
	free(err);
	/* A bad row among them: each alone. */
	for (size_t i = 0; i < n; i++) {
		a->copy.len = 0;
		copy_row(a, lines[i].p, lines[i].len);
		rc = copy_send(a, &err);
		if (rc < 0) {
			/* Those sent stay sent; the rest wait. */
			outage(a, err);
			for (size_t k = i; k < n; k++) {
				pthread_mutex_lock(&a->mu);
				if (spool_append(a, lines[k].p,
				    lines[k].len) == 0)
					a->outage_spooled++;
				pthread_mutex_unlock(&a->mu);
			}
			return 0;
		}
		if (rc > 0) {
			reject(a, lines[i].p, lines[i].len, err);
			free(err);
			err = NULL;
		} else {
			sent(a);
		}
	}
	return 0;
}

static void
spool_lines(struct pgalert *a, const struct pga_line *lines, size_t n)
{
	pthread_mutex_lock(&a->mu);
	for (size_t i = 0; i < n; i++)
		if (spool_append(a, lines[i].p, lines[i].len) == 0)
			a->outage_spooled++;
	pthread_mutex_unlock(&a->mu);
}

/* ------------------------------------------------------------ draining */

static bool
line_is_whole(const char *p, size_t len)
{
	return len >= 3 && len <= ALERT_LINE_MAX && p[0] == '{' &&
	    p[len - 1] == '\n' && p[len - 2] == '}';
}

/*
 * Send SPOOL.sending from where the last attempt stopped, in batches,
 * then remove it.  -1 when the database went away (the rest waits).
 */
static int
send_file(struct pgalert *a)
{
	struct pga_line *lines = mem_calloc(a->batch_max, sizeof(*lines));
	FILE *f = fopen(a->sending, "re");
	char *p = NULL;
	size_t cap = 0, n = 0;
	ssize_t len;
	off_t pos;
	int rc = 0;

	if (f == NULL || fseeko(f, a->sending_off, SEEK_SET) < 0) {
		log_error("alerts: cannot read %s: %s", a->sending,
		    strerror(errno));
		if (f != NULL)
			fclose(f);
		free(lines);
		a->have_sending = false;
		return 0;
	}
	for (;;) {
		len = getline(&p, &cap, f);
		if (len > 0 && !line_is_whole(p, (size_t)len)) {
			reject(a, p, (size_t)len, "not a whole line");
			continue;
		}
		if (len > 0) {
			lines[n].p = mem_strndup(p, (size_t)len);
			lines[n++].len = (size_t)len;
		}
		if (n == a->batch_max || (len < 0 && n > 0)) {
			pos = ftello(f);
			rc = send_lines(a, lines, n);
			for (size_t i = 0; i < n; i++)
				free(lines[i].p);
			n = 0;
			if (rc < 0)
				break;
			a->sending_off = pos;
		}
		if (len < 0)
			break;
	}
	free(p);
	fclose(f);
	free(lines);
	if (rc == 0) {
		(void)unlink(a->sending);
		a->have_sending = false;
		a->sending_off = 0;
	}
	return rc;
}

/* Send what waits in the spool: SPOOL.sending first, then SPOOL. */
static void
drain(struct pgalert *a)
{
	bool take;

	for (int round = 0; round < 2; round++) {
		if (!a->have_sending) {
			pthread_mutex_lock(&a->mu);
			take = a->spool_bytes > 0 &&
			    rename(a->spool, a->sending) == 0;
			if (!take && a->spool_bytes > 0) {
				log_error("alerts: cannot rename %s: %s",
				    a->spool, strerror(errno));
				a->next_try = mono_ms() + a->retry_ms;
			}
			if (take) {
				if (a->spool_fd >= 0)
					close(a->spool_fd);
				a->spool_fd = -1;
				a->spool_bytes = 0;
				a->spool_full = false;
				a->have_sending = true;
				a->sending_off = 0;
			}
			pthread_mutex_unlock(&a->mu);
		}
		if (!a->have_sending || send_file(a) < 0)
			return;
	}
}

/* ----------------------------------------------------------- the thread */

static bool
spool_waits(struct pgalert *a)
{
	return a->have_sending || a->spool_bytes > 0;
}

static void *
writer(void *arg)
{
	struct pgalert *a = arg;
	struct pga_line *batch = mem_calloc(a->batch_max, sizeof(*batch));
	bool stop, pending;
	size_t n;

	for (;;) {
		pthread_mutex_lock(&a->mu);
		while (a->qn == 0 && !a->stopping &&
		    !(spool_waits(a) && mono_ms() >= a->next_try)) {
			uint64_t now = mono_ms(), until = now + a->retry_ms;
			struct timespec ts;

			if (a->down && a->next_try > now && a->next_try < until)
				until = a->next_try;
			clock_gettime(CLOCK_REALTIME, &ts);
			ts.tv_sec += (time_t)((until - now) / 1000);
			ts.tv_nsec += (long)((until - now) % 1000) * 1000000L;
			if (ts.tv_nsec >= 1000000000L) {
				ts.tv_sec++;
				ts.tv_nsec -= 1000000000L;
			}
			(void)pthread_cond_timedwait(&a->cv, &a->mu, &ts);
		}
		for (n = 0; n < a->batch_max && a->qn > 0; n++) {
			batch[n] = a->q[a->qhead];
			a->qhead = (a->qhead + 1) % a->queue_max;
			a->qn--;
		}
		stop = a->stopping && a->qn == 0;
		pending = spool_waits(a);
		pthread_mutex_unlock(&a->mu);

		if (pending && ensure_db(a) == 0)
			drain(a);
		if (n > 0 && send_lines(a, batch, n) < 0)
			spool_lines(a, batch, n);
		for (size_t i = 0; i < n; i++)
			free(batch[i].p);
		if (stop)
			break;
	}
	free(batch);
	pgdb_close(&a->db);
	return NULL;
}

/* The writer, with every signal blocked (they are the main thread's). */
static void
start(struct pgalert *a)
{
	sigset_t all, old;
	int e;

	a->started = true;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	e = pthread_create(&a->thread, NULL, writer, a);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (e != 0)
		log_error("alerts: cannot start the database writer: %s: "
		    "alerts go to %s", strerror(e), a->spool);
	a->running = e == 0;
}

static int
sink_put(void *ctx, const char *line, size_t len)
{
	struct pgalert *a = ctx;
	int rc = 0;

	pthread_mutex_lock(&a->mu);
	if (!a->started)
		start(a);
	if (a->running && a->qn < a->queue_max) {
		struct pga_line *l = &a->q[(a->qhead + a->qn) % a->queue_max];

		l->p = mem_strndup(line, len);
		l->len = len;
		a->qn++;
		pthread_cond_signal(&a->cv);
	} else {
		rc = spool_append(a, line, len);
	}
	pthread_mutex_unlock(&a->mu);
	return rc;
}

static void
sink_close(void *ctx)
{
	struct pgalert *a = ctx;

	pthread_mutex_lock(&a->mu);
	a->stopping = true;
	pthread_cond_signal(&a->cv);
	pthread_mutex_unlock(&a->mu);
	if (a->running)
		pthread_join(a->thread, NULL);
	for (size_t i = 0; i < a->qn; i++)
		free(a->q[(a->qhead + i) % a->queue_max].p);
	if (a->lost > 0)
		log_error("limit.alerts_spool: %llu alerts were lost",
		    (unsigned long long)a->lost);
	if (a->spool_fd >= 0)
		close(a->spool_fd);
	pthread_cond_destroy(&a->cv);
	pthread_mutex_destroy(&a->mu);
	buf_free(&a->copy);
	free(a->q);
	free(a->dsn);
	free(a->spool);
	free(a->sending);
	free(a->rejected);
	free(a);
}

static struct pgalert *
pgalert_new(const struct config *c)
{
	struct pgalert *a = mem_calloc(1, sizeof(*a));
	struct stat st;

	a->dsn = mem_strdup(c->quarantine_dsn);
	a->statement_ms = c->quarantine_statement_ms;
	pgdb_gateway(c->quarantine_gateway, a->gateway, sizeof(a->gateway));
	a->queue_max = (size_t)c->alert_queue;
	a->batch_max = (size_t)c->alert_batch;
	a->spool_max = c->alert_spool_bytes;
	a->retry_ms = c->alert_retry_ms;
	a->spool = mem_strdup(c->alert_spool);
	a->sending = mem_printf("%s.sending", c->alert_spool);
	a->rejected = mem_printf("%s.rejected", c->alert_spool);
	pthread_mutex_init(&a->mu, NULL);
	pthread_cond_init(&a->cv, NULL);
	a->q = mem_calloc(a->queue_max, sizeof(*a->q));
	a->spool_fd = -1;
	/* What an earlier run left: sent again whole (at least once). */
	if (stat(a->spool, &st) == 0 && st.st_size > 0)
		a->spool_bytes = (uint64_t)st.st_size;
	a->have_sending = stat(a->sending, &st) == 0;
	/* A row is at most its line and gateway escaped (twice their
	 * length) and the short fields. */
	buf_init(&a->copy, a->batch_max * (2 * (size_t)ALERT_LINE_MAX +
	    2 * PGDB_GATEWAY_MAX + 256));
	return a;
}

struct alert_log *
pgalert_log_open(const struct config *c, const char *ident, int facility,
    char **error_r)
{
	struct alert_log *log;
	struct alert_sink sink;

	if (c->alert_output != ALERT_OUT_DATABASE)
		return alert_log_open(c->alert_output, c->alert_file, ident,
		    facility, error_r);
	log = alert_log_open(c->alert_keep_file ? ALERT_OUT_FILE :
	    ALERT_OUT_DATABASE, c->alert_file, ident, facility, error_r);
	if (log == NULL)
		return NULL;
	sink.ctx = pgalert_new(c);
	sink.put = sink_put;
	sink.close = sink_close;
	alert_log_set_sink(log, &sink);
	return log;
}

/* ------------------------------------------------------------ reading */

void
pgalert_params(const struct pgalert_query *q, struct pgalert_params *p)
{
	p->vals[0] = p->vals[1] = NULL;
	if (q->has_since) {
		(void)snprintf(p->since, sizeof(p->since), "%lld",
		    (long long)q->since);
		p->vals[0] = p->since;
	}
	if (q->has_until) {
		(void)snprintf(p->until, sizeof(p->until), "%lld",
		    (long long)q->until);
		p->vals[1] = p->until;
	}
}

#define FETCH_ROWS "10000"

static int
each_row(PGresult *r, int (*each)(void *, const char *, size_t), void *arg,
    struct buf *b)
{
	for (int i = 0; i < PQntuples(r); i++) {
		const char *gw = PQgetvalue(r, i, 0), *line = PQgetvalue(r, i, 1);
		size_t len = (size_t)PQgetlength(r, i, 1);

		b->len = 0;
		if (len >= 2 && line[0] == '{') {
			size_t k = 1;

			while (k < len && (line[k] == ' ' || line[k] == '\n'))
				k++;
			(void)buf_append_cstr(b, "{\"gateway\":");
			(void)buf_append(b, gw, (size_t)PQgetlength(r, i, 0));
			if (line[k] != '}')
				(void)buf_append(b, ",", 1);
			(void)buf_append(b, line + 1, len - 1);
		} else {
			(void)buf_append(b, line, len);
		}
		if (each(arg, b->data, b->len) != 0)
			return 1;
	}
	return 0;
}

int
pgalert_each(const struct config *c, const struct pgalert_query *q,
    int (*each)(void *arg, const char *line, size_t len), void *arg,
    char **error_r)
{
	struct pgalert_params params;
	struct pgdb *db;
	struct buf b;
	PGresult *r;
	PGconn *conn;
	int rc = -1, stop = 0;

	if ((db = pgdb_connect(c->quarantine_dsn, c->quarantine_statement_ms,
	    error_r)) == NULL)
		return -1;
	if (pgdb_check_schema(db, error_r) < 0) {
		pgdb_close(&db);
		return -1;
	}
	conn = pgdb_conn(db);
	pgalert_params(q, &params);
	/* A longer row (not one of ours) is cut, then refused as
	 * malformed by the reader. */
	buf_init(&b, 4 * (size_t)ALERT_LINE_MAX);
	if (pgdb_run(conn, "BEGIN READ ONLY", 0, NULL, "database", error_r) < 0)
		goto out;
	if (pgdb_run(conn, "DECLARE alerts NO SCROLL CURSOR FOR "
	    "SELECT to_json(gateway), line FROM msgsec_alert "
	    "WHERE ($1::bigint IS NULL OR at >= to_timestamp($1::bigint)) "
	    "AND ($2::bigint IS NULL OR at < to_timestamp($2::bigint)) "
	    "ORDER BY at, seq", 2, params.vals, "database: alerts",
	    error_r) < 0)
		goto out;
	while (!stop) {
		r = pgdb_exec(conn, "FETCH " FETCH_ROWS " FROM alerts", 0, NULL,
		    NULL, NULL, false, "database: alerts", error_r);
		if (r == NULL)
			goto out;
		if (PQntuples(r) == 0) {
			PQclear(r);
			break;
		}
		stop = each_row(r, each, arg, &b);
		PQclear(r);
	}
	rc = 0;
out:
	buf_free(&b);
	pgdb_close(&db);
	return rc;
}
