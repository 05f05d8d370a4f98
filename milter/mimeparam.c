/*
 * mimeparam.c - MIME parameters (RFC 2045 5.1, RFC 2231).
 *
 *   value     = token *( ";" parameter )
 *   parameter = attribute ["*" section] ["*"] "=" (token / quoted-string)
 *
 * Trusts: nothing.  Comments in parentheses are skipped (nesting bounded),
 * missing semicolons and unterminated quotes are tolerated the way mail
 * readers tolerate them, and every output is bounded.  Continuations are
 * reassembled in section order whatever order they came in.
 */
#include "mimeparam.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "mem.h"
#include "rfc2047.h"

#define COMMENT_DEPTH 16

/* One raw parameter before reassembly. */
struct raw {
	char name[64];
	int section;		/* -1: none */
	bool extended;		/* "*" at the end: charset'lang'%XX */
	char *value;
	size_t len;
	bool quoted;
	size_t order;		/* position in the field, for stable sorting */
};

void
mimeparam_init(struct mimeparam *p, size_t max)
{
	memset(p, 0, sizeof(*p));
	p->max = max;
}

void
mimeparam_free(struct mimeparam *p)
{
	for (size_t i = 0; i < p->n; i++) {
		free(p->v[i].name);
		free(p->v[i].value);
	}
	free(p->v);
	memset(p, 0, sizeof(*p));
}

static size_t
skip_cfws(const char *s, size_t len, size_t i)
{
	while (i < len) {
		if (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n')
			i++;
		else if (s[i] == '(') {
			int depth = 0;

			while (i < len) {
				if (s[i] == '\\' && i + 1 < len)
					i++;
				else if (s[i] == '(' && ++depth > COMMENT_DEPTH)
					return len;
				else if (s[i] == ')' && --depth == 0) {
					i++;
					break;
				}
				i++;
			}
		} else
			break;
	}
	return i;
}

static bool
tspecial(char c)
{
	return strchr("()<>@,;:\\\"/[]?=", c) != NULL || (unsigned char)c <= 32
	    || c == 127;
}

static void
lower(char *s)
{
	for (; *s != '\0'; s++)
		if (*s >= 'A' && *s <= 'Z')
			*s = (char)(*s + 32);
}

/* Read a token or quoted string value at i; returns the new index. */
static size_t
read_value(const char *s, size_t len, size_t i, struct buf *out, bool *quoted)
{
	*quoted = false;
	if (i < len && s[i] == '"') {
		*quoted = true;
		i++;
		while (i < len && s[i] != '"') {
			if (s[i] == '\\' && i + 1 < len)
				i++;
			if (s[i] != '\r' && s[i] != '\n')
				(void)buf_append(out, &s[i], 1);
			i++;
		}
		return i < len ? i + 1 : i;
	}
	/* Token, tolerating bytes real mailers put there (spaces up to ';',
	 * 8-bit), trimmed at the end. */
	while (i < len && s[i] != ';' && s[i] != '\r' && s[i] != '\n')
		(void)buf_append(out, &s[i++], 1);
	while (out->len > 0 && (out->data[out->len - 1] == ' ' ||
	    out->data[out->len - 1] == '\t'))
		out->len--;
	if (out->data != NULL)
		out->data[out->len] = '\0';
	return i;
}

static int
raw_cmp(const void *a, const void *b)
{
	const struct raw *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	if (c != 0)
		return c;
	if (x->section != y->section)
		return (x->section > y->section) - (x->section < y->section);
	return (x->order > y->order) - (x->order < y->order);
}

/* RFC 2231 extended value "charset'lang'%41%42" -> bytes; charset out. */
static void
pct_decode(struct span v, struct buf *out)
{
	for (size_t i = 0; i < v.len; i++) {
		if (v.p[i] == '%' && i + 2 < v.len &&
		    decode_hex(v.p[i + 1]) >= 0 && decode_hex(v.p[i + 2]) >= 0) {
			char c = (char)(decode_hex(v.p[i + 1]) * 16 +
			    decode_hex(v.p[i + 2]));

			(void)buf_append(out, &c, 1);
			i += 2;
		} else {
			(void)buf_append(out, &v.p[i], 1);
		}
	}
}

static void
add_param(struct mimeparam *p, const char *name, struct buf *value)
{
	for (size_t i = 0; i < p->n; i++)
		if (strcmp(p->v[i].name, name) == 0)
			return;	/* the first occurrence wins */
	if (p->n >= p->max) {
		p->dropped++;
		return;
	}
	p->v = mem_reallocarray(p->v, p->n + 1, sizeof(*p->v));
	p->v[p->n].name = mem_strdup(name);
	p->v[p->n].value = mem_strndup(value->data != NULL ? value->data : "",
	    value->len);
	p->v[p->n].len = value->len;
	p->n++;
}

/* Join the sections of one name (raws[a..b)) and add the result. */
static void
assemble(struct mimeparam *p, struct raw *r, size_t n)
{
	char charset[64] = "";
	struct buf bytes, utf8;

	buf_init(&bytes, MIMEPARAM_VALUE_MAX);
	buf_init(&utf8, MIMEPARAM_VALUE_MAX);
	for (size_t i = 0; i < n; i++) {
		struct span v = { r[i].value, r[i].len };

		if (r[i].extended) {
			if (i == 0 || r[i].section <= 0) {
				/* charset'language'value */
				const char *q1 = memchr(v.p, '\'', v.len);
				const char *q2 = q1 == NULL ? NULL :
				    memchr(q1 + 1, '\'', v.len -
				    (size_t)(q1 + 1 - v.p));

				if (q1 != NULL && q2 != NULL) {
					size_t cl = (size_t)(q1 - v.p);

					if (cl < sizeof(charset)) {
						memcpy(charset, v.p, cl);
						charset[cl] = '\0';
					}
					v.len -= (size_t)(q2 + 1 - v.p);
					v.p = q2 + 1;
				}
			}
			pct_decode(v, &bytes);
		} else {
			(void)buf_append(&bytes, v.p, v.len);
		}
	}
	if (charset[0] != '\0')
		(void)charset_to_utf8(charset, (struct span){ bytes.data,
		    bytes.len }, &utf8);
	else
		(void)rfc2047_decode((struct span){ bytes.data, bytes.len },
		    &utf8);
	add_param(p, r[0].name, &utf8);
	buf_free(&bytes);
	buf_free(&utf8);
}

int
mimeparam_parse(struct mimeparam *p, struct span s)
{
	size_t i = skip_cfws(s.p, s.len, 0), start, nraw = 0;
	size_t limit = p->max * MIMEPARAM_SECTIONS;
	struct raw *raws = NULL;

	start = i;
	while (i < s.len && s.p[i] != ';' && !(s.p[i] == ' ' ||
	    s.p[i] == '\t' || s.p[i] == '(' || s.p[i] == '\r' ||
	    s.p[i] == '\n'))
		i++;
	if (i == start)
		return -1;
	{
		size_t n = i - start < sizeof(p->value) - 1 ? i - start :
		    sizeof(p->value) - 1;

		memcpy(p->value, s.p + start, n);
		p->value[n] = '\0';
		lower(p->value);
	}
	while (i < s.len) {
		struct raw r;
		struct buf val;
		size_t ns;
		char *star;

		/* Find the next parameter; tolerate a missing ';'. */
		i = skip_cfws(s.p, s.len, i);
		while (i < s.len && s.p[i] == ';')
			i = skip_cfws(s.p, s.len, i + 1);
		if (i >= s.len)
			break;
		ns = i;
		while (i < s.len && !tspecial(s.p[i]))
			i++;
		if (i == ns) {
			i++;	/* junk byte */
			continue;
		}
		memset(&r, 0, sizeof(r));
		r.section = -1;
		{
			size_t n = i - ns < sizeof(r.name) - 1 ? i - ns :
			    sizeof(r.name) - 1;

			memcpy(r.name, s.p + ns, n);
			r.name[n] = '\0';
		}
		lower(r.name);
		i = skip_cfws(s.p, s.len, i);
		if (i >= s.len || s.p[i] != '=')
			continue;	/* attribute without value */
		i = skip_cfws(s.p, s.len, i + 1);
		/* name*, name*N, name*N* */
		star = strchr(r.name, '*');
		if (star != NULL) {
			char *end = star + strlen(star);

			if (end[-1] == '*' && end - 1 != star) {
				r.extended = true;
				end[-1] = '\0';
			} else if (end - 1 == star) {
				r.extended = true;
			}
			if (star[1] != '\0') {
				uint64_t sec;

				if (str_to_u64_cstr(star + 1, 0,
				    MIMEPARAM_SECTIONS - 1, &sec) < 0) {
					buf_init(&val, MIMEPARAM_VALUE_MAX);
					i = read_value(s.p, s.len, i, &val,
					    &r.quoted);
					buf_free(&val);
					continue;
				}
				r.section = (int)sec;
			}
			*star = '\0';
		}
		buf_init(&val, MIMEPARAM_VALUE_MAX);
		i = read_value(s.p, s.len, i, &val, &r.quoted);
		if (nraw >= limit) {
			buf_free(&val);
			p->dropped++;
			continue;
		}
		r.value = val.data != NULL ? val.data : mem_strdup("");
		r.len = val.len;
		r.order = nraw;
		raws = mem_reallocarray(raws, nraw + 1, sizeof(*raws));
		raws[nraw++] = r;
	}
	/*
	 * Group by name.  Continuation sections (name*0, name*1 ...) are
	 * joined in section order, and win over a plain name= (RFC 2231 3);
	 * among plain values the first one counts; a repeated section number
	 * keeps its first occurrence.
	 */
	if (nraw > 1)
		qsort(raws, nraw, sizeof(*raws), raw_cmp);
	for (size_t a = 0; a < nraw;) {
		size_t b = a + 1, first_sec = a, n = 0;
		struct raw *sec;

		while (b < nraw && strcmp(raws[b].name, raws[a].name) == 0)
			b++;
		while (first_sec < b && raws[first_sec].section < 0)
			first_sec++;
		if (first_sec == b) {
			assemble(p, raws + a, 1);	/* plain: the first */
		} else {
			sec = mem_calloc(b - first_sec, sizeof(*sec));
			for (size_t k = first_sec; k < b; k++)
				if (n == 0 || raws[k].section !=
				    sec[n - 1].section)
					sec[n++] = raws[k];
			assemble(p, sec, n);
			free(sec);
		}
		a = b;
	}
	for (size_t k = 0; k < nraw; k++)
		free(raws[k].value);
	free(raws);
	return 0;
}

struct span
mimeparam_get(const struct mimeparam *p, const char *name)
{
	for (size_t i = 0; i < p->n; i++)
		if (strcmp(p->v[i].name, name) == 0)
			return (struct span){ p->v[i].value, p->v[i].len };
	return (struct span){ NULL, 0 };
}
