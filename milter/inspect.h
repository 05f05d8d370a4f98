/*
 * inspect.h - one message through the policy: the pipeline that both the
 * daemon's callbacks and `msgsec-milter --test` drive.
 *
 *   bytes -> MIME walk (mime.c) -> part inspection (names, types, text,
 *   RFC 5322 checks) -> rules (policy/) -> verdict, hits, alerts
 *
 * The caller feeds the message as on the wire (header block, blank line,
 * body) in chunks of any size, then calls inspect_finish.  Memory is
 * bounded by the limits: the message itself goes to a spool file, not to
 * memory.
 *
 * Thread safety: one struct inspect per message; the policy snapshot it
 * holds is shared read-only.
 */
#ifndef MSGSEC_INSPECT_H
#define MSGSEC_INSPECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "action.h"
#include "alert.h"
#include "cidr.h"
#include "policy.h"
#include "quarantine.h"

struct envelope {
	const char *queue_id;	/* macro i, or NULL */
	const char *mail_from;	/* without angle brackets */
	const char *const *rcpts;
	size_t nrcpts;
	struct ipaddr client;
	bool has_client;
	const char *auth_user;	/* {auth_authen}, NULL if none */
	const char *daemon;	/* {daemon_name}, NULL if none */
	bool smtputf8;		/* MAIL FROM carried SMTPUTF8 */
};

struct hit {
	const struct rule *rule;
	enum action action;	/* what happens (after monitor, exceptions) */
	enum action intended;	/* what the rule says */
	const char *exception;	/* id, or NULL */
	bool monitor;
	size_t part;		/* MIME part index, or SIZE_MAX */
	char *filename;		/* NULL if none */
	char *detail;		/* NULL if none */
	const char *reading;	/* the alternative reading the attachment
				 * was found in, NULL for the primary */
	enum action *per_rcpt;	/* the action for each recipient of the
				 * envelope (ACTION_ACCEPT where the rule's
				 * scope leaves it out); NULL when the hit
				 * concerns the sender alone (outbound) */
	const char **per_exc;	/* the exception lowering it for each
				 * recipient, or NULL; with per_rcpt */
};

/*
 * A recipient's own verdict: the strictest of what every hit means for
 * it (its agency in the rule's scope, an exception covering it).
 */
struct rcpt_verdict {
	const char *rcpt;
	const char *agency;	/* id or NULL */
	enum action action;
	const struct hit *decider;	/* NULL when accepted */
	const char *exception;	/* an exception that lowered a hit for it */
	bool removed;		/* split: taken off the envelope, kept in
				 * the store for it */
};

struct verdict {
	enum action action;
	const struct hit *decider;	/* NULL when accepted */
	char rcode[4];		/* "550" */
	char xcode[16];		/* "5.7.1" */
	char *text;		/* reply text */
	enum direction direction;
	const char *agency;	/* id or NULL */
	const struct hit *hits;
	size_t nhits;
	char quarantine_id[96];	/* "" unless stored */
	const struct rcpt_verdict *rcpts;	/* one per envelope recipient
						 * (inbound), else NULL */
	size_t nrcpts;
	bool differs;		/* the recipients' verdicts are not all one */
	size_t nremoved;	/* milter.split_recipients: recipients taken
				 * off the envelope (action is then the
				 * verdict of the others) */
};

struct inspect;

/* Start a message.  p is referenced for the message's lifetime. */
struct scan_engine;

/*
 * engine: the virus scanner (referenced for the message), or NULL when
 * none could be loaded; with clamav.enabled that makes every message raise
 * virus.unscannable.  store: keep blocked messages in the quarantine store
 * (the daemon; --test only with --store).  now: the time to judge at, or
 * 0 for the clock (the alerts are then stamped when they are written, to
 * the microsecond; a given time stamps them with itself).
 */
struct inspect *inspect_new(struct policy *p, const struct envelope *env,
    time_t now, struct scan_engine *engine, bool store);
void inspect_free(struct inspect **in);

/* Raw message bytes.  Returns 0, or -1 on an internal error (spool). */
int inspect_feed(struct inspect *in, const char *data, size_t len);

/*
 * End of message: run the rules and decide.  When the verdict blocks the
 * message (reject, discard, quarantine, strip) and a spool exists, the
 * message is stored first; if that fails the verdict becomes the
 * configured internal-error action (tempfail).
 */
const struct verdict *inspect_finish(struct inspect *in);

/* After inspect_finish: the store (or the spool) failed, so the verdict
 * is the internal-error action instead of the one the rules gave. */
bool inspect_store_failed(const struct inspect *in);

/*
 * For a strip verdict: the new body (everything after the top-level
 * header block), read back from the stored original, with each stripped
 * part replaced by a short text part naming what was removed and where the
 * original is kept.  emit gets the bytes in order.  Returns 0 or -1.
 */
int inspect_strip(const struct inspect *in,
    int (*emit)(void *ctx, const char *p, size_t len), void *ctx);

/*
 * The inventory: what msgsec inspected, for the reader jury and the
 * differential fuzzer.  One item per leaf part of every reading that was
 * inspected, per file found in a legacy encoding and per archive member.
 * Off unless asked for before the first inspect_feed(); read after
 * inspect_finish().  Strings stay valid until inspect_free().
 */
struct inspect_item {
	const char *reading;	/* "primary", "last-header", ... */
	size_t part;		/* MIME part index in that reading */
	const char *kind;	/* "part", "legacy" or "member" */
	const char *names[2];	/* filename, name as declared (UTF-8), or
				 * NULL; a legacy file or member: names[0] */
	const char *type;	/* true type ("" if not known) */
	uint64_t size;		/* decoded bytes ("member": 0, not known) */
	char sha256[65];	/* of the decoded bytes, "" for a member */
	char sha256n[65];	/* the same with CR... LF as LF and trailing
				 * white space dropped */
};

void inspect_set_inventory(struct inspect *in, bool on);
size_t inspect_inventory(const struct inspect *in,
    const struct inspect_item **items);

/*
 * The MIME_AMB_* kinds whose alternative reading yielded a part (name or
 * bytes) the primary reading did not: what mime.ambiguous reports.  0 if
 * every reading agreed.  After inspect_finish().
 */
unsigned inspect_ambiguous(const struct inspect *in);

/* The verdict as the --test JSON object, one line. */
void inspect_json(const struct inspect *in, struct buf *out);

/* One alert per hit (event_type "mail").  Returns alerts not written. */
size_t inspect_alerts(const struct inspect *in, struct alert_log *log);

/* The tag header lines to add ("X-Msgsec-Policy", value) and prefix. */
size_t inspect_tags(const struct inspect *in, const char **names,
    const char **values, size_t max);
const char *inspect_subject_prefix(const struct inspect *in);
const char *inspect_subject(const struct inspect *in);	/* decoded */
/*
 * Why the message could not be judged (the spool or the store failed:
 * the folder and the errno), or NULL.  Valid until inspect_free.
 */
const char *inspect_error(const struct inspect *in);

#endif
