/*
 * reportops.c - the report's operational sections (issue 12): the mail
 * volume beside the hits, inbound and outbound apart; scanner-health
 * incidents apart from policy hits; releases; exceptions waiting for
 * review; and the ids to find each held message with `msgsec quarantine
 * show`.
 *
 * Untrusted: the alert log (already scanned by alertscan, values
 * unescaped here) and the quarantine's meta.json files (qentry.c); every
 * string goes through html_escape.  Bounded: --top rows per table.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "date.h"
#include "exception.h"
#include "mem.h"
#include "qentry.h"
#include "qstore.h"
#include "report.h"
#include "svg.h"

static char *
str_dup_of(const struct ascan_value *v)
{
	char buf[1024];

	return ascan_string(v, buf, sizeof(buf)) > 0 ? mem_strdup(buf) : NULL;
}

static void
release_clear(struct report_release *x)
{
	free(x->id);
	free(x->by);
	free(x->approved_by);
	free(x->to);
	memset(x, 0, sizeof(*x));
}

void
report_add_release(struct report *rp, const struct ascan_rec *r, time_t t)
{
	struct report_release *x;
	struct ascan_value item;
	struct tm tm;
	size_t pos = 0;

	if (rp->top == 0)
		return;
	if (rp->releases == NULL)
		rp->releases = mem_calloc(rp->top, sizeof(*rp->releases));
	x = &rp->releases[rp->release_next];
	release_clear(x);
	rp->release_next = (rp->release_next + 1) % rp->top;
	if (rp->nreleases < rp->top)
		rp->nreleases++;
	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(x->when, sizeof(x->when), "%Y-%m-%d %H:%M", &tm) == 0)
		str_lcpy(x->when, "?", sizeof(x->when));
	x->id = str_dup_of(&r->f[AF_QUARANTINE_ID]);
	x->by = str_dup_of(&r->f[AF_BY]);
	x->approved_by = str_dup_of(&r->f[AF_APPROVED_BY]);
	if (ascan_array_next(&r->f[AF_RCPT_TO], &pos, &item) == 1) {
		x->to = str_dup_of(&item);
		x->nto = 1;
		while (ascan_array_next(&r->f[AF_RCPT_TO], &pos, &item) == 1)
			x->nto++;
	}
}

void
report_releases_free(struct report *rp)
{
	for (size_t i = 0; i < rp->nreleases; i++)
		release_clear(&rp->releases[i]);
	free(rp->releases);
	rp->releases = NULL;
	rp->nreleases = 0;
}

static uint64_t
count_of(const struct counter *c, const char *key, uint64_t *bytes_r)
{
	size_t n;
	struct counter_entry *v = counter_sorted(c, true, &n);
	uint64_t r = 0;

	if (bytes_r != NULL)
		*bytes_r = 0;
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i].key, key) == 0) {
			r = v[i].count;
			if (bytes_r != NULL)
				*bytes_r = v[i].bytes;
		}
	free(v);
	return r;
}

void
report_mail(struct report *rp)
{
	static const char *const dirs[] = { "inbound", "outbound" };
	const struct alertsum *s = &rp->sum;
	struct buf *b = &rp->b;
	char num[32], bytes[32], hits[32];
	bool exact;
	uint64_t m = alertsum_messages(s, &exact);

	buf_append_cstr(b, "<section class=\"panel\" id=\"mail\"><h2>Mail "
	    "<span class=\"muted\">every message the milter judged, beside "
	    "its hits</span></h2>\n");
	if (s->seen == 0)
		buf_append_cstr(b, "<p class=\"empty\">The log has no message "
		    "lines (alerts.message_records), so the mail volume is not "
		    "known; the hits are.</p>\n");
	buf_append_cstr(b, "<table><thead><tr><th>Direction</th><th class=\"n\">"
	    "Messages</th><th class=\"n\">Bytes</th><th class=\"n\">With hits"
	    "</th><th class=\"n\">Hits</th></tr></thead><tbody>\n");
	for (size_t i = 0; i < 2; i++) {
		uint64_t sb, sc = count_of(s->t[SUM_SEEN_DIRECTION], dirs[i],
		    &sb);

		report_num(sc, num, sizeof(num));
		svg_bytes(sb, bytes, sizeof(bytes));
		report_num(count_of(s->t[SUM_HIT_DIRECTION], dirs[i], NULL),
		    hits, sizeof(hits));
		buf_printf(b, "<tr><td>%s</td><td class=\"n\">%s</td><td "
		    "class=\"n\">%s</td>", dirs[i], s->seen > 0 ? num : "-",
		    s->seen > 0 ? bytes : "-");
		report_num(count_of(s->t[SUM_SEEN_HIT_DIRECTION], dirs[i],
		    NULL), num, sizeof(num));
		buf_printf(b, "<td class=\"n\">%s</td><td class=\"n\">%s"
		    "</td></tr>\n", s->seen > 0 ? num : "-", hits);
	}
	report_num(s->seen, num, sizeof(num));
	svg_bytes(s->seen_bytes, bytes, sizeof(bytes));
	report_num(s->mail_hits, hits, sizeof(hits));
	buf_printf(b, "<tr><td><b>all</b></td><td class=\"n\"><b>%s</b></td>"
	    "<td class=\"n\"><b>%s</b></td>", s->seen > 0 ? num : "-",
	    s->seen > 0 ? bytes : "-");
	report_num(s->seen > 0 ? s->seen_hit : m, num, sizeof(num));
	buf_printf(b, "<td class=\"n\"><b>%s%s</b></td><td class=\"n\"><b>%s"
	    "</b></td></tr>\n</tbody></table>\n", exact ? "" : "&ge;", num,
	    hits);
	buf_append_cstr(b, "</section>\n");
}

void
report_health(struct report *rp)
{
	struct buf *b = &rp->b;
	size_t n;
	struct counter_entry *v = counter_sorted(rp->sum.t[SUM_HEALTH], false,
	    &n);
	char num[32];

	buf_append_cstr(b, "<section class=\"panel\" id=\"health\"><h2>Scanner "
	    "health <span class=\"muted\">incidents, not policy hits"
	    "</span></h2>\n");
	if (n == 0) {
		buf_append_cstr(b, "<p class=\"empty\">No scanner incident "
		    "(<code>virus.unscannable</code>) in this period.</p>\n");
	} else {
		buf_append_cstr(b, "<p><span class=\"badge\">attention</span> "
		    "messages the virus scanner could not judge (they were "
		    "answered with the rule's action, default tempfail):</p>"
		    "<table><thead><tr><th>Rule</th><th class=\"n\">Alerts</th>"
		    "</tr></thead><tbody>\n");
		for (size_t i = 0; i < n; i++) {
			report_num(v[i].count, num, sizeof(num));
			buf_append_cstr(b, "<tr><td><code>");
			html_escape(b, v[i].key, 60);
			buf_printf(b, "</code></td><td class=\"n\">%s</td></tr>\n",
			    num);
		}
		buf_append_cstr(b, "</tbody></table>\n");
	}
	buf_append_cstr(b, "<p class=\"muted\">A virus database older than "
	    "<code>clamav.max_age_days</code> is listed here as "
	    "<code>scanner.database-old</code> (the milter checks it at start "
	    "and every <code>clamav.check_seconds</code>, one alert a day); "
	    "<code>msgsec check --runtime</code> on the milter's host shows "
	    "its signatures and age.</p></section>\n");
	free(v);
}

void
report_releases(struct report *rp)
{
	struct buf *b = &rp->b;
	char num[32];

	report_num(rp->sum.releases, num, sizeof(num));
	buf_printf(b, "<section class=\"panel\" id=\"releases\"><h2>Releases "
	    "<span class=\"muted\">%s from the quarantine (clause 5)</span>"
	    "</h2>\n", num);
	if (rp->nreleases == 0) {
		buf_append_cstr(b, "<p class=\"empty\">No release in this "
		    "period.</p></section>\n");
		return;
	}
	if (rp->sum.releases > rp->nreleases)
		buf_printf(b, "<p class=\"muted\">The latest %zu.</p>\n",
		    rp->nreleases);
	buf_append_cstr(b, "<table><thead><tr><th>When (UTC)</th><th>Entry "
	    "(<code>msgsec quarantine show ID</code>)</th><th>By</th><th>"
	    "Approved by</th><th>To</th></tr></thead><tbody>\n");
	for (size_t k = 0; k < rp->nreleases; k++) {
		/* Oldest first: the ring starts at release_next when full. */
		size_t i = rp->nreleases < rp->top ? k :
		    (rp->release_next + k) % rp->top;
		const struct report_release *x = &rp->releases[i];

		buf_printf(b, "<tr><td>%s</td><td><code>", x->when);
		html_escape(b, x->id != NULL ? x->id : "-", 96);
		buf_append_cstr(b, "</code></td><td>");
		html_escape(b, x->by != NULL ? x->by : "-", 80);
		buf_append_cstr(b, "</td><td>");
		html_escape(b, x->approved_by != NULL ? x->approved_by :
		    "- (original recipients)", 80);
		buf_append_cstr(b, "</td><td>");
		html_escape(b, x->to != NULL ? x->to : "-", 80);
		if (x->nto > 1)
			buf_printf(b, " +%zu", x->nto - 1);
		buf_append_cstr(b, "</td></tr>\n");
	}
	buf_append_cstr(b, "</tbody></table></section>\n");
}

void
report_pending(struct report *rp, const struct policy *p)
{
	struct buf *b = &rp->b;
	size_t rows = 0;

	buf_append_cstr(b, "<section class=\"panel\" id=\"pending\"><h2>"
	    "Exceptions pending review <span class=\"muted\">requested, not "
	    "yet approved by every body (clause 4)</span></h2>\n");
	for (size_t i = 0; i < p->nexceptions; i++) {
		const struct exception *e = p->exceptions[i];
		char from[16], until[16];

		if (e->status != EXC_REQUESTED)
			continue;
		if (rows++ == 0)
			buf_append_cstr(b, "<table><thead><tr><th>Exception"
			    "</th><th>Agency</th><th>Scope</th><th>Window</th>"
			    "<th>Reviews</th></tr></thead><tbody>\n");
		report_exception_lead(b, e, from, until);
		buf_printf(b, "</td><td>%s to %s</td><td>", from, until);
		for (size_t k = 0; k < p->exc_settings.napprovers; k++) {
			const char *body = p->exc_settings.approvers[k];
			const char *mark = "waiting";

			for (size_t j = 0; j < e->nreviews; j++)
				if (strcmp(e->reviews[j].body, body) == 0)
					mark = e->reviews[j].approved ?
					    "approved" : "denied";
			buf_append_cstr(b, k > 0 ? "; " : "");
			html_escape(b, body, 40);
			buf_printf(b, " %s", mark);
		}
		buf_append_cstr(b, "</td></tr>\n");
	}
	if (rows == 0)
		buf_append_cstr(b, "<p class=\"empty\">No request is waiting."
		    "</p>\n");
	else
		buf_append_cstr(b, "</tbody></table>\n");
	buf_append_cstr(b, "</section>\n");
}

/* Every entry under legal hold, with its case (clause 5). */
static void
report_holds(struct report *rp, struct qstore *s, char **ids, size_t n)
{
	struct buf *b = &rp->b;
	size_t held = 0;
	char *err = NULL;

	for (size_t k = 0; k < n; k++) {
		struct qentry e;
		const char *c;

		if (qstore_load(s, ids[k], &e, &err) < 0) {
			free(err);
			err = NULL;
			continue;
		}
		if ((c = qentry_hold(&e, NULL)) != NULL) {
			if (held++ == 0)
				buf_append_cstr(b, "<h2 style=\"margin-top:18px\">"
				    "Legal holds <span class=\"muted\">never "
				    "purged or deleted until <code>msgsec "
				    "quarantine release-hold</code></span></h2>\n"
				    "<table id=\"holds\"><thead><tr><th>ID</th>"
				    "<th>Case</th><th>Subject</th></tr></thead>"
				    "<tbody>\n");
			buf_append_cstr(b, "<tr><td><code>");
			html_escape(b, e.id, 96);
			buf_append_cstr(b, "</code></td><td>");
			html_escape(b, c, 80);
			buf_append_cstr(b, "</td><td>");
			html_escape(b, e.subject != NULL ? e.subject : "-", 80);
			buf_append_cstr(b, "</td></tr>\n");
		}
		qentry_free(&e);
	}
	if (held > 0)
		buf_append_cstr(b, "</tbody></table>\n");
}

void
report_quarantine_ids(struct report *rp, struct qstore *s, char **ids,
    size_t n)
{
	struct buf *b = &rp->b;
	char *err = NULL;
	size_t shown = 0;

	report_holds(rp, s, ids, n);
	if (n > 0)
		buf_printf(b, "<h2 style=\"margin-top:18px\">Latest entries "
		    "<span class=\"muted\">newest first, at most %zu; find "
		    "one with <code>msgsec quarantine show ID</code></span>"
		    "</h2>\n<table><thead><tr><th>ID</th><th>Received (UTC)"
		    "</th><th>Rule</th><th>Action</th><th>Subject</th></tr>"
		    "</thead><tbody>\n", rp->top);
	/* Ids start with the time: the last ones are the newest. */
	for (size_t k = n; k > 0 && shown < rp->top; k--) {
		struct qentry e;
		char when[32];
		time_t t;
		struct tm tm;

		if (qstore_load(s, ids[k - 1], &e, &err) < 0) {
			free(err);
			err = NULL;
			continue;
		}
		shown++;
		t = (time_t)e.received;
		if (gmtime_r(&t, &tm) == NULL || strftime(when, sizeof(when),
		    "%Y-%m-%d %H:%M", &tm) == 0)
			str_lcpy(when, "?", sizeof(when));
		buf_append_cstr(b, "<tr><td><code>");
		html_escape(b, e.id, 96);
		buf_printf(b, "</code></td><td>%s</td><td><code>", when);
		html_escape(b, e.decided_by != NULL ? e.decided_by :
		    e.nrules > 0 ? e.rules[0] : "-", 60);
		buf_append_cstr(b, "</code></td><td>");
		html_escape(b, e.action != NULL ? e.action : "-", 20);
		buf_append_cstr(b, "</td><td>");
		html_escape(b, e.subject != NULL ? e.subject : "-", 80);
		buf_append_cstr(b, "</td></tr>\n");
		qentry_free(&e);
	}
	if (n > 0)
		buf_append_cstr(b, "</tbody></table>\n");
}
