/*
 * mime_header.c - the MIME reader's header blocks: fields assembled from
 * lines (folding, junk lines, over-long fields), and what a block declares
 * about its part (type, boundary, names, encoding), under the reading in
 * force (mime.h's switches).
 *
 * Trusts: nothing.  Memory: the field buffer (limits.header_bytes) and
 * the raw Content-* values of the part being read.
 */
#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "mem.h"
#include "mimeparam.h"

#include "mime_priv.h"

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
	if (mime_emit(m, &ev) < 0)
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
		return mime_emit_defect(m, &m->cur, MIME_LIMIT_HEADER_BYTES);
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
int
mime_headers_done(struct mime *m)
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
	    mime_emit_defect(m, p, MIME_LIMIT_HEADER_COUNT) < 0)
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
		} else if (mime_emit_defect(m, p, MIME_DEF_BAD_CONTENT_TYPE) < 0) {
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
			if (mime_emit_defect(m, p, MIME_DEF_NO_BOUNDARY) < 0) {
				mimeparam_free(&params);
				return -1;
			}
		} else if (p->depth >= m->lim.depth ||
		    m->nframes >= m->lim.depth) {
			p->is_multipart = false;
			if (mime_emit_defect(m, p, MIME_LIMIT_DEPTH) < 0) {
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
	if (over && mime_emit_defect(m, p, MIME_LIMIT_PARAMS) < 0)
		return -1;
	if (p->is_message && p->depth >= m->lim.depth) {
		p->is_message = false;
		if (mime_emit_defect(m, p, MIME_LIMIT_DEPTH) < 0)
			return -1;
	}

	if (mime_emit_simple(m, MIME_EV_PART_BEGIN, p) < 0)
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
	if (mime_emit_defect(m, &m->cur, m->header_count == 0 &&
	    m->field.len == 0 ? MIME_DEF_HEADER_SEPARATOR_MISSING :
	    MIME_DEF_BAD_HEADER_LINE) < 0)
		return -1;
	m->sep_missing = true;
	if (mime_headers_done(m) < 0)
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
int
mime_nocolon_flush(struct mime *m)
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
int
mime_nocolon_next(struct mime *m, const char *p, size_t len, const char *eol,
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
	if (mime_nocolon_flush(m) < 0)
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

int
mime_header_line(struct mime *m, const char *p, size_t len, const char *eol,
    size_t eol_len, bool fragment)
{
	if (fragment) {
		/* An over-long header line: keep what fits. */
		return field_append(m, p, len);
	}
	if (len == 0 && !m->in_long_line)
		return mime_headers_done(m);
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
			return mime_headers_done(m);
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
			return mime_emit_defect(m, &m->cur, MIME_LIMIT_HEADER_COUNT);
		}
		return 0;
	}
	return field_append(m, p, len);
}
