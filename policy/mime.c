/*
 * mime.c - the push MIME parser.
 *
 * Trusts: nothing.  Input is any bytes in any chunking.  Memory per parser:
 * one line buffer (limits.line_length), one field buffer per part being
 * read (limits.header_bytes), a boundary stack (limits.depth), and one
 * child parser per open message/rfc822 part (also bounded by depth).
 *
 * Framing rules (RFC 2046 5.1.1): a boundary delimiter is a line "--"
 * boundary, optionally followed by linear white space, and a close
 * delimiter adds "--".  The line break before a delimiter belongs to the
 * delimiter, not to the part.  Every open multipart's boundary is checked
 * on every line, innermost first, so a missing close delimiter of an inner
 * multipart is recovered by its parent's next delimiter; boundaries that
 * prefix one another never match each other because matching is exact.
 *
 *      message = header-block CRLF body
 *      body    = leaf bytes | preamble *(delimiter part) close epilogue
 *              | embedded message (message/rfc822, parsed by a child)
 */
#include "mime.h"

#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "mem.h"
#include "mimeparam.h"


void
mime_limits_default(struct mime_limits *l)
{
	l->depth = 100;
	l->parts = 10000;
	l->header_bytes = 1024 * 1024;
	l->header_count = 1000;
	l->line_length = 65536;
	l->params = 64;
	l->param_sections = 64;
	l->param_bytes = 1024 * 1024;
}

const char *
mime_defect_name(enum mime_defect d)
{
	switch (d) {
	case MIME_DEF_NO_BOUNDARY:
		return "multipart-without-boundary";
	case MIME_DEF_START_BOUNDARY_MISSING:
		return "start-boundary-missing";
	case MIME_DEF_CLOSE_BOUNDARY_MISSING:
		return "close-boundary-missing";
	case MIME_DEF_HEADER_SEPARATOR_MISSING:
		return "header-separator-missing";
	case MIME_DEF_BAD_HEADER_LINE:
		return "bad-header-line";
	case MIME_DEF_BASE64:
		return "bad-base64";
	case MIME_DEF_QP:
		return "bad-quoted-printable";
	case MIME_DEF_BAD_CONTENT_TYPE:
		return "bad-content-type";
	case MIME_LIMIT_DEPTH:
		return "limit-depth";
	case MIME_LIMIT_PARTS:
		return "limit-parts";
	case MIME_LIMIT_HEADER_BYTES:
		return "limit-header-bytes";
	case MIME_LIMIT_HEADER_COUNT:
		return "limit-header-count";
	case MIME_LIMIT_LINE_LENGTH:
		return "limit-line-length";
	case MIME_LIMIT_PARAMS:
		return "limit-params";
	}
	return "?";
}

/* An open multipart. */
struct frame {
	struct mime_part part;	/* the container, for its PART_END */
	char *boundary;		/* any length (RFC 2046 says 70, readers
				 * take more): bounded by header_bytes */
	size_t blen;
	bool seen_first;	/* past the preamble */
	bool closed;		/* past the close delimiter: epilogue */
	bool digest;		/* multipart/digest: children default to
				 * message/rfc822 */
};

enum body_mode {
	BODY_NONE,		/* preamble, epilogue, or ignored content */
	BODY_LEAF,		/* decode and deliver */
	BODY_CHILD,		/* decode and feed the embedded message */
};

/* Counters and the reading, shared by a parser and its children. */
struct mime_shared {
	size_t parts;
	bool parts_exhausted;
	unsigned amb;		/* MIME_AMB_* met */
	struct mime_reading rd;
};

struct mime {
	struct mime_limits lim;
	mime_event_fn fn;
	void *ctx;
	struct mime_shared *shared;
	bool owns_shared;
	size_t base_depth;	/* depth of this parser's message */
	size_t parent_index;	/* for a child: the message/rfc822 part */
	const struct mime *up;	/* for a child: the parser it lies in */
	/* offsets: this parser's stream starts at base in the top-level
	 * stream (valid unless an encoded embedded message lies between) */
	uint64_t base;
	bool base_valid;
	uint64_t consumed;	/* bytes of completed lines and fragments */
	uint64_t line_off;	/* start of the line being handled */
	uint64_t line_end;	/* end of it, line break included */

	/* line assembly */
	char *line;
	size_t line_len;
	bool in_long_line;	/* the current line overflowed */
	bool broke_headers;	/* a line without a colon ended them */
	char **popped;		/* boundaries of multiparts an outer
				 * delimiter ended before their close (at
				 * most one per part: limits.parts) */
	size_t npopped;
	char *nocolon;		/* fold-nocolon reading: such a line held,
				 * in case the next one continues it */
	size_t nocolon_len;
	char nocolon_eol[2];
	size_t nocolon_eol_len;
	bool stopped;		/* a callback asked to stop */
	bool finished;

	/* the part whose header block or body is being read */
	struct mime_part cur;
	bool in_headers;
	bool cur_open;		/* cur had PART_BEGIN and needs PART_END */
	bool parent_digest;
	struct buf field;	/* the field being assembled */
	size_t header_bytes;
	size_t header_count;
	bool header_limit_hit;
	bool sep_missing;	/* the header block ended without a blank line */
	char *latin8[2];	/* Content-Type, -Disposition as GMime reads
				 * their 8-bit bytes (mimeparam_gmime_8bit()) */
	char *ctype, *cdisp, *cte;	/* raw values of this part: first */
	char *ctype2, *cdisp2, *cte2;	/* and last, when given again */

	/* body */
	enum body_mode mode;
	struct decode_b64 b64;
	struct decode_qp qp;
	char pending_eol[2];	/* the line end held back for a delimiter */
	size_t pending_len;
	struct mime *child;
	char *out;		/* decoder output buffer */
	size_t out_cap;

	struct frame *frames;
	size_t nframes;
};

static int mime_line(struct mime *m, const char *p, size_t len,
    const char *eol, size_t eol_len, bool fragment);

/* ------------------------------------------------------------ events */

static int
emit(struct mime *m, struct mime_event *ev)
{
	if (m->stopped)
		return -1;
	if (m->fn(m->ctx, ev) < 0) {
		m->stopped = true;
		return -1;
	}
	return 0;
}

static int
emit_defect(struct mime *m, const struct mime_part *part, enum mime_defect d)
{
	struct mime_event ev = { .type = MIME_EV_DEFECT, .part = part,
		.defect = d };

	return emit(m, &ev);
}

static int
emit_simple(struct mime *m, enum mime_event_type t,
    const struct mime_part *part)
{
	struct mime_event ev = { .type = t, .part = part };

	return emit(m, &ev);
}

static void
part_clear(struct mime_part *p)
{
	free(p->filename);
	free(p->name);
	memset(p, 0, sizeof(*p));
}

/* ------------------------------------------------------------ setup */

static struct mime *
mime_new_child(const struct mime *parent, size_t depth, size_t parent_index);

static void
mime_init(struct mime *m, const struct mime_limits *l, mime_event_fn fn,
    void *ctx)
{
	if (l != NULL)
		m->lim = *l;
	else
		mime_limits_default(&m->lim);
	if (m->lim.line_length < 80)
		m->lim.line_length = 80;
	m->fn = fn;
	m->ctx = ctx;
	m->line = mem_malloc(m->lim.line_length);
	buf_init(&m->field, m->lim.header_bytes);
	m->frames = mem_calloc(m->lim.depth + 1, sizeof(*m->frames));
	m->out_cap = DECODE_OUT_MAX(m->lim.line_length + 4);
	m->out = mem_malloc(m->out_cap);
	m->in_headers = true;
}

static void
start_part(struct mime *m, size_t depth, size_t parent, bool digest)
{
	part_clear(&m->cur);
	m->cur.index = m->shared->parts++;
	m->cur.depth = depth;
	m->cur.parent = parent;
	m->cur.off_valid = m->base_valid;
	m->cur.off_header = m->base + (m->cur.index == 0 || m->consumed == 0 ?
	    m->consumed : m->line_end);
	m->in_headers = true;
	m->cur_open = false;
	m->parent_digest = digest;
	buf_reset(&m->field);
	m->header_bytes = 0;
	m->header_count = 0;
	m->header_limit_hit = false;
	free(m->ctype);
	free(m->cdisp);
	free(m->cte);
	free(m->ctype2);
	free(m->cdisp2);
	free(m->cte2);
	free(m->nocolon);
	m->nocolon = NULL;
	m->ctype = m->cdisp = m->cte = NULL;
	m->ctype2 = m->cdisp2 = m->cte2 = NULL;
	m->mode = BODY_NONE;
	m->pending_len = 0;
}

struct mime *
mime_new(const struct mime_limits *l, mime_event_fn fn, void *ctx)
{
	struct mime *m = mem_calloc(1, sizeof(*m));

	mime_init(m, l, fn, ctx);
	m->shared = mem_calloc(1, sizeof(*m->shared));
	m->owns_shared = true;
	m->base_valid = true;
	start_part(m, 0, 0, false);
	return m;
}

static struct mime *
mime_new_child(const struct mime *parent, size_t depth, size_t parent_index)
{
	struct mime *m = mem_calloc(1, sizeof(*m));

	mime_init(m, &parent->lim, parent->fn, parent->ctx);
	m->shared = parent->shared;
	m->base_depth = depth;
	m->parent_index = parent_index;
	m->up = parent;
	m->base = parent->cur.off_body;
	m->base_valid = parent->base_valid && parent->cur.off_valid &&
	    parent->cur.encoding == MIME_ENC_IDENTITY;
	start_part(m, depth, parent_index, false);
	return m;
}

void
mime_free(struct mime **mp)
{
	struct mime *m = *mp;

	if (m == NULL)
		return;
	mime_free(&m->child);
	free(m->line);
	buf_free(&m->field);
	part_clear(&m->cur);
	free(m->ctype);
	free(m->cdisp);
	free(m->cte);
	free(m->ctype2);
	free(m->cdisp2);
	free(m->cte2);
	free(m->latin8[0]);
	free(m->latin8[1]);
	free(m->nocolon);
	for (size_t i = 0; i < m->npopped; i++)
		free(m->popped[i]);
	free(m->popped);
	free(m->out);
	for (size_t i = 0; i < m->nframes; i++)
		part_clear(&m->frames[i].part);
	for (size_t i = 0; i <= m->lim.depth; i++)
		free(m->frames[i].boundary);
	free(m->frames);
	if (m->owns_shared)
		free(m->shared);
	free(m);
	*mp = NULL;
}

void
mime_set_reading(struct mime *m, const struct mime_reading *r)
{
	m->shared->rd = *r;
}

unsigned
mime_ambiguities(const struct mime *m)
{
	return m->shared->amb;
}

size_t
mime_part_count(const struct mime *m)
{
	return m->shared->parts;
}

/* ------------------------------------------------------------ headers */

static void
copy_lower(char *dst, size_t dstlen, struct span s)
{
	size_t n = s.len < dstlen - 1 ? s.len : dstlen - 1;

	for (size_t i = 0; i < n; i++) {
		char c = s.p[i];

		dst[i] = c >= 'A' && c <= 'Z' ? (char)(c + 32) : c;
	}
	dst[n] = '\0';
}

/* Complete the field in m->field: emit it and keep what we need. */
static int
field_done(struct mime *m)
{
	struct mime_event ev = { .type = MIME_EV_HEADER, .part = &m->cur };
	const char *colon;
	char **keep = NULL, **again = NULL;
	struct span name, value;

	if (m->field.len == 0)
		return 0;
	colon = memchr(m->field.data, ':', m->field.len);
	if (colon == NULL) {
		buf_reset(&m->field);
		return 0;
	}
	name = span_trim((struct span){ m->field.data,
	    (size_t)(colon - m->field.data) });
	value = (struct span){ colon + 1,
	    m->field.len - (size_t)(colon - m->field.data) - 1 };
	/* Drop the one space conventionally after the colon. */
	if (value.len > 0 && (value.p[0] == ' ' || value.p[0] == '\t')) {
		value.p++;
		value.len--;
	}
	if (span_eq_nocase(name, "content-type")) {
		keep = &m->ctype;
		again = &m->ctype2;
	} else if (span_eq_nocase(name, "content-disposition")) {
		keep = &m->cdisp;
		again = &m->cdisp2;
	} else if (span_eq_nocase(name, "content-transfer-encoding")) {
		keep = &m->cte;
		again = &m->cte2;
	}
	/*
	 * The first occurrence counts, as most MUAs do; the last is kept
	 * for the reading that takes it, and a second value that differs
	 * from the first is an ambiguity.
	 */
	if (keep != NULL && *keep == NULL) {
		*keep = mem_strndup(value.p, value.len);
	} else if (keep != NULL) {
		struct span a = span_trim(span_from_cstr(*keep));
		struct span b = span_trim(value);

		if (!(a.len == b.len && (a.len == 0 ||
		    strncasecmp(a.p, b.p, a.len) == 0)))
			m->shared->amb |= MIME_AMB_HEADER;
		free(*again);
		*again = mem_strndup(value.p, value.len);
	}
	ev.name = name;
	ev.value = value;
	m->header_count++;
	if (emit(m, &ev) < 0)
		return -1;
	buf_reset(&m->field);
	return 0;
}

/* Append to the field under the header-bytes limit. */
static int
field_append(struct mime *m, const char *p, size_t len)
{
	if (m->header_limit_hit)
		return 0;
	if (m->header_bytes > m->lim.header_bytes ||
	    m->lim.header_bytes - m->header_bytes < len ||
	    buf_append(&m->field, p, len) < 0) {
		m->header_limit_hit = true;
		return emit_defect(m, &m->cur, MIME_LIMIT_HEADER_BYTES);
	}
	m->header_bytes += len;
	return 0;
}

static bool
is_field_start(const char *p, size_t len)
{
	/* RFC 5322 2.2: name is printable ASCII except colon; obsolete
	 * syntax allows white space before the colon. */
	size_t i = 0;

	while (i < len && (unsigned char)p[i] > 32 && (unsigned char)p[i] < 127
	    && p[i] != ':')
		i++;
	if (i == 0)
		return false;
	while (i < len && (p[i] == ' ' || p[i] == '\t'))
		i++;
	return i < len && p[i] == ':';
}

/* A field start with white space between its name and the colon. */
static bool
colon_spaced(const char *p, size_t len)
{
	const char *colon = memchr(p, ':', len);

	return colon != NULL && colon > p && (colon[-1] == ' ' ||
	    colon[-1] == '\t');
}

static bool
is_legacy_encoding(struct span s)
{
	static const char *const known[] = { "x-uuencode", "uuencode",
		"x-uue", "uue", "x-binhex", "mac-binhex40", "x-binhex40",
		"binhex", "x-yencode", "yencode", "x-yenc", "yenc" };

	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (span_eq_nocase(s, known[i]))
			return true;
	return false;
}

/* Does the token contain word (any case)? */
static bool
span_has_nocase(struct span s, const char *word)
{
	size_t n = strlen(word);

	for (size_t i = 0; n <= s.len && i <= s.len - n; i++)
		if (strncasecmp(s.p + i, word, n) == 0)
			return true;
	return false;
}

/*
 * The transfer encoding: the first token of the value (comments and
 * parameters after it ignored); of a list ("quoted-printable, base64"),
 * the first, or the last in the reading that takes the last.
 */
static void
set_encoding(struct mime *m, struct mime_part *part, const char *cte)
{
	struct span v = span_from_cstr(cte != NULL ? cte : "");
	struct span s = { NULL, 0 }, tok;
	size_t i = 0, ntok = 0;

	/* Tokens: runs of bytes that are not separators or comments. */
	while (i < v.len) {
		if (v.p[i] == '(') {
			size_t depth = 0;

			for (; i < v.len; i++) {
				if (v.p[i] == '\\' && i + 1 < v.len)
					i++;
				else if (v.p[i] == '(')
					depth++;
				else if (v.p[i] == ')' && --depth == 0)
					break;
			}
			i++;
			continue;
		}
		if (v.p[i] == ';')
			break;
		if (v.p[i] == ',' || v.p[i] == ' ' || v.p[i] == '\t' ||
		    v.p[i] == '\r' || v.p[i] == '\n' || v.p[i] == '"') {
			i++;
			continue;
		}
		tok.p = v.p + i;
		while (i < v.len && v.p[i] != ',' && v.p[i] != ' ' &&
		    v.p[i] != '\t' && v.p[i] != '\r' && v.p[i] != '\n' &&
		    v.p[i] != ';' && v.p[i] != '(' && v.p[i] != '"')
			i++;
		tok.len = (size_t)(v.p + i - tok.p);
		if (ntok++ == 0 || m->shared->rd.header_last)
			s = tok;
	}
	if (ntok > 1)
		m->shared->amb |= MIME_AMB_ENCODING;
	copy_lower(part->encoding_name, sizeof(part->encoding_name), s);
	/*
	 * A value that is more than its token - "\"base64\"", "base64
	 * (comment)", "(x) base64", "base64;", a list: RFC 2045 allows the
	 * comment, but GMime takes a quoted or commented value, and Python
	 * any of them, as an unknown encoding, the bytes as they are; the
	 * guessing reading reads them so.  So does white space after it
	 * (Python compares "base64 " as it stands); white space before it
	 * and the line end are no part of the value to anyone.
	 */
	while (v.len > 0 && (v.p[0] == ' ' || v.p[0] == '\t'))
		v.p++, v.len--;
	while (v.len > 0 && (v.p[v.len - 1] == '\r' ||
	    v.p[v.len - 1] == '\n'))
		v.len--;
	if (s.len > 0 && (v.p != s.p || v.len != s.len)) {
		m->shared->amb |= MIME_AMB_ENCODING;
		if (m->shared->rd.cte_guess) {
			part->encoding = MIME_ENC_UNKNOWN;
			return;
		}
	}
	if (s.len == 0 || span_eq_nocase(s, "7bit") ||
	    span_eq_nocase(s, "8bit") || span_eq_nocase(s, "binary"))
		part->encoding = MIME_ENC_IDENTITY;
	else if (span_eq_nocase(s, "base64"))
		part->encoding = MIME_ENC_BASE64;
	else if (span_eq_nocase(s, "quoted-printable"))
		part->encoding = MIME_ENC_QP;
	else {
		part->encoding = MIME_ENC_UNKNOWN;
		if (!is_legacy_encoding(s)) {
			m->shared->amb |= MIME_AMB_ENCODING;
			if (m->shared->rd.cte_guess &&
			    span_has_nocase(s, "base64"))
				part->encoding = MIME_ENC_BASE64;
			else if (m->shared->rd.cte_guess &&
			    (span_has_nocase(s, "quoted") ||
			    span_has_nocase(s, "printable")))
				part->encoding = MIME_ENC_QP;
		}
	}
}

/*
 * A parameter's value in this reading, and whether its occurrences
 * disagree (then amb is raised).  The primary reading is
 * mimeparam_get()'s (RFC 2231 form, else the first); the last-parameter
 * reading takes the last plain occurrence, else the last of any form.
 */
static struct span
param_get(struct mime *m, const struct mimeparam *p, const char *name,
    unsigned amb)
{
	struct span first = mimeparam_get(p, name), last = { NULL, 0 };
	struct span last_plain = { NULL, 0 };

	for (size_t i = 0; i < p->n; i++) {
		const struct mimeparam_entry *e = &p->v[i];

		if (strcmp(e->name, name) != 0)
			continue;
		last = (struct span){ e->value, e->len };
		if (!e->extended)
			last_plain = last;
		if (first.p != NULL && !(e->len == first.len &&
		    memcmp(e->value, first.p, first.len) == 0))
			m->shared->amb |= amb;
	}
	if (!m->shared->rd.param_last)
		return first;
	return last_plain.p != NULL ? last_plain : last;
}

/*
 * Is a boundary parameter in this Content-Type value unquoted?  (A quoted
 * boundary may hold spaces, RFC 2046's "simple boundary"; an unquoted one
 * ends at the first space for some readers and not for others.)
 */
static bool
boundary_unquoted(const char *ctype)
{
	for (const char *q = ctype; (q = strcasestr(q, "boundary")) != NULL;) {
		q += 8;
		while (*q == ' ' || *q == '\t' || *q == '\r' || *q == '\n')
			q++;
		if (*q != '=')
			continue;
		q++;
		while (*q == ' ' || *q == '\t' || *q == '\r' || *q == '\n')
			q++;
		if (*q != '"')
			return true;
	}
	return false;
}

/*
 * A Content-* field's parameters under limits.mime_params,
 * limits.param_sections and limits.param_bytes.  A parameter dropped or
 * cut is a MIME_LIMIT_PARAMS defect (the 65th parameter may be the file
 * name), never a silent loss.
 */
static void
params_init(const struct mime *m, struct mimeparam *params)
{
	struct mimeparam_limits pl = { m->lim.params, m->lim.param_sections,
		m->lim.param_bytes };

	mimeparam_init_limits(params, &pl);
	params->max = m->lim.params;
	params->raw = m->shared->rd.param_raw;
	params->last_section = m->shared->rd.param_last;
	params->words_joined = m->shared->rd.words_joined;
	params->strict_token = m->shared->rd.strict_token;
	params->junk_to_semi = m->shared->rd.param_junk;
	params->nul_cut = m->shared->rd.nul_cut;
	params->charset_fallback = m->shared->rd.charset_fallback;
	params->strict_words = m->shared->rd.strict_words;
}

static bool
params_over(const struct mimeparam *params)
{
	return params->dropped > 0 || params->truncated > 0 ||
	    params->sections_over > 0;
}

/*
 * A multipart in an embedded message whose boundary is one of an open
 * multipart's outside it, or a prefix of one, or the other way round: a
 * delimiter line then ends the outer part for msgsec's primary reading,
 * while GMime tries the innermost multipart first and reads the embedded
 * message on (the child-first reading).
 */
static void
outer_boundary_clash(struct mime *m, const struct frame *f)
{
	for (const struct mime *u = m->up; u != NULL; u = u->up) {
		for (size_t i = 0; i < u->nframes; i++) {
			const struct frame *o = &u->frames[i];
			size_t n = o->blen < f->blen ? o->blen : f->blen;

			if (!o->closed && memcmp(o->boundary, f->boundary,
			    n) == 0) {
				m->shared->amb |= MIME_AMB_STRUCTURE;
				return;
			}
		}
	}
}

/* The header block ended: decide what the part is and how to read it. */
static int
headers_done(struct mime *m)
{
	struct mime_part *p = &m->cur;
	struct mimeparam params;
	struct span v;
	bool ok_type = false, over;
	const char *ctype, *cdisp, *cte;

	if (field_done(m) < 0)
		return -1;
	m->in_headers = false;
	/* After the blank line; or at this line when it is the first body
	 * line of a header block that had no blank line. */
	p->off_body = m->base + (m->sep_missing ? m->line_off : m->line_end);
	if (m->header_count > m->lim.header_count &&
	    emit_defect(m, p, MIME_LIMIT_HEADER_COUNT) < 0)
		return -1;
	params_init(m, &params);
	ctype = m->shared->rd.header_last && m->ctype2 != NULL ? m->ctype2 :
	    m->ctype;
	cdisp = m->shared->rd.header_last && m->cdisp2 != NULL ? m->cdisp2 :
	    m->cdisp;
	cte = m->shared->rd.header_last && m->cte2 != NULL ? m->cte2 : m->cte;
	/* 8-bit bytes that are not UTF-8: GMime reads them as Latin-1
	 * first (its reading, joined-words), others as they are. */
	for (int k = 0; k < 2; k++) {
		const char *val = k == 0 ? ctype : cdisp;
		char *g = val != NULL ? mimeparam_gmime_8bit(val) : NULL;

		if (g == NULL)
			continue;
		m->shared->amb |= MIME_AMB_NAME;
		if (!m->shared->rd.param_junk) {
			free(g);
			continue;
		}
		/* Kept until the next header block or mime_free(). */
		free(m->latin8[k]);
		m->latin8[k] = g;
		if (k == 0)
			ctype = g;
		else
			cdisp = g;
	}
	if (ctype != NULL) {
		p->type_declared = true;
		params.gmime_type = m->shared->rd.param_junk;
		if (mimeparam_parse(&params, span_from_cstr(ctype)) == 0 &&
		    memchr(params.value, '/', strlen(params.value)) != NULL) {
			copy_lower(p->type, sizeof(p->type),
			    span_from_cstr(params.value));
			ok_type = true;
		} else if (emit_defect(m, p, MIME_DEF_BAD_CONTENT_TYPE) < 0) {
			mimeparam_free(&params);
			return -1;
		} else if (params.type_failed) {
			/* GMime: a Content-Type it cannot read is
			 * application/octet-stream, a leaf. */
			str_lcpy(p->type, "application/octet-stream",
			    sizeof(p->type));
			ok_type = true;
		}
	}
	if (!ok_type)
		str_lcpy(p->type, m->parent_digest ? "message/rfc822" :
		    "text/plain", sizeof(p->type));
	/* Comments, junk, an open quote: the raw lexing may read the
	 * names and the boundary otherwise. */
	if (ctype != NULL && mimeparam_irregular(&params))
		m->shared->amb |= MIME_AMB_NAME | MIME_AMB_BOUNDARY;
	v = mimeparam_get(&params, "charset");
	if (v.p != NULL)
		copy_lower(p->charset, sizeof(p->charset), v);
	v = param_get(m, &params, "name", MIME_AMB_NAME);
	if (v.p != NULL)
		p->name = mem_strndup(v.p, v.len);
	set_encoding(m, p, cte);
	p->is_multipart = strncmp(p->type, "multipart/", 10) == 0;
	/*
	 * message/partial is descended too: fragment 1 carries the enclosed
	 * message's header and first bytes (RFC 2046 5.2.2), whose names
	 * must not escape inspection; later fragments parse as junk, which
	 * costs nothing.
	 */
	p->is_message = strcmp(p->type, "message/rfc822") == 0 ||
	    strcmp(p->type, "message/global") == 0 ||
	    strcmp(p->type, "message/partial") == 0 ||
	    /* RFC 1036's Usenet article type: GMime and Thunderbird open
	     * it as a message, so its attachments must not hide in it. */
	    strcmp(p->type, "message/news") == 0 ||
	    strcmp(p->type, "message/rfc2822") == 0 ||
	    /* Its phantom entity's header names the file it points to:
	     * readers list that name, so the name rules see it. */
	    strcmp(p->type, "message/external-body") == 0;
	/*
	 * Python's email parses a part of any other message type as a
	 * message too (but message/delivery-status, its blocks of fields):
	 * an attachment inside message/x-foo or message/external-body is
	 * one of its leaves.  The message-any reading opens them.
	 */
	if (!p->is_message && strncmp(p->type, "message/", 8) == 0 &&
	    strcmp(p->type, "message/delivery-status") != 0 &&
	    strcmp(p->type, "message/global-delivery-status") != 0) {
		m->shared->amb |= MIME_AMB_STRUCTURE;
		p->is_message = m->shared->rd.message_any;
	}

	if (p->is_multipart) {
		v = param_get(m, &params, "boundary", MIME_AMB_BOUNDARY);
		if (v.p != NULL && v.len > 0 && (v.p[0] == ' ' ||
		    v.p[0] == '\t' || v.p[v.len - 1] == ' ' ||
		    v.p[v.len - 1] == '\t')) {
			/* Some readers trim the value, others do not. */
			m->shared->amb |= MIME_AMB_BOUNDARY;
			if (m->shared->rd.boundary_loose)
				v = span_trim(v);
		}
		if (v.p != NULL && v.len > 0 && memchr(v.p, ' ', v.len) !=
		    NULL && boundary_unquoted(ctype)) {
			/* "boundary=b x": some readers take the first word. */
			m->shared->amb |= MIME_AMB_BOUNDARY;
			if (m->shared->rd.boundary_loose)
				v.len = (size_t)((const char *)memchr(v.p, ' ',
				    v.len) - v.p);
		}
		/* boundary="": most readers see no multipart, GMime
		 * takes "--" lines as its delimiters; the loose reading
		 * does too. */
		if (v.p != NULL && v.len == 0)
			m->shared->amb |= MIME_AMB_BOUNDARY;
		if (v.p == NULL || (v.len == 0 &&
		    !m->shared->rd.boundary_loose)) {
			p->is_multipart = false;
			if (emit_defect(m, p, MIME_DEF_NO_BOUNDARY) < 0) {
				mimeparam_free(&params);
				return -1;
			}
		} else if (p->depth >= m->lim.depth ||
		    m->nframes >= m->lim.depth) {
			p->is_multipart = false;
			if (emit_defect(m, p, MIME_LIMIT_DEPTH) < 0) {
				mimeparam_free(&params);
				return -1;
			}
		} else {
			struct frame *f = &m->frames[m->nframes];
			char *old = f->boundary;

			memset(f, 0, sizeof(*f));
			free(old);
			f->boundary = mem_strndup(v.p, v.len);
			f->blen = v.len;
			f->digest = strcmp(p->type, "multipart/digest") == 0;
		}
	}
	over = params_over(&params);
	mimeparam_free(&params);

	if (cdisp != NULL) {
		params_init(m, &params);
		if (mimeparam_parse(&params, span_from_cstr(cdisp)) == 0) {
			if (mimeparam_irregular(&params))
				m->shared->amb |= MIME_AMB_NAME;
			copy_lower(p->disposition, sizeof(p->disposition),
			    span_from_cstr(params.value));
			v = param_get(m, &params, "filename", MIME_AMB_NAME);
			if (v.p != NULL)
				p->filename = mem_strndup(v.p, v.len);
		}
		over |= params_over(&params);
		mimeparam_free(&params);
	}
	if (over && emit_defect(m, p, MIME_LIMIT_PARAMS) < 0)
		return -1;
	if (p->is_message && p->depth >= m->lim.depth) {
		p->is_message = false;
		if (emit_defect(m, p, MIME_LIMIT_DEPTH) < 0)
			return -1;
	}

	if (emit_simple(m, MIME_EV_PART_BEGIN, p) < 0)
		return -1;
	m->cur_open = true;
	m->pending_len = 0;
	decode_b64_init(&m->b64);
	decode_qp_init(&m->qp);
	m->qp.mode = m->shared->rd.qp == MIME_QP_LITERAL ? DECODE_QP_LITERAL :
	    m->shared->rd.qp == MIME_QP_TRIPLET ? DECODE_QP_TRIPLET :
	    DECODE_QP_TOLERANT;
	if (p->is_multipart) {
		/* The container waits in its frame for its PART_END. */
		outer_boundary_clash(m, &m->frames[m->nframes]);
		m->frames[m->nframes].part = *p;
		p->filename = p->name = NULL;	/* moved */
		m->nframes++;
		m->cur_open = false;
		m->mode = BODY_NONE;
	} else if (p->is_message) {
		m->child = mime_new_child(m, p->depth + 1, p->index);
		m->mode = BODY_CHILD;
	} else {
		m->mode = BODY_LEAF;
	}
	return 0;
}

/*
 * Not a field and not a continuation: the body began without the blank
 * line.  Treat this line as the first body line.
 */
static int
header_break(struct mime *m, const char *p, size_t len, const char *eol,
    size_t eol_len)
{
	if (emit_defect(m, &m->cur, m->header_count == 0 &&
	    m->field.len == 0 ? MIME_DEF_HEADER_SEPARATOR_MISSING :
	    MIME_DEF_BAD_HEADER_LINE) < 0)
		return -1;
	m->sep_missing = true;
	if (headers_done(m) < 0)
		return -1;
	m->sep_missing = false;
	if (mime_line(m, p, len, eol, eol_len, false) < 0)
		return -1;
	/* If the next line looks like a continuation, a reader that
	 * unfolds first reads a field here (mime_line checks). */
	m->broke_headers = true;
	return 0;
}

/* The held line without a colon starts the body after all. */
static int
nocolon_flush(struct mime *m)
{
	char *held = m->nocolon;
	int rc;

	m->nocolon = NULL;
	rc = header_break(m, held, m->nocolon_len, m->nocolon_eol,
	    m->nocolon_eol_len);
	free(held);
	return rc;
}

/* The line after a held line without a colon (fold-nocolon reading). */
static int
nocolon_next(struct mime *m, const char *p, size_t len, const char *eol,
    size_t eol_len)
{
	char *held = m->nocolon;
	int rc;

	m->nocolon = NULL;
	if (len > 0 && (p[0] == ' ' || p[0] == '\t')) {
		/* "Name" CRLF " : value": one field "Name : value". */
		rc = field_append(m, held, m->nocolon_len) < 0 ||
		    field_append(m, " ", 1) < 0 ||
		    field_append(m, p, len) < 0 ? -1 : 0;
		free(held);
		return rc;
	}
	m->nocolon = held;
	if (nocolon_flush(m) < 0)
		return -1;
	m->broke_headers = false;
	return mime_line(m, p, len, eol, eol_len, false);
}

static bool
only_cr(const char *p, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (p[i] != '\r')
			return false;
	return true;
}

static int
header_line(struct mime *m, const char *p, size_t len, const char *eol,
    size_t eol_len, bool fragment)
{
	if (fragment) {
		/* An over-long header line: keep what fits. */
		return field_append(m, p, len);
	}
	if (len == 0 && !m->in_long_line)
		return headers_done(m);
	if ((p[0] == ' ' || p[0] == '\t') && m->field.len > 0) {
		/* Folded continuation: keep the break as CRLF. */
		if (field_append(m, "\r\n", 2) < 0)
			return -1;
		return field_append(m, p, len);
	}
	if (m->in_long_line)
		return field_append(m, p, len);
	if (only_cr(p, len)) {
		/* Only CRs before the LF: GMime takes it for the blank line,
		 * others for a junk line that ends the block (body) or is
		 * skipped. */
		m->shared->amb |= MIME_AMB_HEADER;
		if (m->shared->rd.skip_junk)
			return headers_done(m);
	}
	if (!is_field_start(p, len)) {
		/* Some readers end the block here, others (GMime, MIME-tools)
		 * skip the line and read on, even when it is the block's
		 * first ("\0junk", a line of spaces that Python takes for a
		 * continuation of nothing): the fields behind it are theirs. */
		m->shared->amb |= MIME_AMB_HEADER;
		if (m->shared->rd.skip_junk && len > 0 &&
		    (!m->shared->rd.skip_junk_colon ||
		    memchr(p, ':', len) != NULL))
			return field_done(m);
		if (m->shared->rd.fold_nocolon && len > 0 && m->field.len +
		    len < m->lim.header_bytes) {
			/* Hold it: a reader that unfolds the block first
			 * takes "Name\r\n : value" as a field. */
			if (field_done(m) < 0)
				return -1;
			m->nocolon = mem_strndup(p, len);
			m->nocolon_len = len;
			/* The last line may have no line end. */
			if (eol_len > 0)
				memcpy(m->nocolon_eol, eol, eol_len);
			m->nocolon_eol_len = eol_len;
			return 0;
		}
		return header_break(m, p, len, eol, eol_len);
	}
	if (colon_spaced(p, len)) {
		/* "Name : value" is obsolete syntax (RFC 5322 4.5.8) that
		 * most readers take; Python's email package does not, and
		 * ends the block there: the rest is body to it. */
		m->shared->amb |= MIME_AMB_HEADER;
		if (m->shared->rd.strict_colon)
			return header_break(m, p, len, eol, eol_len);
	}
	if (field_done(m) < 0)
		return -1;
	if (m->header_count >= m->lim.header_count) {
		/* Count the field, keep none of it. */
		if (m->header_count == m->lim.header_count) {
			m->header_count++;
			return emit_defect(m, &m->cur, MIME_LIMIT_HEADER_COUNT);
		}
		return 0;
	}
	return field_append(m, p, len);
}

/* ------------------------------------------------------------ bodies */

static int
deliver(struct mime *m, const char *p, size_t len)
{
	struct mime_event ev = { .type = MIME_EV_BODY, .part = &m->cur };

	if (len == 0)
		return 0;
	if (m->mode == BODY_CHILD) {
		if (m->child != NULL && mime_feed(m->child, p, len) < 0) {
			m->stopped = true;
			return -1;
		}
		return 0;
	}
	m->cur.body_bytes += len;
	ev.value = (struct span){ p, len };
	return emit(m, &ev);
}

/*
 * Is this a line of base64 (alphabet, padding and white space only)?
 * The line-wise reading drops the others whole, as readers that decode
 * line by line do, where the tolerant reading skips their bytes.
 */
static bool
b64_line(const char *p, size_t len)
{
	/* White space only at the end: "this is prose" is not base64. */
	while (len > 0 && (p[len - 1] == ' ' || p[len - 1] == '\t' ||
	    p[len - 1] == '\r' || p[len - 1] == '\n'))
		len--;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)p[i];

		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || c == '+' || c == '/' ||
		    c == '='))
			return false;
	}
	return true;
}

/* Decode raw body bytes of the current part and pass them on. */
static int
body_bytes(struct mime *m, const char *p, size_t len)
{
	size_t bad_before, n;

	while (len > 0) {
		size_t take = len < m->lim.line_length ? len :
		    m->lim.line_length;

		switch (m->cur.encoding) {
		case MIME_ENC_BASE64:
			bad_before = m->b64.invalid + m->b64.after_pad;
			m->b64.stop_at_pad = m->shared->rd.b64 ==
			    MIME_B64_STOP_AT_PAD;
			m->b64.whole_groups = m->b64.stop_at_pad;
			if (m->shared->rd.b64 == MIME_B64_LINEWISE &&
			    !b64_line(p, take)) {
				m->shared->amb |= MIME_AMB_DECODING;
				n = 0;
				break;
			}
			if (m->shared->rd.b64 == MIME_B64_PER_LINE &&
			    (p[0] == '\r' || p[0] == '\n')) {
				/* A line end: each line decodes alone. */
				m->b64.pos = 0;
				m->b64.acc = 0;
				m->b64.ended = false;
				m->b64.in_pad = false;
			}
			n = decode_b64(&m->b64, p, take, m->out);
			/* A line that leaves a group open (its length is not
			 * a multiple of 4) reads otherwise line by line. */
			if (m->b64.pos != 0 && !m->b64.ended)
				m->shared->amb |= MIME_AMB_DECODING;
			if (bad_before == 0 && m->b64.invalid +
			    m->b64.after_pad > 0) {
				m->shared->amb |= MIME_AMB_DECODING;
				if (emit_defect(m, &m->cur, MIME_DEF_BASE64) < 0)
					return -1;
			}
			break;
		case MIME_ENC_QP:
			bad_before = m->qp.invalid;
			n = decode_qp(&m->qp, p, take, m->out);
			/* White space before a line end and "=  " soft breaks
			 * are data to strict decoders. */
			if (m->qp.ws_dropped + m->qp.padded_soft > 0)
				m->shared->amb |= MIME_AMB_DECODING;
			if (bad_before == 0 && m->qp.invalid > 0) {
				m->shared->amb |= MIME_AMB_DECODING;
				if (emit_defect(m, &m->cur, MIME_DEF_QP) < 0)
					return -1;
			}
			break;
		default:
			if (deliver(m, p, take) < 0)
				return -1;
			n = 0;
			break;
		}
		if (n > 0 && deliver(m, m->out, n) < 0)
			return -1;
		p += take;
		len -= take;
	}
	return 0;
}

static int
body_flush(struct mime *m)
{
	size_t n = 0;

	if (m->cur.encoding == MIME_ENC_BASE64)
		n = decode_b64_finish(&m->b64, m->out);
	else if (m->cur.encoding == MIME_ENC_QP) {
		size_t bad_before = m->qp.invalid;

		/* A final "=X": kept by the tolerant and literal readings,
		 * dropped by GMime's (qp-triplet). */
		n = decode_qp_finish(&m->qp, m->out);
		if (m->qp.invalid != bad_before)
			m->shared->amb |= MIME_AMB_DECODING;
	}
	return n > 0 ? deliver(m, m->out, n) : 0;
}

/* End the current leaf or embedded message, if one is open. */
static int
end_current(struct mime *m, bool keep_pending)
{
	if (m->in_headers) {
		/* A part that ended inside its header block. */
		if (headers_done(m) < 0)
			return -1;
	}
	if (!m->cur_open)
		return 0;
	m->cur.off_end = m->base + (keep_pending ? m->consumed :
	    m->line_off - m->pending_len);
	if (keep_pending && m->pending_len > 0 &&
	    body_bytes(m, m->pending_eol, m->pending_len) < 0)
		return -1;
	m->pending_len = 0;
	if (body_flush(m) < 0)
		return -1;
	if (m->child != NULL) {
		int rc = mime_finish(m->child);

		mime_free(&m->child);
		if (rc < 0) {
			m->stopped = true;
			return -1;
		}
	}
	m->cur_open = false;
	m->mode = BODY_NONE;
	return emit_simple(m, MIME_EV_PART_END, &m->cur);
}

/* Pop frames above depth k (exclusive), closing their containers. */
static int
pop_frames(struct mime *m, size_t keep)
{
	while (m->nframes > keep) {
		struct frame *f = &m->frames[m->nframes - 1];

		f->part.off_end = m->base + m->line_off;
		if (!f->closed && !m->finished) {
			m->popped = mem_reallocarray(m->popped, m->npopped + 1,
			    sizeof(*m->popped));
			m->popped[m->npopped++] = mem_strndup(f->boundary,
			    f->blen);
		}
		if (!f->closed && emit_defect(m, &f->part, f->seen_first ?
		    MIME_DEF_CLOSE_BOUNDARY_MISSING :
		    MIME_DEF_START_BOUNDARY_MISSING) < 0)
			return -1;
		if (emit_simple(m, MIME_EV_PART_END, &f->part) < 0)
			return -1;
		part_clear(&f->part);
		m->nframes--;
	}
	return 0;
}

/*
 * Is the line a delimiter of an open multipart?  Returns the frame index
 * (innermost first) or -1; *close_r says whether it is the close form.
 */
static int
find_boundary(const struct mime *m, const char *p, size_t len, bool *close_r)
{
	bool loose = m->shared->rd.boundary_loose;
	size_t open = m->nframes;

	if (len < 2 || p[0] != '-' || p[1] != '-')
		return -1;
	/* The inner-first reading: only the innermost open multipart's
	 * delimiters count (an outer one inside it is content). */
	while (m->shared->rd.inner_first && open > 0 &&
	    m->frames[open - 1].closed)
		open--;
	for (size_t i = m->nframes; i-- > 0;) {
		const struct frame *f = &m->frames[i];
		size_t rest;

		if (m->shared->rd.inner_first && open > 0 && i + 1 < open)
			continue;

		if (len < 2 + f->blen || memcmp(p + 2, f->boundary, f->blen) != 0)
			continue;
		rest = 2 + f->blen;
		*close_r = false;
		if (len - rest >= 2 && p[rest] == '-' && p[rest + 1] == '-') {
			*close_r = true;
			rest += 2;
		}
		while (rest < len && (p[rest] == ' ' || p[rest] == '\t'))
			rest++;
		if (rest == len)
			return (int)i;
		/*
		 * "--boundary" and then junk: RFC 2046 says no delimiter, but
		 * readers that match the prefix (as many do) split here.
		 */
		m->shared->amb |= MIME_AMB_BOUNDARY;
		if (loose)
			return (int)i;
	}
	return -1;
}

/* Does an open multipart of the embedded message c (or of one inside it)
 * take the delimiter line? */
static bool
child_claims(const struct mime *c, const char *p, size_t len)
{
	bool close;

	for (; c != NULL; c = c->mode == BODY_CHILD ? c->child : NULL)
		if (c->nframes > 0 && find_boundary(c, p, len, &close) >= 0)
			return true;
	return false;
}

/*
 * The child-first reading, as GMime reads one boundary stack through
 * embedded messages: a delimiter of an outer multipart that a multipart
 * of the embedded message being read also declares is the inner one's.
 * The embedded message gets the line end held back for the delimiter
 * first, so that its parser has read every line before this one.
 * Returns 1 if the line goes to the embedded message as content, 0 if
 * not, -1 if a callback asked to stop.
 */
static int
child_first(struct mime *m, const char *p, size_t len)
{
	if (!m->shared->rd.child_first || m->mode != BODY_CHILD ||
	    m->child == NULL || m->cur.encoding != MIME_ENC_IDENTITY)
		return 0;
	if (m->pending_len > 0) {
		if (body_bytes(m, m->pending_eol, m->pending_len) < 0)
			return -1;
		m->pending_len = 0;
	}
	return child_claims(m->child, p, len) ? 1 : 0;
}

/*
 * A delimiter of a multipart that an outer delimiter already ended: some
 * reader reads its parts (the inner-first reading does).
 */
static void
popped_delimiter(struct mime *m, const char *p, size_t len)
{
	for (size_t i = 0; i < m->npopped; i++) {
		size_t n = strlen(m->popped[i]);

		if (len >= 2 + n && memcmp(p + 2, m->popped[i], n) == 0) {
			m->shared->amb |= MIME_AMB_STRUCTURE;
			return;
		}
	}
}

static int
on_boundary(struct mime *m, size_t k, bool close)
{
	struct frame *f;

	/*
	 * "--b" and at once "--b--": Python's email takes the close for the
	 * (empty) header block of the part just opened and reads that part
	 * on from the next line, the epilogue its header and body.  The
	 * empty-close reading does too.
	 */
	if (close && m->in_headers && m->header_count == 0 &&
	    m->field.len == 0 && m->cur.parent == m->frames[k].part.index &&
	    m->base + m->line_off == m->cur.off_header &&
	    m->cur.index != 0) {
		m->shared->amb |= MIME_AMB_STRUCTURE;
		if (m->shared->rd.empty_close)
			return 0;
	}

	/* The line end before a delimiter belongs to the delimiter. */
	if (end_current(m, false) < 0)
		return -1;
	if (pop_frames(m, k + 1) < 0)
		return -1;
	f = &m->frames[k];
	f->seen_first = true;
	if (close) {
		f->closed = true;
		m->mode = BODY_NONE;
		return 0;
	}
	if (f->closed) {
		/* A delimiter after the close: ignored, as most MUAs do;
		 * the reading that goes on reads the parts after it. */
		m->shared->amb |= MIME_AMB_STRUCTURE;
		if (!m->shared->rd.after_close) {
			m->mode = BODY_NONE;
			return 0;
		}
	}
	if (m->shared->parts >= m->lim.parts) {
		m->mode = BODY_NONE;
		if (!m->shared->parts_exhausted) {
			m->shared->parts_exhausted = true;
			return emit_defect(m, &f->part, MIME_LIMIT_PARTS);
		}
		return 0;
	}
	start_part(m, f->part.depth + 1, f->part.index, f->digest);
	return 0;
}

/* One line (or a fragment of an over-long one) of the message. */
static int
mime_line(struct mime *m, const char *p, size_t len, const char *eol,
    size_t eol_len, bool fragment)
{
	bool close;
	int k;

	if (m->nocolon != NULL) {
		/* Before anything else (a delimiter too): the held line is
		 * a field's start or the body's. */
		if (!fragment && !m->in_long_line)
			return nocolon_next(m, p, len, eol, eol_len);
		if (nocolon_flush(m) < 0)
			return -1;
	}
	if (m->broke_headers) {
		m->broke_headers = false;
		if (len > 0 && (p[0] == ' ' || p[0] == '\t'))
			m->shared->amb |= MIME_AMB_HEADER;
	}
	if (m->in_headers && !fragment && !m->in_long_line && len > 0) {
		const char *cr = memchr(p, '\r', len);

		/*
		 * A bare CR in a header line: Python's email ends the line
		 * there ("name=\"a.exe\r.pdf\"" is a field and then a line
		 * that is no field), the cr-eol reading does too.  (The
		 * part's offsets stay those of the whole line.)
		 */
		if (cr != NULL)
			m->shared->amb |= MIME_AMB_HEADER;
		if (cr != NULL && m->shared->rd.cr_eol) {
			/* Each piece is a line; none of them holds a CR, so
			 * this goes one call deep, whatever the CRs. */
			do {
				size_t n = (size_t)(cr - p);

				if (mime_line(m, p, n, "\r", 1, false) < 0)
					return -1;
				p = cr + 1;
				len -= n + 1;
			} while (m->in_headers && (cr = memchr(p, '\r',
			    len)) != NULL);
			return mime_line(m, p, len, eol, eol_len, false);
		}
	}
	if (!fragment && !m->in_long_line && m->nframes > 0 &&
	    (k = find_boundary(m, p, len, &close)) >= 0) {
		int taken = child_first(m, p, len);

		if (taken < 0)
			return -1;
		if (!taken)
			return on_boundary(m, (size_t)k, close);
	} else if (m->npopped > 0 && !fragment && len > 2 && p[0] == '-' &&
	    p[1] == '-')
		popped_delimiter(m, p, len);
	if (m->in_headers)
		return header_line(m, p, len, eol, eol_len, fragment);
	if (m->mode == BODY_NONE)
		return 0;
	if (m->pending_len > 0) {
		if (body_bytes(m, m->pending_eol, m->pending_len) < 0)
			return -1;
		m->pending_len = 0;
	}
	if (body_bytes(m, p, len) < 0)
		return -1;
	if (eol_len > 0) {
		memcpy(m->pending_eol, eol, eol_len);
		m->pending_len = eol_len;
	}
	return 0;
}

/* ------------------------------------------------------------ feeding */

int
mime_feed(struct mime *m, const char *data, size_t len)
{
	while (len > 0) {
		const char *lf;
		size_t take;

		if (m->stopped)
			return -1;
		lf = memchr(data, '\n', len);
		take = lf == NULL ? len : (size_t)(lf - data);
		if (m->line_len + take > m->lim.line_length) {
			/* Over-long line: hand over what we hold as a
			 * fragment and keep going, in bounded memory. */
			size_t room = m->lim.line_length - m->line_len;

			memcpy(m->line + m->line_len, data, room);
			m->line_len += room;
			if (!m->in_long_line &&
			    emit_defect(m, &m->cur, MIME_LIMIT_LINE_LENGTH) < 0)
				return -1;
			m->line_off = m->consumed;
			m->line_end = m->consumed + m->line_len;
			if (mime_line(m, m->line, m->line_len, NULL, 0,
			    true) < 0)
				return -1;
			m->consumed += m->line_len;
			m->in_long_line = true;
			m->line_len = 0;
			data += room;
			len -= room;
			continue;
		}
		memcpy(m->line + m->line_len, data, take);
		m->line_len += take;
		if (lf == NULL)
			return m->stopped ? -1 : 0;
		{
			size_t n = m->line_len;
			const char *eol = "\n";
			size_t eol_len = 1;
			int rc;

			if (n > 0 && m->line[n - 1] == '\r') {
				n--;
				eol = "\r\n";
				eol_len = 2;
			}
			m->line_off = m->consumed;
			m->line_end = m->consumed + m->line_len + 1;
			if (m->in_long_line)
				rc = mime_line(m, m->line, n, eol, eol_len,
				    true) < 0 ? -1 :
				    mime_line(m, "", 0, eol, eol_len, false);
			else
				rc = mime_line(m, m->line, n, eol, eol_len,
				    false);
			if (rc < 0)
				return -1;
			m->consumed = m->line_end;
		}
		m->in_long_line = false;
		m->line_len = 0;
		data += take + 1;
		len -= take + 1;
	}
	return m->stopped ? -1 : 0;
}

int
mime_finish(struct mime *m)
{
	if (m->finished)
		return 0;
	m->finished = true;
	if (m->line_len > 0 || m->in_long_line) {
		bool was_long = m->in_long_line;

		m->line_off = m->consumed;
		m->line_end = m->consumed + m->line_len;
		if (mime_line(m, m->line, m->line_len, NULL, 0, was_long) < 0)
			return -1;
		m->consumed = m->line_end;
		m->line_len = 0;
		m->in_long_line = false;
	}
	/* The held line was the last: it starts the body. */
	if (m->nocolon != NULL && nocolon_flush(m) < 0)
		return -1;
	/* A body not closed by a delimiter keeps its last line end. */
	if (end_current(m, true) < 0)
		return -1;
	if (pop_frames(m, 0) < 0)
		return -1;
	return m->stopped ? -1 : 0;
}
