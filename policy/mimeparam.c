/*
 * mimeparam.c - MIME field parameters (RFC 2045 5.1, RFC 2231, and RFC
 * 2047 words in plain values as mailers write them).
 *
 *   value     = token ["/" token] *(";" parameter)      RFC 2045 5.1
 *   parameter = name ["*" section] ["*"] "=" (token / quoted-string)
 *   ext-value = [charset] "'" [language] "'" *(%XX / attribute-char)
 *
 *   title*0*=us-ascii'en'This%20is; title*1="  fun"  ->  "This is  fun"
 *
 * Trusts: nothing.  The value is read once, left to right, with comments
 * (CFWS) skipped wherever white space may stand.  Quoted strings and
 * unquoted values are copied, unescaped, into one arena the size of the
 * input; RFC 2231 sections are collected per name and joined in section
 * order at the end, as raw bytes, so a character split between sections
 * survives the charset conversion.
 *
 * Limits: see mimeparam.h.  Memory: the arena (input size), the entries
 * (at most limits.params), the sections (at most limits.sections per
 * entry) and the values (at most limits.value_bytes each).
 */
#include "mimeparam.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "decode.h"
#include "mem.h"
#include "rfc2047.h"

/* One RFC 2231 section, its bytes unquoted in the arena. */
struct section {
	size_t idx;
	bool ext;		/* "*N*": charset'lang' and %XX apply */
	struct span raw;
};

/* An RFC 2231 parameter being assembled into p->v[entry]. */
struct group {
	size_t entry;
	struct section *s;
	size_t n;
};

struct parser {
	struct mimeparam *p;
	struct span in;
	size_t i;
	char *arena;
	size_t alen;
	struct group *g;
	size_t ng;
};

void
mimeparam_init_limits(struct mimeparam *p, const struct mimeparam_limits *l)
{
	memset(p, 0, sizeof(*p));
	p->max = l != NULL && l->params != 0 ? l->params : MIMEPARAM_PARAMS;
	p->max_sections = l != NULL && l->sections != 0 ? l->sections :
	    MIMEPARAM_SECTIONS;
	p->value_max = l != NULL && l->value_bytes != 0 ? l->value_bytes :
	    MIMEPARAM_VALUE_MAX;
}

void
mimeparam_init(struct mimeparam *p, size_t max)
{
	struct mimeparam_limits l = { max, 0, 0 };

	mimeparam_init_limits(p, &l);
	p->max = max;		/* 0 is valid here: keep nothing */
}

void
mimeparam_free(struct mimeparam *p)
{
	for (size_t i = 0; i < p->n; i++) {
		free(p->v[i].name);
		free(p->v[i].value);
	}
	free(p->v);
	p->v = NULL;
	p->n = 0;
}

/* ------------------------------------------------------------ lexing */

static bool
is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Ends a name or a token word (controls are in no token: RFC 2045). */
static bool
is_stop(char c)
{
	return is_ws(c) || c == ';' || c == '(' || c == '=' || c == '"' ||
	    (unsigned char)c < 0x20 || c == 0x7f;
}

/*
 * Skip white space and comments; comments nest and take \-escapes.  As
 * GMime reads (junk_to_semi), a comment that runs to the end is not
 * skipped: false, and nothing skipped (a value then starts there, and no
 * parameter follows).
 */
static bool
skip_cfws(struct parser *ps)
{
	struct str_cfws m = { 0 };
	size_t i = str_skip_cfws(ps->in.p, ps->in.len, ps->i,
	    MIMEPARAM_COMMENT_DEPTH, &m);

	if (m.comments > 0)
		ps->p->comments = true;
	ps->p->deep_comments += m.deep;
	if (m.open) {
		ps->p->unterminated = true;
		if (ps->p->junk_to_semi)
			return false;
	}
	ps->i = i;
	return true;
}

static struct span
read_word(struct parser *ps, bool slash_stops)
{
	size_t start = ps->i;

	while (ps->i < ps->in.len && !is_stop(ps->in.p[ps->i]) &&
	    !(slash_stops && ps->in.p[ps->i] == '/'))
		ps->i++;
	return (struct span){ ps->in.p + start, ps->i - start };
}

/* Quoted string at ps->i ('"'), unescaped and unfolded into the arena. */
static struct span
read_quoted(struct parser *ps)
{
	const char *s = ps->in.p;
	char *out = ps->arena + ps->alen;
	size_t n = 0;
	bool closed = false;

	ps->i++;
	while (ps->i < ps->in.len) {
		char c = s[ps->i++];

		if (c == '"') {
			closed = true;
			break;
		}
		if (c == '\\' && ps->i < ps->in.len)
			c = s[ps->i++];
		else if (c == '\r' || c == '\n')
			continue;
		out[n++] = c;
	}
	if (!closed)
		ps->p->unterminated = true;
	ps->alen += n;
	return (struct span){ out, n };
}

/* Does a "name =" start at k?  (Ends an unquoted value with spaces.) */
static bool
param_starts(const struct parser *ps, size_t k)
{
	size_t m = k;

	while (m < ps->in.len && !is_stop(ps->in.p[m]))
		m++;
	if (m == k)
		return false;
	while (m < ps->in.len && is_ws(ps->in.p[m]))
		m++;
	return m < ps->in.len && ps->in.p[m] == '=';
}

/*
 * Unquoted value: up to ';', '(' or the end, white space inside kept
 * ("name=my file.exe") unless what follows it is the next "name=" (a
 * missing ';'); trailing white space dropped.
 */
static struct span
read_unquoted(struct parser *ps)
{
	const char *s = ps->in.p;
	size_t len = ps->in.len, start = ps->i, end = start, j = start;
	char *out = ps->arena + ps->alen;

	if (ps->p->junk_to_semi) {
		/* GMime: a value not quoted runs to the next ';', whatever
		 * it holds (a '(' or a '"' too); trailing white space off. */
		while (j < len && s[j] != ';')
			j++;
		ps->i = j;
		while (j > start && is_ws(s[j - 1]))
			j--;
		memcpy(out, s + start, j - start);
		ps->alen += j - start;
		return (struct span){ out, j - start };
	}
	while (j < len && s[j] != ';' && s[j] != '(') {
		if (s[j] == '"' || s[j] == '\\') {
			/* No token holds them: Python's email and MIME-tools
			 * end the value there. */
			ps->p->odd_token = true;
			if (ps->p->strict_token)
				break;
		}
		if (is_ws(s[j])) {
			size_t k = j;

			while (k < len && is_ws(s[k]))
				k++;
			if (k == len || s[k] == ';' || s[k] == '(' ||
			    param_starts(ps, k))
				break;
			j = k;
			continue;
		}
		end = ++j;
	}
	ps->i = j;
	memcpy(out, s + start, end - start);
	ps->alen += end - start;
	return (struct span){ out, end - start };
}

/* ------------------------------------------------------------ entries */

static struct mimeparam_entry *
new_entry(struct mimeparam *p, const char *name, size_t nlen, bool ext)
{
	struct mimeparam_entry *e;

	if (p->n >= p->max) {
		p->dropped++;
		return NULL;
	}
	p->v = mem_reallocarray(p->v, p->n + 1, sizeof(*p->v));
	e = &p->v[p->n++];
	memset(e, 0, sizeof(*e));
	e->name = mem_strndup(name, nlen);
	e->extended = ext;
	for (size_t i = 0; i + 1 < p->n; i++)
		if (p->v[i].extended == ext && strcmp(p->v[i].name,
		    e->name) == 0) {
			e->duplicate = true;
			p->duplicates++;
			break;
		}
	return e;
}

/* Give e the contents of b (UTF-8), which e now owns. */
static void
set_value(struct mimeparam_entry *e, struct buf *b)
{
	e->value = b->data != NULL ? b->data : mem_strdup("");
	e->len = b->len;
	b->data = NULL;
}

/* Parameters whose values are text for people: file names. */
static bool
is_display(const char *name)
{
	return strcmp(name, "filename") == 0 || strcmp(name, "name") == 0;
}

/* Bytes as they are, cut at the value bound. */
static void
raw_value(struct mimeparam *p, struct buf *b, struct span raw)
{
	if (raw.len > p->value_max) {
		raw.len = p->value_max;
		p->truncated++;
	}
	(void)buf_append(b, raw.p, raw.len);
}

static void
plain_param(struct parser *ps, const char *name, size_t nlen,
    struct span raw)
{
	struct mimeparam *p = ps->p;
	struct mimeparam_entry *e = new_entry(p, name, nlen, false);
	unsigned cut = (p->nul_cut ? RFC2047_CUT_NUL : 0) |
	    (p->strict_words ? RFC2047_STRICT_WS : 0);
	struct rfc2047_stats st = { 0 };
	struct buf b;

	if (e == NULL)
		return;
	buf_init(&b, p->value_max);
	if (!is_display(e->name))
		raw_value(p, &b, raw);
	else if (rfc2047_decode_stats(raw, (p->words_joined ?
	    RFC2047_JOINED : 0) | cut, &b, &st) < 0)	/* unfolds, decodes */
		p->truncated++;
	if (st.nuls > 0)
		p->name_nul = true;
	if (st.ws_words > 0)
		p->words_ws = true;
	if (is_display(e->name) && !p->words_joined && raw.len > 0 &&
	    memmem(raw.p, raw.len, "=?", 2) != NULL) {
		struct buf j;

		buf_init(&j, p->value_max);
		(void)rfc2047_decode_flags(raw, RFC2047_JOINED | cut, &j,
		    NULL);
		if (j.len != b.len || (j.len > 0 && memcmp(j.data, b.data,
		    j.len) != 0))
			p->words_differ = true;
		buf_free(&j);
	}
	set_value(e, &b);
}

static struct group *
find_group(struct parser *ps, const char *name, size_t nlen)
{
	struct group *g;

	for (size_t i = 0; i < ps->ng; i++) {
		const char *n = ps->p->v[ps->g[i].entry].name;

		if (strlen(n) == nlen && memcmp(n, name, nlen) == 0)
			return &ps->g[i];
	}
	if (new_entry(ps->p, name, nlen, true) == NULL)
		return NULL;
	ps->g = mem_reallocarray(ps->g, ps->ng + 1, sizeof(*ps->g));
	g = &ps->g[ps->ng++];
	g->entry = ps->p->n - 1;
	g->s = NULL;
	g->n = 0;
	return g;
}

static void
section_param(struct parser *ps, const char *name, size_t nlen,
    const char *suffix, size_t slen, struct span raw)
{
	struct mimeparam *p = ps->p;
	size_t digits = 0, idx = 0;
	bool ext = false;
	struct group *g;
	uint64_t v;

	while (digits < slen && suffix[digits] >= '0' && suffix[digits] <= '9')
		digits++;
	if (digits == slen) {
		ext = digits == 0;			/* "name*" */
	} else if (digits > 0 && slen == digits + 1 &&
	    suffix[digits] == '*') {
		ext = true;				/* "name*N*" */
	} else {
		p->junk++;				/* "name*x" */
		return;
	}
	if (digits > 0) {
		if (str_to_u64((struct span){ suffix, digits }, 0,
		    p->max_sections - 1, &v) < 0) {
			p->sections_dropped++;
			p->sections_over++;
			return;
		}
		idx = (size_t)v;
	}
	if ((g = find_group(ps, name, nlen)) == NULL)
		return;
	for (size_t i = 0; i < g->n; i++)
		if (g->s[i].idx == idx) {
			/* Readers differ: the first wins, or the last, or
			 * both are joined (GMime, MIME-tools). */
			p->dup_sections = true;
			p->sections_dropped++;
			if (p->last_section)
				g->s[i] = (struct section){ idx, ext, raw };
			return;
		}
	/* idx < max_sections and unique: g->n stays <= max_sections. */
	g->s = mem_reallocarray(g->s, g->n + 1, sizeof(*g->s));
	g->s[g->n++] = (struct section){ idx, ext, raw };
}

static void
add_param(struct parser *ps, struct span name, struct span raw)
{
	char low[MIMEPARAM_NAME_MAX + 1];
	const char *star;

	if (name.len > MIMEPARAM_NAME_MAX) {
		ps->p->junk++;
		return;
	}
	for (size_t i = 0; i < name.len; i++) {
		char c = name.p[i];

		low[i] = c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
	}
	low[name.len] = '\0';
	star = memchr(low, '*', name.len);
	if (star == NULL) {
		plain_param(ps, low, name.len, raw);
	} else if (star == low) {
		ps->p->junk++;
	} else {
		size_t blen = (size_t)(star - low);

		section_param(ps, low, blen, star + 1, name.len - blen - 1,
		    raw);
	}
}

/* ------------------------------------------------------------ RFC 2231 */

static int
cmp_section(const void *a, const void *b)
{
	const struct section *x = a, *y = b;

	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/* Append %XX-decoded bytes; a '%' without two hex digits stays. */
static void
pct_decode(struct span s, struct buf *raw)
{
	for (size_t i = 0; i < s.len; i++) {
		char c = s.p[i];
		int hi, lo;

		if (c == '%' && s.len - i > 2 &&
		    (hi = decode_hex(s.p[i + 1])) >= 0 &&
		    (lo = decode_hex(s.p[i + 2])) >= 0) {
			c = (char)(hi * 16 + lo);
			i += 2;
		}
		(void)buf_append(raw, &c, 1);
	}
}

static void
finish_group(struct parser *ps, struct group *g)
{
	struct mimeparam *p = ps->p;
	struct span charset = { "", 0 };
	struct buf raw, utf8, out;
	size_t total = 0;

	qsort(g->s, g->n, sizeof(*g->s), cmp_section);
	for (size_t i = 0; i < g->n; i++) {
		if (g->s[i].idx != i) {
			p->gaps = true;
			if (p->last_section) {
				g->n = i;	/* up to the gap */
				break;
			}
		}
		total += g->s[i].raw.len;
	}
	buf_init(&raw, total);
	for (size_t i = 0; i < g->n; i++) {
		struct span v = g->s[i].raw;

		if (!g->s[i].ext) {
			(void)buf_append(&raw, v.p, v.len);
			continue;
		}
		if (g->s[i].idx == 0) {
			/* charset'language'value; tolerate no quotes */
			const char *q1 = memchr(v.p, '\'', v.len), *q2;

			if (q1 != NULL) {
				charset = (struct span){ v.p,
				    (size_t)(q1 - v.p) };
				v.len -= (size_t)(q1 + 1 - v.p);
				v.p = q1 + 1;
				q2 = memchr(v.p, '\'', v.len);
				if (q2 != NULL) {
					v.len -= (size_t)(q2 + 1 - v.p);
					v.p = q2 + 1;
				}
			}
		}
		pct_decode(v, &raw);
	}
	buf_init(&utf8, p->value_max);
	buf_init(&out, p->value_max);
	if (!is_display(p->v[g->entry].name))
		raw_value(p, &out, (struct span){ raw.data, raw.len });
	else {
		size_t replaced = 0;
		int cut = rfc2047_charset_to_utf8(charset, (struct span){
		    raw.data, raw.len }, &utf8, &replaced);
		const char *nul = utf8.len > 0 ? memchr(utf8.data, '\0',
		    utf8.len) : NULL;

		/*
		 * Bytes that do not convert from the declared charset
		 * ("utf-32le''evil.exe"): GMime falls back to its default
		 * charsets and shows them as UTF-8 text.
		 */
		if (replaced > 0 && charset.len > 0) {
			p->name_lossy = true;
			if (p->charset_fallback) {
				buf_reset(&utf8);
				cut = rfc2047_charset_to_utf8(SPAN_LIT("utf-8"),
				    (struct span){ raw.data, raw.len }, &utf8,
				    NULL);
				nul = utf8.len > 0 ? memchr(utf8.data, '\0',
				    utf8.len) : NULL;
			}
		}
		/* A NUL in a name: C-string readers stop there. */
		if (nul != NULL) {
			p->name_nul = true;
			if (p->nul_cut)
				utf8.len = (size_t)(nul - utf8.data);
		}

		/*
		 * RFC 2047 words inside the value: literal to RFC 2231 (and
		 * GMime), decoded by Python's email and MIME-tools.  The
		 * decoded name is the one to judge; the raw lexing keeps
		 * them, and the difference is an ambiguity.
		 */
		if (!p->raw && utf8.len > 0 && memmem(utf8.data, utf8.len,
		    "=?", 2) != NULL) {
			struct buf w;

			size_t nuls = 0;

			buf_init(&w, p->value_max);
			if (rfc2047_decode_flags((struct span){ utf8.data,
			    utf8.len }, p->nul_cut ? RFC2047_CUT_NUL : 0, &w,
			    &nuls) < 0)
				cut = -1;
			if (nuls > 0)
				p->name_nul = true;
			if (w.len != utf8.len || memcmp(w.data, utf8.data,
			    w.len) != 0)
				p->ext_words = true;
			buf_free(&utf8);
			utf8 = w;
		}
		/* NUL becomes U+FFFD, which may cut again */
		if (rfc2047_utf8_sanitize((struct span){ utf8.data,
		    utf8.len }, &out, NULL) < 0 || cut < 0)
			p->truncated++;
	}
	set_value(&p->v[g->entry], &out);
	buf_free(&utf8);
	buf_free(&raw);
}

/* ------------------------------------------------------------ raw */

/*
 * End of the raw parameter starting at k: the next ';' outside double
 * quotes (a quote after a backslash does not count), or the end.
 */
static size_t
raw_end(struct span in, size_t k)
{
	bool quoted = false;

	for (; k < in.len; k++) {
		if (in.p[k] == '"' && !(k > 0 && in.p[k - 1] == '\\'))
			quoted = !quoted;
		else if (in.p[k] == ';' && !quoted)
			break;
	}
	return k;
}

/* s without white space at either end. */
static struct span
trim_ws(struct span s)
{
	while (s.len > 0 && is_ws(s.p[0])) {
		s.p++;
		s.len--;
	}
	while (s.len > 0 && is_ws(s.p[s.len - 1]))
		s.len--;
	return s;
}

/* The raw value (mimeparam.h), unquoted into the arena when quoted. */
static struct span
raw_unquote(struct parser *ps, struct span v)
{
	char *out = ps->arena + ps->alen;
	size_t n = 0;

	if (v.len < 2 || v.p[0] != '"' || v.p[v.len - 1] != '"')
		return v;
	for (size_t i = 1; i + 1 < v.len; i++) {
		char c = v.p[i];

		if (c == '\\' && i + 2 < v.len && (v.p[i + 1] == '\\' ||
		    v.p[i + 1] == '"'))
			c = v.p[++i];
		out[n++] = c;
	}
	ps->alen += n;
	return (struct span){ out, n };
}

/* The parameters after the token, lexed raw (mimeparam.h). */
static void
parse_raw(struct parser *ps)
{
	struct span in = ps->in;
	size_t k = raw_end(in, 0);

	while (k < in.len) {
		size_t start = k + 1, end = raw_end(in, start);
		struct span f = { in.p + start, end - start };
		const char *eq = memchr(f.p, '=', f.len);

		k = end;
		if (eq == NULL) {
			if (trim_ws(f).len > 0)
				ps->p->junk++;
			continue;
		}
		add_param(ps, trim_ws((struct span){ f.p,
		    (size_t)(eq - f.p) }), raw_unquote(ps, trim_ws(
		    (struct span){ eq + 1, f.len - (size_t)(eq + 1 - f.p) })));
	}
}

/* ------------------------------------------------------------ parse */

static void
parse_token(struct parser *ps)
{
	struct mimeparam *p = ps->p;
	size_t save, n = 0;
	struct span w;

	(void)skip_cfws(ps);
	save = ps->i;
	w = read_word(ps, true);
	(void)skip_cfws(ps);
	if (ps->i < ps->in.len && ps->in.p[ps->i] == '=') {
		ps->i = save;		/* a parameter, not a token */
		return;
	}
	for (int part = 0; part < 2; part++) {
		for (size_t i = 0; i < w.len; i++) {
			char c = w.p[i];

			if (n == MIMEPARAM_TOKEN_MAX) {
				p->token_truncated = true;
				break;
			}
			p->value[n++] = c >= 'A' && c <= 'Z' ?
			    (char)(c - 'A' + 'a') : c;
		}
		if (part == 1 || ps->i >= ps->in.len ||
		    ps->in.p[ps->i] != '/')
			break;
		ps->i++;
		if (n < MIMEPARAM_TOKEN_MAX)
			p->value[n++] = '/';
		else
			p->token_truncated = true;
		(void)skip_cfws(ps);
		w = read_word(ps, true);
		(void)skip_cfws(ps);
	}
	p->value[n] = '\0';
}

/* GMime's token characters: no tspecial, space or control; 8-bit in. */
static bool
is_ttoken(char c)
{
	return (unsigned char)c > 0x20 && c != 0x7f &&
	    strchr("()<>@,;:\\\"/[]?=", c) == NULL;
}

/*
 * A media type as GMime reads it: a ttoken run, '/', a ttoken run, with
 * white space and comments around the '/'; anything else fails (the part
 * is then application/octet-stream to GMime).  What follows is left for
 * junk_to_semi.
 */
static void
parse_gmime_type(struct parser *ps)
{
	struct mimeparam *p = ps->p;
	size_t n = 0, start;

	(void)skip_cfws(ps);
	for (int part = 0; part < 2; part++) {
		start = ps->i;
		while (ps->i < ps->in.len && is_ttoken(ps->in.p[ps->i])) {
			char c = ps->in.p[ps->i++];

			if (n < MIMEPARAM_TOKEN_MAX)
				p->value[n++] = c >= 'A' && c <= 'Z' ?
				    (char)(c - 'A' + 'a') : c;
			else
				p->token_truncated = true;
		}
		if (part == 1 && ps->i == start)
			break;			/* no subtype */
		if (part == 1) {
			p->value[n] = '\0';
			return;
		}
		(void)skip_cfws(ps);
		if (ps->i >= ps->in.len || ps->in.p[ps->i] != '/')
			break;
		ps->i++;
		if (n < MIMEPARAM_TOKEN_MAX)
			p->value[n++] = '/';
		(void)skip_cfws(ps);
	}
	p->value[0] = '\0';
	p->type_failed = true;
}

int
mimeparam_parse(struct mimeparam *p, struct span s)
{
	struct parser ps = { .p = p, .in = s };
	bool semi;

	p->value[0] = '\0';
	if (s.len == 0)
		return -1;
	ps.arena = mem_malloc(s.len);
	if (p->gmime_type)
		parse_gmime_type(&ps);
	else
		parse_token(&ps);
	/* A tspecial inside the token: GMime reads the type otherwise. */
	if (strpbrk(p->value, ")<>@,:\\[]?") != NULL ||
	    (strchr(p->value, '/') != NULL &&
	    strchr(p->value, '/') != strrchr(p->value, '/')))
		p->token_junk = true;
	semi = p->value[0] == '\0';
	if (p->type_failed) {
		semi = false;		/* GMime: no parameters at all */
		ps.i = s.len;
	} else if (!semi && ps.i < s.len && s.p[ps.i] != ';') {
		p->token_junk = true;
		if (p->junk_to_semi) {
			while (ps.i < s.len && s.p[ps.i] != ';')
				ps.i++;
		}
	}
	if (p->raw)
		parse_raw(&ps);
	for (; !p->raw;) {
		struct span name, raw;
		char c;

		if (!skip_cfws(&ps) || ps.i >= s.len)
			break;
		c = s.p[ps.i];
		if (c == ';') {
			ps.i++;
			semi = true;
			continue;
		}
		if (!semi) {
			p->missing_semicolon = true;
			/* GMime: a parameter not followed by ';' is the
			 * last it reads */
			if (p->junk_to_semi)
				break;
		}
		semi = false;
		name = read_word(&ps, false);
		if (name.len == 0) {
			/* '=', '"' or a control where a name belongs */
			p->junk++;
			if (c == '"') {
				(void)read_quoted(&ps);
				continue;
			}
			ps.i++;
			if (c != '=')
				continue;	/* a control byte */
			(void)skip_cfws(&ps);	/* "=value": skip the value */
			if (ps.i < s.len && s.p[ps.i] == '"')
				(void)read_quoted(&ps);
			else
				(void)read_unquoted(&ps);
			continue;
		}
		(void)skip_cfws(&ps);
		if (ps.i >= s.len || s.p[ps.i] != '=') {
			p->junk++;	/* a name without a value */
			continue;
		}
		ps.i++;
		(void)skip_cfws(&ps);
		if (ps.i < s.len && s.p[ps.i] == '"')
			raw = read_quoted(&ps);
		else
			raw = read_unquoted(&ps);
		add_param(&ps, name, raw);
	}
	for (size_t i = 0; i < ps.ng; i++) {
		finish_group(&ps, &ps.g[i]);
		free(ps.g[i].s);
	}
	free(ps.g);
	free(ps.arena);
	return p->value[0] != '\0' || p->n > 0 ? 0 : -1;
}

/*
 * A Content-* value as GMime parses it: 8-bit bytes that are not UTF-8
 * are first read as Latin-1 (its 8-bit fallback), so a raw byte inside an
 * RFC 2231 value of UTF-16 becomes two and shifts what follows.  NULL
 * when the value is UTF-8 (or ASCII) already.
 */
char *
mimeparam_gmime_8bit(const char *v)
{
	const unsigned char *s = (const unsigned char *)v;
	size_t len = strlen(v), i = 0, o = 0;
	bool bad = false;
	char *out;

	while (i < len) {
		size_t n = utf8_seq_len(s + i, len - i);

		if (n == 0) {
			bad = true;
			break;
		}
		i += n;
	}
	if (!bad)
		return NULL;
	out = mem_malloc(2 * len + 1);
	for (i = 0; i < len; i++) {
		if (s[i] < 0x80) {
			out[o++] = (char)s[i];
		} else {
			out[o++] = (char)(0xc0 | (s[i] >> 6));
			out[o++] = (char)(0x80 | (s[i] & 0x3f));
		}
	}
	out[o] = '\0';
	return out;
}

bool
mimeparam_irregular(const struct mimeparam *p)
{
	return p->comments || p->junk > 0 || p->unterminated ||
	    p->missing_semicolon || p->dup_sections || p->ext_words ||
	    p->gaps || p->words_differ || p->odd_token || p->token_junk ||
	    p->name_nul || p->words_ws || p->name_lossy;
}

struct span
mimeparam_get(const struct mimeparam *p, const char *name)
{
	const struct mimeparam_entry *first = NULL;

	for (size_t i = 0; i < p->n; i++) {
		const struct mimeparam_entry *e = &p->v[i];

		if (strcasecmp(e->name, name) != 0)
			continue;
		if (e->extended)
			return (struct span){ e->value, e->len };
		if (first == NULL)
			first = e;
	}
	if (first == NULL)
		return (struct span){ NULL, 0 };
	return (struct span){ first->value, first->len };
}
