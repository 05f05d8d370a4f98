/*
 * inspect_output.c - what a verdict looks like to the outside: the --test
 * JSON, the alert lines, the tag headers, and the rewritten body of a strip.
 *
 * Trusts: the verdict and facts built by the pipeline (inspect.c lists its
 * files); every string from the message goes out through the JSON writer
 * (escaped) or is reduced to safe ASCII (file names in the strip notice).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "inspect_priv.h"
#include "journal.h"
#include "json.h"
#include "mem.h"

/* ------------------------------------------------------------ strip */

static int
cmp_att_off(const void *a, const void *b)
{
	const struct attachment *x = *(const struct attachment *const *)a;
	const struct attachment *y = *(const struct attachment *const *)b;

	return (x->off_header > y->off_header) - (x->off_header <
	    y->off_header);
}

/* A file name safe inside a quoted-string and a one-line notice. */
static void
safe_name(const char *name, char *out, size_t len)
{
	size_t o = 0;

	for (const char *p = name != NULL ? name : "attachment"; *p != '\0' &&
	    o + 1 < len; p++)
		out[o++] = (unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7f
		    || *p == '"' || *p == '\\' ? '_' : *p;
	out[o] = '\0';
}

static int
copy_range(FILE *f, uint64_t from, uint64_t to,
    int (*emit)(void *, const char *, size_t), void *ctx)
{
	char chunk[65536];

	if (fseeko(f, (off_t)from, SEEK_SET) != 0)
		return -1;
	while (from < to) {
		size_t want = to - from < sizeof(chunk) ? (size_t)(to - from) :
		    sizeof(chunk);
		size_t n = fread(chunk, 1, want, f);

		if (n == 0)
			return to == UINT64_MAX ? 0 : -1;
		if (emit(ctx, chunk, n) < 0)
			return -1;
		from += n;
	}
	return 0;
}

int
inspect_strip(const struct inspect *in,
    int (*emit)(void *ctx, const char *p, size_t len), void *ctx)
{
	const struct verdict *v = &in->verdict;
	const struct attachment **cut;
	char *path;
	FILE *f;
	uint64_t pos = in->body_off;
	size_t n = 0;
	int rc = 0;

	if (v->action != ACTION_STRIP || v->quarantine_id[0] == '\0')
		return -1;
	path = mem_printf("%s/%s/message.eml", in->p->config.quarantine_dir,
	    v->quarantine_id);
	f = fopen(path, "rb");
	free(path);
	if (f == NULL)
		return -1;
	cut = mem_calloc(in->nhits + 1, sizeof(*cut));
	for (size_t i = 0; i < in->nhits; i++) {
		const struct attachment *a;
		bool dup = false;

		if (in->hits[i].action != ACTION_STRIP)
			continue;
		a = inspect_att_of(in, in->hits[i].part);
		for (size_t k = 0; k < n; k++)
			dup |= cut[k] == a;
		if (a != NULL && !dup)
			cut[n++] = a;
	}
	qsort(cut, n, sizeof(*cut), cmp_att_off);
	for (size_t k = 0; k < n && rc == 0; k++) {
		const struct attachment *a = cut[k];
		char name[128], *notice;
		const struct hit *h = NULL;

		if (a->off_header < pos)
			continue;	/* inside a part already cut */
		for (size_t i = 0; i < in->nhits && h == NULL; i++)
			if (in->hits[i].part == a->part &&
			    in->hits[i].action == ACTION_STRIP)
				h = &in->hits[i];
		safe_name(a->raw[0] != NULL ? a->raw[0] : a->raw[1], name,
		    sizeof(name));
		notice = mem_printf("Content-Type: text/plain; charset=us-ascii"
		    "\r\nContent-Disposition: attachment; filename=\"%s."
		    "removed.txt\"\r\n\r\nmsgsec removed the attachment \"%s\" "
		    "under policy %s (rule %s).\r\nThe original message is "
		    "kept as a public record, quarantine id %s.", name, name,
		    h->rule->policy, h->rule->id, v->quarantine_id);
		if (copy_range(f, pos, a->off_header, emit, ctx) < 0 ||
		    emit(ctx, notice, strlen(notice)) < 0)
			rc = -1;
		free(notice);
		pos = a->off_end;
	}
	if (rc == 0 && copy_range(f, pos, UINT64_MAX, emit, ctx) < 0)
		rc = -1;
	free(cut);
	fclose(f);
	return rc;
}

/* ------------------------------------------------------------ output */

/* What a hit means for each recipient, where that differs among them. */
static void
hit_recipients(const struct inspect *in, const struct hit *h,
    struct json_writer *w)
{
	if (!inspect_hit_differs(in, h))
		return;
	json_key(w, "recipients");
	json_array_begin(w);
	for (size_t k = 0; k < in->env.nrcpts; k++) {
		json_object_begin(w);
		json_key(w, "rcpt");
		json_string(w, in->env.rcpts[k]);
		json_key(w, "action");
		json_string(w, action_name(h->per_rcpt[k]));
		if (h->per_exc[k] != NULL) {
			json_key(w, "exception");
			json_string(w, h->per_exc[k]);
		}
		json_object_end(w);
	}
	json_array_end(w);
}

/* Each recipient's verdict, where they differ or some were removed. */
static void
verdict_recipients(const struct verdict *v, struct json_writer *w)
{
	if (!v->differs && v->nremoved == 0)
		return;
	json_key(w, "recipients");
	json_array_begin(w);
	for (size_t k = 0; k < v->nrcpts; k++) {
		const struct rcpt_verdict *rv = &v->rcpts[k];

		json_object_begin(w);
		json_key(w, "rcpt");
		json_string(w, rv->rcpt);
		json_key(w, "agency");
		json_string(w, rv->agency);
		json_key(w, "action");
		json_string(w, action_name(rv->action));
		json_key(w, "rule");
		json_string(w, rv->decider != NULL ? rv->decider->rule->id :
		    NULL);
		if (rv->exception != NULL) {
			json_key(w, "exception");
			json_string(w, rv->exception);
		}
		if (rv->removed) {
			json_key(w, "removed");
			json_bool(w, true);
		}
		json_object_end(w);
	}
	json_array_end(w);
}

/* The archives a delivered message is journaled to, when there are any. */
static void
verdict_journal(const struct inspect *in, struct json_writer *w)
{
	const char **v;
	size_t n;

	if (!journal_is_delivered(in->verdict.action) ||
	    (n = inspect_journal(in, &v)) == 0)
		return;
	json_key(w, "journal");
	json_array_begin(w);
	for (size_t i = 0; i < n; i++)
		json_string(w, v[i]);
	json_array_end(w);
	free(v);
}

void
inspect_json(const struct inspect *in, struct buf *out)
{
	const struct verdict *v = &in->verdict;
	struct json_writer w;
	const char *exc = NULL;

	for (size_t i = 0; i < in->nhits && exc == NULL; i++)
		exc = in->hits[i].exception;
	json_init(&w, out);
	json_object_begin(&w);
	json_key(&w, "action");
	json_string(&w, action_name(v->action));
	json_key(&w, "reply");
	if (v->action == ACTION_REJECT || v->action == ACTION_TEMPFAIL) {
		char *r = mem_printf("%s %s %s", v->rcode, v->xcode, v->text);

		json_string(&w, r);
		free(r);
	} else {
		json_null(&w);
	}
	json_key(&w, "direction");
	json_string(&w, direction_name(v->direction));
	json_key(&w, "agency");
	json_string(&w, v->agency);
	json_key(&w, "exception");
	json_string(&w, exc);
	if (in->internal_why != NULL) {
		json_key(&w, "error");
		json_string(&w, in->internal_why);
	}
	if (v->quarantine_id[0] != '\0') {
		json_key(&w, "quarantine_id");
		json_string(&w, v->quarantine_id);
	}
	verdict_journal(in, &w);
	verdict_recipients(v, &w);
	json_key(&w, "hits");
	json_array_begin(&w);
	for (size_t i = 0; i < in->nhits; i++) {
		const struct hit *h = &in->hits[i];

		json_object_begin(&w);
		json_key(&w, "rule");
		json_string(&w, h->rule->id);
		json_key(&w, "policy");
		json_string(&w, h->rule->policy);
		json_key(&w, "action");
		json_string(&w, action_name(h->action));
		if (h->action != h->intended) {
			json_key(&w, "intended");
			json_string(&w, action_name(h->intended));
		}
		if (h->exception != NULL) {
			json_key(&w, "exception");
			json_string(&w, h->exception);
		}
		json_key(&w, "part");
		if (h->part == SIZE_MAX)
			json_null(&w);
		else
			json_u64(&w, h->part);
		json_key(&w, "filename");
		json_string(&w, h->filename);
		json_key(&w, "detail");
		json_string(&w, h->detail);
		if (h->reading != NULL) {
			json_key(&w, "reading");
			json_string(&w, h->reading);
		}
		hit_recipients(in, h, &w);
		json_object_end(&w);
	}
	json_array_end(&w);
	json_object_end(&w);
}

/*
 * One line per message judged, hits or not (event_type "message"): the
 * mail volume the report puts beside the hits.  One short write per
 * message, like a hit's; `msgsec alerts` leaves these lines out unless
 * asked (--event-type message).
 */
static int
message_record(const struct inspect *in, struct alert_log *log)
{
	struct timespec ts = { in->now, 0 };
	struct alert a;

	if (in->real_clock)
		clock_gettime(CLOCK_REALTIME, &ts);	/* as the hits' */
	alert_begin(&a, &ts, "message");
	if (in->env.has_client)
		alert_add_ip(&a, "src_ip", &in->env.client);
	alert_add_str(&a, "queue_id", in->env.queue_id);
	alert_add_str(&a, "direction", direction_name(in->direction));
	alert_add_str(&a, "agency", in->agency != NULL ? in->agency->id :
	    NULL);
	alert_add_str(&a, "verdict", action_name(in->verdict.action));
	alert_add_u64(&a, "hits", in->nhits);
	alert_add_u64(&a, "size", in->size);
	alert_add_u64(&a, "rcpts", in->env.nrcpts);
	if (in->verdict.quarantine_id[0] != '\0')
		alert_add_str(&a, "quarantine_id", in->verdict.quarantine_id);
	alert_add_str(&a, "policy_hash", in->p->hash_short);
	return alert_log_write(log, &a);
}

size_t
inspect_alerts(const struct inspect *in, struct alert_log *log)
{
	size_t failed = 0;
	struct timespec ts = { in->now, 0 };

	if (in->real_clock)
		clock_gettime(CLOCK_REALTIME, &ts);
	for (size_t i = 0; i < in->nhits; i++) {
		const struct hit *h = &in->hits[i];
		struct alert a;

		alert_begin(&a, &ts, "mail");
		if (in->env.has_client)
			alert_add_ip(&a, "src_ip", &in->env.client);
		alert_add_str(&a, "queue_id", in->env.queue_id);
		alert_add_str(&a, "rule", h->rule->id);
		alert_add_str(&a, "policy", h->rule->policy);
		alert_add_str(&a, "action", action_name(h->action));
		if (h->action != h->intended)
			alert_add_str(&a, "intended", action_name(h->intended));
		alert_add_str(&a, "verdict", action_name(in->verdict.action));
		alert_add_str(&a, "agency", in->agency != NULL ?
		    in->agency->id : NULL);
		alert_add_str(&a, "direction", direction_name(in->direction));
		alert_add_str(&a, "exception", h->exception);
		alert_add_str(&a, "mail_from", in->env.mail_from);
		if (in->env.nrcpts > 0) {
			struct json_writer *w = alert_json(&a);

			json_key(w, "rcpt_to");
			json_array_begin(w);
			for (size_t k = 0; k < in->env.nrcpts; k++)
				json_string(w, in->env.rcpts[k]);
			json_array_end(w);
		}
		if (h->filename != NULL)
			alert_add_str(&a, "filename", h->filename);
		if (h->detail != NULL)
			alert_add_str(&a, "detail", h->detail);
		if (h->reading != NULL)
			alert_add_str(&a, "reading", h->reading);
		if (in->verdict.quarantine_id[0] != '\0')
			alert_add_str(&a, "quarantine_id",
			    in->verdict.quarantine_id);
		hit_recipients(in, h, alert_json(&a));
		if (in->verdict.nremoved > 0) {
			struct json_writer *w = alert_json(&a);

			json_key(w, "removed_rcpt");
			json_array_begin(w);
			for (size_t k = 0; k < in->verdict.nrcpts; k++)
				if (in->verdict.rcpts[k].removed)
					json_string(w,
					    in->verdict.rcpts[k].rcpt);
			json_array_end(w);
		}
		alert_add_str(&a, "policy_hash", in->p->hash_short);
		if (alert_log_write(log, &a) < 0)
			failed++;
	}
	if (in->p->config.alert_messages && message_record(in, log) < 0)
		failed++;
	return failed;
}

size_t
inspect_tags(const struct inspect *in, const char **names,
    const char **values, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < in->nhits && n < max; i++) {
		const struct hit *h = &in->hits[i];

		if (h->action != ACTION_TAG)
			continue;
		names[n] = h->rule->tag.header;
		values[n] = h->rule->tag.value != NULL ? h->rule->tag.value :
		    h->rule->id;
		n++;
	}
	return n;
}

const char *
inspect_subject_prefix(const struct inspect *in)
{
	for (size_t i = 0; i < in->nhits; i++)
		if (in->hits[i].action == ACTION_TAG &&
		    in->hits[i].rule->tag.subject_prefix != NULL)
			return in->hits[i].rule->tag.subject_prefix;
	return NULL;
}

const char *
inspect_subject(const struct inspect *in)
{
	return in->subject;
}

/* The archive (or part) a member lies in: the attachment before it. */
static const char *
member_owner(const struct inspect *in, const struct attachment *m)
{
	size_t k = (size_t)(m - in->atts);

	while (k-- > 0) {
		const struct attachment *a = &in->atts[k];

		if (!a->member && a->part == m->part && a->reading == m->reading)
			return a->raw[0] != NULL ? a->raw[0] : a->raw[1];
	}
	return NULL;
}

char *
inspect_att_name(const struct inspect *in, const struct attachment *a)
{
	const char *name = a->raw[0] != NULL ? a->raw[0] : a->raw[1];
	const char *owner = a->member ? member_owner(in, a) : NULL;

	if (name == NULL)
		return NULL;
	return owner != NULL ? mem_printf("%s/%s", owner, name) :
	    mem_strdup(name);
}

/*
 * What the office reviews a held message by (msgsec quarantine list and
 * show): the subject, the reply given, the rule that decided, every hit
 * and every file name (a member as ARCHIVE/PATH).
 */
static void
meta_review(const struct inspect *in, struct json_writer *w)
{
	const struct verdict *v = &in->verdict;

	json_key(w, "subject");
	json_string(w, in->subject);
	json_key(w, "decided_by");
	json_string(w, v->decider != NULL ? v->decider->rule->id : NULL);
	json_key(w, "reply");
	if (v->action == ACTION_REJECT || v->action == ACTION_TEMPFAIL) {
		char *r = mem_printf("%s %s %s", v->rcode, v->xcode, v->text);

		json_string(w, r);
		free(r);
	} else {
		json_null(w);
	}
	json_key(w, "hits");
	json_array_begin(w);
	for (size_t i = 0; i < in->nhits; i++) {
		const struct hit *h = &in->hits[i];

		json_object_begin(w);
		json_key(w, "rule");
		json_string(w, h->rule->id);
		json_key(w, "action");
		json_string(w, action_name(h->action));
		if (h->part != SIZE_MAX) {
			json_key(w, "part");
			json_u64(w, h->part);
		}
		if (h->filename != NULL) {
			json_key(w, "filename");
			json_string(w, h->filename);
		}
		if (h->detail != NULL) {
			json_key(w, "detail");
			json_string(w, h->detail);
		}
		json_object_end(w);
	}
	json_array_end(w);
	json_key(w, "files");
	json_array_begin(w);
	for (size_t k = 0; k < in->natts; k++) {
		const struct attachment *a = &in->atts[k];
		char *name = inspect_att_name(in, a);

		if (name == NULL)
			continue;
		json_object_begin(w);
		json_key(w, "part");
		json_u64(w, a->part);
		json_key(w, "name");
		json_string(w, name);
		free(name);
		if (a->true_type[0] != '\0') {
			json_key(w, "type");
			json_string(w, a->true_type);
		}
		if (a->reading != NULL) {
			json_key(w, "reading");
			json_string(w, a->reading);
		}
		json_object_end(w);
	}
	json_array_end(w);
}

/* The store entry's meta.json: the envelope, the verdict, the history. */
char *
inspect_meta_json(const struct inspect *in)
{
	struct buf b;
	struct json_writer w;
	char ip[64];

	buf_init(&b, 1 << 20);
	json_init(&w, &b);
	json_object_begin(&w);
	json_key(&w, "queue_id");
	json_string(&w, in->env.queue_id);
	json_key(&w, "received");
	json_i64(&w, (int64_t)in->now);
	json_key(&w, "mail_from");
	json_string(&w, in->env.mail_from);
	json_key(&w, "rcpt_to");
	json_array_begin(&w);
	for (size_t i = 0; i < in->env.nrcpts; i++)
		json_string(&w, in->env.rcpts[i]);
	json_array_end(&w);
	json_key(&w, "client_ip");
	if (in->env.has_client) {
		ipaddr_format(&in->env.client, ip, sizeof(ip));
		json_string(&w, ip);
	} else {
		json_null(&w);
	}
	json_key(&w, "direction");
	json_string(&w, direction_name(in->direction));
	json_key(&w, "agency");
	json_string(&w, in->agency != NULL ? in->agency->id : NULL);
	json_key(&w, "action");
	json_string(&w, action_name(in->verdict.action));
	json_key(&w, "rules");
	json_array_begin(&w);
	for (size_t i = 0; i < in->nhits; i++)
		json_string(&w, in->hits[i].rule->id);
	json_array_end(&w);
	json_key(&w, "size");
	json_u64(&w, in->size);
	meta_review(in, &w);
	/* Split: the copy is kept for these recipients only (they were
	 * taken off the envelope; the others got the message). */
	if (in->verdict.nremoved > 0) {
		json_key(&w, "held_for");
		json_array_begin(&w);
		for (size_t k = 0; k < in->verdict.nrcpts; k++)
			if (in->verdict.rcpts[k].removed)
				json_string(&w, in->verdict.rcpts[k].rcpt);
		json_array_end(&w);
	}
	verdict_recipients(&in->verdict, &w);
	json_key(&w, "history");
	json_array_begin(&w);
	json_object_begin(&w);
	json_key(&w, "on");
	json_i64(&w, (int64_t)in->now);
	json_key(&w, "by");
	json_string(&w, "msgsec-milter");
	json_key(&w, "action");
	json_string(&w, "stored");
	json_object_end(&w);
	json_array_end(&w);
	json_object_end(&w);
	return b.data;
}

const char *
inspect_error(const struct inspect *in)
{
	return in->internal_why;
}
