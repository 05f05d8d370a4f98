/*
 * qrelease.c - `msgsec quarantine release ID`: deliver a held message,
 * controlled as an exception is (clause 4's two-person rule, clause 5's
 * record).
 *
 *   - To the original recipients by default (of a split message, those it
 *     was held for: held_for; the others had it).  To any address that was not
 *     one of them only with --approved-by NAME, a second member of the
 *     office: not the person in --by (exception_same_person: case and
 *     runs of blanks do not make two people).
 *   - Once per entry: a second release needs --force (the reason says
 *     why); the history and the audit log keep both.
 *   - Every release is also an alert (event_type "release", policy 5) in
 *     the configured alert log, so `msgsec alerts` and the report show it;
 *     the log is opened before anything is sent, and a log that cannot be
 *     opened refuses the release.
 *   - A message the MTA also holds (action quarantine: Postfix's hold
 *     queue, Sendmail's quarantine) is still there after the release: the
 *     command says how to remove that copy, or, with --remove-held, runs
 *     "postsuper -d QUEUEID hold" (postsuper found on PATH).
 *
 * The message is re-injected through the MTA's sendmail(1)
 * (quarantine.sendmail) as "sendmail -i -f SENDER -- RCPT...", with one
 * header added in front, X-Msgsec-Release, carrying a one-time pass
 * (release.c) that the milter consumes and removes.  No shell is run;
 * addresses that begin with '-' or hold control characters and queue ids
 * that are not letters and digits are refused.  Untrusted: the entry's
 * meta.json (qentry.c parses it strictly) and message.eml (copied, never
 * parsed).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "alert.h"
#include "exception.h"
#include "mem.h"
#include "pgalert.h"
#include "qcli.h"
#include "release.h"
#include "str.h"

static bool
addr_is_safe(const char *a)
{
	if (a[0] == '-')
		return false;
	for (const char *p = a; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f || *p == ' ')
			return false;
	return true;
}

/* Run sendmail with the pass header and the message on its stdin. */
static int
q_sendmail(struct qcli *q, const struct qentry *e, char **to, size_t nto,
    const char *token, char **error_r)
{
	char *msg;
	const char *sender = e->mail_from != NULL && e->mail_from[0] != '\0' ?
	    e->mail_from : "<>";
	char **argv = mem_calloc(nto + 7, sizeof(*argv));
	size_t len, k = 0;
	char *hdr;
	int pfd[2], status;
	pid_t pid;
	bool crlf;
	void (*old)(int);

	if (qstore_message(&q->store, e->id, &msg, &len, error_r) < 0) {
		free(argv);
		return -1;
	}
	{
		const char *nl = memchr(msg, '\n', len);

		crlf = nl != NULL && nl > msg && nl[-1] == '\r';
	}
	hdr = mem_printf("%s: %s%s", RELEASE_HEADER, token, crlf ? "\r\n" :
	    "\n");
	argv[k++] = q->conf.quarantine_sendmail;
	argv[k++] = (char *)(uintptr_t)"-i";
	argv[k++] = (char *)(uintptr_t)"-f";
	argv[k++] = (char *)(uintptr_t)sender;
	argv[k++] = (char *)(uintptr_t)"--";
	for (size_t i = 0; i < nto; i++)
		argv[k++] = to[i];
	argv[k] = NULL;
	if (pipe2(pfd, O_CLOEXEC) < 0) {
		*error_r = mem_printf("pipe: %s", strerror(errno));
		goto fail;
	}
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0) {
		*error_r = mem_printf("fork: %s", strerror(errno));
		close(pfd[0]);
		close(pfd[1]);
		goto fail;
	}
	if (pid == 0) {
		if (dup2(pfd[0], STDIN_FILENO) < 0)
			_exit(127);
		execv(argv[0], argv);
		fprintf(stderr, "msgsec: cannot run %s: %s\n", argv[0],
		    strerror(errno));
		_exit(127);
	}
	close(pfd[0]);
	old = signal(SIGPIPE, SIG_IGN);
	{
		const char *parts[2] = { hdr, msg };
		size_t lens[2] = { strlen(hdr), len };

		for (int i = 0; i < 2; i++) {
			const char *p = parts[i];
			size_t left = lens[i];

			while (left > 0) {
				ssize_t n = write(pfd[1], p, left);

				if (n < 0 && errno == EINTR)
					continue;
				if (n <= 0)
					break;
				p += n;
				left -= (size_t)n;
			}
		}
	}
	close(pfd[1]);
	signal(SIGPIPE, old);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			status = -1;
			break;
		}
	if (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		*error_r = mem_printf("%s failed (%s %d)", argv[0],
		    status != -1 && WIFSIGNALED(status) ? "signal" :
		    "exit status", status == -1 ? -1 : WIFSIGNALED(status) ?
		    WTERMSIG(status) : WEXITSTATUS(status));
		goto fail;
	}
	free(hdr);
	free(msg);
	free(argv);
	return 0;
fail:
	free(hdr);
	free(msg);
	free(argv);
	return -1;
}

/* Split a comma-separated list. */
static char **
split(const char *csv, size_t *n)
{
	char *copy = mem_strdup(csv), *p = copy, **v = NULL;

	*n = 0;
	while (p != NULL) {
		char *comma = strchr(p, ',');
		struct span s;

		if (comma != NULL)
			*comma = '\0';
		s = span_trim(span_from_cstr(p));
		if (s.len > 0) {
			v = mem_reallocarray(v, *n + 1, sizeof(*v));
			v[(*n)++] = mem_strndup(s.p, s.len);
		}
		p = comma != NULL ? comma + 1 : NULL;
	}
	free(copy);
	return v;
}

static void
free_split(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* Was a one of the entry's recipients?  (Addresses compared in any case.) */
static bool
was_recipient(const struct qentry *e, const char *a)
{
	for (size_t i = 0; i < e->nrcpts; i++)
		if (strcasecmp(e->rcpts[i], a) == 0)
			return true;
	return false;
}

/* The last release in e's history, or NULL. */
static const struct qentry_event *
last_release(const struct qentry *e)
{
	const struct qentry_event *r = NULL;

	for (size_t i = 0; i < e->nhistory; i++)
		if (e->history[i].action != NULL &&
		    strcmp(e->history[i].action, "released") == 0)
			r = &e->history[i];
	return r;
}

/* Postfix and Sendmail queue ids are letters and digits. */
static bool
queue_id_is_safe(const char *id)
{
	if (id == NULL || id[0] == '\0' || strlen(id) > 64)
		return false;
	for (const char *p = id; *p != '\0'; p++)
		if (!((*p >= '0' && *p <= '9') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= 'a' && *p <= 'z')))
			return false;
	return true;
}

/* Does the MTA hold a copy too?  Only a held (quarantine) message. */
static bool
mta_holds(const struct qentry *e)
{
	return e->action != NULL && strcmp(e->action, "quarantine") == 0 &&
	    e->queue_id != NULL && e->queue_id[0] != '\0';
}

/* Run "postsuper -d QUEUEID hold" (PATH lookup); 0, or -1 with *error_r. */
static int
remove_held(const char *queue_id, char **error_r)
{
	char *argv[] = { (char *)(uintptr_t)"postsuper",
		(char *)(uintptr_t)"-d", (char *)(uintptr_t)queue_id,
		(char *)(uintptr_t)"hold", NULL };
	int status;
	pid_t pid;

	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0) {
		*error_r = mem_printf("fork: %s", strerror(errno));
		return -1;
	}
	if (pid == 0) {
		int null = open("/dev/null", O_RDONLY | O_CLOEXEC);

		if (null >= 0)
			(void)dup2(null, STDIN_FILENO);
		execvp(argv[0], argv);
		fprintf(stderr, "msgsec: cannot run postsuper: %s\n",
		    strerror(errno));
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			*error_r = mem_printf("waitpid: %s", strerror(errno));
			return -1;
		}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		*error_r = mem_printf("postsuper -d %s hold failed (%s %d)",
		    queue_id, WIFSIGNALED(status) ? "signal" : "exit status",
		    WIFSIGNALED(status) ? WTERMSIG(status) :
		    WEXITSTATUS(status));
		return -1;
	}
	return 0;
}

/* The release as an alert (event_type "release"). */
static int
release_alert(const struct qcli *q, struct alert_log *log,
    const struct qentry *e, char **to, size_t nto, bool again)
{
	struct timespec ts = { q->now, 0 };
	struct json_writer *w;
	struct alert a;

	alert_begin(&a, &ts, "release");
	alert_add_str(&a, "rule", "quarantine.release");
	alert_add_str(&a, "policy", "5");
	alert_add_str(&a, "action", "release");
	alert_add_str(&a, "quarantine_id", e->id);
	if (e->queue_id != NULL && e->queue_id[0] != '\0')
		alert_add_str(&a, "queue_id", e->queue_id);
	if (e->agency != NULL)
		alert_add_str(&a, "agency", e->agency);
	if (e->direction != NULL)
		alert_add_str(&a, "direction", e->direction);
	if (e->client_ip != NULL)
		alert_add_str(&a, "client_ip", e->client_ip);
	alert_add_str(&a, "mail_from", e->mail_from != NULL ? e->mail_from :
	    "");
	w = alert_json(&a);
	json_key(w, "rcpt_to");
	json_array_begin(w);
	for (size_t i = 0; i < nto; i++)
		json_string(w, to[i]);
	json_array_end(w);
	json_key(w, "original_rcpt_to");
	json_array_begin(w);
	for (size_t i = 0; i < e->nrcpts; i++)
		json_string(w, e->rcpts[i]);
	json_array_end(w);
	json_key(w, "rules");
	json_array_begin(w);
	for (size_t i = 0; i < e->nrules; i++)
		json_string(w, e->rules[i]);
	json_array_end(w);
	alert_add_str(&a, "held_action", e->action != NULL ? e->action : "");
	alert_add_str(&a, "by", q->by);
	if (!qcli_blank(q->approved_by))
		alert_add_str(&a, "approved_by", q->approved_by);
	alert_add_str(&a, "reason", q->reason);
	if (again) {
		w = alert_json(&a);
		json_key(w, "forced");
		json_bool(w, true);
	}
	alert_add_u64(&a, "size", e->size);
	return alert_log_write(log, &a);
}

/*
 * Who may release to whom: 0, or 1 after saying why not.  Every address
 * that was not a recipient needs a second person's approval.
 */
static int
release_allowed(const struct qcli *q, const struct qentry *e, char **to,
    size_t nto)
{
	const struct qentry_event *prev = last_release(e);
	const char *outsider = NULL;

	for (size_t i = 0; i < nto && outsider == NULL; i++)
		if (!was_recipient(e, to[i]))
			outsider = to[i];
	if (outsider != NULL && qcli_blank(q->approved_by)) {
		qcli_err(q, "%s was not a recipient of %s: releasing to another "
		    "address needs a second office member's approval "
		    "(--approved-by NAME)", outsider, e->id);
		return 1;
	}
	if (!qcli_blank(q->approved_by) &&
	    exception_same_person(q->by, q->approved_by)) {
		qcli_err(q, "--by and --approved-by name the same person "
		    "(%s): the approval must come from someone else", q->by);
		return 1;
	}
	if (prev != NULL && !q->force) {
		char when[32], by[128];

		qcli_fmt_time(prev->on, when, sizeof(when));
		qcli_err(q, "%s was already released on %s UTC by %s; "
		    "--force releases it again (--reason says why)", e->id,
		    when, qcli_esc(prev->by, 80, by, sizeof(by)));
		return 1;
	}
	return 0;
}

/* The MTA's own copy: remove it (--remove-held) or say how. */
static int
held_copy(const struct qcli *q, const struct qentry *e)
{
	char *err = NULL;

	if (!mta_holds(e)) {
		if (q->remove_held)
			printf("the MTA holds no copy of %s (action %s): "
			    "nothing to remove\n", e->id, e->action != NULL ?
			    e->action : "-");
		return 0;
	}
	if (!queue_id_is_safe(e->queue_id)) {
		qcli_err(q, "queue id of %s is not letters and digits; remove "
		    "the MTA's held copy by hand", e->id);
		return 1;
	}
	if (!q->remove_held) {
		printf("the MTA still holds its copy (queue id %s): delete it "
		    "so it is not delivered twice\n"
		    "  Postfix:  postsuper -d %s hold    (or run this "
		    "release with --remove-held)\n"
		    "  Sendmail: it stays in the quarantine queue "
		    "(sendmail -bp -qQ); remove it there, do not also "
		    "release it with -qQ\n", e->queue_id, e->queue_id);
		return 0;
	}
	if (remove_held(e->queue_id, &err) < 0) {
		qcli_err(q, "%s; the message was released, the MTA's copy %s "
		    "is still held", err, e->queue_id);
		free(err);
		return 1;
	}
	printf("removed the MTA's held copy %s (postsuper -d %s hold)\n",
	    e->queue_id, e->queue_id);
	return 0;
}

int
qrelease_run(struct qcli *q)
{
	struct qentry e;
	struct alert_log *log = NULL;
	char token[RELEASE_TOKEN_LEN + 1], *err = NULL, **to = NULL;
	size_t nto = 0;
	bool again, recorded = false;
	int rc = 1;

	if (qcli_open_entry(q, &e) != 0)
		return 1;
	again = last_release(&e) != NULL;
	if (q->to != NULL) {
		to = split(q->to, &nto);
	} else if (e.nheld_for > 0) {
		/* A split message reached the others already. */
		to = mem_calloc(e.nheld_for + 1, sizeof(*to));
		for (size_t i = 0; i < e.nheld_for; i++)
			to[nto++] = mem_strdup(e.held_for[i]);
	} else {
		to = mem_calloc(e.nrcpts + 1, sizeof(*to));
		for (size_t i = 0; i < e.nrcpts; i++)
			to[nto++] = mem_strdup(e.rcpts[i]);
	}
	if (nto == 0) {
		qcli_err(q, "%s has no recipients; give --to ADDR", e.id);
		goto out;
	}
	for (size_t i = 0; i < nto; i++) {
		if (!addr_is_safe(to[i])) {
			qcli_err(q, "refusing recipient '%s' (starts with '-' "
			    "or holds spaces or control characters)", to[i]);
			goto out;
		}
	}
	if (e.mail_from != NULL && !addr_is_safe(e.mail_from)) {
		qcli_err(q, "refusing sender '%s' (starts with '-' or holds "
		    "spaces or control characters)", e.mail_from);
		goto out;
	}
	if (release_allowed(q, &e, to, nto) != 0)
		goto out;
	log = pgalert_log_open(&q->conf, "msgsec", 0, &err);
	if (log == NULL) {
		qcli_err(q, "%s: every release is an alert; %s was not "
		    "released", err, e.id);
		goto out;
	}
	if (qstore_pass_create(&q->store, e.id, token, &err) < 0) {
		qcli_err(q, "%s", err);
		goto out;
	}
	if (q_sendmail(q, &e, to, nto, token, &err) < 0) {
		qstore_pass_cancel(&q->store, token);
		qcli_err(q, "%s; %s was not released", err, e.id);
		goto out;
	}
	if (qcli_record(q, &e, "released", to, nto, true) < 0)
		goto out;
	/* The record before anything else is said: the change ends here. */
	recorded = true;
	if (qcli_close_entry(q, true, 0) != 0) {
		qcli_err(q, "%s was sent, but its record did not commit", e.id);
		goto out;
	}
	rc = 0;
	if (release_alert(q, log, &e, to, nto, again) < 0) {
		qcli_err(q, "warning: writing the release alert to %s: %s "
		    "(the audit log has the record)", q->conf.alert_file,
		    strerror(errno));
		rc = 1;
	}
	printf("released %s to ", e.id);
	for (size_t i = 0; i < nto; i++)
		printf("%s%s", i == 0 ? "" : ", ", to[i]);
	printf(" through %s (one-time pass; the entry stays in the store)\n",
	    q->conf.quarantine_sendmail);
	if (!qcli_blank(q->approved_by))
		printf("approved by %s\n", q->approved_by);
	if (held_copy(q, &e) != 0)
		rc = 1;
out:
	free(err);
	alert_log_close(&log);
	free_split(to, nto);
	qentry_free(&e);
	if (!recorded)
		(void)qcli_close_entry(q, false, 0);
	return rc;
}
