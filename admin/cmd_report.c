/*
 * cmd_report.c - `msgsec report --html FILE`: one self-contained HTML page
 * for the security office: alerts per day by clause, top rules, agencies,
 * hosts and services, the names network alerts carried (hostname, also
 * when the rule held by address, port or protocol), the exceptions in
 * force and those expiring soon, and what the quarantine holds.  No scripts, fonts or images: inline CSS and
 * inline SVG (svg.c), so the page opens anywhere and can be mailed.
 *
 * Trusted: the options and the loaded policy (validated by policy_load).
 * Untrusted: alert logs and quarantine metadata, read through alertscan
 * (strict, bounded) and escaped by html_escape wherever they are shown.
 * The page is built in one bounded buffer (REPORT_MAX) and written to a
 * temporary file that is renamed over FILE, so a reader never sees half.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "alertfilter.h"
#include "alertscan.h"
#include "alertsum.h"
#include "clause.h"
#include "cli.h"
#include "date.h"
#include "logfiles.h"
#include "pgalert.h"
#include "mem.h"
#include "policy.h"
#include "qstats.h"
#include "qstore.h"
#include "report.h"
#include "svg.h"

#define REPORT_MAX (64u << 20)	/* the page, all charts included */
#define REPORT_DAYS_MAX 400	/* days drawn in the per-day chart */
#define EXPIRING_DAYS 30


/* Chart colours by clause (Okabe and Ito); the titles are clause.c's. */
static const struct {
	const char *clause, *colour;
} clause_colours[] = {
	{ "1.1", "#0072B2" },
	{ "1.2", "#E69F00" },
	{ "1.3", "#009E73" },
	{ "1.4", "#CC79A7" },
	{ "2", "#000000" },
	{ "3.1", "#D55E00" },
	{ "3.2", "#56B4E9" },
	{ "3.3", "#F0E442" },
	{ "3.4", "#000000" },
	{ "4", "#000000" },
	{ "5", "#000000" },
};

#define OTHER_COLOUR "#999999"

static const char *
clause_colour(const char *c)
{
	for (size_t i = 0;
	    i < sizeof(clause_colours) / sizeof(clause_colours[0]); i++)
		if (strcmp(c, clause_colours[i].clause) == 0)
			return clause_colours[i].colour;
	return OTHER_COLOUR;
}

static void
report_usage(FILE *out)
{
	fprintf(out,
	    "usage: msgsec report --html FILE [-c CONFIG] [--set KEY=VALUE]... "
	    "[--since DATE]\n"
	    "                     [--until DATE] [--alerts LOG]... "
	    "[--today YYYY-MM-DD] [--top N]\n"
	    "                     [--title TEXT] [--database]\n"
	    "\n"
	    "Writes one self-contained HTML page (\"-\" for standard output) "
	    "from the\n"
	    "alert log (alerts.file and its rotated siblings, or each --alerts "
	    "LOG;\n"
	    "the records database's alerts of every gateway with alerts.output: "
	    "postgresql\n"
	    "or --database),\n"
	    "the exception records and the quarantine folder of the "
	    "configuration.\n"
	    "--today sets the day exceptions are judged on (default: today, "
	    "UTC).\n");
}

static const char CSS[] =
    ":root{--ink:#1f2937;--muted:#5b6472;--line:#e3e6ea;"
    "--panel:#ffffff;--bg:#f5f6f8}\n"
    "*{box-sizing:border-box}\n"
    "body{margin:0;background:var(--bg);color:var(--ink);"
    "font:15px/1.5 system-ui,-apple-system,\"Segoe UI\",Roboto,"
    "\"Helvetica Neue\",Arial,sans-serif}\n"
    "main{max-width:1180px;margin:0 auto;padding:28px 24px 40px}\n"
    "header h1{font-size:27px;font-weight:650;margin:0 0 2px;"
    "letter-spacing:-.01em}\n"
    "header p{margin:0;color:var(--muted)}\n"
    "h2{font-size:17px;font-weight:650;margin:0 0 12px}\n"
    "h2 .muted{font-weight:400;font-size:14px}\n"
    ".panel{background:var(--panel);border:1px solid var(--line);"
    "border-radius:10px;padding:18px 22px;margin:16px 0}\n"
    ".cols{display:grid;grid-template-columns:1fr 1fr;gap:16px}\n"
    ".cols .panel{margin:0}\n"
    ".cards{display:grid;grid-template-columns:repeat(auto-fit,"
    "minmax(150px,1fr));gap:12px;"
    "margin:20px 0 4px}\n"
    ".card{background:var(--panel);border:1px solid var(--line);"
    "border-radius:10px;padding:12px 16px}\n"
    ".card .num{font-size:26px;font-weight:650;"
    "font-variant-numeric:tabular-nums}\n"
    ".card .lab{color:var(--muted);font-size:13px}\n"
    "svg.chart{display:block;max-width:100%;height:auto}\n"
    "svg .tick{font-size:11px;fill:#4b5563}\n"
    "svg .label{font-size:12px;fill:#1f2937}\n"
    "svg .value{font-size:12px;fill:#374151;"
    "font-variant-numeric:tabular-nums}\n"
    "svg .gl{stroke:#e7e9ed;stroke-width:1}\n"
    "svg .axis{stroke:#9aa1ab;stroke-width:1}\n"
    ".legend{list-style:none;display:flex;flex-wrap:wrap;gap:6px 22px;"
    "padding:0;margin:12px 0 0;font-size:13px}\n"
    ".sw{display:inline-block;width:12px;height:12px;border-radius:2px;"
    "margin-right:6px;vertical-align:-1px}\n"
    "table{border-collapse:collapse;width:100%;font-size:14px}\n"
    "th{text-align:left;color:var(--muted);font-weight:600;"
    "border-bottom:2px solid var(--line);padding:6px 8px}\n"
    "td{border-bottom:1px solid #eef0f3;padding:6px 8px;"
    "vertical-align:top}\n"
    "td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}\n"
    "code{font:13px ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}\n"
    ".badge{display:inline-block;background:#fbe3d3;color:#8a3200;"
    "border-radius:10px;padding:0 8px;font-size:12px;font-weight:600}\n"
    ".muted{color:var(--muted)}\n"
    ".empty{color:var(--muted);font-style:italic;margin:4px 0}\n"
    "footer{color:var(--muted);font-size:12px;margin-top:24px}\n"
    "@media (max-width:800px){.cols{grid-template-columns:1fr}"
    ".cards{grid-template-columns:repeat(2,1fr)}}\n"
    "@page{size:A4;margin:12mm}\n"
    "@media print{body{background:#fff;font-size:12px}"
    "main{max-width:none;padding:0}"
    ".cols{grid-template-columns:1fr}"
    ".panel,.card,tr,footer{break-inside:avoid}"
    "table{font-size:11px}td,th{padding:3px 5px}"
    "code{font-size:11px;overflow-wrap:anywhere}}\n"
    "td code{overflow-wrap:anywhere}\n";

void
report_num(uint64_t v, char *out, size_t len)
{
	char d[32];
	int n = snprintf(d, sizeof(d), "%llu", (unsigned long long)v);
	size_t o = 0;

	for (int i = 0; i < n && o + 2 < len; i++) {
		if (i > 0 && (n - i) % 3 == 0)
			out[o++] = ',';
		out[o++] = d[i];
	}
	out[o] = '\0';
}

/* ---------------------------------------------------------------- input */

/* One line of a log or one row of the database. */
static void
report_line(struct report *rp, struct span line, bool overlong)
{
	struct ascan_rec rec;
	const char *why;
	time_t t;

	rp->lines++;
	if (line.len == 0)
		return;
	if (overlong || ascan_line(line.p, line.len, &rec, &why) < 0 ||
	    rec.f[AF_TIMESTAMP].type != ASV_STRING ||
	    ascan_time(rec.f[AF_TIMESTAMP].p, rec.f[AF_TIMESTAMP].len,
	    &t) < 0) {
		rp->malformed++;
		return;
	}
	if (!alert_filter_match(&rp->filter, &rec, t))
		return;
	alertsum_add(&rp->sum, &rec, t);
	if (ascan_eq(&rec.f[AF_EVENT_TYPE], "release"))
		report_add_release(rp, &rec, t);
}

static int
report_row(void *arg, const char *line, size_t len)
{
	report_line(arg, (struct span){ line, len }, false);
	return 0;
}

/* The records database's msgsec_alert (alerts.output: postgresql). */
static void
read_database(struct report *rp, const struct config *c)
{
	struct pgalert_query q = {
		.has_since = rp->filter.has_since,
		.has_until = rp->filter.has_until,
		.since = rp->filter.since,
		.until = rp->filter.until,
	};
	char *error = NULL;

	if (pgalert_each(c, &q, report_row, rp, &error) < 0) {
		fprintf(stderr, "msgsec report: %s\n", error);
		free(error);
		rp->errors++;
	}
}

static void
read_logs(struct report *rp, char **paths, size_t n)
{
	struct logreader r;
	struct span line;
	char *error = NULL;
	bool overlong;
	int rc;

	for (size_t i = 0; i < n; i++) {
		if (logreader_open(&r, paths[i], &error) < 0) {
			fprintf(stderr, "msgsec report: %s\n", error);
			free(error);
			error = NULL;
			rp->errors++;
			continue;
		}
		while ((rc = logreader_next(&r, true, &line, &overlong,
		    &error)) == 1)
			report_line(rp, line, overlong);
		if (rc < 0) {
			fprintf(stderr, "msgsec report: %s\n", error);
			free(error);
			error = NULL;
			rp->errors++;
		}
		logreader_close(&r);
	}
}

/* ---------------------------------------------------------------- sections */

void
report_card(struct buf *b, const char *num, const char *label)
{
	buf_append_cstr(b, "<div class=\"card\"><div class=\"num\">");
	html_escape(b, num, 40);
	buf_append_cstr(b, "</div><div class=\"lab\">");
	html_escape(b, label, 80);
	buf_append_cstr(b, "</div></div>\n");
}

static void
per_day(struct report *rp)
{
	struct buf *b = &rp->b;
	size_t nd, nc, ndc;
	struct counter_entry *days, *clauses, *dc;
	const char **xl, **sn, **sc;
	uint64_t *vals;

	days = counter_sorted(rp->sum.t[SUM_DAY], true, &nd);
	clauses = counter_sorted(rp->sum.t[SUM_CLAUSE], true, &nc);
	dc = counter_sorted(rp->sum.t[SUM_DAY_CLAUSE], true, &ndc);
	buf_append_cstr(b, "<section class=\"panel\" id=\"per-day\"><h2>Alerts "
	    "per day by clause</h2>\n");
	if (nd == 0) {
		buf_append_cstr(b, "<p class=\"empty\">No alerts in this "
		    "period.</p></section>\n");
		free(days);
		free(clauses);
		free(dc);
		return;
	}
	if (nd > REPORT_DAYS_MAX) {
		/* The latest days. */
		memmove(days, days + (nd - REPORT_DAYS_MAX),
		    REPORT_DAYS_MAX * sizeof(*days));
		nd = REPORT_DAYS_MAX;
	}
	xl = mem_reallocarray(NULL, nd, sizeof(*xl));
	sn = mem_reallocarray(NULL, nc + 1, sizeof(*sn));
	sc = mem_reallocarray(NULL, nc + 1, sizeof(*sc));
	vals = mem_calloc(nd * (nc + 1), sizeof(*vals));
	for (size_t i = 0; i < nd; i++)
		xl[i] = days[i].key;
	for (size_t s = 0; s < nc; s++) {
		sn[s] = clauses[s].key;
		sc[s] = clause_colour(clauses[s].key);
	}
	for (size_t k = 0; k < ndc; k++) {
		const char *tab = strchr(dc[k].key, '\t');
		size_t dl = tab != NULL ? (size_t)(tab - dc[k].key) : 0;

		if (tab == NULL)
			continue;
		for (size_t x = 0; x < nd; x++) {
			if (strlen(xl[x]) != dl ||
			    memcmp(xl[x], dc[k].key, dl) != 0)
				continue;
			for (size_t s = 0; s < nc; s++)
				if (strcmp(sn[s], tab + 1) == 0)
					vals[x * nc + s] += dc[k].count;
		}
	}
	svg_stacked_bars(b, "Alerts per day, stacked by policy clause", xl,
	    nd, sn, sc, nc, vals, 1130, 330);
	buf_append_cstr(b, "<ul class=\"legend\">\n");
	for (size_t s = 0; s < nc; s++) {
		char num[32];

		report_num(clauses[s].count, num, sizeof(num));
		buf_printf(b, "<li><span class=\"sw\" style=\"background:%s\">"
		    "</span><b>", sc[s]);
		html_escape(b, sn[s], 16);
		buf_append_cstr(b, "</b> ");
		html_escape(b, clause_title(sn[s]), 0);
		buf_printf(b, " <span class=\"muted\">%s</span></li>\n", num);
	}
	buf_append_cstr(b, "</ul></section>\n");
	free(xl);
	free(sn);
	free(sc);
	free(vals);
	free(days);
	free(clauses);
	free(dc);
}

/* A panel with the top entries of a counter as horizontal bars. */
static void
top_panel(struct report *rp, enum alertsum_table t, const char *title,
    const char *none_label)
{
	struct buf *b = &rp->b;
	size_t n;
	struct counter_entry *v = counter_sorted(rp->sum.t[t], false, &n);
	const char **labels;
	uint64_t *vals;

	buf_append_cstr(b, "<section class=\"panel\"><h2>");
	html_escape(b, title, 0);
	if (n > rp->top)
		buf_printf(b, " <span class=\"muted\">top %zu of %zu</span>",
		    rp->top, n);
	buf_append_cstr(b, "</h2>\n");
	if (n == 0) {
		buf_append_cstr(b, "<p class=\"empty\">None in this "
		    "period.</p></section>\n");
		free(v);
		return;
	}
	if (n > rp->top)
		n = rp->top;
	labels = mem_reallocarray(NULL, n, sizeof(*labels));
	vals = mem_reallocarray(NULL, n, sizeof(*vals));
	for (size_t i = 0; i < n; i++) {
		labels[i] = strcmp(v[i].key, "(none)") == 0 && none_label !=
		    NULL ? none_label : v[i].key;
		vals[i] = v[i].count;
	}
	svg_hbars(b, title, labels, vals, n, SVG_BAR_COLOUR, 540, 0);
	buf_append_cstr(b, "</section>\n");
	free(labels);
	free(vals);
	free(v);
}

void
report_scope(struct buf *b, const struct exception *e)
{
	buf_append_cstr(b, "rules ");
	if (e->nrule_globs == 0) {
		buf_append_cstr(b, "(all)");
	} else {
		for (size_t i = 0; i < e->nrule_globs && i < 6; i++) {
			buf_append_cstr(b, i > 0 ? ", <code>" : "<code>");
			html_escape(b, e->rule_globs[i], 60);
			buf_append_cstr(b, "</code>");
		}
		if (e->nrule_globs > 6)
			buf_printf(b, " +%zu", e->nrule_globs - 6);
	}
	if (e->nusers > 0)
		buf_printf(b, "; users: %zu", e->nusers);
	if (e->hosts != NULL)
		buf_printf(b, "; hosts: %zu prefix%s", cidrset_count(e->hosts),
		    cidrset_count(e->hosts) == 1 ? "" : "es");
}

void
report_exception_lead(struct buf *b, const struct exception *e,
    char from[16], char until[16])
{
	date_format(e->valid_from, from, 16);
	date_format(e->valid_until, until, 16);
	buf_append_cstr(b, "<tr><td><code>");
	html_escape(b, e->id, 60);
	buf_append_cstr(b, "</code></td><td>");
	html_escape(b, e->agency_id != NULL ? e->agency_id : "", 40);
	buf_append_cstr(b, "</td><td>");
	report_scope(b, e);
}

static void
exception_table(struct report *rp, const struct policy *p, bool soon_only)
{
	struct buf *b = &rp->b;
	size_t rows = 0;

	for (size_t i = 0; i < p->nexceptions; i++) {
		const struct exception *e = p->exceptions[i];
		int32_t left = e->valid_until - rp->today;
		char from[16], until[16];

		if (!exception_in_force(e, &p->exc_settings, rp->today))
			continue;
		if (soon_only && left > EXPIRING_DAYS)
			continue;
		if (rows++ == 0)
			buf_append_cstr(b, "<table><thead><tr><th>Exception"
			    "</th><th>Agency</th><th>Scope</th><th>From</th>"
			    "<th>Until</th><th class=\"n\">Days left</th>"
			    "</tr></thead><tbody>\n");
		report_exception_lead(b, e, from, until);
		buf_printf(b, "</td><td>%s</td><td>%s</td><td class=\"n\">",
		    from, until);
		if (left <= EXPIRING_DAYS)
			buf_printf(b, "<span class=\"badge\">%d</span>",
			    (int)left);
		else
			buf_printf(b, "%d", (int)left);
		buf_append_cstr(b, "</td></tr>\n");
	}
	if (rows == 0)
		buf_printf(b, "<p class=\"empty\">%s</p>\n", soon_only ?
		    "None expires within 30 days." : "No exception is in force.");
	else
		buf_append_cstr(b, "</tbody></table>\n");
}

static void
exceptions(struct report *rp, const struct policy *p)
{
	struct buf *b = &rp->b;
	size_t in_force = 0, soon = 0;
	char day[16];

	for (size_t i = 0; i < p->nexceptions; i++) {
		const struct exception *e = p->exceptions[i];

		if (!exception_in_force(e, &p->exc_settings, rp->today))
			continue;
		in_force++;
		if (e->valid_until - rp->today <= EXPIRING_DAYS)
			soon++;
	}
	date_format(rp->today, day, sizeof(day));
	buf_printf(b, "<section class=\"panel\" id=\"exceptions\"><h2>"
	    "Exceptions in force <span class=\"muted\">%zu on %s (clause 4)"
	    "</span></h2>\n", in_force, day);
	exception_table(rp, p, false);
	buf_printf(b, "<h2 style=\"margin-top:18px\">Expiring within %d days "
	    "<span class=\"muted\">%zu</span></h2>\n", EXPIRING_DAYS, soon);
	exception_table(rp, p, true);
	buf_append_cstr(b, "</section>\n");
}

/* A table's rows: a count's key (as code, or as text), its messages and
 * bytes, most first. */
static void
count_rows(struct buf *b, const struct counter *c, bool code)
{
	char num[32], bytes[32];
	struct counter_entry *v;
	size_t n;

	v = counter_sorted(c, false, &n);
	for (size_t i = 0; i < n; i++) {
		report_num(v[i].count, num, sizeof(num));
		svg_bytes(v[i].bytes, bytes, sizeof(bytes));
		buf_append_cstr(b, code ? "<tr><td><code>" : "<tr><td>");
		html_escape(b, v[i].key, code ? 60 : 40);
		buf_printf(b, "%s<td class=\"n\">%s</td>"
		    "<td class=\"n\">%s</td></tr>\n",
		    code ? "</code></td>" : "</td>", num, bytes);
	}
	free(v);
}

/*
 * The records database's totals: each entry's metadata, as the folder
 * store's are counted from meta.json.
 */
static int
database_stats(struct qstore *s, char **ids, size_t n, struct qstats *q,
    char **error_r)
{
	qstats_init(q);
	for (size_t k = 0; k < n; k++) {
		struct qentry e;

		if (qstore_load(s, ids[k], &e, error_r) < 0) {
			/* Removed since the list: not an error. */
			if (strncmp(*error_r, "no quarantine entry", 19) != 0)
				return -1;
			free(*error_r);
			*error_r = NULL;
			continue;
		}
		qstats_add(q, e.meta, e.meta_len);
		qentry_free(&e);
	}
	return 0;
}

/* Read the store (folder or database) into its totals and ids. */
static int
quarantine_read(const struct policy *p, struct qstore *s, struct qstats *q,
    char ***ids_r, size_t *n_r, char **error_r)
{
	*ids_r = NULL;
	*n_r = 0;
	qstats_init(q);
	if (qstore_open(s, &p->config, error_r) < 0 ||
	    qstore_list(s, ids_r, n_r, error_r) < 0)
		return -1;
	qstats_free(q);
	if (s->db == NULL)
		return qstats_scan(p->config.quarantine_dir, q, error_r);
	return database_stats(s, *ids_r, *n_r, q, error_r);
}

static void
quarantine(struct report *rp, const struct policy *p)
{
	struct buf *b = &rp->b;
	struct qstats q;
	struct qstore s;
	char *error = NULL, num[32], bytes[32], **ids;
	size_t n;

	buf_append_cstr(b, "<section class=\"panel\" id=\"quarantine\"><h2>"
	    "Quarantine <span class=\"muted\">messages held (clause 5)"
	    "</span></h2>\n");
	if (quarantine_read(p, &s, &q, &ids, &n, &error) < 0) {
		fprintf(stderr, "msgsec report: quarantine %s\n", error);
		buf_printf(b, "<p class=\"empty\">The quarantine %s could not "
		    "be read.</p></section>\n", s.db != NULL ||
		    p->config.quarantine_backend != QUARANTINE_FILES ?
		    "database" : "folder");
		free(error);
		qstats_free(&q);
		qentry_list_free(ids, n);
		qstore_close(&s);
		rp->errors++;
		return;
	}
	report_num(q.messages, num, sizeof(num));
	svg_bytes(q.bytes, bytes, sizeof(bytes));
	buf_printf(b, "<p><b>%s</b> message%s, <b>%s</b>", num,
	    q.messages == 1 ? "" : "s", bytes);
	if (q.unreadable > 0)
		buf_printf(b, " <span class=\"muted\">(%llu entr%s with "
		    "unreadable metadata)</span>",
		    (unsigned long long)q.unreadable,
		    q.unreadable == 1 ? "y" : "ies");
	buf_append_cstr(b, "</p>\n");
	if (q.messages == 0) {
		buf_append_cstr(b, "</section>\n");
		qstats_free(&q);
		qentry_list_free(ids, n);
		qstore_close(&s);
		return;
	}
	buf_append_cstr(b, "<div class=\"cols\"><div><h2>By rule <span "
	    "class=\"muted\">a message counts for each rule it broke</span>"
	    "</h2><table><thead><tr><th>Rule</th><th class=\"n\">Messages"
	    "</th><th class=\"n\">Bytes</th></tr></thead><tbody>\n");
	count_rows(b, q.by_rule, true);
	buf_append_cstr(b, "</tbody></table></div><div><h2>By action</h2>"
	    "<table><thead><tr><th>Action</th><th class=\"n\">Messages</th>"
	    "<th class=\"n\">Bytes</th></tr></thead><tbody>\n");
	count_rows(b, q.by_action, false);
	buf_append_cstr(b, "</tbody></table></div></div>\n");
	report_quarantine_ids(rp, &s, ids, n);
	buf_append_cstr(b, "</section>\n");
	qstats_free(&q);
	qentry_list_free(ids, n);
	qstore_close(&s);
}

static void
page(struct report *rp, const struct policy *p)
{
	struct buf *b = &rp->b;
	char day[16], a[16], z[16], num[32];
	size_t in_force = 0;

	date_format(rp->today, day, sizeof(day));
	for (size_t i = 0; i < p->nexceptions; i++)
		in_force += exception_in_force(p->exceptions[i],
		    &p->exc_settings, rp->today);
	buf_append_cstr(b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
	    "<meta charset=\"utf-8\">\n<meta name=\"viewport\" "
	    "content=\"width=device-width, initial-scale=1\">\n"
	    "<meta name=\"generator\" content=\"msgsec report\">\n<title>");
	html_escape(b, rp->title, 200);
	buf_printf(b, " \xe2\x80\x94 %s</title>\n<style>\n%s</style>\n"
	    "</head>\n<body>\n<main>\n<header><h1>", day, CSS);
	html_escape(b, rp->title, 200);
	buf_append_cstr(b, "</h1><p>");
	if (rp->sum.total > 0) {
		date_format(date_day_of(rp->sum.first), a, sizeof(a));
		date_format(date_day_of(rp->sum.last), z, sizeof(z));
		buf_printf(b, "Alerts from %s to %s", a, z);
	} else {
		buf_append_cstr(b, "No alerts");
	}
	if (rp->filter.has_since) {
		date_format(date_day_of(rp->filter.since), a, sizeof(a));
		buf_printf(b, " (since %s)", a);
	}
	buf_printf(b, " \xc2\xb7 exceptions and quarantine as of %s \xc2\xb7 "
	    "configuration <code>", day);
	html_escape(b, p->config.file, 120);
	buf_append_cstr(b, "</code></p></header>\n<div class=\"cards\">\n");
	if (rp->sum.seen > 0) {
		char bytes[32], label[64];

		report_num(rp->sum.seen, num, sizeof(num));
		svg_bytes(rp->sum.seen_bytes, bytes, sizeof(bytes));
		(void)snprintf(label, sizeof(label), "messages judged (%s)",
		    bytes);
		report_card(b, num, label);
	}
	{
		bool exact;
		char label[64];
		uint64_t m = alertsum_messages(&rp->sum, &exact);

		report_num(rp->sum.mail_hits, num, sizeof(num));
		(void)snprintf(label, sizeof(label), "mail hits, in %s%llu "
		    "messages", exact ? "" : "at least ",
		    (unsigned long long)m);
		report_card(b, num, label);
	}
	report_num(rp->sum.total, num, sizeof(num));
	report_card(b, num, "alerts");
	report_num(counter_size(rp->sum.t[SUM_DAY]), num, sizeof(num));
	report_card(b, num, "days with alerts");
	report_num(counter_size(rp->sum.t[SUM_RULE]), num, sizeof(num));
	report_card(b, num, "rules that fired");
	{
		uint64_t excepted = 0;
		size_t n;
		struct counter_entry *v = counter_sorted(
		    rp->sum.t[SUM_EXCEPTION], false, &n);

		for (size_t i = 0; i < n; i++)
			excepted += v[i].count;
		free(v);
		report_num(excepted, num, sizeof(num));
		report_card(b, num, "alerts downgraded by an exception");
	}
	report_num(in_force, num, sizeof(num));
	report_card(b, num, "exceptions in force");
	buf_append_cstr(b, "</div>\n");
	report_mail(rp);
	per_day(rp);
	buf_append_cstr(b, "<div class=\"cols\">\n");
	top_panel(rp, SUM_RULE, "Top rules", NULL);
	top_panel(rp, SUM_AGENCY, "Agencies", "(no agency)");
	top_panel(rp, SUM_HOST, "Top hosts", NULL);
	top_panel(rp, SUM_SERVICE, "Top services", NULL);
	if (counter_size(rp->sum.t[SUM_NAME]) > 0)
		top_panel(rp, SUM_NAME, "Names seen on network alerts", NULL);
	if (counter_size(rp->sum.t[SUM_GATEWAY]) > 0)
		top_panel(rp, SUM_GATEWAY, "Gateways", NULL);
	buf_append_cstr(b, "</div>\n");
	report_health(rp);
	report_releases(rp);
	exceptions(rp, p);
	report_pending(rp, p);
	quarantine(rp, p);
	buf_printf(b, "<footer>Written by msgsec report on %s from ", day);
	report_num(rp->lines, num, sizeof(num));
	buf_printf(b, "%s %s", num, rp->database ? "alerts of every gateway "
	    "in the records database" : "log lines");
	if (rp->malformed > 0) {
		report_num(rp->malformed, num, sizeof(num));
		buf_printf(b, " (%s malformed, skipped)", num);
	}
	buf_append_cstr(b, ". Clauses:");
	for (const struct clause *c = clause_table(); c->id != NULL; c++) {
		buf_printf(b, "%s <span class=\"clause\">%s ",
		    c == clause_table() ? "" : ",", c->id);
		html_escape(b, c->title, 0);
		buf_append_cstr(b, "</span>");
	}
	buf_append_cstr(b, ".</footer>\n</main>\n</body>\n</html>\n");
}

/* ---------------------------------------------------------------- output */

static int
write_out(const char *path, const struct buf *b)
{
	char *tmp;
	int fd;
	size_t off = 0;

	if (strcmp(path, "-") == 0) {
		if (fwrite(b->data, 1, b->len, stdout) != b->len ||
		    fflush(stdout) != 0) {
			fprintf(stderr, "msgsec report: standard output: %s\n",
			    strerror(errno));
			return -1;
		}
		return 0;
	}
	tmp = mem_printf("%s.tmp%ld", path, (long)getpid());
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		fprintf(stderr, "msgsec report: cannot write %s: %s\n", path,
		    strerror(errno));
		free(tmp);
		return -1;
	}
	while (off < b->len) {
		ssize_t n = write(fd, b->data + off, b->len - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		off += (size_t)n;
	}
	if (off != b->len || fsync(fd) < 0 || close(fd) < 0 ||
	    rename(tmp, path) < 0) {
		fprintf(stderr, "msgsec report: %s: %s\n", path,
		    strerror(errno));
		if (off != b->len)
			close(fd);
		unlink(tmp);
		free(tmp);
		return -1;
	}
	free(tmp);
	return 0;
}

static int
parse_args(struct report *rp, int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *next = i + 1 < argc ? argv[i + 1] :
		    NULL, *why;
		char *error = NULL;
		uint64_t v;
		int rc = cli_common_option(&rp->common, argc, argv, &i);

		if (rc < 0)
			return -1;
		if (rc > 0)
			continue;
		if (strcmp(a, "--since") == 0 || strcmp(a, "--until") == 0) {
			if (alert_filter_option(&rp->filter, a, next,
			    &error) < 0) {
				fprintf(stderr, "msgsec report: %s\n", error);
				free(error);
				return -1;
			}
			i++;
			continue;
		}
		if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			report_usage(stdout);
			return 1;
		}
		if (strcmp(a, "--database") == 0) {
			rp->database = true;
			continue;
		}
		if (a[0] != '-' || next == NULL) {
			fprintf(stderr, "msgsec report: %s '%s'\n", a[0] ==
			    '-' ? "missing argument to" : "unexpected argument",
			    a);
			return -1;
		}
		i++;
		if (strcmp(a, "--html") == 0) {
			rp->html = next;
		} else if (strcmp(a, "--alerts") == 0) {
			rp->logs = mem_reallocarray(rp->logs, rp->nlogs + 1,
			    sizeof(*rp->logs));
			rp->logs[rp->nlogs++] = next;
		} else if (strcmp(a, "--title") == 0) {
			rp->title = next;
		} else if (strcmp(a, "--today") == 0) {
			if (date_parse(next, strlen(next), &rp->today,
			    &why) < 0) {
				fprintf(stderr, "msgsec report: --today '%s': "
				    "%s\n", next, why);
				return -1;
			}
		} else if (strcmp(a, "--top") == 0) {
			if (str_to_u64_cstr(next, 1, 100, &v) < 0) {
				fprintf(stderr, "msgsec report: --top needs a "
				    "number from 1 to 100\n");
				return -1;
			}
			rp->top = (size_t)v;
		} else {
			fprintf(stderr, "msgsec report: unknown option '%s'\n",
			    a);
			return -1;
		}
	}
	if (rp->html == NULL) {
		fprintf(stderr, "msgsec report: --html FILE is required\n");
		return -1;
	}
	if (rp->database && rp->nlogs > 0) {
		fprintf(stderr, "msgsec report: --database or --alerts, not "
		    "both\n");
		return -1;
	}
	return 0;
}

int
cmd_report(int argc, char **argv)
{
	struct report rp;
	struct policy *p = NULL;
	struct diags d;
	char **paths = NULL, *error = NULL;
	size_t npaths = 0;
	int rc;

	memset(&rp, 0, sizeof(rp));
	rp.common.config = MSGSEC_DEFAULT_CONFIG;
	rp.today = date_day_of(time(NULL));
	rp.top = 10;
	rp.title = "Messaging security report";
	rc = parse_args(&rp, argc, argv);
	if (rc == 0 && alert_filter_finish(&rp.filter, &error) < 0) {
		fprintf(stderr, "msgsec report: %s\n", error);
		free(error);
		rc = -1;
	}
	if (rc != 0) {
		if (rc < 0)
			fprintf(stderr, "usage: msgsec report --html FILE "
			    "[options]  (msgsec report --help)\n");
		goto out;
	}
	diags_init(&d);
	p = policy_load(rp.common.config, rp.common.sets, rp.common.nsets, &d);
	if (p == NULL) {
		diags_print(&d, stderr);
		fprintf(stderr, "msgsec report: %s: %zu error%s; fix them "
		    "(msgsec check) first\n", rp.common.config, d.errors,
		    d.errors == 1 ? "" : "s");
		diags_free(&d);
		rc = 1;
		goto out;
	}
	diags_free(&d);
	if (rp.nlogs > 0) {
		paths = mem_reallocarray(NULL, rp.nlogs, sizeof(*paths));
		for (size_t i = 0; i < rp.nlogs; i++)
			paths[i] = mem_strdup(rp.logs[i]);
		npaths = rp.nlogs;
	} else {
		logfiles_rotated(p->config.alert_file, &paths, &npaths);
	}
	alertsum_init(&rp.sum);
	rp.filter.keep_messages = true;	/* the mail volume */
	if (rp.nlogs == 0 && p->config.alert_output == ALERT_OUT_DATABASE)
		rp.database = true;
	if (rp.database)
		read_database(&rp, &p->config);
	else
		read_logs(&rp, paths, npaths);
	buf_init(&rp.b, REPORT_MAX);
	page(&rp, p);
	/* Content is bounded well below REPORT_MAX (top lists, days,
	 * counters); a page near it means a refused append somewhere. */
	if (rp.b.len > REPORT_MAX - (1u << 20)) {
		fprintf(stderr, "msgsec report: the page outgrew %u MB\n",
		    REPORT_MAX >> 20);
		rc = 1;
	} else {
		rc = write_out(rp.html, &rp.b) < 0 ? 1 : 0;
	}
	if (rp.malformed > 0)
		fprintf(stderr, "msgsec report: %llu malformed log line%s "
		    "skipped\n", (unsigned long long)rp.malformed,
		    rp.malformed == 1 ? "" : "s");
	if (rc == 0 && rp.errors > 0)
		rc = 1;
	buf_free(&rp.b);
	alertsum_free(&rp.sum);
	report_releases_free(&rp);
	for (size_t i = 0; i < npaths; i++)
		free(paths[i]);
	free(paths);
out:
	policy_unref(&p);
	alert_filter_free(&rp.filter);
	cli_common_free(&rp.common);
	free(rp.logs);
	return rc < 0 ? 2 : rc;
}
