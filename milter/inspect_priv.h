/*
 * inspect_priv.h - the state of one message in the pipeline, shared by the
 * stages of milter/inspect*.c (inspect.c lists them).  Not for use outside
 * those files.
 */
#ifndef MSGSEC_INSPECT_PRIV_H
#define MSGSEC_INSPECT_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "content.h"
#include "decide.h"
#include "inspect.h"
#include "mime.h"

/*
 * No fixed bound on what a message's facts may hold: check names are kept
 * once each (the table of policy/check.c bounds them), extensions are read
 * from the names when a rule asks, virus names grow with the scans (one
 * per scan at most).  A fact dropped for want of room is a rule that does
 * not fire.
 */
#define RFC5322_LINE_MAX 998

struct attachment {
	size_t part;
	const char *reading;	/* NULL: the primary reading; else the
				 * alternative reading it was found in */
	bool member;		/* an archive member, not a MIME part */
	char true_type[128];	/* libmagic's answer, "" until known */
	bool off_valid;		/* where it lies in the message, for strip */
	uint64_t off_header, off_end;
	char *names[2];		/* normalised filename, name (may be NULL) */
	char *raw[2];		/* as declared, decoded to UTF-8 */
	char declared[128];
	const char **checks;	/* each name once */
	size_t nchecks;
};

struct hdr_field {
	char *name;
	char *value;		/* decoded, unfolded */
};

struct inspect {
	struct policy *p;
	const struct limits *lim;
	struct envelope env;
	char *mail_from;
	char **rcpts;
	time_t now;
	bool real_clock;	/* now was 0: alerts carry the real time */

	struct mime *mime;
	struct spool spool;
	bool spooling;
	bool store;		/* commit blocked messages to the store */
	bool store_failed;	/* ... and that, or the spool, failed */
	struct scan_engine *engine;
	char **viruses;		/* names libclamav reported, each once */
	size_t nviruses;
	char *scan_error;
	bool internal_error;
	char *internal_why;

	/* raw scan */
	uint64_t size;
	uint64_t body_off;	/* where the top-level body starts */
	size_t line_len;
	bool raw_in_headers;
	bool prev_cr;
	bool line_start;

	/* top-level header fields */
	struct hdr_field *fields;
	size_t nfields;
	char *subject;
	char *from_raw;		/* the first From, as sent (for addresses) */

	/* text for content rules */
	struct buf text;	/* all text parts, NUL-separated */
	struct span *texts;
	size_t ntexts;
	struct buf part_text;	/* the current text part, raw decoded */
	size_t text_part;	/* SIZE_MAX when none */
	bool text_html;
	char text_charset[64];

	struct attachment *atts;
	size_t natts;

	/* the leaf part being read: its head for libmagic, all of it when
	 * it is an archive or office document to look into */
	struct buf part_bytes;
	size_t part_index;	/* SIZE_MAX when none */
	bool part_decided;	/* head seen: keep collecting or not */
	bool part_all;
	bool part_scan;		/* keep the whole part for libclamav */
	struct content_budget budget;

	const char **checks;	/* message-level, each name once */
	size_t nchecks;
	size_t parts;
	bool is_multipart;

	enum direction direction;
	const struct agency *agency;

	/* readings (inspect_reading.c) */
	uint64_t mime_fed;	/* bytes the primary parser was given */
	const char *reading;	/* the pass: NULL primary, else its name */
	struct reading_pass *pass;	/* a re-reading's state, or NULL */
	char **rnames;		/* composed readings' names, owned */
	size_t nrnames;
	unsigned amb_found;	/* kinds whose reading yielded more */
	bool legacy_amb;	/* a uuencoded part read two ways (legacy.h) */
	char *amb_detail;	/* their names, "boundary,name" */
	bool inventory;
	struct inspect_item *items;
	size_t nitems;

	struct hit *hits;
	size_t nhits;
	struct rcpt_verdict *rv;	/* inspect_rcpt.c */
	struct decide_subject *subjects;	/* whom it concerns: each
						 * recipient inbound, else the
						 * sender or no one (one) */
	size_t nsubjects;
	struct verdict verdict;
	bool finished;
};

/*
 * inspect.c: raise a message-level check, or one on an attachment (each
 * name once); the facts of a part of the reading under way (made on first
 * use; never NULL).
 */
void inspect_raise(struct inspect *in, const char *name);
void inspect_att_check(struct attachment *a, const char *name);
struct attachment *inspect_attachment_for(struct inspect *in,
    const struct mime_part *part);

/* inspect_feed.c: the MIME parser's events (mime_new's callback). */
int inspect_on_mime(void *ctx, const struct mime_event *ev);

/* inspect_message.c: the raw bytes' checks; a top-level field kept and
 * checked; the message-level checks once every field is read. */
void inspect_raw_scan(struct inspect *in, const char *data, size_t len);
void inspect_top_header(struct inspect *in, struct span name,
    struct span value);
void inspect_message_checks(struct inspect *in);

/* inspect_text.c: a part begins (text for content rules when it is the
 * message's own text/plain or text/html) and ends; the text complete at
 * the end of the message. */
void inspect_text_begin(struct inspect *in, const struct mime_part *part);
void inspect_text_end(struct inspect *in);
void inspect_text_finish(struct inspect *in);

/* inspect_archive.c: the files hidden in text of part (len bytes at t,
 * NULL for none) in legacy encodings, each judged like an attachment. */
void inspect_legacy_text(struct inspect *in, size_t part, const char *t,
    size_t len);
/* How a part's transfer encoding has its bytes read again as a file:
 * 'u' (uuencode, yEnc), 'b' (BinHex), '-' (not).  Two readings that give
 * a part the same bytes under another class read it two ways. */
char inspect_legacy_class(const char *cte);

/* inspect_names.c: a part's declared names (filename, name) and what
 * they say. */
void inspect_part_names(struct inspect *in, const struct mime_part *part);

/* inspect_rules.c: the message's direction and subjects (after the last
 * byte); every rule that applies over the message and its attachments,
 * one hit per rule that holds. */
void inspect_direction(struct inspect *in);
void inspect_rules(struct inspect *in);

/* inspect_verdict.c: the verdict from the hits, its reply, the store. */
void inspect_verdict(struct inspect *in);

/* inspect_names.c: a name as a reader shows it (malloc'd; *bidi_r set
 * when invisible or bidirectional characters were removed). */
char *inspect_name_normalise(const char *raw, bool *bidi_r);
/* a's name as declared, a member as ARCHIVE/PATH; malloc'd, or NULL when
 * it has none (inspect_output.c). */
char *inspect_att_name(const struct inspect *in, const struct attachment *a);
/* The extensions of a normalised name, one per call from *pos (0 to
 * start); false after the last. */
bool inspect_name_ext(const char *name, size_t *pos, struct span *e);
/* A dangerous last extension disguised behind another or by padding. */
bool inspect_name_double_ext(const struct inspect *in, const char *name);
/* The last extension names a type family the true type contradicts. */
bool inspect_name_type_mismatch(const char *name, const char *type);

/* inspect_feed.c: the MIME parser's limits from limits.* (every reading
 * uses them). */
void inspect_mime_limits(const struct inspect *in, struct mime_limits *ml);

/* inspect_virus.c: libclamav on bytes msgsec decoded (a virus found is
 * virus.found with its name), and on the whole message at the end. */
void inspect_virus_decoded(struct inspect *in, const void *data, size_t len);
void inspect_virus_message(struct inspect *in);

/*
 * inspect_reading.c: read the message again in each way its ambiguities
 * allow, inspect what a reading yields that the primary one did not, and
 * raise mime.ambiguous when one does.  Called by inspect_finish() after
 * the primary reading is complete.
 */
void inspect_readings(struct inspect *in);
/* Inventory items for a decoded legacy file and an archive member. */
void inspect_item_bytes(struct inspect *in, size_t part, const char *kind,
    const char *name, const char *type, const void *data, size_t len);
void inspect_items_free(struct inspect *in);

/* inspect_feed.c, for the re-readings too: a limit or defect event; a
 * multipart or message part of another reading: its names. */
void inspect_defect(struct inspect *in, const struct mime_event *ev);
void inspect_container_names(struct inspect *in, const struct mime_part *p);
/* inspect_archive.c: a leaf part's begin, bytes and end (inspect false:
 * drop it, already seen). */
void inspect_leaf_begin(struct inspect *in, const struct mime_part *p);
void inspect_leaf_body(struct inspect *in, const struct mime_part *p,
    struct span s);
void inspect_leaf_end(struct inspect *in, const struct mime_part *p,
    bool inspect);

/*
 * inspect_rcpt.c: the subjects (each recipient and its agency inbound,
 * the sender outbound) and a label agency; a hit's action for each
 * recipient and overall (decide.h: scope, exceptions, monitor mode);
 * whether its recipients' actions differ; and, after the hits, each
 * recipient's verdict and the split.
 */
void inspect_rcpt_agencies(struct inspect *in);
void inspect_hit_scope(struct inspect *in, struct hit *h);
bool inspect_hit_differs(const struct inspect *in, const struct hit *h);
void inspect_rcpt_verdicts(struct inspect *in);

/* inspect_output.c: the store entry's meta.json (one line). */
char *inspect_meta_json(const struct inspect *in);

/* inspect_verdict.c: the attachment object of a MIME part of the primary
 * reading (not of an archive member). */
const struct attachment *inspect_att_of(const struct inspect *in,
    size_t part);

#endif
