/*
 * cmd_quarantine.c - `msgsec quarantine`: list, show, release, delete and
 * purge the messages msgsec held back (clause 5: they are public records).
 *
 * Nothing is removed or sent without a record: every release, delete and
 * purge appends one line to the store's audit log (DIR/audit.jsonl,
 * fsync'd) before the entry goes, and, while the entry exists, the same
 * event to its meta.json history (qentry.c).  Changes run under the
 * store's lock (DIR/.lock), so two operators cannot release or delete
 * one entry twice at the same moment.
 *
 * release re-injects message.eml through the MTA's sendmail(1)
 * (quarantine.sendmail) as "sendmail -i -f SENDER -- RCPT...", with one
 * header added in front, X-Msgsec-Release, carrying a one-time pass
 * (release.c) that the milter consumes and removes.  The process runs
 * without a shell; addresses that begin with '-' or hold control
 * characters are refused.
 *
 * Only the configuration is loaded (not the whole policy), so a broken
 * rule or exception file never stops the office from releasing mail.
 * Exit codes: 0 done, 1 refused or failed (message printed), 2 usage.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "cli.h"
#include "qcli.h"
#include "config.h"
#include "date.h"
#include "json.h"
#include "mem.h"
#include "qentry.h"
#include "str.h"

#define Q_MAX_HEADERS (256u * 1024)	/* bytes of headers --headers shows */
#define Q_SUBJECT_WIDTH 60	/* bytes of the subject `list` shows */

static void
q_usage(FILE *out)
{
	fprintf(out,
	    "usage: msgsec quarantine list [--since DATE] [--rule GLOB] "
	    "[--agency ID]\n"
	    "       msgsec quarantine show ID [--headers]\n"
	    "       msgsec quarantine extract ID (--part N | --raw) -o|--output FILE "
	    "[--force]\n"
	    "       msgsec quarantine release ID --by NAME --reason TEXT\n"
	    "           [--to ADDR... --approved-by NAME] [--force] "
	    "[--remove-held]\n"
	    "       msgsec quarantine delete ID --by NAME --reason TEXT\n"
	    "       msgsec quarantine purge --older-than DAYS|--retention "
	    "--by NAME\n"
	    "           [--reason TEXT] [--dry-run]\n"
	    "       msgsec quarantine hold ID... --case REF --by NAME "
	    "[--reason TEXT]\n"
	    "       msgsec quarantine release-hold ID... --case REF --by NAME "
	    "--reason TEXT\n"
	    "       msgsec quarantine import --by NAME [--reason TEXT] "
	    "[--from DIR] [--keep]\n"
	    "           [--dry-run]\n"
	    "common: -c FILE, --set KEY=VALUE, --now YYYY-MM-DDTHH:MM:SSZ\n");
}

/* Parse options; returns 0 or 2 (usage). */
static int
q_args(struct qcli *q, int argc, char **argv, int want_id)
{
	struct {
		const char *name;
		char **val;
		bool *flag;
		bool list;
	} opts[] = {
		{ "--since", &q->since, NULL, false },
		{ "--rule", &q->rule, NULL, false },
		{ "--agency", &q->agency, NULL, false },
		{ "--by", &q->by, NULL, false },
		{ "--reason", &q->reason, NULL, false },
		{ "--older-than", &q->older, NULL, false },
		{ "--to", &q->to, NULL, true },
		{ "--approved-by", &q->approved_by, NULL, false },
		{ "--case", &q->case_ref, NULL, false },
		{ "--part", &q->part, NULL, false },
		{ "--from", &q->from, NULL, false },
		{ "--output", &q->output, NULL, false },
		{ "-o", &q->output, NULL, false },
		{ "--headers", NULL, &q->headers, false },
		{ "--retention", NULL, &q->retention, false },
		{ "--dry-run", NULL, &q->dry_run, false },
		{ "--force", NULL, &q->force, false },
		{ "--remove-held", NULL, &q->remove_held, false },
		{ "--raw", NULL, &q->raw, false },
		{ "--keep", NULL, &q->keep, false },
	};

	q->now = time(NULL);
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *why;
		int rc = cli_common_option(&q->common, argc, argv, &i);
		bool found = false;

		if (rc < 0)
			return 2;
		if (rc > 0)
			continue;
		if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			q_usage(stdout);
			return 2;
		}
		if (a[0] != '-') {
			if (want_id == 0 || (want_id == 1 && q->id != NULL)) {
				qcli_err(q, "unexpected argument '%s'", a);
				return 2;
			}
			if (q->id == NULL)
				q->id = a;
			q->ids = mem_reallocarray(q->ids, q->nids + 1,
			    sizeof(*q->ids));
			q->ids[q->nids++] = a;
			continue;
		}
		if (strcmp(a, "--now") == 0) {
			time_t t;

			if (i + 1 >= argc || date_parse_time(argv[i + 1],
			    strlen(argv[i + 1]), &t, &why) < 0) {
				qcli_err(q, "--now: expected YYYY-MM-DDTHH:MM:SSZ");
				return 2;
			}
			q->now = t;
			i++;
			continue;
		}
		for (size_t k = 0; k < sizeof(opts) / sizeof(opts[0]); k++) {
			if (strcmp(a, opts[k].name) != 0)
				continue;
			found = true;
			if (opts[k].flag != NULL) {
				*opts[k].flag = true;
				break;
			}
			if (i + 1 >= argc) {
				qcli_err(q, "%s needs a value", a);
				return 2;
			}
			i++;
			if (opts[k].list && *opts[k].val != NULL) {
				char *j = mem_printf("%s,%s", *opts[k].val,
				    argv[i]);

				free(*opts[k].val);
				*opts[k].val = j;
			} else {
				free(*opts[k].val);
				*opts[k].val = mem_strdup(argv[i]);
			}
			break;
		}
		if (!found) {
			qcli_err(q, "unknown option '%s'", a);
			q_usage(stderr);
			return 2;
		}
	}
	return 0;
}

/* The configuration alone; 0, or 1 after printing why. */
static int
q_load(struct qcli *q)
{
	if (cli_config_load(&q->common, &q->conf) != 0) {
		qcli_err(q, "cannot read the configuration %s", q->common.config);
		return 1;
	}
	q->conf_loaded = true;
	q->qdir = q->conf.quarantine_dir;
	{
		char *err = NULL;

		if (qstore_open(&q->store, &q->conf, &err) < 0) {
			qcli_err(q, "%s", err);
			free(err);
			return 1;
		}
		q->store_open = true;
	}
	return 0;
}

static void
q_free(struct qcli *q)
{
	free(q->since);
	free(q->rule);
	free(q->agency);
	free(q->by);
	free(q->reason);
	free(q->older);
	free(q->to);
	free(q->approved_by);
	free(q->part);
	free(q->output);
	free(q->case_ref);
	free(q->from);
	free(q->ids);
	if (q->store_open)
		qstore_close(&q->store);
	if (q->conf_loaded)
		config_free(&q->conf);
	cli_common_free(&q->common);
}

void
qcli_fmt_time(int64_t t, char *buf, size_t len)
{
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	if (strftime(buf, len, "%Y-%m-%d %H:%M", &tm) == 0 && len > 0)
		buf[0] = '\0';
}

static void
fmt_size(uint64_t n, char *buf, size_t len)
{
	if (n < 10 * 1024)
		(void)snprintf(buf, len, "%llu", (unsigned long long)n);
	else if (n < 10 * 1024 * 1024)
		(void)snprintf(buf, len, "%lluK", (unsigned long long)(n >> 10));
	else
		(void)snprintf(buf, len, "%lluM", (unsigned long long)(n >> 20));
}

/* Print untrusted text: non-printables as \xHH, cut to width bytes. */
const char *
qcli_esc(const char *s, size_t width, char *buf, size_t len)
{
	struct buf b;

	buf_init(&b, len > 0 ? len - 1 : 0);
	if (s == NULL)
		s = "-";
	(void)buf_append_escaped(&b, span_from_cstr(s), width);
	str_lcpy(buf, b.data != NULL ? b.data : "", len);
	buf_free(&b);
	return buf;
}

static bool
entry_has_rule(const struct qentry *e, const char *glob)
{
	for (size_t i = 0; i < e->nrules; i++)
		if (glob_match(glob, e->rules[i], strlen(e->rules[i])))
			return true;
	return false;
}

/* ------------------------------------------------------------ list */

static int
q_list(struct qcli *q)
{
	char **ids, *err = NULL;
	size_t n, shown = 0;
	uint64_t total = 0;
	time_t since = 0;
	const char *why;

	if (q->since != NULL && date_parse_time(q->since, strlen(q->since),
	    &since, &why) < 0) {
		qcli_err(q, "--since: bad date '%s': %s", q->since, why);
		return 1;
	}
	if (qstore_list(&q->store, &ids, &n, &err) < 0) {
		qcli_err(q, "%s", err);
		free(err);
		return 1;
	}
	for (size_t i = 0; i < n; i++) {
		struct qentry e;
		char when[32], from[48], rc[96], rule[48], size[16], tmp[48];
		char subj[Q_SUBJECT_WIDTH * 4 + 8];

		if (qstore_load(&q->store, ids[i], &e, &err) < 0) {
			qcli_err(q, "warning: %s", err);
			free(err);
			err = NULL;
			continue;
		}
		if ((q->since != NULL && e.received < (int64_t)since) ||
		    (q->rule != NULL && !entry_has_rule(&e, q->rule)) ||
		    (q->agency != NULL && (e.agency == NULL ||
		    strcasecmp(e.agency, q->agency) != 0))) {
			qentry_free(&e);
			continue;
		}
		if (shown++ == 0)
			printf("%-32s %-16s %-28s %-28s %-26s %-10s %6s  %s\n",
			    "ID", "DATE (UTC)", "FROM", "RECIPIENTS", "RULE",
			    "ACTION", "SIZE", "SUBJECT");
		qcli_fmt_time(e.received, when, sizeof(when));
		qcli_esc(e.mail_from != NULL && e.mail_from[0] != '\0' ?
		    e.mail_from : "<>", 25, from, sizeof(from));
		qcli_esc(e.nrcpts > 0 ? e.rcpts[0] : "-", 22, tmp, sizeof(tmp));
		if (e.nrcpts > 1)
			(void)snprintf(rc, sizeof(rc), "%s +%zu", tmp,
			    e.nrcpts - 1);
		else
			(void)snprintf(rc, sizeof(rc), "%s", tmp);
		/* The rule that decided; entries from before it was kept
		 * name their first rule. */
		qcli_esc(e.decided_by != NULL ? e.decided_by : e.nrules > 0 ?
		    e.rules[0] : "-", 23, rule, sizeof(rule));
		fmt_size(e.size, size, sizeof(size));
		printf("%-32s %-16s %-28s %-28s %-26s %-10s %6s  ", e.id, when,
		    from, rc, rule, qcli_esc(e.action, 10, tmp, sizeof(tmp)),
		    size);
		printf("%s", qcli_esc(e.subject != NULL ? e.subject : "-",
		    Q_SUBJECT_WIDTH, subj, sizeof(subj)));
		if (qentry_hold(&e, NULL) != NULL)
			printf("  [legal hold: %s]", qcli_esc(qentry_hold(&e,
			    NULL), 40, tmp, sizeof(tmp)));
		printf("\n");
		total += e.size;
		qentry_free(&e);
	}
	if (shown == 0) {
		printf("no quarantined message matches\n");
	} else {
		char size[16];

		fmt_size(total, size, sizeof(size));
		printf("%zu message%s, %s bytes\n", shown, shown == 1 ? "" :
		    "s", size);
	}
	qentry_list_free(ids, n);
	return 0;
}

/* ------------------------------------------------------------ show */

static void
print_headers(struct qcli *q, const char *id)
{
	char *err = NULL;
	int fd = qstore_message_fd(&q->store, id, &err);
	FILE *f = fd >= 0 ? fdopen(fd, "rb") : NULL;
	char line[1024];
	size_t total = 0;

	if (fd >= 0 && f == NULL)
		close(fd);
	free(err);
	printf("headers:\n");
	while (f != NULL && fgets(line, sizeof(line), f) != NULL) {
		size_t len = strlen(line);
		char out[4200];

		while (len > 0 && (line[len - 1] == '\n' ||
		    line[len - 1] == '\r'))
			line[--len] = '\0';
		if (len == 0 || total > Q_MAX_HEADERS)
			break;
		total += len;
		printf("  %s\n", qcli_esc(line, 1000, out, sizeof(out)));
	}
	if (f != NULL)
		fclose(f);
}

/* What the milter kept for review: subject, reply, hits, file names. */
static void
show_review(const struct qentry *e)
{
	char buf[1024], b2[1024];

	printf("subject:    %s\n", qcli_esc(e->subject != NULL ? e->subject :
	    "-", 200, buf, sizeof(buf)));
	printf("decided by: %s\n", qcli_esc(e->decided_by, 80, buf,
	    sizeof(buf)));
	printf("reply:      %s\n", qcli_esc(e->reply != NULL ? e->reply :
	    "-", 300, buf, sizeof(buf)));
	if (e->nhits > 0)
		printf("hits:\n");
	for (size_t i = 0; i < e->nhits; i++) {
		const struct qentry_hit *h = &e->hits[i];

		printf("  %-28s %-10s", qcli_esc(h->rule, 80, buf,
		    sizeof(buf)), qcli_esc(h->action, 16, b2, sizeof(b2)));
		if (h->part >= 0)
			printf(" part %lld", (long long)h->part);
		if (h->filename != NULL)
			printf(" file %s", qcli_esc(h->filename, 200, buf,
			    sizeof(buf)));
		if (h->detail != NULL)
			printf(" (%s)", qcli_esc(h->detail, 200, buf,
			    sizeof(buf)));
		printf("\n");
	}
	if (e->nfiles > 0)
		printf("files:      PART  NAME (TYPE)\n");
	for (size_t i = 0; i < e->nfiles; i++) {
		const struct qentry_file *f = &e->files[i];

		printf("            %4lld  %s", (long long)f->part,
		    qcli_esc(f->name, 300, buf, sizeof(buf)));
		if (f->type != NULL)
			printf(" (%s)", qcli_esc(f->type, 80, buf,
			    sizeof(buf)));
		if (f->reading != NULL)
			printf(" [reading %s]", qcli_esc(f->reading, 40, buf,
			    sizeof(buf)));
		printf("\n");
	}
	printf("extract:    msgsec quarantine extract %s --part N -o FILE"
	    "  (or --raw -o FILE: the message as received)\n", e->id);
}

static int
q_show(struct qcli *q)
{
	struct qentry e;
	char *err = NULL, buf[512], when[32];

	if (qstore_load(&q->store, q->id, &e, &err) < 0) {
		qcli_err(q, "%s", err);
		free(err);
		return 1;
	}
	qcli_fmt_time(e.received, when, sizeof(when));
	printf("id:         %s\n", e.id);
	printf("received:   %s UTC\n", when);
	if (e.gateway != NULL)
		printf("gateway:    %s\n", qcli_esc(e.gateway, 64, buf,
		    sizeof(buf)));
	printf("queue id:   %s\n", qcli_esc(e.queue_id, 64, buf, sizeof(buf)));
	printf("from:       %s\n", qcli_esc(e.mail_from != NULL &&
	    e.mail_from[0] != '\0' ? e.mail_from : "<>", 200, buf,
	    sizeof(buf)));
	for (size_t i = 0; i < e.nrcpts; i++)
		printf("%s %s\n", i == 0 ? "to:        " : "           ",
		    qcli_esc(e.rcpts[i], 200, buf, sizeof(buf)));
	for (size_t i = 0; i < e.nheld_for; i++)
		printf("%s %s\n", i == 0 ? "held for:  " : "           ",
		    qcli_esc(e.held_for[i], 200, buf, sizeof(buf)));
	printf("client:     %s\n", qcli_esc(e.client_ip, 64, buf, sizeof(buf)));
	printf("direction:  %s\n", qcli_esc(e.direction, 32, buf, sizeof(buf)));
	printf("agency:     %s\n", qcli_esc(e.agency, 32, buf, sizeof(buf)));
	printf("action:     %s\n", qcli_esc(e.action, 32, buf, sizeof(buf)));
	printf("rules:     ");
	for (size_t i = 0; i < e.nrules; i++)
		printf("%s%s", i == 0 ? " " : ", ", qcli_esc(e.rules[i], 80, buf,
		    sizeof(buf)));
	printf("%s\n", e.nrules == 0 ? " -" : "");
	printf("size:       %llu bytes\n", (unsigned long long)e.size);
	if (qentry_hold(&e, NULL) != NULL)
		printf("legal hold: case %s (never purged or deleted until "
		    "release-hold)\n", qcli_esc(qentry_hold(&e, NULL), 80, buf,
		    sizeof(buf)));
	show_review(&e);
	printf("history:\n");
	for (size_t i = 0; i < e.nhistory; i++) {
		const struct qentry_event *h = &e.history[i];
		char by[128], act[64];

		qcli_fmt_time(h->on, when, sizeof(when));
		printf("  %s  %s: %s", when, qcli_esc(h->by, 80, by, sizeof(by)),
		    qcli_esc(h->action, 40, act, sizeof(act)));
		if (h->case_ref != NULL)
			printf(" (case %s)", qcli_esc(h->case_ref, 80, buf,
			    sizeof(buf)));
		if (h->reason != NULL)
			printf(": %s", qcli_esc(h->reason, 200, buf, sizeof(buf)));
		printf("\n");
	}
	if (q->headers)
		print_headers(q, e.id);
	qentry_free(&e);
	return 0;
}

/* ------------------------------------------------------------ records */

bool
qcli_blank(const char *s)
{
	if (s == NULL)
		return true;
	for (; *s != '\0'; s++)
		if (*s != ' ' && *s != '\t')
			return false;
	return true;
}

/* The event (meta history) and the audit line for one action. */
void
qcli_event(const struct qcli *q, const struct qentry *e, const char *action,
    char **const to, size_t nto, bool audit, struct buf *b)
{
	struct json_writer w;
	char stamp[32];
	struct tm tm;

	gmtime_r(&q->now, &tm);
	(void)strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", &tm);
	buf_init(b, QENTRY_MAX_META);
	json_init(&w, b);
	json_object_begin(&w);
	json_key(&w, "on");
	json_i64(&w, (int64_t)q->now);
	if (audit) {
		json_key(&w, "time");
		json_string(&w, stamp);
		json_key(&w, "id");
		json_string(&w, e->id);
	}
	json_key(&w, "by");
	json_string(&w, q->by);
	json_key(&w, "action");
	json_string(&w, action);
	json_key(&w, "reason");
	json_string(&w, q->reason);
	if (q->event_case != NULL) {
		json_key(&w, "case");
		json_string(&w, q->event_case);
	}
	if (strcmp(action, "released") == 0 && !qcli_blank(q->approved_by)) {
		json_key(&w, "approved_by");
		json_string(&w, q->approved_by);
	}
	if (strcmp(action, "released") == 0 && q->force) {
		json_key(&w, "forced");
		json_bool(&w, true);
	}
	if (to != NULL) {
		json_key(&w, "to");
		json_array_begin(&w);
		for (size_t i = 0; i < nto; i++)
			json_string(&w, to[i]);
		json_array_end(&w);
	}
	if (audit) {
		json_key(&w, "mail_from");
		json_string(&w, e->mail_from);
		json_key(&w, "rcpt_to");
		json_array_begin(&w);
		for (size_t i = 0; i < e->nrcpts; i++)
			json_string(&w, e->rcpts[i]);
		json_array_end(&w);
		json_key(&w, "rules");
		json_array_begin(&w);
		for (size_t i = 0; i < e->nrules; i++)
			json_string(&w, e->rules[i]);
		json_array_end(&w);
		json_key(&w, "received");
		json_i64(&w, e->received);
		json_key(&w, "size");
		json_u64(&w, e->size);
	}
	json_object_end(&w);
}

/* Audit line (always) and meta history (when keep_meta). */
int
qcli_record(struct qcli *q, const struct qentry *e, const char *action,
    char **const to, size_t nto, bool keep_meta)
{
	struct buf line, ev;
	char *err = NULL;
	int rc = 0;

	qcli_event(q, e, action, to, nto, true, &line);
	if (qstore_audit(&q->store, e, action, q->by, line.data, &err) < 0) {
		qcli_err(q, "%s; nothing done", err);
		free(err);
		buf_free(&line);
		return -1;
	}
	buf_free(&line);
	if (keep_meta) {
		qcli_event(q, e, action, to, nto, false, &ev);
		if (qstore_add_history(&q->store, e, ev.data, &err) < 0) {
			qcli_err(q, "warning: %s (the audit log has the record)",
			    err);
			free(err);
		}
		buf_free(&ev);
	}
	return rc;
}

/* --by and --reason: both required for anything that changes the store. */
int
qcli_need_who_why(const struct qcli *q)
{
	int bad = 0;

	if (qcli_blank(q->by)) {
		qcli_err(q, "missing --by (who does it: clause 5 keeps a record)");
		bad = 1;
	}
	if (qcli_blank(q->reason)) {
		qcli_err(q, "missing --reason (why: clause 5 keeps a record)");
		bad = 1;
	}
	return bad;
}

int
qcli_open_entry(struct qcli *q, struct qentry *e)
{
	char *err = NULL;

	if (qcli_need_who_why(q))
		return 1;
	if (qstore_begin(&q->store, &err) < 0) {
		qcli_err(q, "%s", err);
		free(err);
		return 1;
	}
	if (qstore_load(&q->store, q->id, e, &err) < 0) {
		qcli_err(q, "%s", err);
		free(err);
		(void)qcli_close_entry(q, false, 1);
		return 1;
	}
	return 0;
}

int
qcli_close_entry(struct qcli *q, bool ok, int rc)
{
	char *err = NULL;

	if (qstore_end(&q->store, ok, &err) < 0) {
		qcli_err(q, "%s", err);
		free(err);
		return 1;
	}
	return rc;
}

/* ------------------------------------------------------------ delete */

static int
remove_entry(struct qcli *q, const struct qentry *e, const char *action)
{
	char *err = NULL;

	if (qcli_record(q, e, action, NULL, 0, false) < 0)
		return -1;
	if (qstore_remove(&q->store, e->id, &err) < 0) {
		qcli_err(q, "%s", err);
		free(err);
		return -1;
	}
	return 0;
}

static int
q_delete(struct qcli *q)
{
	struct qentry e;
	char where[PATH_MAX + 32];
	int rc = 1;

	if (qcli_open_entry(q, &e) != 0)
		return 1;
	if (qhold_refuse(q, &e, "delete") != 0) {
		/* The refused attempt is recorded: commit that. */
		(void)qcli_close_entry(q, true, 1);
		qentry_free(&e);
		return 1;
	}
	if (remove_entry(q, &e, "deleted") == 0)
		rc = 0;
	rc = qcli_close_entry(q, rc == 0, rc);
	if (rc == 0)
		printf("deleted %s (recorded in %s)\n", e.id,
		    qstore_audit_name(&q->store, where, sizeof(where)));
	qentry_free(&e);
	return rc;
}

/* ------------------------------------------------------------ purge */

static int
q_purge(struct qcli *q)
{
	uint64_t days = 0;
	char **ids, *err = NULL, *reason = NULL;
	size_t n, count = 0;
	int64_t cutoff;
	int rc = 0;

	if ((q->older == NULL) == !q->retention) {
		qcli_err(q, "give one of --older-than DAYS or --retention "
		    "(quarantine.retention_days)");
		return 1;
	}
	if (q->older != NULL && str_to_u64_cstr(q->older, 1, 365000,
	    &days) < 0) {
		qcli_err(q, "--older-than: expected a number of days (1 to "
		    "365000), not '%s'", q->older);
		return 1;
	}
	if (q->retention)
		days = q->conf.quarantine_retention_days;
	if (qcli_blank(q->by)) {
		qcli_err(q, "missing --by (who does it: clause 5 keeps a record)");
		return 1;
	}
	if (qcli_blank(q->reason)) {
		reason = mem_printf("retention: older than %llu days",
		    (unsigned long long)days);
		free(q->reason);
		q->reason = reason;
	}
	cutoff = (int64_t)q->now - (int64_t)days * 86400;
	if (qstore_list(&q->store, &ids, &n, &err) < 0) {
		qcli_err(q, "%s", err);
		free(err);
		return 1;
	}
	/* One change per entry: a failure keeps that entry, not the rest. */
	for (size_t i = 0; i < n; i++) {
		struct qentry e;
		char when[32];
		bool removed;

		if (qstore_begin(&q->store, &err) < 0) {
			qcli_err(q, "%s", err);
			free(err);
			err = NULL;
			rc = 1;
			break;
		}
		if (qstore_load(&q->store, ids[i], &e, &err) < 0) {
			qcli_err(q, "warning: %s (kept)", err);
			free(err);
			err = NULL;
			(void)qcli_close_entry(q, false, 0);
			continue;
		}
		if (e.received == 0 || e.received >= cutoff) {
			qentry_free(&e);
			(void)qcli_close_entry(q, false, 0);
			continue;
		}
		qcli_fmt_time(e.received, when, sizeof(when));
		if (qentry_hold(&e, NULL) != NULL) {
			/* Never purged: the attempt is recorded (a dry run
			 * records nothing). */
			if (q->dry_run)
				printf("would keep %s (legal hold, case %s)\n",
				    e.id, qentry_hold(&e, NULL));
			(void)qcli_close_entry(q, !q->dry_run &&
			    qhold_refuse(q, &e, "purge") != 0, 0);
			qentry_free(&e);
			continue;
		}
		removed = !q->dry_run && remove_entry(q, &e, "purged") == 0;
		if (qcli_close_entry(q, removed, 0) != 0)
			removed = false;
		if (q->dry_run) {
			printf("would purge %s (received %s)\n", e.id, when);
			count++;
		} else if (removed) {
			printf("purged %s (received %s)\n", e.id, when);
			count++;
		} else {
			rc = 1;
		}
		qentry_free(&e);
	}
	printf("%zu message%s %spurged (older than %llu days)\n", count,
	    count == 1 ? "" : "s", q->dry_run ? "would be " : "",
	    (unsigned long long)days);
	qentry_list_free(ids, n);
	return rc;
}

int
cmd_quarantine(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*fn)(struct qcli *);
		int id;		/* IDs: 0 none, 1 one, 2 one or more */
	} subs[] = {
		{ "list", q_list, 0 },
		{ "show", q_show, 1 },
		{ "release", qrelease_run, 1 },
		{ "extract", qextract_run, 1 },
		{ "delete", q_delete, 1 },
		{ "purge", q_purge, 0 },
		{ "hold", qhold_run, 2 },
		{ "release-hold", qhold_release_run, 2 },
		{ "import", qimport_run, 0 },
	};
	struct qcli q;
	int rc;

	memset(&q, 0, sizeof(q));
	q.common.config = MSGSEC_DEFAULT_CONFIG;
	q.prog = "msgsec quarantine";
	if (argc < 2) {
		q_usage(stderr);
		return 2;
	}
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
		q_usage(stdout);
		return 0;
	}
	for (size_t i = 0; i < sizeof(subs) / sizeof(subs[0]); i++) {
		char prog[48];

		if (strcmp(argv[1], subs[i].name) != 0)
			continue;
		(void)snprintf(prog, sizeof(prog), "msgsec quarantine %s",
		    subs[i].name);
		q.prog = prog;
		rc = q_args(&q, argc - 1, argv + 1, subs[i].id);
		if (rc == 0 && subs[i].id > 0 && q.id == NULL) {
			qcli_err(&q, "which entry? (msgsec quarantine %s ID)",
			    subs[i].name);
			rc = 2;
		}
		if (rc == 0)
			rc = q_load(&q);
		if (rc == 0)
			rc = subs[i].fn(&q);
		q_free(&q);
		return rc;
	}
	qcli_err(&q, "unknown subcommand '%s'", argv[1]);
	q_usage(stderr);
	return 2;
}
