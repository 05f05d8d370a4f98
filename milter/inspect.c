/*
 * inspect.c - the message pipeline: MIME events in, facts out, rules over
 * the facts, one verdict.
 *
 * Trusts: nothing in the message.  What it keeps per message, all bounded:
 * the top-level header fields (limits.header_*), decoded text for content
 * rules (limits.text_bytes), one record per named part (limits.mime_parts),
 * the checks raised.  The bytes themselves go to the spool file.
 *
 * Facts are offered to the rules through two kinds of object: the message
 * (envelope, headers, subject, text, message-level checks) and each
 * attachment (the message's fields plus the attachment's names,
 * extensions, types and checks).  A rule that names no attachment field
 * and no check is judged once, on the message.
 */
#include "inspect.h"

#include <stdint.h>
#include <stdio.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>

#include "address.h"
#include "check.h"
#include "content.h"
#include "legacy.h"
#include "json.h"
#include "mem.h"
#include "mime.h"
#include "regex.h"
#include "rfc2047.h"
#include "rfcdate.h"
#include "scan.h"

#include "inspect_priv.h"

/* ------------------------------------------------------------ checks */

/*
 * Add a check name once.  No bound: the names come from the fixed table of
 * policy/check.c, so the list cannot outgrow it, and a check dropped here
 * would be a rule that silently never fires.
 */
static void
add_check(const char ***v, size_t *n, const char *name)
{
	for (size_t i = 0; i < *n; i++)
		if (strcmp((*v)[i], name) == 0)
			return;
	*v = mem_reallocarray(*v, *n + 1, sizeof(**v));
	(*v)[(*n)++] = name;
}

void
inspect_raise(struct inspect *in, const char *name)
{
	add_check(&in->checks, &in->nchecks, name);
}

/*
 * The facts of a part, or of a member or legacy file below: never NULL.
 * No bound of its own: parts are bounded by limits.mime_parts (per
 * reading), members and files in legacy encodings by
 * limits.archive_members, and a part without its facts would be one no
 * name or type rule sees.
 */
static struct attachment *
attachment_for(struct inspect *in, const struct mime_part *part)
{
	struct attachment *a;

	if (in->natts > 0 && in->atts[in->natts - 1].part == part->index &&
	    !in->atts[in->natts - 1].member &&
	    in->atts[in->natts - 1].reading == in->reading)
		return &in->atts[in->natts - 1];
	in->atts = mem_reallocarray(in->atts, in->natts + 1,
	    sizeof(*in->atts));
	a = &in->atts[in->natts++];
	memset(a, 0, sizeof(*a));
	a->part = part->index;
	a->reading = in->reading;
	/* A part of another reading is not cut out: it is held whole. */
	a->off_valid = part->off_valid && part->index != 0 &&
	    !part->is_multipart && !part->is_message && in->reading == NULL;
	a->off_header = part->off_header;
	str_lcpy(a->declared, part->type, sizeof(a->declared));
	return a;
}

static void
att_check(struct attachment *a, const char *name)
{
	add_check(&a->checks, &a->nchecks, name);
}

/* ------------------------------------------------------------ true types */

static bool
list_has(const struct inspect *in, const char *list, const char *s)
{
	const struct list *l = policy_list(in->p, list);

	return l != NULL && list_has_str(l, s, strlen(s));
}

static bool
is_archive_type(void *ctx, const char *type)
{
	const struct inspect *in = ctx;

	return list_has(in, in->p->config.archive_list, type);
}

static struct attachment *
new_member(struct inspect *in, size_t part)
{
	struct attachment *a;

	in->atts = mem_reallocarray(in->atts, in->natts + 1,
	    sizeof(*in->atts));
	a = &in->atts[in->natts++];
	memset(a, 0, sizeof(*a));
	a->part = part;
	a->member = true;
	a->reading = in->reading;
	return a;
}

struct walk_ctx {
	struct inspect *in;
	size_t part;
	size_t owner;		/* index of the part's attachment */
};

static bool
walk_is_archive(void *ctx, const char *type)
{
	return is_archive_type(((struct walk_ctx *)ctx)->in, type);
}

static void
on_member(void *ctx, enum content_event ev, const struct content_member *m)
{
	struct walk_ctx *w = ctx;
	struct inspect *in = w->in;
	struct attachment *a;
	bool bidi = false;

	if (ev == CONTENT_ENCRYPTED) {
		att_check(&in->atts[w->owner], "archive.encrypted");
		return;
	}
	if (ev == CONTENT_MACRO) {
		att_check(&in->atts[w->owner], "office.macro");
		return;
	}
	if (in->inventory)
		inspect_item_bytes(in, w->part, "member", m->path,
		    m->type != NULL ? m->type : "", NULL, 0);
	a = new_member(in, w->part);
	a->raw[0] = mem_strdup(m->path);
	a->names[0] = inspect_name_normalise(m->path, &bidi);
	if (inspect_name_double_ext(in, a->names[0]))
		att_check(a, "attachment.double-extension");
	if (bidi)
		att_check(a, "attachment.bidi-name");
	if (m->type != NULL) {
		str_lcpy(a->true_type, m->type, sizeof(a->true_type));
		if (inspect_name_type_mismatch(a->names[0], a->true_type))
			att_check(a, "attachment.type-mismatch");
	}
}

/*
 * A file found inside a part in a legacy encoding (uuencode, yEnc,
 * BinHex, TNEF): judged like an attachment, archives opened.
 */
struct legacy_ctx {
	struct inspect *in;
	size_t part;
};

/*
 * A file decoded from a legacy encoding.  Each one is a member of its part
 * and spends the message's member budget (limits.archive_members): past
 * it, the decoder stops and limit.archive is raised, never a silent cut.
 */
static bool
on_legacy(void *ctx, const char *kind, const char *name, const void *data,
    size_t len, bool truncated)
{
	struct legacy_ctx *lc = ctx;
	struct inspect *in = lc->in;
	struct attachment *a;
	bool bidi = false;
	size_t owner;

	if (strcmp(kind, "uuencode-stream") == 0)
		in->legacy_amb = true;	/* mime.ambiguous: decoding */
	if (in->budget.members == 0) {
		inspect_raise(in, "limit.archive");
		return false;
	}
	in->budget.members--;
	a = new_member(in, lc->part);
	if (in->inventory)
		inspect_item_bytes(in, lc->part, "legacy", name,
		    content_type(data, len), data, len);
	if (truncated)
		inspect_raise(in, "limit.archive");
	a->raw[0] = mem_strdup(name);
	a->names[0] = inspect_name_normalise(name, &bidi);
	if (inspect_name_double_ext(in, a->names[0]))
		att_check(a, "attachment.double-extension");
	if (bidi)
		att_check(a, "attachment.bidi-name");
	str_lcpy(a->true_type, content_type(data, len), sizeof(a->true_type));
	if (inspect_name_type_mismatch(a->names[0], a->true_type))
		att_check(a, "attachment.type-mismatch");
	owner = (size_t)(a - in->atts);
	if (content_is_office(a->true_type) && content_has_macros(data, len,
	    a->true_type))
		att_check(a, "office.macro");
	/* libclamav cannot see inside yEnc (and we decode the others
	 * ourselves anyway): scan what we decoded. */
	inspect_virus_decoded(in, data, len);
	if (is_archive_type(in, a->true_type)) {
		struct walk_ctx w = { in, lc->part, owner };
		char *nm = mem_strdup(a->names[0]);

		if (content_walk(data, len, nm, walk_is_archive, &in->budget,
		    on_member, &w) < 0 || in->budget.hit)
			inspect_raise(in, "limit.archive");
		free(nm);
	}
	return true;
}

/* Transfer encodings that are legacy encodings of a file. */
static bool
is_text_encoding(const char *cte)
{
	static const char *const e[] = { "x-uuencode", "uuencode", "x-uue",
		"uue", "x-yencode", "yencode", "x-yenc", "yenc" };

	for (size_t i = 0; i < sizeof(e) / sizeof(e[0]); i++)
		if (strcmp(cte, e[i]) == 0)
			return true;
	return false;
}

static bool
is_binhex_encoding(const char *cte)
{
	return strcmp(cte, "x-binhex") == 0 || strcmp(cte, "mac-binhex40") ==
	    0 || strcmp(cte, "x-binhex40") == 0 || strcmp(cte, "binhex") == 0;
}

static bool
is_legacy_encoding(const char *cte)
{
	return is_text_encoding(cte) || is_binhex_encoding(cte);
}

static bool
is_legacy_type(const char *type, const char *name)
{
	return strcmp(type, "application/mac-binhex40") == 0 ||
	    strcmp(type, "application/ms-tnef") == 0 ||
	    strcmp(type, "application/vnd.ms-tnef") == 0 ||
	    (name != NULL && strcasecmp(name, "winmail.dat") == 0);
}

/* The message's own text, read by text_begin()/text_end(). */
static bool
is_inline_text(const struct mime_part *p)
{
	return (strcmp(p->type, "text/plain") == 0 ||
	    strcmp(p->type, "text/html") == 0) && p->filename == NULL;
}

/* Files hidden in text in old encodings: uuencode, yEnc, BinHex. */
static void
legacy_scan_all(struct inspect *in, struct legacy_ctx *lc, const char *t,
    size_t len)
{
	if (t == NULL)
		t = "";
	(void)legacy_scan_text(t, len, (size_t)in->lim->archive_bytes,
	    on_legacy, lc);
	if (memmem(t, len, "(This file must be converted with BinHex", 41) !=
	    NULL)
		(void)legacy_binhex(t, len, (size_t)in->lim->archive_bytes,
		    on_legacy, lc);
}

/* A leaf part ended: its true type, and what is inside it. */
static void
inspect_content(struct inspect *in, const struct mime_part *p)
{
	struct attachment *a = attachment_for(in, p);
	const char *type;
	size_t owner;

	if (a->names[0] == NULL && a->names[1] == NULL &&
	    strncmp(p->type, "text/", 5) == 0 && in->part_bytes.len > 0 &&
	    memchr(in->part_bytes.data, '\0', in->part_bytes.len) == NULL &&
	    !(in->part_bytes.len >= 2 && in->part_bytes.data[0] == '#' &&
	    in->part_bytes.data[1] == '!') &&
	    !(in->part_bytes.len >= 2 && in->part_bytes.data[0] == 'M' &&
	    in->part_bytes.data[1] == 'Z')) {
		/*
		 * The message's own text, unnamed and plainly text: libmagic's
		 * text heuristics (regexes compiled per call) would cost more
		 * than the rest of the message together, and an inline body
		 * runs nothing.  Named parts, binary bytes, "#!" and "MZ"
		 * still go to libmagic.
		 */
		type = p->type;
	} else {
		type = content_type(in->part_bytes.data, in->part_bytes.len);
	}
	str_lcpy(a->true_type, type, sizeof(a->true_type));
	for (int i = 0; i < 2; i++)
		if (a->names[i] != NULL && inspect_name_type_mismatch(a->names[i], type))
			att_check(a, "attachment.type-mismatch");
	owner = (size_t)(a - in->atts);
	if (in->part_all && is_text_encoding(p->encoding_name)) {
		struct legacy_ctx lc = { in, p->index };
		const char *t = in->part_bytes.data != NULL ?
		    in->part_bytes.data : "";

		(void)legacy_scan_uu_part(t, in->part_bytes.len,
		    (size_t)in->lim->archive_bytes, on_legacy, &lc);
		a = &in->atts[owner];
	} else if (in->part_all && strncmp(p->type, "text/", 5) == 0 &&
	    !is_inline_text(p)) {
		/* A text attachment (notes.txt, text/x-log): MIME-tools
		 * and others extract the uuencoded files in it as they do
		 * in the message's own text (text_end). */
		struct legacy_ctx lc = { in, p->index };

		legacy_scan_all(in, &lc, in->part_bytes.data,
		    in->part_bytes.len);
		a = &in->atts[owner];
	} else if (in->part_all && (is_legacy_type(p->type, a->names[0]) ||
	    is_binhex_encoding(p->encoding_name))) {
		struct legacy_ctx lc = { in, p->index };

		if (legacy_tnef(in->part_bytes.data, in->part_bytes.len,
		    (size_t)in->lim->archive_bytes, on_legacy, &lc) < 0)
			(void)legacy_binhex(in->part_bytes.data,
			    in->part_bytes.len, (size_t)in->lim->archive_bytes,
			    on_legacy, &lc);
		a = &in->atts[owner];	/* the array may have moved */
	}
	if (content_is_office(type) && in->part_all &&
	    content_has_macros(in->part_bytes.data, in->part_bytes.len, type))
		att_check(&in->atts[owner], "office.macro");
	if (in->part_all && is_archive_type(in, type)) {
		struct walk_ctx w = { in, p->index, owner };

		if (content_walk(in->part_bytes.data, in->part_bytes.len,
		    a->names[0] != NULL ? a->names[0] : a->names[1],
		    walk_is_archive, &in->budget, on_member, &w) < 0 ||
		    in->budget.hit)
			inspect_raise(in, "limit.archive");
	}
	/* The decoded part from memory; libclamav opens the archives in it
	 * (each member is scanned within this scan, to its recursion
	 * limit). */
	if (in->part_scan && in->part_bytes.len > 0)
		inspect_virus_decoded(in, in->part_bytes.data, in->part_bytes.len);
}

/* Collect a leaf part's bytes: the head always, all of it if needed. */
static void
part_bytes(struct inspect *in, struct span s)
{
	if (in->part_decided && !in->part_all && !in->part_scan)
		return;
	if (buf_append(&in->part_bytes, s.p, s.len) < 0) {
		/* Over limits.archive_bytes.  An archive we cannot look
		 * inside is a limit hit; a part kept only for libclamav is
		 * still scanned with the whole message. */
		if (!in->part_decided || in->part_all)
			inspect_raise(in, "limit.archive");
		in->part_all = false;
		in->part_scan = false;
		in->part_decided = true;
		return;
	}
	if (!in->part_decided && in->part_bytes.len >= CONTENT_HEAD) {
		const char *t = content_type(in->part_bytes.data,
		    in->part_bytes.len);

		in->part_decided = true;
		in->part_all = is_archive_type(in, t) || content_is_office(t);
	}
}

static void
inspect_names(struct inspect *in, const struct mime_part *part)
{
	const char *raws[2] = { part->filename, part->name };
	struct attachment *a;
	bool bidi = false;

	if (raws[0] == NULL && raws[1] == NULL)
		return;
	a = attachment_for(in, part);
	for (int i = 0; i < 2; i++) {
		if (raws[i] == NULL)
			continue;
		a->raw[i] = mem_strdup(raws[i]);
		a->names[i] = inspect_name_normalise(raws[i], &bidi);
		if (inspect_name_double_ext(in, a->names[i]))
			att_check(a, "attachment.double-extension");
	}
	if (bidi)
		att_check(a, "attachment.bidi-name");
	if (a->names[0] != NULL && a->names[1] != NULL &&
	    strcmp(a->names[0], a->names[1]) != 0)
		att_check(a, "attachment.name-mismatch");
}

/* ------------------------------------------------------------ text */

static void
text_begin(struct inspect *in, const struct mime_part *part)
{
	bool plain = strcmp(part->type, "text/plain") == 0;
	bool html = strcmp(part->type, "text/html") == 0;

	in->text_part = SIZE_MAX;
	if ((!plain && !html) || part->filename != NULL)
		return;
	in->text_part = part->index;
	in->text_html = html;
	str_lcpy(in->text_charset, part->charset, sizeof(in->text_charset));
	buf_reset(&in->part_text);
}

/* Remove tags, scripts and styles from HTML; keep text. */
static void
strip_html(struct span html, struct buf *out)
{
	bool tag = false;
	size_t skip_until = 0;

	for (size_t i = 0; i < html.len; i++) {
		char c = html.p[i];

		if (i < skip_until)
			continue;
		if (tag) {
			if (c == '>')
				tag = false;
			continue;
		}
		if (c == '<') {
			static const char *const blocks[] = { "script",
				"style" };

			tag = true;
			for (size_t b = 0; b < 2; b++) {
				size_t n = strlen(blocks[b]);
				char end[16];

				if (html.len - i > n + 1 && strncasecmp(html.p +
				    i + 1, blocks[b], n) == 0) {
					snprintf(end, sizeof(end), "</%s",
					    blocks[b]);
					const char *e = memmem(html.p + i,
					    html.len - i, end, strlen(end));

					skip_until = e == NULL ? html.len :
					    (size_t)(e - html.p);
				}
			}
			(void)buf_append(out, " ", 1);
			continue;
		}
		(void)buf_append(out, &c, 1);
	}
}

static void
text_end(struct inspect *in)
{
	struct buf utf8;
	size_t start;

	if (in->text_part == SIZE_MAX)
		return;
	{
		/* Files hidden in the text in old encodings. */
		struct legacy_ctx lc = { in, in->text_part };

		legacy_scan_all(in, &lc, in->part_text.data,
		    in->part_text.len);
	}
	in->text_part = SIZE_MAX;
	buf_init(&utf8, in->lim->text_bytes);
	if (rfc2047_charset_to_utf8(span_from_cstr(in->text_charset),
	    (struct span){ in->part_text.data != NULL ? in->part_text.data :
	    "", in->part_text.len }, &utf8, NULL) < 0)
		inspect_raise(in, "limit.text");
	start = in->text.len;
	if (in->text_html) {
		struct buf stripped;
		bool space = true;

		/* Tags become spaces; runs of white space become one, so
		 * "<b>won</b> the" reads "won the" to a content rule. */
		buf_init(&stripped, in->lim->text_bytes);
		strip_html((struct span){ utf8.data, utf8.len }, &stripped);
		for (size_t i = 0; i < stripped.len; i++) {
			char ch = stripped.data[i];
			bool ws = ch == ' ' || ch == '\t' || ch == '\r' ||
			    ch == '\n';

			if (ws && space)
				continue;
			space = ws;
			if (buf_append(&in->text, ws ? " " : &ch, 1) < 0) {
				inspect_raise(in, "limit.text");
				break;
			}
		}
		buf_free(&stripped);
	} else {
		if (buf_append(&in->text, utf8.data, utf8.len) < 0)
			inspect_raise(in, "limit.text");
	}
	if (in->text.len > start) {
		in->texts = mem_reallocarray(in->texts, in->ntexts + 1,
		    sizeof(*in->texts));
		in->texts[in->ntexts].p = NULL;	/* fixed up at the end */
		in->texts[in->ntexts].len = in->text.len - start;
		in->ntexts++;
	}
	buf_free(&utf8);
	buf_reset(&in->part_text);
}

/* ------------------------------------------------------------ headers */

static void
top_header(struct inspect *in, struct span name, struct span value)
{
	struct buf dec;
	struct hdr_field *f;

	if (in->nfields >= in->lim->header_count)
		return;
	buf_init(&dec, in->lim->header_bytes);
	(void)rfc2047_decode(value, &dec);
	in->fields = mem_reallocarray(in->fields, in->nfields + 1,
	    sizeof(*in->fields));
	f = &in->fields[in->nfields++];
	f->name = mem_strndup(name.p, name.len);
	str_lower(f->name);
	f->value = dec.data != NULL ? dec.data : mem_strdup("");
	if (strcmp(f->name, "subject") == 0 && in->subject == NULL)
		in->subject = mem_strdup(f->value);
	/* Addresses are parsed from the raw value: a comma that RFC 2047
	 * decoding puts into a display name must not split it. */
	if (strcmp(f->name, "from") == 0 && in->from_raw == NULL)
		in->from_raw = mem_strndup(value.p, value.len);
	/* 8-bit bytes in a header need SMTPUTF8 (RFC 6531). */
	if (!in->env.smtputf8) {
		for (size_t i = 0; i < value.len; i++)
			if ((unsigned char)value.p[i] >= 0x80) {
				inspect_raise(in, "rfc5322.8bit-header");
				break;
			}
		for (size_t i = 0; i < name.len; i++)
			if ((unsigned char)name.p[i] >= 0x80)
				inspect_raise(in, "rfc5322.8bit-header");
	}
	for (size_t i = 0; i < name.len; i++)
		if ((unsigned char)name.p[i] < 33 ||
		    (unsigned char)name.p[i] > 126)
			inspect_raise(in, "rfc5322.field-name.invalid");
}

static size_t
field_count(const struct inspect *in, const char *name)
{
	size_t n = 0;

	for (size_t i = 0; i < in->nfields; i++)
		n += strcmp(in->fields[i].name, name) == 0;
	return n;
}

static const char *
field_value(const struct inspect *in, const char *name)
{
	for (size_t i = 0; i < in->nfields; i++)
		if (strcmp(in->fields[i].name, name) == 0)
			return in->fields[i].value;
	return NULL;
}

/* RFC 5322 3.6 and the other message-level checks. */
static void
message_checks(struct inspect *in)
{
	static const struct {
		const char *field, *check;
	} once[] = {
		{ "sender", "rfc5322.sender.multiple" },
		{ "reply-to", "rfc5322.reply-to.multiple" },
		{ "to", "rfc5322.to.multiple" },
		{ "cc", "rfc5322.cc.multiple" },
		{ "bcc", "rfc5322.bcc.multiple" },
		{ "message-id", "rfc5322.message-id.multiple" },
		{ "in-reply-to", "rfc5322.in-reply-to.multiple" },
		{ "references", "rfc5322.references.multiple" },
		{ "subject", "rfc5322.subject.multiple" },
	};
	size_t from = field_count(in, "from"), date = field_count(in, "date");
	const char *v;

	if (from == 0)
		inspect_raise(in, "rfc5322.from.missing");
	else if (from > 1)
		inspect_raise(in, "rfc5322.from.multiple");
	if ((v = in->from_raw) != NULL) {
		struct address_list al;

		(void)address_parse(span_from_cstr(v), &al);
		if (al.count == 0)
			inspect_raise(in, "rfc5322.from.no-address");
		else if (al.count > 1 && field_count(in, "sender") == 0)
			inspect_raise(in, "rfc5322.sender.required");
	}
	if (date == 0)
		inspect_raise(in, "rfc5322.date.missing");
	else if (date > 1)
		inspect_raise(in, "rfc5322.date.multiple");
	if ((v = field_value(in, "date")) != NULL) {
		time_t t;
		const char *why;

		if (rfcdate_parse(span_from_cstr(v), &t, &why) < 0)
			inspect_raise(in, "rfc5322.date.invalid");
	}
	for (size_t i = 0; i < sizeof(once) / sizeof(once[0]); i++)
		if (field_count(in, once[i].field) > 1)
			inspect_raise(in, once[i].check);
	/* Automatic forwarding (RFC 3834 Auto-Submitted, RFC 5322 3.6.6
	 * Resent-*, and the headers common forwarders add). */
	v = field_value(in, "auto-submitted");
	if ((v != NULL && strncasecmp(v, "no", 2) != 0) ||
	    field_value(in, "resent-from") != NULL ||
	    field_value(in, "resent-sender") != NULL ||
	    field_value(in, "x-forwarded-for") != NULL ||
	    field_value(in, "x-forwarded-to") != NULL ||
	    field_value(in, "x-ms-exchange-inbox-rules-loop") != NULL)
		inspect_raise(in, "forward.auto");
	if (in->is_multipart && in->p->config.multipart_literal)
		inspect_raise(in, "mime.multipart");
}

/* ------------------------------------------------------------ MIME */

static int
on_mime(void *ctx, const struct mime_event *ev)
{
	struct inspect *in = ctx;
	const struct mime_part *p = ev->part;

	switch (ev->type) {
	case MIME_EV_HEADER:
		if (p->index == 0)
			top_header(in, ev->name, ev->value);
		break;
	case MIME_EV_PART_BEGIN:
		in->parts++;
		if (p->index == 0)
			in->body_off = p->off_body;
		if (p->index == 0 && p->is_multipart)
			in->is_multipart = true;
		if (strcmp(p->type, "message/partial") == 0)
			inspect_raise(in, "mime.partial");
		else if (strcmp(p->type, "message/external-body") == 0)
			inspect_raise(in, "mime.external-body");
		inspect_names(in, p);
		if (!p->is_multipart && !p->is_message) {
			text_begin(in, p);
			inspect_leaf_begin(in, p);
		}
		break;
	case MIME_EV_BODY:
		/* Text past limits.text_bytes is not read by content
		 * rules or the legacy decoders: a finding, not a cut. */
		if (in->text_part == p->index && buf_append(&in->part_text,
		    ev->value.p, ev->value.len) < 0)
			inspect_raise(in, "limit.text");
		inspect_leaf_body(in, p, ev->value);
		break;
	case MIME_EV_PART_END:
		if (in->text_part == p->index)
			text_end(in);
		if (in->part_index == p->index)
			inspect_leaf_end(in, p, true);
		if (in->natts > 0 && in->atts[in->natts - 1].part == p->index)
			in->atts[in->natts - 1].off_end = p->off_end;
		else
			for (size_t i = 0; i < in->natts; i++)
				if (in->atts[i].part == p->index)
					in->atts[i].off_end = p->off_end;
		break;
	case MIME_EV_DEFECT:
		inspect_defect(in, ev);
		break;
	}
	return 0;
}

void
inspect_defect(struct inspect *in, const struct mime_event *ev)
{
	const struct mime_part *p = ev->part;

	switch (ev->defect) {
	case MIME_LIMIT_DEPTH:
		inspect_raise(in, "limit.mime-depth");
		break;
	case MIME_LIMIT_PARTS:
		inspect_raise(in, "limit.mime-parts");
		break;
	case MIME_LIMIT_HEADER_BYTES:
		inspect_raise(in, "limit.header-bytes");
		break;
	case MIME_LIMIT_HEADER_COUNT:
		inspect_raise(in, "limit.header-count");
		break;
	case MIME_LIMIT_LINE_LENGTH:
		inspect_raise(in, "limit.line-length");
		break;
	case MIME_LIMIT_PARAMS:
		inspect_raise(in, "limit.mime-params");
		break;
	case MIME_DEF_BAD_HEADER_LINE:
		if (p->index == 0 && in->reading == NULL)
			inspect_raise(in, "rfc5322.field-name.invalid");
		break;
	default:
		break;
	}
}

/*
 * A leaf part begins: collect its head for libmagic, all of it when it is
 * an archive, an office document or in a legacy encoding, or when it goes
 * to libclamav on its own.
 */
void
inspect_leaf_begin(struct inspect *in, const struct mime_part *p)
{
	in->part_index = p->index;
	/* A text attachment is kept whole too: files in legacy encodings
	 * hide in it (inspect_content). */
	in->part_decided = is_legacy_type(p->type,
	    p->filename != NULL ? p->filename : p->name) ||
	    is_legacy_encoding(p->encoding_name) ||
	    (strncmp(p->type, "text/", 5) == 0 && !is_inline_text(p));
	in->part_all = true;
	/* Every attachment goes to libclamav on its own as well (the
	 * whole-message scan follows libclamav's reading of the MIME
	 * structure, this one ours); the message's own unnamed text is
	 * left to the whole-message scan, except in another reading, which
	 * libclamav's scan does not follow. */
	in->part_scan = in->engine != NULL && in->p->config.clamav_enabled &&
	    (p->filename != NULL || p->name != NULL || in->reading != NULL ||
	    strncmp(p->type, "text/", 5) != 0);
	buf_reset(&in->part_bytes);
}

void
inspect_container_names(struct inspect *in, const struct mime_part *p)
{
	inspect_names(in, p);
}

void
inspect_leaf_body(struct inspect *in, const struct mime_part *p,
    struct span s)
{
	if (in->part_index == p->index)
		part_bytes(in, s);
}

void
inspect_leaf_end(struct inspect *in, const struct mime_part *p, bool inspect)
{
	if (in->part_index != p->index)
		return;
	if (inspect) {
		if (in->reading != NULL)
			inspect_names(in, p);
		inspect_content(in, p);
	}
	in->part_index = SIZE_MAX;
	buf_reset(&in->part_bytes);
}

/* ------------------------------------------------------------ feeding */

void
inspect_mime_limits(const struct inspect *in, struct mime_limits *ml)
{
	mime_limits_default(ml);
	ml->depth = in->lim->mime_depth;
	ml->parts = in->lim->mime_parts;
	ml->header_bytes = in->lim->header_bytes;
	ml->header_count = in->lim->header_count;
	ml->line_length = in->lim->line_length;
	ml->params = in->lim->mime_params;
	ml->param_sections = in->lim->param_sections;
	/* A value is at most its field; only decoding can make it longer
	 * (a bad byte becomes U+FFFD), and a cut is a limit hit. */
	ml->param_bytes = in->lim->header_bytes;
}

struct inspect *
inspect_new(struct policy *p, const struct envelope *env, time_t now,
    struct scan_engine *engine, bool store)
{
	struct inspect *in = mem_calloc(1, sizeof(*in));
	struct mime_limits ml;

	in->p = policy_ref(p);
	in->lim = &p->config.limits;
	in->env = *env;
	in->real_clock = now == 0;
	in->now = now != 0 ? now : time(NULL);
	in->mail_from = mem_strdup(env->mail_from != NULL ? env->mail_from :
	    "");
	in->env.mail_from = in->mail_from;
	in->rcpts = mem_calloc(env->nrcpts + 1, sizeof(*in->rcpts));
	for (size_t i = 0; i < env->nrcpts; i++)
		in->rcpts[i] = mem_strdup(env->rcpts[i]);
	in->env.rcpts = (const char *const *)in->rcpts;
	/* The milter refuses recipients past the limit; --test and other
	 * callers get the finding. */
	if (env->nrcpts > in->lim->recipients)
		inspect_raise(in, "limit.recipients");
	in->env.queue_id = NULL;
	if (env->queue_id != NULL)
		in->env.queue_id = mem_strdup(env->queue_id);
	in->env.auth_user = env->auth_user != NULL ?
	    mem_strdup(env->auth_user) : NULL;
	in->env.daemon = env->daemon != NULL ? mem_strdup(env->daemon) : NULL;
	in->raw_in_headers = true;
	in->line_start = true;
	in->text_part = SIZE_MAX;
	in->part_index = SIZE_MAX;
	buf_init(&in->part_bytes, in->lim->archive_bytes < SIZE_MAX ?
	    (size_t)in->lim->archive_bytes : SIZE_MAX);
	in->budget.depth = in->lim->archive_depth;
	in->budget.members = in->lim->archive_members;
	in->budget.bytes = in->lim->archive_bytes;
	in->budget.ratio = in->lim->archive_ratio;
	buf_init(&in->text, in->lim->text_bytes);
	buf_init(&in->part_text, in->lim->text_bytes);
	inspect_mime_limits(in, &ml);
	in->mime = mime_new(&ml, on_mime, in);
	in->store = store;
	in->engine = engine != NULL ? scan_engine_ref(engine) : NULL;
	{
		char *err = NULL;

		if (spool_open(&in->spool, p->config.quarantine_dir,
		    (size_t)p->config.limits.spool_memory, &err) < 0) {
			in->internal_error = true;
			in->internal_why = err;
		} else {
			in->spooling = true;
		}
	}
	return in;
}

/* Raw byte checks: NUL, line length, bare CR/LF in the header block. */
static void
raw_scan(struct inspect *in, const char *data, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		char c = data[i];

		if (c == '\n') {
			if (in->raw_in_headers) {
				if (!in->prev_cr)
					inspect_raise(in, "rfc5322.bare-lf");
				if (in->line_len == 0)
					in->raw_in_headers = false;
			}
			in->line_len = 0;
			in->prev_cr = false;
			continue;
		}
		if (in->prev_cr && in->raw_in_headers)
			inspect_raise(in, "rfc5322.bare-cr");
		in->prev_cr = c == '\r';
		if (c == '\r')
			continue;
		if (c == '\0')
			inspect_raise(in, "rfc5322.nul");
		if (++in->line_len == RFC5322_LINE_MAX + 1)
			inspect_raise(in, "rfc5322.line.too-long");
	}
}

int
inspect_feed(struct inspect *in, const char *data, size_t len)
{
	if (in->finished)
		return -1;
	if (in->size > in->lim->message_size ||
	    in->lim->message_size - in->size < len) {
		inspect_raise(in, "limit.message-size");
		in->size += len;
		/* Keep the bytes: a blocked message must still be stored. */
		if (in->spooling)
			spool_write(&in->spool, data, len);
		return 0;
	}
	in->size += len;
	raw_scan(in, data, len);
	if (in->spooling)
		spool_write(&in->spool, data, len);
	in->mime_fed += len;
	(void)mime_feed(in->mime, data, len);
	return 0;
}

/* ------------------------------------------------------------ facts */

struct object {
	const struct inspect *in;
	const struct attachment *att;	/* NULL: the message itself */
};

static bool
visit_str(const struct cond *c, bool (*visit)(const struct cond *,
    const struct fact *), const char *s)
{
	struct fact f;

	if (s == NULL)
		return false;
	memset(&f, 0, sizeof(f));
	f.s = span_from_cstr(s);
	return visit(c, &f);
}

static bool
object_each(void *ctx, enum field field, const char *subkey,
    bool (*visit)(const struct cond *, const struct fact *),
    const struct cond *c)
{
	const struct object *o = ctx;
	const struct inspect *in = o->in;
	const struct attachment *a = o->att;
	struct fact f;

	memset(&f, 0, sizeof(f));
	switch (field) {
	case FIELD_CHECK:
		if (a != NULL) {
			for (size_t i = 0; i < a->nchecks; i++)
				if (visit_str(c, visit, a->checks[i]))
					return true;
			return false;
		}
		for (size_t i = 0; i < in->nchecks; i++)
			if (visit_str(c, visit, in->checks[i]))
				return true;
		return false;
	case FIELD_SUBJECT:
		return visit_str(c, visit, in->subject);
	case FIELD_HEADER:
		for (size_t i = 0; i < in->nfields; i++)
			if (strcmp(in->fields[i].name, subkey) == 0 &&
			    visit_str(c, visit, in->fields[i].value))
				return true;
		return false;
	case FIELD_BODY:
		for (size_t i = 0; i < in->ntexts; i++) {
			f.s = in->texts[i];
			if (visit(c, &f))
				return true;
		}
		return false;
	case FIELD_SENDER:
		return visit_str(c, visit, in->env.mail_from);
	case FIELD_SENDER_DOMAIN:
		f.s = address_domain(span_from_cstr(in->env.mail_from));
		return f.s.len > 0 && visit(c, &f);
	case FIELD_RECIPIENT:
	case FIELD_RECIPIENT_DOMAIN:
		for (size_t i = 0; i < in->env.nrcpts; i++) {
			f.s = span_from_cstr(in->env.rcpts[i]);
			if (field == FIELD_RECIPIENT_DOMAIN)
				f.s = address_domain(f.s);
			if (f.s.len > 0 && visit(c, &f))
				return true;
		}
		return false;
	case FIELD_CLIENT_IP:
		if (!in->env.has_client)
			return false;
		f.ip = in->env.client;
		return visit(c, &f);
	case FIELD_ATTACHMENT_NAME:
		if (a == NULL)
			return false;
		return visit_str(c, visit, a->names[0]) ||
		    visit_str(c, visit, a->names[1]);
	case FIELD_ATTACHMENT_EXTENSION:
		if (a == NULL)
			return false;
		for (int k = 0; k < 2; k++) {
			size_t pos = 0;

			if (a->names[k] == NULL)
				continue;
			while (inspect_name_ext(a->names[k], &pos, &f.s))
				if (visit(c, &f))
					return true;
		}
		return false;
	case FIELD_ATTACHMENT_DECLARED_TYPE:
		return a != NULL && a->declared[0] != '\0' &&
		    visit_str(c, visit, a->declared);
	case FIELD_ATTACHMENT_TYPE:
		return a != NULL && a->true_type[0] != '\0' &&
		    visit_str(c, visit, a->true_type);
	case FIELD_VIRUS:
		for (size_t i = 0; i < in->nviruses; i++)
			if (visit_str(c, visit, in->viruses[i]))
				return true;
		return false;
	default:
		/* viruses come from the scanner; network fields never apply
		 * to mail */
		return false;
	}
}

/* Does the rule name a field that lives on attachments (or a check)? */
static bool
rule_per_attachment(const struct rule *r)
{
	for (size_t i = 0; i < r->nconds; i++) {
		switch (r->conds[i].field) {
		case FIELD_CHECK:
		case FIELD_ATTACHMENT_NAME:
		case FIELD_ATTACHMENT_EXTENSION:
		case FIELD_ATTACHMENT_TYPE:
		case FIELD_ATTACHMENT_DECLARED_TYPE:
			return true;
		default:
			break;
		}
	}
	return false;
}

static bool
rule_applies(const struct inspect *in, const struct rule *r)
{
	if (r->applies != RULE_MAIL || !r->enabled)
		return false;
	/* Its direction, and scoped to agencies: any recipient (inbound)
	 * or the sender. */
	return decide_in_scope(r, in->direction, in->subjects,
	    in->nsubjects);
}

static void
add_hit(struct inspect *in, const struct rule *r, const struct attachment *a)
{
	struct hit *h;

	in->hits = mem_reallocarray(in->hits, in->nhits + 1, sizeof(*in->hits));
	h = &in->hits[in->nhits++];
	memset(h, 0, sizeof(*h));
	h->rule = r;
	inspect_hit_scope(in, h);	/* per recipient, and overall */
	h->part = a != NULL ? a->part : SIZE_MAX;
	h->reading = a != NULL ? a->reading : NULL;
	if (a != NULL)		/* a member as ARCHIVE/PATH */
		h->filename = inspect_att_name(in, a);
	if (rule_tests_check(r, "virus.found") && in->nviruses > 0)
		h->detail = mem_strdup(in->viruses[0]);
	else if (rule_tests_check(r, "mime.ambiguous") &&
	    in->amb_detail != NULL)
		h->detail = mem_strdup(in->amb_detail);
	else if (rule_tests_check(r, "virus.unscannable") &&
	    in->scan_error != NULL)
		h->detail = mem_strdup(in->scan_error);
	else if (r->conds[0].field == FIELD_CHECK)
		h->detail = mem_strdup(r->conds[0].str);
}

static void
decide_direction(struct inspect *in)
{
	const struct config *c = &in->p->config;

	in->direction = DIRECTION_INBOUND;
	if (in->env.auth_user != NULL && in->env.auth_user[0] != '\0')
		in->direction = DIRECTION_OUTBOUND;
	else if (in->env.has_client && c->internal_nets != NULL &&
	    cidrset_match(c->internal_nets, &in->env.client))
		in->direction = DIRECTION_OUTBOUND;
	else if (in->env.daemon != NULL) {
		for (size_t i = 0; i < c->noutbound_daemons; i++)
			if (strcmp(in->env.daemon, c->outbound_daemons[i]) == 0)
				in->direction = DIRECTION_OUTBOUND;
	}
	inspect_rcpt_agencies(in);
}

const struct attachment *
inspect_att_of(const struct inspect *in, size_t part)
{
	for (size_t i = 0; i < in->natts; i++)
		if (in->atts[i].part == part && in->atts[i].reading == NULL)
			return &in->atts[i];
	return NULL;
}

static bool
strip_possible(const struct inspect *in)
{
	size_t n = 0;

	for (size_t i = 0; i < in->nhits; i++) {
		const struct hit *h = &in->hits[i];
		const struct attachment *a;

		if (h->action != ACTION_STRIP)
			continue;
		a = h->part == SIZE_MAX || h->reading != NULL ? NULL :
		    inspect_att_of(in, h->part);
		if (a == NULL || !a->off_valid || a->off_end <= a->off_header)
			return false;
		n++;
	}
	return n > 0;
}

static void
set_reply(struct verdict *v, const struct rule *r)
{
	const char *reply = r != NULL && r->reply != NULL ? r->reply : NULL;
	bool temp = v->action == ACTION_TEMPFAIL;

	str_lcpy(v->rcode, temp ? "451" : "550", sizeof(v->rcode));
	str_lcpy(v->xcode, temp ? "4.7.1" : "5.7.1", sizeof(v->xcode));
	free(v->text);
	v->text = NULL;
	if (reply != NULL) {
		const char *sp = strchr(reply, ' ');
		size_t n = sp == NULL ? 0 : (size_t)(sp - reply);

		/* "5.7.1 text": the code's class must match the answer. */
		if (n > 0 && n < sizeof(v->xcode) && reply[0] == v->xcode[0]) {
			memcpy(v->xcode, reply, n);
			v->xcode[n] = '\0';
			v->text = mem_strdup(sp + 1);
		}
	}
	if (v->text == NULL)
		v->text = mem_strdup(temp ? "Message deferred by policy" :
		    "Message rejected by policy");
}


/* Every rule that applies, or only those testing check (once more). */
static void
judge_rules(struct inspect *in, const char *check)
{
	struct object msg = { in, NULL };
	struct rule_facts facts = { object_each, &msg };

	for (size_t i = 0; i < in->p->nrules; i++) {
		const struct rule *r = &in->p->rules[i];

		if (!rule_applies(in, r) || (check != NULL &&
		    !rule_tests_check(r, check)))
			continue;
		if (rule_matches(r, &facts)) {
			add_hit(in, r, NULL);
			continue;
		}
		if (!rule_per_attachment(r))
			continue;
		for (size_t k = 0; k < in->natts; k++) {
			struct object att = { in, &in->atts[k] };
			struct rule_facts af = { object_each, &att };

			if (rule_matches(r, &af))
				add_hit(in, r, &in->atts[k]);
		}
	}
}

const struct verdict *
inspect_finish(struct inspect *in)
{
	struct verdict *v = &in->verdict;
	uint64_t regex_hits;

	if (in->finished)
		return v;
	in->finished = true;
	(void)mime_finish(in->mime);
	text_end(in);
	/* Text spans point into one buffer that may have moved. */
	{
		size_t off = 0;

		for (size_t i = 0; i < in->ntexts; i++) {
			in->texts[i].p = in->text.data + off;
			off += in->texts[i].len;
		}
	}
	inspect_readings(in);
	message_checks(in);
	inspect_virus_message(in);
	decide_direction(in);

	regex_hits = regex_thread_limit_hits();
	judge_rules(in, NULL);
	if (regex_thread_limit_hits() != regex_hits) {
		/* A pattern gave up at limits.regex_*: it could not say no,
		 * so the rules on limit.regex decide, after the others. */
		inspect_raise(in, "limit.regex");
		judge_rules(in, "limit.regex");
	}

	inspect_rcpt_verdicts(in);
	v->action = ACTION_ACCEPT;
	v->decider = NULL;
	for (size_t i = 0; i < in->nhits; i++) {
		if (in->hits[i].action > v->action ||
		    (v->decider == NULL && in->hits[i].action == v->action)) {
			v->action = in->hits[i].action;
			v->decider = &in->hits[i];
		}
	}
	if (v->action == ACTION_ACCEPT)
		v->decider = NULL;
	if (v->action == ACTION_STRIP && !strip_possible(in)) {
		/* A part we cannot cut out cleanly (the message itself, or
		 * inside an encoded embedded message): hold it all. */
		v->action = ACTION_QUARANTINE;
	}
	v->direction = in->direction;
	v->agency = in->agency != NULL ? in->agency->id : NULL;
	v->hits = in->hits;
	v->nhits = in->nhits;
	set_reply(v, v->decider != NULL ? v->decider->rule : NULL);

	/* Clause 5: keep what we block, durably, before answering. */
	if (in->spooling && in->store && !in->internal_error &&
	    (v->action == ACTION_REJECT || v->action == ACTION_DISCARD ||
	    v->action == ACTION_QUARANTINE || v->action == ACTION_STRIP ||
	    v->nremoved > 0)) {
		char *meta = inspect_meta_json(in), *err = NULL;

		if (quarantine_commit(&in->spool, in->p->config.quarantine_dir,
		    in->env.queue_id, meta, v->quarantine_id, &err) < 0) {
			in->internal_error = true;
			in->internal_why = err;
			in->store_failed = true;
		}
		free(meta);
	}
	if (in->spooling && in->spool.error != 0 && !in->internal_error) {
		/* The spool failed: we cannot promise anything. */
		in->internal_error = true;
		in->store_failed = true;
		in->internal_why = mem_printf("cannot spool the message in "
		    "%s/.spool: %s", in->p->config.quarantine_dir,
		    strerror(in->spool.error));
	}
	if (in->internal_error) {
		v->action = in->p->config.on_internal_error;
		v->decider = NULL;
		set_reply(v, NULL);
		free(v->text);
		v->text = mem_printf("Message could not be inspected, try "
		    "again later");
	}
	return v;
}

bool
inspect_store_failed(const struct inspect *in)
{
	return in->store_failed;
}

void
inspect_free(struct inspect **inp)
{
	struct inspect *in = *inp;

	if (in == NULL)
		return;
	mime_free(&in->mime);
	if (in->spooling)
		spool_discard(&in->spool);
	for (size_t i = 0; i < in->nfields; i++) {
		free(in->fields[i].name);
		free(in->fields[i].value);
	}
	free(in->fields);
	free(in->subject);
	free(in->from_raw);
	buf_free(&in->text);
	buf_free(&in->part_text);
	buf_free(&in->part_bytes);
	free(in->texts);
	for (size_t i = 0; i < in->natts; i++) {
		for (int k = 0; k < 2; k++) {
			free(in->atts[i].names[k]);
			free(in->atts[i].raw[k]);
		}
		free(in->atts[i].checks);
	}
	free(in->atts);
	free(in->checks);
	for (size_t i = 0; i < in->nhits; i++) {
		free(in->hits[i].filename);
		free(in->hits[i].detail);
		free(in->hits[i].per_rcpt);
		free(in->hits[i].per_exc);
	}
	free(in->hits);
	free(in->rv);
	free(in->subjects);
	free(in->verdict.text);
	for (size_t i = 0; i < in->env.nrcpts; i++)
		free(in->rcpts[i]);
	free(in->rcpts);
	free(in->mail_from);
	free((char *)(uintptr_t)in->env.queue_id);
	free((char *)(uintptr_t)in->env.auth_user);
	free((char *)(uintptr_t)in->env.daemon);
	free(in->internal_why);
	free(in->amb_detail);
	for (size_t i = 0; i < in->nrnames; i++)
		free(in->rnames[i]);
	free(in->rnames);
	inspect_items_free(in);
	for (size_t i = 0; i < in->nviruses; i++)
		free(in->viruses[i]);
	free(in->viruses);
	free(in->scan_error);
	scan_engine_unref(&in->engine);
	policy_unref(&in->p);
	free(in);
	*inp = NULL;
}
