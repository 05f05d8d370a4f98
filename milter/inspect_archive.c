/*
 * inspect_archive.c - what is inside a leaf part: its bytes collected (the
 * head for libmagic, all of it for an archive, an office document, a part
 * in a legacy encoding or one libclamav scans on its own), its true type,
 * the members of its archives, the macros of an office document and the
 * files hidden in it in legacy encodings (uuencode, yEnc, BinHex, TNEF),
 * each judged like an attachment.
 *
 * Trusts: nothing in the bytes (content.c and legacy.c read them).  Bounds:
 * a part's bytes by limits.archive_bytes; members, depth, expanded bytes
 * and ratio by the message's archive budget (limits.archive_*); past any
 * of them limit.archive is raised, never a silent cut.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "content.h"
#include "legacy.h"
#include "mem.h"
#include "mime.h"

#include "inspect_priv.h"

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
		inspect_att_check(&in->atts[w->owner], "archive.encrypted");
		return;
	}
	if (ev == CONTENT_MACRO) {
		inspect_att_check(&in->atts[w->owner], "office.macro");
		return;
	}
	if (in->inventory)
		inspect_item_bytes(in, w->part, "member", m->path,
		    m->type != NULL ? m->type : "", NULL, 0);
	a = new_member(in, w->part);
	a->raw[0] = mem_strdup(m->path);
	a->names[0] = inspect_name_normalise(m->path, &bidi);
	if (inspect_name_double_ext(in, a->names[0]))
		inspect_att_check(a, "attachment.double-extension");
	if (bidi)
		inspect_att_check(a, "attachment.bidi-name");
	if (m->type != NULL) {
		str_lcpy(a->true_type, m->type, sizeof(a->true_type));
		if (inspect_name_type_mismatch(a->names[0], a->true_type))
			inspect_att_check(a, "attachment.type-mismatch");
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
		inspect_att_check(a, "attachment.double-extension");
	if (bidi)
		inspect_att_check(a, "attachment.bidi-name");
	str_lcpy(a->true_type, content_type(data, len), sizeof(a->true_type));
	if (inspect_name_type_mismatch(a->names[0], a->true_type))
		inspect_att_check(a, "attachment.type-mismatch");
	owner = (size_t)(a - in->atts);
	if (content_is_office(a->true_type) && content_has_macros(data, len,
	    a->true_type))
		inspect_att_check(a, "office.macro");
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

char
inspect_legacy_class(const char *cte)
{
	if (is_text_encoding(cte))
		return 'u';
	return is_binhex_encoding(cte) ? 'b' : '-';
}

static bool
is_legacy_type(const char *type, const char *name)
{
	return strcmp(type, "application/mac-binhex40") == 0 ||
	    strcmp(type, "application/ms-tnef") == 0 ||
	    strcmp(type, "application/vnd.ms-tnef") == 0 ||
	    (name != NULL && strcasecmp(name, "winmail.dat") == 0);
}

/* The message's own text, read by inspect_text_begin()/_end(). */
static bool
is_inline_text(const struct mime_part *p)
{
	return (strcmp(p->type, "text/plain") == 0 ||
	    strcmp(p->type, "text/html") == 0) && p->filename == NULL;
}

/* Files hidden in text in old encodings: uuencode, yEnc, BinHex. */
void
inspect_legacy_text(struct inspect *in, size_t part, const char *t,
    size_t len)
{
	struct legacy_ctx lc = { in, part };

	if (t == NULL)
		t = "";
	(void)legacy_scan_text(t, len, (size_t)in->lim->archive_bytes,
	    on_legacy, &lc);
	if (memmem(t, len, "(This file must be converted with BinHex", 41) !=
	    NULL)
		(void)legacy_binhex(t, len, (size_t)in->lim->archive_bytes,
		    on_legacy, &lc);
}

/* A leaf part ended: its true type, and what is inside it. */
static void
inspect_content(struct inspect *in, const struct mime_part *p)
{
	struct attachment *a = inspect_attachment_for(in, p);
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
			inspect_att_check(a, "attachment.type-mismatch");
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
		 * in the message's own text (inspect_text_end). */
		inspect_legacy_text(in, p->index, in->part_bytes.data,
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
		inspect_att_check(&in->atts[owner], "office.macro");
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
			inspect_part_names(in, p);
		inspect_content(in, p);
	}
	in->part_index = SIZE_MAX;
	buf_reset(&in->part_bytes);
}
