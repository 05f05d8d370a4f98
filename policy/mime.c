/*
 * mime.c - the push MIME parser.
 *
 * Trusts: nothing.  Input is any bytes in any chunking.  Memory per parser:
 * one line buffer (limits.line_length), one field buffer per part being
 * read (limits.header_bytes), a boundary stack (limits.depth), and one
 * child parser per open message/rfc822 part (also bounded by depth).
 *
 * Header blocks are read in mime_header.c (mime_priv.h holds the parser's
 * state both files share).
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

#include "mime_priv.h"

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

/* ------------------------------------------------------------ events */

int
mime_emit(struct mime *m, struct mime_event *ev)
{
	if (m->stopped)
		return -1;
	if (m->fn(m->ctx, ev) < 0) {
		m->stopped = true;
		return -1;
	}
	return 0;
}

int
mime_emit_defect(struct mime *m, const struct mime_part *part, enum mime_defect d)
{
	struct mime_event ev = { .type = MIME_EV_DEFECT, .part = part,
		.defect = d };

	return mime_emit(m, &ev);
}

int
mime_emit_simple(struct mime *m, enum mime_event_type t,
    const struct mime_part *part)
{
	struct mime_event ev = { .type = t, .part = part };

	return mime_emit(m, &ev);
}

static void
part_clear(struct mime_part *p)
{
	free(p->filename);
	free(p->name);
	memset(p, 0, sizeof(*p));
}

/* ------------------------------------------------------------ setup */

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

struct mime *
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
	return mime_emit(m, &ev);
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
				if (mime_emit_defect(m, &m->cur, MIME_DEF_BASE64) < 0)
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
				if (mime_emit_defect(m, &m->cur, MIME_DEF_QP) < 0)
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
		if (mime_headers_done(m) < 0)
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
	return mime_emit_simple(m, MIME_EV_PART_END, &m->cur);
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
		if (!f->closed && mime_emit_defect(m, &f->part, f->seen_first ?
		    MIME_DEF_CLOSE_BOUNDARY_MISSING :
		    MIME_DEF_START_BOUNDARY_MISSING) < 0)
			return -1;
		if (mime_emit_simple(m, MIME_EV_PART_END, &f->part) < 0)
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
			return mime_emit_defect(m, &f->part, MIME_LIMIT_PARTS);
		}
		return 0;
	}
	start_part(m, f->part.depth + 1, f->part.index, f->digest);
	return 0;
}

/* One line (or a fragment of an over-long one) of the message. */
int
mime_line(struct mime *m, const char *p, size_t len, const char *eol,
    size_t eol_len, bool fragment)
{
	bool close;
	int k;

	if (m->nocolon != NULL) {
		/* Before anything else (a delimiter too): the held line is
		 * a field's start or the body's. */
		if (!fragment && !m->in_long_line)
			return mime_nocolon_next(m, p, len, eol, eol_len);
		if (mime_nocolon_flush(m) < 0)
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
		if (cr != NULL && m->shared->rd.cr_drop) {
			/* GMime drops it: "message/rfc822\r2" is the type
			 * message/rfc8222 to it (no message it opens). */
			char *t = mem_malloc(len);
			size_t n = 0;
			int rc;

			for (size_t i = 0; i < len; i++)
				if (p[i] != '\r')
					t[n++] = p[i];
			rc = mime_line(m, t, n, eol, eol_len, false);
			free(t);
			return rc;
		}
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
		return mime_header_line(m, p, len, eol, eol_len, fragment);
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
			    mime_emit_defect(m, &m->cur, MIME_LIMIT_LINE_LENGTH) < 0)
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
	if (m->nocolon != NULL && mime_nocolon_flush(m) < 0)
		return -1;
	/* A body not closed by a delimiter keeps its last line end. */
	if (end_current(m, true) < 0)
		return -1;
	if (pop_frames(m, 0) < 0)
		return -1;
	return m->stopped ? -1 : 0;
}
