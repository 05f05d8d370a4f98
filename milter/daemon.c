/*
 * daemon.c - msgsec-milter's libmilter glue: callbacks, actions, the
 * start (socket, privileges, pid file) and the stop.  The only file that
 * includes libmilter; the reloads are reload.c's, the libc calls
 * libmilter's are adjusted in interpose.c, the privilege drop is
 * privs.h's.
 *
 * Per connection (xxfi_connect .. xxfi_close) a struct conn holds the
 * client; per message (xxfi_envfrom .. xxfi_eom/xxfi_abort) it holds the
 * envelope and the struct inspect that the bytes stream into.  Every exit
 * path of a message calls conn_reset_msg.
 */
#include "daemon.h"

#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <libmilter/mfapi.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "inspect.h"
#include "content.h"
#include "feed.h"
#include "journal.h"
#include "mem.h"
#include "metrics.h"
#include "privs.h"
#include "reload.h"
#include "regex.h"
#include "release.h"
#include "scan.h"
#include "sockspec.h"
#include "store.h"
#include "lockfile.h"
#include "log.h"

/* glibc's largest M_MMAP_THRESHOLD on 64-bit hosts (HEAP_MAX_SIZE / 2). */
#define MALLOC_MMAP_MAX (32u << 20)

static struct policy_holder *holder;
static struct alert_log *alerts;
static unsigned active_conns;
static uint64_t conn_serial;

/* ------------------------------------------------------------ state */

struct conn {
	uint64_t id;
	struct ipaddr client;
	bool has_client;
	/* message */
	struct policy *p;
	char *queue_id;
	char *from;
	char *auth;
	char *daemon;
	bool smtputf8;
	char **rcpts;
	size_t nrcpts;
	char *subject_raw;	/* first Subject, as received */
	struct inspect *in;
	unsigned long proto;	/* SMFIP_* the MTA agreed to */
	unsigned long actions;	/* SMFIF_* the MTA offered and we took */
	bool leadspc;
	bool counted;
	char *release;		/* first X-Msgsec-Release value */
	unsigned nrelease;	/* how many such headers */
};

static void
conn_reset_msg(struct conn *c)
{
	inspect_free(&c->in);
	policy_unref(&c->p);
	free(c->queue_id);
	free(c->from);
	free(c->auth);
	free(c->daemon);
	for (size_t i = 0; i < c->nrcpts; i++)
		free(c->rcpts[i]);
	free(c->rcpts);
	free(c->subject_raw);
	free(c->release);
	c->release = NULL;
	c->nrelease = 0;
	c->queue_id = c->from = c->auth = c->daemon = c->subject_raw = NULL;
	c->rcpts = NULL;
	c->nrcpts = 0;
	c->smtputf8 = false;
}

static struct conn *
conn_of(SMFICTX *ctx)
{
	return smfi_getpriv(ctx);
}

static char *
macro(SMFICTX *ctx, const char *name)
{
	char *v = smfi_getsymval(ctx, (char *)(uintptr_t)name);

	return v != NULL && *v != '\0' ? mem_strdup(v) : NULL;
}

/* Strip <> and white space from an SMTP path. */
static char *
path_of(const char *arg)
{
	struct span s = span_trim(span_from_cstr(arg != NULL ? arg : ""));

	if (s.len >= 2 && s.p[0] == '<' && s.p[s.len - 1] == '>') {
		s.p++;
		s.len -= 2;
	}
	return mem_strndup(s.p, s.len);
}

/* ------------------------------------------------------------ callbacks */

static sfsistat
cb_negotiate(SMFICTX *ctx, unsigned long f0, unsigned long f1,
    unsigned long f2, unsigned long f3, unsigned long *pf0,
    unsigned long *pf1, unsigned long *pf2, unsigned long *pf3)
{
	/* Skip what we never look at, and tell the MTA not to wait for a
	 * reply where none can change anything: fewer round trips. */
	unsigned long want = SMFIP_NOHELO | SMFIP_NOUNKNOWN | SMFIP_NODATA |
	    SMFIP_HDR_LEADSPC;
	struct conn *c = conn_of(ctx);

	/*
	 * "No reply" steps save a round trip each.  On TCP that is safe only
	 * because every read re-arms TCP_QUICKACK (the read shim of
	 * interpose.c): otherwise the MTA's next small write would wait
	 * behind Nagle for our delayed ACK, ~40 ms a message.  RCPT is answered: past limits.recipients
	 * a recipient is refused there (cb_envrcpt).
	 */
	want |= SMFIP_NR_CONN | SMFIP_NR_MAIL | SMFIP_NR_HDR |
	    SMFIP_NR_EOH | SMFIP_NR_BODY;

	(void)f2;
	(void)f3;
	if (c == NULL) {
		c = mem_calloc(1, sizeof(*c));
		smfi_setpriv(ctx, c);
	}
	*pf0 = f0 & (SMFIF_ADDHDRS | SMFIF_CHGHDRS | SMFIF_CHGBODY |
	    SMFIF_QUARANTINE | SMFIF_DELRCPT | SMFIF_ADDRCPT);
	*pf1 = f1 & want;
	*pf2 = 0;
	*pf3 = 0;
	c->proto = *pf1;
	c->actions = *pf0;
	c->leadspc = (*pf1 & SMFIP_HDR_LEADSPC) != 0;
	return SMFIS_CONTINUE;
}

/* Carry on; without a reply where the MTA agreed not to wait for one. */
static sfsistat
go_on(SMFICTX *ctx, unsigned long nr)
{
	struct conn *c = conn_of(ctx);

	return c != NULL && (c->proto & nr) != 0 ? SMFIS_NOREPLY :
	    SMFIS_CONTINUE;
}

static sfsistat
cb_connect(SMFICTX *ctx, char *host, struct sockaddr *sa)
{
	struct conn *c = conn_of(ctx);

	(void)host;
	if (c == NULL) {
		c = mem_calloc(1, sizeof(*c));
		smfi_setpriv(ctx, c);
	}
	c->id = __atomic_add_fetch(&conn_serial, 1, __ATOMIC_RELAXED);
	if (sa != NULL && sa->sa_family == AF_INET) {
		ipaddr_from_v4(&c->client, (const uint8_t *)&((struct
		    sockaddr_in *)(void *)sa)->sin_addr);
		c->has_client = true;
	} else if (sa != NULL && sa->sa_family == AF_INET6) {
		ipaddr_from_v6(&c->client, (const uint8_t *)&((struct
		    sockaddr_in6 *)(void *)sa)->sin6_addr);
		c->has_client = true;
	}
	/* A connection libmilter reuses (SMFIC_QUIT_NC) comes back here
	 * without a close: count it once. */
	if (!c->counted) {
		c->counted = true;
		__atomic_add_fetch(&active_conns, 1, __ATOMIC_RELAXED);
	}
	return go_on(ctx, SMFIP_NR_CONN);
}

static sfsistat
cb_envfrom(SMFICTX *ctx, char **argv)
{
	struct conn *c = conn_of(ctx);

	if (c == NULL)
		return SMFIS_TEMPFAIL;
	conn_reset_msg(c);
	c->p = policy_holder_get(holder);
	c->from = path_of(argv[0]);
	for (int i = 1; argv[i] != NULL; i++)
		if (strcasecmp(argv[i], "SMTPUTF8") == 0)
			c->smtputf8 = true;
	c->auth = macro(ctx, "{auth_authen}");
	c->daemon = macro(ctx, "{daemon_name}");
	c->queue_id = macro(ctx, "i");
	return go_on(ctx, SMFIP_NR_MAIL);
}

static sfsistat
cb_envrcpt(SMFICTX *ctx, char **argv)
{
	struct conn *c = conn_of(ctx);

	if (c == NULL || c->p == NULL)
		return SMFIS_TEMPFAIL;
	/*
	 * Every recipient is judged, so past limits.recipients the next
	 * one is refused as RFC 5321 4.5.3.1.10 says (the client sends it
	 * again in another transaction), as Postfix's smtpd_recipient_limit
	 * does: never kept out of the decision in silence.
	 */
	if (c->nrcpts >= c->p->config.limits.recipients) {
		if (c->nrcpts == c->p->config.limits.recipients)
			log_notice("%s: limits.recipients (%llu) reached: "
			    "refusing the next recipients with 452 4.5.3",
			    c->queue_id != NULL ? c->queue_id : "-",
			    (unsigned long long)c->nrcpts);
		(void)smfi_setreply(ctx, (char *)(uintptr_t)"452",
		    (char *)(uintptr_t)"4.5.3",
		    (char *)(uintptr_t)"Too many recipients");
		return SMFIS_TEMPFAIL;
	}
	c->rcpts = mem_reallocarray(c->rcpts, c->nrcpts + 1,
	    sizeof(*c->rcpts));
	c->rcpts[c->nrcpts++] = path_of(argv[0]);
	return SMFIS_CONTINUE;
}

static struct inspect *
ensure_inspect(SMFICTX *ctx, struct conn *c)
{
	struct envelope env;
	struct scan_engine *e;

	if (c->in != NULL)
		return c->in;
	if (c->queue_id == NULL)
		c->queue_id = macro(ctx, "i");
	memset(&env, 0, sizeof(env));
	env.queue_id = c->queue_id;
	env.mail_from = c->from;
	env.rcpts = (const char *const *)c->rcpts;
	env.nrcpts = c->nrcpts;
	env.client = c->client;
	env.has_client = c->has_client;
	env.auth_user = c->auth;
	env.daemon = c->daemon;
	env.smtputf8 = c->smtputf8;
	e = reload_engine_get(c->p, c->queue_id != NULL ? c->queue_id : "-");
	c->in = inspect_new(c->p, &env, 0, e, true);
	scan_engine_unref(&e);
	return c->in;
}

/* Feed "Name:value\r\n", turning the MTA's bare-LF folding into CRLF. */
static sfsistat
cb_header(SMFICTX *ctx, char *name, char *value)
{
	struct conn *c = conn_of(ctx);
	struct inspect *in;

	if (c == NULL || c->p == NULL)
		return SMFIS_TEMPFAIL;
	in = ensure_inspect(ctx, c);
	if (c->subject_raw == NULL && strcasecmp(name, "Subject") == 0)
		c->subject_raw = mem_strdup(value);
	if (strcasecmp(name, RELEASE_HEADER) == 0 && c->nrelease++ == 0)
		c->release = mem_strdup(value);
	(void)feed_header(feed_inspect, in, name, value, c->leadspc);
	return go_on(ctx, SMFIP_NR_HDR);
}

static sfsistat
cb_eoh(SMFICTX *ctx)
{
	struct conn *c = conn_of(ctx);

	if (c == NULL || c->p == NULL)
		return SMFIS_TEMPFAIL;
	(void)feed_eoh(feed_inspect, ensure_inspect(ctx, c));
	return go_on(ctx, SMFIP_NR_EOH);
}

static sfsistat
cb_body(SMFICTX *ctx, unsigned char *data, size_t len)
{
	struct conn *c = conn_of(ctx);

	if (c == NULL || c->p == NULL)
		return SMFIS_TEMPFAIL;
	inspect_feed(ensure_inspect(ctx, c), (const char *)data, len);
	return go_on(ctx, SMFIP_NR_BODY);
}

/* libmilter passes reply text through printf-like expansion: escape %. */
static char *
reply_text(const char *text)
{
	struct buf b;

	buf_init(&b, 4096);
	for (const char *p = text; *p != '\0'; p++) {
		if (*p == '%')
			(void)buf_append(&b, "%%", 2);
		else if ((unsigned char)*p >= 0x20 && *p != 0x7f)
			(void)buf_append(&b, p, 1);
	}
	return b.data != NULL ? b.data : mem_strdup("");
}

static int
replace_body(void *ctx, const char *p, size_t len)
{
	return smfi_replacebody(ctx, (unsigned char *)(uintptr_t)p,
	    (int)len) == MI_SUCCESS ? 0 : -1;
}

/*
 * Add a header field.  With SMFIP_HDR_LEADSPC (Sendmail) the MTA writes the
 * value as given, so the space after the colon is ours to add; without it
 * (Postfix) the MTA adds it.
 */
static void
add_header(SMFICTX *ctx, const struct conn *c, const char *name,
    const char *value)
{
	char *v = c->leadspc ? mem_printf(" %s", value) : NULL;

	(void)smfi_addheader(ctx, (char *)(uintptr_t)name,
	    (char *)(uintptr_t)(v != NULL ? v : value));
	free(v);
}

/*
 * Journaling (journal.h): the archives as envelope recipients only, no
 * header.  Returns the archives' count (*out_r allocated), or -1 when
 * there are some and the MTA did not let us add recipients (then the
 * message must be deferred: never delivered without its copy).
 */
static ssize_t
journal_plan(struct conn *c, const char ***out_r)
{
	size_t n = inspect_journal_unjudged(c->in, out_r);

	if (n > 0 && (c->actions & SMFIF_ADDRCPT) == 0) {
		log_error("%s: cannot journal to %s: the MTA did not offer "
		    "SMFIF_ADDRCPT (add recipients): tempfail",
		    c->queue_id != NULL ? c->queue_id : "-", (*out_r)[0]);
		free(*out_r);
		*out_r = NULL;
		return -1;
	}
	return (ssize_t)n;
}

/* Add the archives journal_plan found.  Returns 0, or -1 (tempfail). */
static int
journal_add_rcpts(SMFICTX *ctx, const struct conn *c, const char **v,
    size_t n)
{
	const char *qid = c->queue_id != NULL ? c->queue_id : "-";

	for (size_t i = 0; i < n; i++) {
		char *addr = mem_printf("<%s>", v[i]);
		int rc = smfi_addrcpt(ctx, addr);

		free(addr);
		if (rc != MI_SUCCESS) {
			log_error("%s: smfi_addrcpt %s failed: not delivered "
			    "without its journal copy: tempfail", qid, v[i]);
			return -1;
		}
		log_info("%s: journaled to %s", qid, v[i]);
	}
	return 0;
}

/* journal_plan, then journal_add_rcpts.  Returns 0 or -1 (tempfail). */
static int
journal(SMFICTX *ctx, struct conn *c)
{
	const char **v;
	ssize_t n = journal_plan(c, &v);
	int rc;

	if (n <= 0)
		return (int)n;
	rc = journal_add_rcpts(ctx, c, v, (size_t)n);
	free(v);
	return rc;
}

/* The answer to a message that could not be journaled. */
static sfsistat
journal_tempfail(SMFICTX *ctx)
{
	(void)smfi_setreply(ctx, (char *)(uintptr_t)"451",
	    (char *)(uintptr_t)"4.3.0",
	    (char *)(uintptr_t)"Message could not be journaled, try again "
	    "later");
	return SMFIS_TEMPFAIL;
}

/*
 * X-Msgsec-Release (release.h): removed from every message, whoever sent
 * it; a message with exactly one, whose pass this call consumes, was
 * released by the security office and goes through unchecked, once.
 * Returns true when the message was accepted that way (state reset).
 */
static bool
released(SMFICTX *ctx, struct conn *c, sfsistat *rc_r)
{
	const char *qid = c->queue_id != NULL ? c->queue_id : "-";
	const char *why = "more than one pass header";
	const char **jv = NULL;
	ssize_t nj = 0;
	char id[128];

	for (unsigned i = c->nrelease; i > 0; i--)
		if (smfi_chgheader(ctx, (char *)(uintptr_t)RELEASE_HEADER,
		    (int)i, NULL) != MI_SUCCESS)
			log_warning("%s: cannot remove %s", qid,
			    RELEASE_HEADER);
	/* A released message is delivered, so journaled: known to be
	 * possible before its pass is spent. */
	if (c->nrelease == 1 && (nj = journal_plan(c, &jv)) < 0) {
		*rc_r = journal_tempfail(ctx);
		conn_reset_msg(c);
		return true;
	}
	if (c->nrelease == 1 && store_consume_pass(&c->p->config, c->release,
	    time(NULL), id, sizeof(id), &why) == 0) {
		char esc[160];
		struct buf b;

		buf_init(&b, sizeof(esc) - 1);
		(void)buf_append_escaped(&b, span_from_cstr(id), 120);
		str_lcpy(esc, b.data != NULL ? b.data : "", sizeof(esc));
		buf_free(&b);
		log_notice("%s: accept: released from quarantine entry "
		    "%s (one-time pass used)", qid, esc);
		*rc_r = journal_add_rcpts(ctx, c, jv, (size_t)nj) < 0 ?
		    journal_tempfail(ctx) : SMFIS_ACCEPT;
		free(jv);
		conn_reset_msg(c);
		return true;
	}
	free(jv);
	log_warning("%s: %s refused (%s): judging the message as usual",
	    qid, RELEASE_HEADER, why);
	return false;
}

/*
 * milter.split_recipients: take the recipients whose verdict blocks off
 * the envelope (the message is in the store for them).  The MTA removes
 * them as a whole or not at all: if one cannot be removed, the message is
 * deferred for everyone rather than delivered to a blocked recipient.
 */
static bool
remove_rcpts(SMFICTX *ctx, struct conn *c, const struct verdict *v)
{
	const char *qid = c->queue_id != NULL ? c->queue_id : "-";

	if (v->quarantine_id[0] == '\0') {
		log_error("%s: recipients to hold but no stored copy: "
		    "tempfail", qid);
		return false;
	}
	for (size_t k = 0; k < v->nrcpts; k++) {
		char *addr;
		int rc;

		if (!v->rcpts[k].removed)
			continue;
		addr = mem_printf("<%s>", v->rcpts[k].rcpt);
		rc = smfi_delrcpt(ctx, addr);
		free(addr);
		if (rc != MI_SUCCESS) {
			log_error("%s: smfi_delrcpt failed (the MTA "
			    "did not offer SMFIF_DELRCPT?): tempfail", qid);
			return false;
		}
		log_notice("%s: recipient %s removed: %s by %s, kept "
		    "in quarantine entry %s", qid, v->rcpts[k].rcpt,
		    action_name(v->rcpts[k].action),
		    v->rcpts[k].decider != NULL ?
		    v->rcpts[k].decider->rule->id : "?", v->quarantine_id);
	}
	return true;
}

/*
 * A quarantine folder (or spool) that fails fails every blocked message
 * the same way: say why once, with the folder and the errno, and again
 * only when the reason changes or after a message is stored again.
 */
static pthread_mutex_t store_lock = PTHREAD_MUTEX_INITIALIZER;
static char *store_failure;	/* the reason last reported, or NULL */

static void
report_store(const char *qid, const struct verdict *v, const char *why)
{
	pthread_mutex_lock(&store_lock);
	if (why != NULL && (store_failure == NULL ||
	    strcmp(store_failure, why) != 0)) {
		log_error("%s: %s: answering %s to such messages until it "
		    "works again (reported once)", qid, why,
		    action_name(v->action));
		free(store_failure);
		store_failure = mem_strdup(why);
	} else if (why == NULL && store_failure != NULL &&
	    v->quarantine_id[0] != '\0') {
		log_notice("%s: the quarantine store works again (entry "
		    "%s)", qid, v->quarantine_id);
		free(store_failure);
		store_failure = NULL;
	}
	pthread_mutex_unlock(&store_lock);
}

static sfsistat
cb_eom(SMFICTX *ctx)
{
	struct conn *c = conn_of(ctx);
	const struct verdict *v;
	const char *names[16], *values[16];
	sfsistat rc = SMFIS_ACCEPT;
	const char *unjournaled = "";
	bool held = false;
	size_t ntags;
	char *text;

	if (c == NULL || c->p == NULL)
		return SMFIS_TEMPFAIL;
	if (c->nrelease > 0 && released(ctx, c, &rc)) {
		if (rc == SMFIS_ACCEPT)
			metrics_released();
		return rc;
	}
	v = inspect_finish(ensure_inspect(ctx, c));
	report_store(c->queue_id != NULL ? c->queue_id : "-", v,
	    inspect_error(c->in));
	metrics_message(v->direction, v->action, v->hits, v->nhits);
	if (inspect_store_failed(c->in))
		metrics_store_failure();
	if ((ntags = inspect_alerts(c->in, alerts)) > 0) {
		metrics_alert_failures(ntags);
		log_warning("%s: could not write every alert: %s",
		    c->queue_id != NULL ? c->queue_id : "-", strerror(errno));
	}
	if (v->nremoved > 0 && !remove_rcpts(ctx, c, v))
		return SMFIS_TEMPFAIL;
	switch (v->action) {
	case ACTION_REJECT:
	case ACTION_TEMPFAIL:
		text = reply_text(v->text);
		if (smfi_setreply(ctx, (char *)(uintptr_t)v->rcode,
		    (char *)(uintptr_t)v->xcode,
		    text) != MI_SUCCESS)
			log_warning("%s: smfi_setreply failed",
			    c->queue_id != NULL ? c->queue_id : "-");
		free(text);
		rc = v->action == ACTION_REJECT ? SMFIS_REJECT :
		    SMFIS_TEMPFAIL;
		break;
	case ACTION_DISCARD:
		rc = SMFIS_DISCARD;
		break;
	case ACTION_STRIP:
		if (inspect_strip(c->in, replace_body, ctx) == 0) {
			add_header(ctx, c, "X-Msgsec-Stripped",
			    v->quarantine_id);
			break;
		}
		log_error("%s: cannot rewrite the body: holding the "
		    "message instead", c->queue_id != NULL ? c->queue_id :
		    "-");
		/* FALLTHROUGH */
	case ACTION_QUARANTINE: {
		char *why = mem_printf("msgsec %s (policy %s)%s%s",
		    v->decider != NULL ? v->decider->rule->id : "?",
		    v->decider != NULL ? v->decider->rule->policy : "?",
		    v->quarantine_id[0] != '\0' ? " stored " : "",
		    v->quarantine_id);

		held = true;
		if (smfi_quarantine(ctx, why) != MI_SUCCESS) {
			log_error("%s: smfi_quarantine failed: "
			    "tempfail", c->queue_id != NULL ? c->queue_id :
			    "-");
			rc = SMFIS_TEMPFAIL;
		}
		free(why);
		break;
	}
	default:
		break;
	}
	if (rc == SMFIS_ACCEPT && v->action != ACTION_QUARANTINE) {
		const char *prefix = inspect_subject_prefix(c->in);

		ntags = inspect_tags(c->in, names, values, 16);
		for (size_t i = 0; i < ntags; i++)
			add_header(ctx, c, names[i], values[i]);
		if (prefix != NULL) {
			/* Keep the original bytes after the prefix; with
			 * HDR_LEADSPC the value carries its own space. */
			const char *old = c->subject_raw != NULL ?
			    c->subject_raw : "";
			bool sp = old[0] == ' ';
			char *subj = mem_printf("%s%s%s", sp ? " " : "",
			    prefix, sp ? old + 1 : old);

			if (c->subject_raw != NULL)
				(void)smfi_chgheader(ctx, "Subject", 1, subj);
			else
				add_header(ctx, c, "Subject", subj);
			free(subj);
		}
	}
	/* Delivered (to every recipient or to those kept): journaled. */
	if (rc == SMFIS_ACCEPT && !held && journal_is_delivered(v->action) &&
	    journal(ctx, c) < 0) {
		rc = journal_tempfail(ctx);
		unjournaled = " (not journaled: tempfail)";
	}
	log_info("%s: %s%s%s%s%s (%zu hits)", c->queue_id != NULL ?
	    c->queue_id : "-", action_name(v->action),
	    v->decider != NULL ? " by " : "", v->decider != NULL ?
	    v->decider->rule->id : "", inspect_error(c->in) != NULL ?
	    " (not inspected: internal error)" : "", unjournaled, v->nhits);
	conn_reset_msg(c);
	return rc;
}

static sfsistat
cb_abort(SMFICTX *ctx)
{
	struct conn *c = conn_of(ctx);

	if (c != NULL)
		conn_reset_msg(c);
	return SMFIS_CONTINUE;
}

static sfsistat
cb_close(SMFICTX *ctx)
{
	struct conn *c = conn_of(ctx);

	/* libmilter runs each connection on its own thread: drop what this
	 * thread cached before it ends. */
	regex_thread_done();
	if (c != NULL) {
		conn_reset_msg(c);
		if (c->counted)
			__atomic_sub_fetch(&active_conns, 1,
			    __ATOMIC_RELAXED);
		free(c);
		smfi_setpriv(ctx, NULL);
	}
	return SMFIS_CONTINUE;
}

/* ------------------------------------------------------------ start */

/*
 * -P: the process id, written to a temporary file in the pid file's
 * folder and renamed over it, so a reader never sees it half written.
 */
/*
 * daemon(3), except that the starter returns only when the daemon is
 * ready (socket bound, privileges dropped, pid file naming the daemon):
 * it waits on a pipe for one byte (exit 0) or its end (exit 2: the daemon
 * failed and said why in the log).  An init script that reads the pid
 * file as the start command returns reads the daemon's pid.
 */
static int
detach(int *ready_r)
{
	int fd[2], null;
	pid_t pid;

	if (pipe(fd) < 0)
		return -1;
	pid = fork();
	if (pid < 0) {
		(void)close(fd[0]);
		(void)close(fd[1]);
		return -1;
	}
	if (pid > 0) {
		char c;
		ssize_t n;

		(void)close(fd[1]);
		do
			n = read(fd[0], &c, 1);
		while (n < 0 && errno == EINTR);
		_exit(n == 1 ? 0 : 2);
	}
	(void)close(fd[0]);
	if (setsid() < 0 || chdir("/") < 0) {
		(void)close(fd[1]);
		return -1;
	}
	null = open("/dev/null", O_RDWR);
	if (null >= 0) {
		(void)dup2(null, STDIN_FILENO);
		(void)dup2(null, STDOUT_FILENO);
		(void)dup2(null, STDERR_FILENO);
		if (null > STDERR_FILENO)
			(void)close(null);
	}
	*ready_r = fd[1];
	return 0;
}

/* Tell the starter (detach()) that the daemon is ready. */
static void
ready_tell(int *ready)
{
	if (*ready < 0)
		return;
	(void)write_all(*ready, "1", 1);
	(void)close(*ready);
	*ready = -1;
}

static int
pidfile_write(const char *path, char **error_r)
{
	const char *slash = strrchr(path, '/');
	char *dir = mem_strndup(path, (size_t)(slash - path));
	char pid[32], *err = NULL;
	int n = snprintf(pid, sizeof(pid), "%ld\n", (long)getpid()), rc;

	rc = lockfile_replace(dir[0] != '\0' ? dir : "/", slash + 1, pid,
	    (size_t)n, 0644, false, &err);
	if (rc < 0) {
		*error_r = mem_printf("-P %s: %s", path, err);
		free(err);
	}
	free(dir);
	return rc;
}

/* Remove the pid file at exit, if it still names this process. */
static void
pidfile_remove(const char *path)
{
	char *err = NULL, *data;
	char pid[32];
	size_t len;

	data = lockfile_read(path, 64, &len, &err);

	(void)snprintf(pid, sizeof(pid), "%ld\n", (long)getpid());
	if (data != NULL && strcmp(data, pid) == 0 && unlink(path) < 0)
		log_warning("cannot remove %s: %s", path, strerror(errno));
	free(data);
	free(err);
}

static void
metrics_log(const char *msg)
{
	log_warning("%s", msg);
}

static void
own(const char *path, uid_t uid, gid_t gid)
{
	if (path != NULL && chown(path, uid, gid) < 0 && errno != ENOENT)
		log_warning("chown %s: %s", path, strerror(errno));
}

/* path made absolute against the current folder (allocated). */
static char *
absolute(const char *path)
{
	char cwd[4096];

	if (path[0] == '/' || getcwd(cwd, sizeof(cwd)) == NULL)
		return path_join(NULL, path);
	return path_join(cwd, path);
}

int
daemon_run(const struct daemon_opts *o, struct policy_holder *h,
    struct alert_log *log)
{
	struct smfiDesc desc;
	struct policy *p = policy_holder_get(h);
	struct sockspec sock;
	char *pidfile = NULL, *err = NULL;
	int ready = -1;		/* detach()'s pipe to the starter */
	struct privs_user u = { .uid = getuid(), .gid = getgid() };
	bool root = geteuid() == 0, pid_written = false;
	sigset_t set;
	int rc = 1;

	/*
	 * SIGHUP belongs to our reload thread (see the sigwait shim); SIGTERM
	 * and SIGINT to libmilter's signal thread.  All three are blocked in
	 * every thread, so none is ever delivered by default action: blocked
	 * from here on, since loading the virus database takes seconds and a
	 * SIGHUP then (logrotate's reload during a restart) would otherwise
	 * kill the daemon, which systemd does not restart (a clean signal).
	 */
	sigemptyset(&set);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	holder = h;
	alerts = log;
	reload_init(o, h, log);
	/* In the foreground on stderr; otherwise to syslog and, until
	 * detach() detaches us, on the terminal too: a start that fails
	 * says why there. */
	log_open("msgsec-milter", LOG_TO_STDERR | LOG_STAMP |
	    (o->foreground ? 0 : LOG_TO_SYSLOG), LOG_MAIL);

	/* Every name resolved before detach() changes to "/". */
	if (sockspec_parse(o->socket, o->socket_from_config ? p->config.dir :
	    NULL, &sock, &err) < 0) {
		log_error("%s%s", o->socket_from_config ?
		    "milter.socket: " : "-p ", err);
		free(err);
		policy_unref(&p);
		policy_holder_destroy(h);
		alert_log_close(&alerts);
		return 2;
	}
	if (o->pidfile != NULL)
		pidfile = absolute(o->pidfile);
	if (root && privs_lookup(o->user, &u, &err) < 0) {
		log_error("%s (create it, or give -u USER)", err);
		free(err);
		goto out;
	}
	/* One milter per socket: the lock comes before the socket is
	 * touched, and only its holder removes a stale one. */
	if (sockspec_lock(&sock, &err) < 0) {
		log_error("%s", err);
		free(err);
		rc = 2;
		goto out;
	}
	metrics_init((size_t)p->config.metrics_max_series);
	reload_engine(p, true);
	/* Folders the daemon writes after it gives up root. */
	(void)mkdir(p->config.state_dir, 0755);
	(void)mkdir(p->config.quarantine_dir, 0700);
	if (root) {
		own(p->config.state_dir, u.uid, u.gid);
		own(p->config.quarantine_dir, u.uid, u.gid);
		if (p->config.alert_output == ALERT_OUT_FILE ||
		    (p->config.alert_output == ALERT_OUT_DATABASE &&
		    p->config.alert_keep_file))
			own(p->config.alert_file, u.uid, u.gid);
	}

	memset(&desc, 0, sizeof(desc));
	desc.xxfi_name = "msgsec";
	desc.xxfi_version = SMFI_VERSION;
	desc.xxfi_flags = SMFIF_ADDHDRS | SMFIF_CHGHDRS | SMFIF_CHGBODY |
	    SMFIF_QUARANTINE | SMFIF_DELRCPT | SMFIF_ADDRCPT;
	desc.xxfi_connect = cb_connect;
	desc.xxfi_envfrom = cb_envfrom;
	desc.xxfi_envrcpt = cb_envrcpt;
	desc.xxfi_header = cb_header;
	desc.xxfi_eoh = cb_eoh;
	desc.xxfi_body = cb_body;
	desc.xxfi_eom = cb_eom;
	desc.xxfi_abort = cb_abort;
	desc.xxfi_close = cb_close;
	desc.xxfi_negotiate = cb_negotiate;

	/* libmilter runs a thread per connection; glibc would give them up
	 * to 8 arenas per core, each keeping its own high-water mark. */
	if (p->config.malloc_arenas > 0)
		(void)mallopt(M_ARENA_MAX, (int)p->config.malloc_arenas);
	/* Each connection's thread frees its message's buffers at the end;
	 * glibc's adaptive thresholds would hand most of them back to the
	 * kernel (trim, munmap) and the next message would fault every
	 * page in again (tests/bench/milter_bench.py counts the faults). */
	if (p->config.malloc_keep > 0) {
		uint64_t keep = p->config.malloc_keep;

		(void)mallopt(M_TRIM_THRESHOLD, (int)keep);
		(void)mallopt(M_MMAP_THRESHOLD, (int)(keep < MALLOC_MMAP_MAX ?
		    keep : MALLOC_MMAP_MAX));
	}
	if (smfi_register(desc) != MI_SUCCESS ||
	    smfi_setconn(sock.spec) != MI_SUCCESS) {
		log_error("cannot use milter socket %s", sock.spec);
		goto out;
	}
	(void)smfi_settimeout(300);
	(void)smfi_setbacklog(128);
	/* false: libmilter must not remove what is at the path (a socket
	 * found there was stale and is gone; anything else stays). */
	errno = 0;
	if (smfi_opensocket(false) != MI_SUCCESS) {
		char *why = sockspec_bind_error(&sock, errno);

		log_error("%s", why);
		free(why);
		rc = 2;
		goto out;
	}
	sock.bound = sock.kind == SOCKSPEC_UNIX;
	if (sock.path != NULL) {
		if (chmod(sock.path, (mode_t)p->config.milter_socket_mode) < 0)
			log_warning("chmod %s: %s", sock.path, strerror(errno));
		if (root) {
			own(sock.path, u.uid, u.gid);
			/* So a later start as that user can take it. */
			own(sock.lock_path, u.uid, u.gid);
		}
	}
	if (root && privs_become(&u, &err) < 0) {
		log_error("%s", err);
		free(err);
		goto out;
	}
	/* -P: tried before we detach, so a pid file that cannot be written
	 * fails the start on the terminal; rewritten with the new pid. */
	if (pidfile != NULL) {
		if (pidfile_write(pidfile, &err) < 0) {
			log_error("%s", err);
			free(err);
			rc = 2;
			goto out;
		}
		pid_written = true;
	}
	if (!o->foreground) {
		if (detach(&ready) < 0) {
			log_error("detach: %s", strerror(errno));
			goto out;
		}
		log_set_stderr(false);
		sockspec_lock_mark(&sock);
		if (pidfile != NULL && pidfile_write(pidfile, &err) < 0) {
			log_error("%s", err);
			free(err);
			(void)unlink(pidfile);	/* it names our parent */
			pid_written = false;
			goto out;
		}
	}
	if (reload_start() < 0) {
		log_error("cannot start the reload thread");
		goto out;
	}
	if (metrics_start(h, metrics_log) < 0)
		log_error("cannot start the metrics thread");
	log_notice("listening on %s with %s (%zu rules, policy %s)",
	    sock.spec, o->config, p->nrules, p->hash);
	policy_unref(&p);
	ready_tell(&ready);
	rc = smfi_main() == MI_SUCCESS ? 0 : 1;
	/* SIGTERM: libmilter stopped accepting; let messages in flight
	 * finish (bounded), so none is cut off mid-verdict. */
	for (int i = 0; i < 300 && __atomic_load_n(&active_conns,
	    __ATOMIC_RELAXED) > 0; i++)
		usleep(100000);
	log_notice("stopped");
out:
	/* The reload thread uses the holder and the engine: stop it first. */
	reload_stop();
	metrics_stop();
	policy_unref(&p);
	policy_holder_destroy(h);
	alert_log_close(&alerts);
	reload_free();
	content_thread_done();
	free(store_failure);
	store_failure = NULL;
	if (pid_written)
		pidfile_remove(pidfile);
	free(pidfile);
	/* Our socket and its lock file go; the lock is dropped last. */
	sockspec_free(&sock);
	if (ready >= 0)
		(void)close(ready);	/* the starter exits 2 */
	return rc;
}
