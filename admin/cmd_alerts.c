/*
 * cmd_alerts.c - `msgsec alerts`: filter the alert log (a table on a
 * terminal, JSON lines otherwise), follow it across rotation, or summarise
 * it (`msgsec alerts summary`).
 *
 * Trusted: the options.  Untrusted: every byte of the logs.  Lines go
 * through alertscan (strict JSON, bounded), malformed ones are counted and
 * the first few named on stderr at the end; a JSON line is copied out as
 * read (it was validated), a table cell is unescaped and every byte outside
 * printable ASCII shown as '?', so nothing in a log can drive the terminal.
 * Memory: one read buffer per open file (logfiles.h) and, for the summary,
 * the bounded counters of alertsum.h; nothing is allocated per line.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "alertdb.h"
#include "alertfilter.h"
#include "alertscan.h"
#include "alertsum.h"
#include "cli.h"
#include "config.h"
#include "date.h"
#include "logfiles.h"
#include "pgalert.h"
#include "mem.h"

#define MALFORMED_SHOWN 5		/* named on stderr, then counted */
#define MALFORMED_REASONS 32		/* distinct reasons tallied */
#define PROGRESS_MIN_BYTES (64u << 20)	/* smaller reads show no bar */
#define FOLLOW_POLL_MS 250

_Static_assert(LOG_LINE_MAX == 65536, "the over-long message names 65535 (+ LF)");

enum out_mode { OUT_AUTO, OUT_JSON, OUT_TABLE };

struct alerts_run {
	struct cli_common common;
	struct alert_filter filter;
	const char **files;
	size_t nfiles;
	enum out_mode out;
	bool summary, follow;
	bool database;		/* --database, or alerts.output: postgresql */
	bool gateway_col;	/* the table shows GATEWAY */
	size_t top;
	unsigned width;
	bool width_given;	/* --width: wrap DETAIL to it */
	bool detail_whole;	/* DETAIL not wrapped (not a terminal) */
	struct buf detail;	/* one row's DETAIL */
	bool table_header_done;
	struct alertsum sum;
	/* counters */
	uint64_t lines, matched, malformed;
	struct {
		const char *why;	/* static */
		uint64_t n;
	} reasons[MALFORMED_REASONS];
	size_t nreasons;
	int errors;
	/* progress */
	bool progress;
	uint64_t total_bytes, done_bytes;
	struct timespec started, drawn;
	bool bar_shown;
};

static volatile sig_atomic_t stop_requested;

static void
on_stop(int sig)
{
	(void)sig;
	stop_requested = 1;
}

static void
alerts_usage(FILE *out)
{
	fprintf(out,
	    "usage: msgsec alerts [-c FILE] [filters] [--json|--table] "
	    "[--follow] [FILE...]\n"
	    "       msgsec alerts summary [-c FILE] [filters] [--json] "
	    "[--top N] [FILE...]\n"
	    "\n"
	    "Reads the configured alerts.file and its rotated siblings "
	    "(FILE.1, FILE.2.gz, ...),\n"
	    "oldest first, or the FILEs named (\"-\" is standard input; "
	    "gzip is read as such).\n"
	    "With alerts.output: postgresql (or --database) it reads the "
	    "records database\n"
	    "instead: every gateway's alerts, each line naming its "
	    "\"gateway\".\n"
	    "\n"
	    "%s"
	    "\n"
	    "output:\n"
	    "  --json               JSON lines, as logged (the default when "
	    "not a terminal)\n"
	    "  --table              a table (the default on a terminal)\n"
	    "  --width N            table width (default: the terminal's, "
	    "else $COLUMNS or 120)\n"
	    "  --follow             then wait for new alerts, across "
	    "rotation (tail -F);\n"
	    "                       history is shown only with --since\n"
	    "  --top N              summary: rows in each top list "
	    "(default 10)\n"
	    "  --database           read the records database "
	    "(quarantine.dsn), not files\n",
	    alert_filter_usage());
}


/* ---------------------------------------------------------------- table */

/* One cell: the value unescaped, printable ASCII only, cut to width. */
static void
cell(FILE *out, const char *s, size_t width, bool last)
{
	size_t len = strnlen(s, width + 1), n;

	for (n = 0; n < len && n < width; n++) {
		unsigned char c = (unsigned char)s[n];

		if (n + 1 == width && len > width)
			c = '~';	/* cut */
		else if (c < 0x20 || c > 0x7e)
			c = '?';
		fputc(c, out);
	}
	if (last)
		return;
	for (; n < width; n++)
		fputc(' ', out);
	fputc(' ', out);
}

static void
str_of(const struct ascan_value *v, char *buf, size_t size)
{
	if (ascan_string(v, buf, size) < 0) {
		/* Too long for the cell buffer: show what fits. */
		if (v->type == ASV_STRING && size > 1) {
			size_t n = v->len < size - 1 ? v->len : size - 1;

			memcpy(buf, v->p, n);
			buf[n] = '\0';
		} else {
			str_lcpy(buf, "-", size);
		}
	} else if (buf[0] == '\0') {
		str_lcpy(buf, "-", size);
	}
}

#define W_TIME 19
#define W_TYPE 8
#define W_RULE 28
#define W_CLAUSE 4
#define W_ACTION 10
#define W_AGENCY 8
#define W_HOST 15
#define W_GATEWAY 12
#define W_FIXED (W_TIME + W_TYPE + W_RULE + W_CLAUSE + W_ACTION + \
	W_AGENCY + W_HOST + 7)

/* DETAIL's width: what the fixed columns leave. */
static size_t
rest_width(const struct alerts_run *run)
{
	size_t fixed = W_FIXED + (run->gateway_col ? W_GATEWAY + 1 : 0);

	return run->width > fixed + 20 ? run->width - fixed : 20;
}

static void
table_header(struct alerts_run *run, FILE *out)
{
	size_t rest = rest_width(run);

	cell(out, "TIME (UTC)", W_TIME, false);
	if (run->gateway_col)
		cell(out, "GATEWAY", W_GATEWAY, false);
	cell(out, "TYPE", W_TYPE, false);
	cell(out, "RULE", W_RULE, false);
	cell(out, "CL.", W_CLAUSE, false);
	cell(out, "ACTION", W_ACTION, false);
	cell(out, "AGENCY", W_AGENCY, false);
	cell(out, "HOST", W_HOST, false);
	cell(out, "DETAIL", rest, true);
	fputc('\n', out);
	run->table_header_done = true;
}

/* The line an alert came from is at most this long, so is any value. */
static char scratch[65536 + 1];

/* " key=value" (or "value" when key is NULL) for a string field. */
static void
detail_add(struct buf *d, const char *key, const struct ascan_value *v)
{
	int n;

	if (v->type == ASV_ABSENT || v->type == ASV_NULL)
		return;
	if (v->type == ASV_STRING) {
		n = ascan_string(v, scratch, sizeof(scratch));
		if (n <= 0)
			return;
	} else if (v->type == ASV_OTHER && v->len < sizeof(scratch)) {
		memcpy(scratch, v->p, v->len);	/* a number, as logged */
		n = (int)v->len;
	} else {
		return;
	}
	if (d->len > 0)
		buf_append_cstr(d, " ");
	if (key != NULL) {
		buf_append_cstr(d, key);
		buf_append_cstr(d, "=");
	}
	buf_append(d, scratch, (size_t)n);
}

/* "first > rcpt +N": an address list with its first item. */
static void
detail_addrs(struct buf *d, const struct ascan_value *from,
    const struct ascan_value *to)
{
	struct ascan_value item;
	size_t pos = 0, more = 0;
	bool first;

	detail_add(d, NULL, from);
	if (from->type != ASV_STRING || from->len == 0)
		buf_append_cstr(d, d->len > 0 ? " <>" : "<>");
	buf_append_cstr(d, " >");
	first = ascan_array_next(to, &pos, &item) == 1;
	if (first)
		detail_add(d, NULL, &item);
	else
		buf_append_cstr(d, " -");
	while (ascan_array_next(to, &pos, &item) == 1)
		more++;
	if (more > 0)
		buf_printf(d, " +%zu", more);
}

/*
 * What named a call's service (the stun object of the alert): " stun=realm"
 * and what it held, " stun=realm:signal.org", " stun=attribute:0x4000",
 * " stun=ip-discovery".
 */
static void
detail_stun(struct buf *d, const struct ascan_value *stun)
{
	static const char *const keys[] = { "matched", "attribute", "realm" };
	struct ascan_value v[3];
	const char *why;
	size_t at;

	if (stun->type != ASV_OTHER || stun->len == 0 || stun->p[0] != '{' ||
	    ascan_object(stun->p, stun->len, keys, 3, v, &why) < 0)
		return;
	detail_add(d, "stun", &v[0]);
	at = d->len;
	if (ascan_eq(&v[0], "attribute"))
		detail_add(d, NULL, &v[1]);
	else if (ascan_eq(&v[0], "realm"))
		detail_add(d, NULL, &v[2]);
	if (d->len > at)
		d->data[at] = ':';	/* the space detail_add put */
}

/*
 * A network alert's list, the name the flow carried (when it is not the
 * service shown) and where, what a protocol signature matched and what
 * named a call: " list=im_networks host=cdn.example.org via=tls.sni
 * sig=keepalive stun=realm:signal.org".
 */
static void
detail_names(struct buf *d, const struct ascan_rec *r,
    const struct ascan_value *svc)
{
	detail_add(d, "list", &r->f[AF_LIST]);
	if (svc != &r->f[AF_HOSTNAME] && (ascan_string(svc, scratch,
	    sizeof(scratch)) <= 0 || !ascan_eq(&r->f[AF_HOSTNAME], scratch)))
		detail_add(d, "host", &r->f[AF_HOSTNAME]);
	detail_add(d, "via", &r->f[AF_NAME_SOURCE]);
	detail_add(d, "sig", &r->f[AF_APP_DETAIL]);
	detail_stun(d, &r->f[AF_STUN]);
}

/* DETAIL: what the alert is about, by event type. */
static void
detail_of(struct buf *d, const struct ascan_rec *r)
{
	d->len = 0;
	if (d->data != NULL)
		d->data[0] = '\0';
	if (ascan_eq(&r->f[AF_EVENT_TYPE], "release")) {
		detail_add(d, NULL, &r->f[AF_QUARANTINE_ID]);
		detail_add(d, "by", &r->f[AF_BY]);
		detail_add(d, "approved-by", &r->f[AF_APPROVED_BY]);
		buf_append_cstr(d, ":");
		detail_addrs(d, &r->f[AF_MAIL_FROM], &r->f[AF_RCPT_TO]);
	} else if (r->f[AF_MAIL_FROM].type == ASV_STRING ||
	    r->f[AF_RCPT_TO].type == ASV_ARRAY) {
		detail_addrs(d, &r->f[AF_MAIL_FROM], &r->f[AF_RCPT_TO]);
		detail_add(d, "file", &r->f[AF_FILENAME]);
		detail_add(d, ascan_eq(&r->f[AF_RULE], "virus.found") ?
		    "virus" : "detail", &r->f[AF_DETAIL]);
		detail_add(d, "id", &r->f[AF_QUARANTINE_ID]);
	} else {
		const struct ascan_value *svc = r->f[AF_SERVICE].type ==
		    ASV_STRING ? &r->f[AF_SERVICE] : &r->f[AF_HOSTNAME];

		detail_add(d, NULL, svc);
		if (svc->type != ASV_STRING)
			buf_append_cstr(d, "-");
		if (r->f[AF_DEST_IP].type == ASV_STRING) {
			buf_append_cstr(d, " (");
			if (ascan_string(&r->f[AF_DEST_IP], scratch,
			    sizeof(scratch)) > 0)
				buf_append_cstr(d, scratch);
			buf_append_cstr(d, ")");
		}
		detail_names(d, r, svc);
		detail_add(d, "up", &r->f[AF_BYTES_TOSERVER]);
		detail_add(d, "down", &r->f[AF_BYTES_TOCLIENT]);
		detail_add(d, "detail", &r->f[AF_DETAIL]);
	}
	detail_add(d, "exc", &r->f[AF_EXCEPTION]);
}

static void
detail_put(FILE *out, const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];

		fputc(c < 0x20 || c > 0x7e ? '?' : c, out);
	}
}

/*
 * The last column: whole when nothing asks for a width (not a terminal,
 * no --width), else wrapped to width at spaces (a longer word is split),
 * the following lines under the column.
 */
static void
detail_cell(FILE *out, const struct buf *d, size_t width, bool whole)
{
	size_t col = 0, i = 0;

	if (whole) {
		detail_put(out, d->data, d->len);
		return;
	}
	while (i < d->len) {
		size_t w = 0;

		while (i + w < d->len && d->data[i + w] != ' ')
			w++;
		if (col > 0 && col + 1 + w > width) {
			fputc('\n', out);
			for (size_t k = 0; k < W_FIXED; k++)
				fputc(' ', out);
			col = 0;
		} else if (col > 0) {
			fputc(' ', out);
			col++;
		}
		while (w > width - col) {	/* a word longer than a line */
			size_t n = width - col;

			detail_put(out, d->data + i, n);
			i += n;
			w -= n;
			fputc('\n', out);
			for (size_t k = 0; k < W_FIXED; k++)
				fputc(' ', out);
			col = 0;
		}
		detail_put(out, d->data + i, w);
		col += w;
		i += w;
		while (i < d->len && d->data[i] == ' ')
			i++;
	}
}

static void
table_row(struct alerts_run *run, FILE *out, const struct ascan_rec *r,
    time_t t)
{
	char a[1024], when[32];
	size_t rest = rest_width(run);
	struct tm tm;

	if (!run->table_header_done)
		table_header(run, out);
	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm) == 0)
		str_lcpy(when, "?", sizeof(when));
	cell(out, when, W_TIME, false);
	if (run->gateway_col) {
		str_of(&r->f[AF_GATEWAY], a, sizeof(a));
		cell(out, a, W_GATEWAY, false);
	}
	str_of(&r->f[AF_EVENT_TYPE], a, sizeof(a));
	cell(out, a, W_TYPE, false);
	str_of(&r->f[AF_RULE], a, sizeof(a));
	cell(out, a, W_RULE, false);
	str_of(&r->f[AF_POLICY], a, sizeof(a));
	cell(out, a, W_CLAUSE, false);
	str_of(&r->f[AF_ACTION], a, sizeof(a));
	cell(out, a, W_ACTION, false);
	str_of(&r->f[AF_AGENCY], a, sizeof(a));
	cell(out, a, W_AGENCY, false);
	str_of(r->f[AF_SRC_IP].type == ASV_STRING ? &r->f[AF_SRC_IP] :
	    &r->f[AF_CLIENT_IP], a, sizeof(a));
	cell(out, a, W_HOST, false);
	detail_of(&run->detail, r);
	detail_cell(out, &run->detail, rest, run->detail_whole);
	fputc('\n', out);
}

/* ---------------------------------------------------------------- progress */

static double
elapsed(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) +
	    (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

static void
progress_draw(struct alerts_run *run, uint64_t pos)
{
	struct timespec now;
	uint64_t done = run->done_bytes + pos;
	double secs, frac;
	char bar[31];
	size_t fill;

	clock_gettime(CLOCK_MONOTONIC, &now);
	secs = elapsed(&run->started, &now);
	if (secs < 0.5 || elapsed(&run->drawn, &now) < 0.2)
		return;
	run->drawn = now;
	frac = run->total_bytes > 0 ? (double)done /
	    (double)run->total_bytes : 0;
	if (frac > 1)
		frac = 1;
	fill = (size_t)(frac * 30);
	memset(bar, '#', fill);
	memset(bar + fill, '.', 30 - fill);
	bar[30] = '\0';
	fprintf(stderr, "\r[%s] %3.0f%%  %llu/%llu MB  %.0f MB/s  "
	    "%llu matched ", bar, frac * 100,
	    (unsigned long long)(done >> 20),
	    (unsigned long long)(run->total_bytes >> 20),
	    (double)done / 1e6 / secs, (unsigned long long)run->matched);
	run->bar_shown = true;
}

static void
progress_end(struct alerts_run *run)
{
	if (run->bar_shown)
		fprintf(stderr, "\r\033[K");
	run->bar_shown = false;
}

/* ---------------------------------------------------------------- reading */

static void
malformed(struct alerts_run *run, const struct logreader *r, const char *why)
{
	size_t k;

	for (k = 0; k < run->nreasons; k++)
		if (run->reasons[k].why == why)
			break;
	if (k == run->nreasons && k < MALFORMED_REASONS) {
		run->reasons[k].why = why;
		run->reasons[k].n = 0;
		run->nreasons++;
	}
	if (k < MALFORMED_REASONS)
		run->reasons[k].n++;
	if (run->malformed++ < MALFORMED_SHOWN) {
		progress_end(run);
		fprintf(stderr, "msgsec alerts: %s:%llu: skipped: %s\n",
		    r->path, (unsigned long long)r->lineno, why);
	}
}

static bool
blank(struct span line)
{
	for (size_t i = 0; i < line.len; i++)
		if (line.p[i] != ' ' && line.p[i] != '\t' && line.p[i] != '\r')
			return false;
	return true;
}

/* One line through scan, filter and output. */
static void
one_line(struct alerts_run *run, const struct logreader *r,
    struct span line, bool overlong, FILE *out)
{
	struct ascan_rec rec;
	const char *why;
	time_t t;

	run->lines++;
	if (overlong) {
		malformed(run, r, "line longer than 65535 bytes");
		return;
	}
	if (blank(line))
		return;
	if (ascan_line(line.p, line.len, &rec, &why) < 0) {
		malformed(run, r, why);
		return;
	}
	if (rec.f[AF_TIMESTAMP].type != ASV_STRING ||
	    rec.f[AF_TIMESTAMP].escaped ||
	    ascan_time(rec.f[AF_TIMESTAMP].p, rec.f[AF_TIMESTAMP].len,
	    &t) < 0) {
		malformed(run, r, "missing or bad timestamp");
		return;
	}
	if (!alert_filter_match(&run->filter, &rec, t))
		return;
	run->matched++;
	if (run->summary)
		alertsum_add(&run->sum, &rec, t);
	else if (run->out == OUT_TABLE)
		table_row(run, out, &rec, t);
	else {
		fwrite(line.p, 1, line.len, out);
		fputc('\n', out);
	}
}

/* Read one file to its end.  0, or -1 (message printed). */
static int
read_file(struct alerts_run *run, struct logreader *r, FILE *out, bool final)
{
	struct span line;
	bool overlong;
	char *error = NULL;
	int rc;
	unsigned tick = 0;

	while (!stop_requested &&
	    (rc = logreader_next(r, final, &line, &overlong, &error)) == 1) {
		one_line(run, r, line, overlong, out);
		if (run->progress && ++tick == 65536) {
			tick = 0;
			progress_draw(run, logreader_pos(r));
		}
	}
	if (stop_requested)
		return 0;
	if (rc < 0) {
		progress_end(run);
		fprintf(stderr, "msgsec alerts: %s\n", error);
		free(error);
		run->errors++;
		return -1;
	}
	return 0;
}

static int
read_all(struct alerts_run *run, char **paths, size_t n, FILE *out)
{
	struct logreader r;
	struct stat st;
	char *error = NULL;

	for (size_t i = 0; i < n; i++)
		if (stat(paths[i], &st) == 0 && S_ISREG(st.st_mode))
			run->total_bytes += (uint64_t)st.st_size;
	run->progress = run->progress &&
	    run->total_bytes >= PROGRESS_MIN_BYTES;
	clock_gettime(CLOCK_MONOTONIC, &run->started);
	run->drawn = run->started;
	for (size_t i = 0; i < n && !stop_requested; i++) {
		if (logreader_open(&r, paths[i], &error) < 0) {
			fprintf(stderr, "msgsec alerts: %s\n", error);
			free(error);
			error = NULL;
			run->errors++;
			continue;
		}
		(void)read_file(run, &r, out, true);
		run->done_bytes += r.size;
		logreader_close(&r);
	}
	progress_end(run);
	return 0;
}

struct db_read {
	struct alerts_run *run;
	struct logreader r;	/* path and row number for messages */
	FILE *out;
};

static int
db_row(void *arg, const char *line, size_t len)
{
	struct db_read *d = arg;

	d->r.lineno++;
	one_line(d->run, &d->r, (struct span){ line, len }, false, d->out);
	return stop_requested ? 1 : 0;
}

/* Every gateway's alerts from the records database.  0, or -1. */
static int
read_database(struct alerts_run *run, const struct config *c, FILE *out)
{
	struct pgalert_query q = {
		.has_since = run->filter.has_since,
		.has_until = run->filter.has_until,
		.since = run->filter.since,
		.until = run->filter.until,
	};
	struct db_read d;
	char *error = NULL;

	memset(&d, 0, sizeof(d));
	d.run = run;
	d.r.path = (char *)"database";
	d.out = out;
	if (pgalert_each(c, &q, db_row, &d, &error) < 0) {
		fprintf(stderr, "msgsec alerts: %s\n", error);
		free(error);
		run->errors++;
		return -1;
	}
	return 0;
}

static void
sleep_ms(unsigned ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	(void)nanosleep(&ts, NULL);
}

/*
 * Follow path like tail -F: the file may be absent at first, replaced
 * (rotation) or truncated; each is said once on stderr.
 */
static void
follow(struct alerts_run *run, const char *path, bool from_start, FILE *out)
{
	struct logreader r;
	char *error = NULL;
	bool open = false, gone_said = false;

	while (!stop_requested) {
		if (!open) {
			if (logreader_open(&r, path, &error) < 0) {
				if (!gone_said)
					fprintf(stderr, "msgsec alerts: %s; "
					    "waiting for it\n", error);
				gone_said = true;
				free(error);
				error = NULL;
				sleep_ms(FOLLOW_POLL_MS);
				continue;
			}
			if (r.gz != NULL) {
				fprintf(stderr, "msgsec alerts: %s: cannot "
				    "follow a gzip file\n", path);
				run->errors++;
				logreader_close(&r);
				return;
			}
			if (!from_start)
				logreader_seek_end(&r);
			from_start = true;	/* a new file: all of it */
			open = true;
			gone_said = false;
		}
		if (read_file(run, &r, out, false) < 0)
			break;
		fflush(out);
		switch (logreader_follow(&r, &error)) {
		case LOGFOLLOW_ROTATED:
			(void)read_file(run, &r, out, true);
			fflush(out);
			fprintf(stderr, "msgsec alerts: %s has been replaced; "
			    "following the new file\n", path);
			if (logreader_reopen(&r, &error) < 0) {
				free(error);
				error = NULL;
				logreader_close(&r);
				open = false;
			}
			continue;
		case LOGFOLLOW_TRUNCATED:
			fprintf(stderr, "msgsec alerts: %s: file truncated\n",
			    path);
			continue;
		case LOGFOLLOW_GONE:
			if (!gone_said)
				fprintf(stderr, "msgsec alerts: %s has gone "
				    "away; waiting for it\n", path);
			gone_said = true;
			break;
		case LOGFOLLOW_SAME:
			gone_said = false;
			break;
		default:
			fprintf(stderr, "msgsec alerts: %s\n", error);
			free(error);
			error = NULL;
			break;
		}
		sleep_ms(FOLLOW_POLL_MS);
	}
	if (open) {
		(void)read_file(run, &r, out, true);
		logreader_close(&r);
	}
}

/* ---------------------------------------------------------------- main */

static int
parse_args(struct alerts_run *run, int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		char *error = NULL;
		uint64_t v;
		int rc;

		if (i == 1 && strcmp(a, "summary") == 0) {
			run->summary = true;
			continue;
		}
		rc = cli_common_option(&run->common, argc, argv, &i);
		if (rc < 0)
			return -1;
		if (rc > 0)
			continue;
		rc = alert_filter_option(&run->filter, a,
		    i + 1 < argc ? argv[i + 1] : NULL, &error);
		if (rc < 0) {
			fprintf(stderr, "msgsec alerts: %s\n", error);
			free(error);
			return -1;
		}
		if (rc > 0) {
			i++;
			continue;
		}
		if (strcmp(a, "--json") == 0) {
			run->out = OUT_JSON;
		} else if (strcmp(a, "--table") == 0) {
			run->out = OUT_TABLE;
		} else if (strcmp(a, "--follow") == 0 || strcmp(a, "-f") == 0) {
			run->follow = true;
		} else if (strcmp(a, "--database") == 0) {
			run->database = true;
		} else if (strcmp(a, "--top") == 0 ||
		    strcmp(a, "--width") == 0) {
			bool top = strcmp(a, "--top") == 0;

			if (i + 1 >= argc || str_to_u64_cstr(argv[i + 1],
			    top ? 1 : 40, top ? 10000 : 1000, &v) < 0) {
				fprintf(stderr, "msgsec alerts: %s needs a "
				    "number from %d to %d\n", a, top ? 1 : 40,
				    top ? 10000 : 1000);
				return -1;
			}
			i++;
			if (top) {
				run->top = (size_t)v;
			} else {
				run->width = (unsigned)v;
				run->width_given = true;
			}
		} else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			alerts_usage(stdout);
			return 1;
		} else if (a[0] == '-' && a[1] != '\0') {
			fprintf(stderr, "msgsec alerts: unknown option '%s'\n",
			    a);
			return -1;
		} else {
			run->files = mem_reallocarray(run->files,
			    run->nfiles + 1, sizeof(*run->files));
			run->files[run->nfiles++] = a;
		}
	}
	return 0;
}

static unsigned
terminal_width(void)
{
	struct winsize ws;
	const char *cols = getenv("COLUMNS");
	uint64_t v;

	if (isatty(STDOUT_FILENO) &&
	    ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 40)
		return ws.ws_col;
	if (cols != NULL && str_to_u64_cstr(cols, 40, 1000, &v) == 0)
		return (unsigned)v;
	return 120;
}

static int
check_run(struct alerts_run *run)
{
	char *error = NULL;

	if (alert_filter_finish(&run->filter, &error) < 0) {
		fprintf(stderr, "msgsec alerts: %s\n", error);
		free(error);
		return -1;
	}
	if (run->database && run->nfiles > 0) {
		fprintf(stderr, "msgsec alerts: --database or FILEs, not "
		    "both\n");
		return -1;
	}
	if (run->follow && run->summary) {
		fprintf(stderr, "msgsec alerts: summary cannot --follow\n");
		return -1;
	}
	if (run->follow && run->nfiles > 0 &&
	    strcmp(run->files[run->nfiles - 1], "-") == 0) {
		fprintf(stderr, "msgsec alerts: cannot --follow standard "
		    "input\n");
		return -1;
	}
	return 0;
}

int
cmd_alerts(int argc, char **argv)
{
	struct alerts_run run;
	struct config conf;
	bool have_conf = false;
	char **paths = NULL, *live = NULL;
	size_t npaths = 0;
	struct sigaction sa;
	static char outbuf[1 << 20];
	bool json_summary;
	int rc;

	memset(&run, 0, sizeof(run));
	run.common.config = MSGSEC_DEFAULT_CONFIG;
	run.top = 10;
	rc = parse_args(&run, argc, argv);
	if (rc == 0 && check_run(&run) < 0)
		rc = -1;
	if (rc != 0) {
		if (rc < 0)
			fprintf(stderr, "usage: msgsec alerts [options] "
			    "[FILE...]  (msgsec alerts --help)\n");
		alert_filter_free(&run.filter);
		cli_common_free(&run.common);
		free(run.files);
		return rc < 0 ? 2 : 0;
	}
	if (run.nfiles == 0) {
		/* The configuration only, without loading rules. */
		if (cli_config_load(&run.common, &conf) != 0) {
			fprintf(stderr, "msgsec alerts: cannot read the "
			    "configuration %s\n", run.common.config);
			alert_filter_free(&run.filter);
			cli_common_free(&run.common);
			return 2;
		}
		have_conf = true;
		if (conf.alert_output == ALERT_OUT_DATABASE)
			run.database = true;
	}
	if (run.database && run.follow) {
		fprintf(stderr, "msgsec alerts: --follow reads a file; the "
		    "database is read whole (name alerts.file to follow "
		    "it)\n");
		if (have_conf)
			config_free(&conf);
		alert_filter_free(&run.filter);
		cli_common_free(&run.common);
		return 2;
	}
	run.gateway_col = run.database;
	if (run.nfiles > 0) {
		paths = mem_reallocarray(NULL, run.nfiles, sizeof(*paths));
		for (size_t i = 0; i < run.nfiles; i++)
			paths[i] = mem_strdup(run.files[i]);
		npaths = run.nfiles;
		live = mem_strdup(run.files[run.nfiles - 1]);
	} else if (!run.database) {
		live = mem_strdup(conf.alert_file);
		logfiles_rotated(live, &paths, &npaths);
		if (npaths == 0 && !run.follow)
			fprintf(stderr, "msgsec alerts: %s: no alert log yet\n",
			    live);
	}
	json_summary = run.out == OUT_JSON;
	if (run.out == OUT_AUTO)
		run.out = isatty(STDOUT_FILENO) ? OUT_TABLE : OUT_JSON;
	if (run.width == 0)
		run.width = terminal_width();
	run.detail_whole = !run.width_given && !isatty(STDOUT_FILENO);
	buf_init(&run.detail, 4 * sizeof(scratch));
	run.progress = !run.follow && isatty(STDERR_FILENO);
	setvbuf(stdout, outbuf, _IOFBF, sizeof(outbuf));
	if (run.summary) {
		alertsum_init(&run.sum);
		run.filter.keep_messages = true;	/* the mail volume */
	}

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	sigemptyset(&sa.sa_mask);
	(void)sigaction(SIGINT, &sa, NULL);
	(void)sigaction(SIGTERM, &sa, NULL);

	if (run.database && run.summary && alertdb_can_group(&run.filter)) {
		char *error = NULL;

		if (alertdb_summary(&conf, &run.filter, &run.sum, &error) < 0) {
			fprintf(stderr, "msgsec alerts: %s\n", error);
			free(error);
			run.errors++;
		}
	} else if (run.database) {
		(void)read_database(&run, &conf, stdout);
	} else if (!run.follow) {
		read_all(&run, paths, npaths, stdout);
	} else {
		/* History first when --since asks for it. */
		if (run.filter.has_since) {
			size_t h = npaths;

			if (h > 0 && strcmp(paths[h - 1], live) == 0)
				h--;
			read_all(&run, paths, h, stdout);
		}
		follow(&run, live, run.filter.has_since, stdout);
	}
	if (run.summary) {
		if (json_summary)
			alertsum_print_json(&run.sum, stdout, run.top);
		else
			alertsum_print_text(&run.sum, stdout, run.top);
		alertsum_free(&run.sum);
	}
	fflush(stdout);
	if (run.malformed > 0) {
		fprintf(stderr, "msgsec alerts: %llu malformed line%s "
		    "skipped (of %llu):", (unsigned long long)run.malformed,
		    run.malformed == 1 ? "" : "s",
		    (unsigned long long)run.lines);
		for (size_t k = 0; k < run.nreasons; k++)
			fprintf(stderr, "%s %llu %s", k > 0 ? "," : "",
			    (unsigned long long)run.reasons[k].n,
			    run.reasons[k].why);
		fputc('\n', stderr);
	}
	for (size_t i = 0; i < npaths; i++)
		free(paths[i]);
	free(paths);
	free(live);
	free(run.files);
	if (have_conf)
		config_free(&conf);
	buf_free(&run.detail);
	alert_filter_free(&run.filter);
	cli_common_free(&run.common);
	if (ferror(stdout))
		return 1;
	return run.errors > 0 ? 1 : 0;
}
