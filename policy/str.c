/*
 * str.c - spans, strict numbers, bounded buffers.
 *
 * Trusts: nothing about span contents (any bytes, any length).  buf_* never
 * grows past the maximum given at buf_init.
 */
#include "str.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"

struct span
span_from_cstr(const char *s)
{
	struct span r = { s, s == NULL ? 0 : strlen(s) };

	return r;
}

size_t
str_skip_cfws(const char *s, size_t len, size_t i, size_t max_depth,
    struct str_cfws *m)
{
	while (i < len) {
		size_t depth = 0;
		bool deep = false;

		if (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' ||
		    s[i] == '\n') {
			i++;
			continue;
		}
		if (s[i] != '(')
			break;
		m->comments++;
		while (i < len) {
			char c = s[i++];

			if (c == '\\' && i < len)
				i++;
			else if (c == '(' && ++depth > max_depth)
				deep = true;
			else if (c == ')' && --depth == 0)
				break;
		}
		m->deep += deep;
		m->open = depth > 0;
	}
	return i;
}

struct span
span_trim(struct span s)
{
	while (s.len > 0 && (s.p[0] == ' ' || s.p[0] == '\t')) {
		s.p++;
		s.len--;
	}
	while (s.len > 0 && (s.p[s.len - 1] == ' ' || s.p[s.len - 1] == '\t'))
		s.len--;
	return s;
}

static int
lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

bool
span_eq(struct span a, const char *cstr)
{
	size_t n = strlen(cstr);

	return a.len == n && (n == 0 || memcmp(a.p, cstr, n) == 0);
}

bool
span_eq_nocase(struct span a, const char *cstr)
{
	size_t n = strlen(cstr);

	if (a.len != n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (lower((unsigned char)a.p[i]) != lower((unsigned char)cstr[i]))
			return false;
	return true;
}

bool
span_has_prefix_nocase(struct span s, const char *prefix)
{
	size_t n = strlen(prefix);

	if (s.len < n)
		return false;
	return span_eq_nocase((struct span){ s.p, n }, prefix);
}

size_t
str_lcpy(char *dst, const char *src, size_t dstsize)
{
	size_t n = strlen(src);

	if (dstsize > 0) {
		size_t c = n < dstsize - 1 ? n : dstsize - 1;

		memcpy(dst, src, c);
		dst[c] = '\0';
	}
	return n;
}

int
str_to_u64(struct span s, uint64_t min, uint64_t max, uint64_t *value_r)
{
	uint64_t v = 0;

	if (s.len == 0)
		return -1;
	for (size_t i = 0; i < s.len; i++) {
		unsigned d;

		if (s.p[i] < '0' || s.p[i] > '9')
			return -1;
		d = (unsigned)(s.p[i] - '0');
		if (v > (UINT64_MAX - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	if (v < min || v > max)
		return -1;
	*value_r = v;
	return 0;
}

int
str_to_u64_cstr(const char *s, uint64_t min, uint64_t max, uint64_t *value_r)
{
	return str_to_u64(span_from_cstr(s), min, max, value_r);
}

char *
path_join(const char *dir, const char *rel)
{
	char *joined, *out, **seg;
	size_t nseg = 0, len, o = 0;
	bool abs;

	if (rel[0] == '/' || dir == NULL || dir[0] == '\0')
		joined = mem_strdup(rel);
	else
		joined = mem_printf("%s/%s", dir, rel);
	abs = joined[0] == '/';
	len = strlen(joined);
	seg = mem_calloc(len + 1, sizeof(*seg));
	for (char *p = joined; *p != '\0';) {
		char *slash = strchr(p, '/');
		char *next = slash == NULL ? p + strlen(p) : slash + 1;

		if (slash != NULL)
			*slash = '\0';
		if (*p == '\0' || strcmp(p, ".") == 0) {
			/* skip */
		} else if (strcmp(p, "..") == 0 && nseg > 0 &&
		    strcmp(seg[nseg - 1], "..") != 0) {
			nseg--;
		} else if (!(strcmp(p, "..") == 0 && abs)) {
			seg[nseg++] = p;
		}
		p = next;
	}
	out = mem_malloc(len + 3);
	if (abs)
		out[o++] = '/';
	for (size_t i = 0; i < nseg; i++) {
		size_t n = strlen(seg[i]);

		if (i > 0)
			out[o++] = '/';
		memcpy(out + o, seg[i], n);
		o += n;
	}
	if (o == 0)
		out[o++] = '.';
	out[o] = '\0';
	free(seg);
	free(joined);
	return out;
}

size_t
utf8_seq_len(const unsigned char *s, size_t len)
{
	unsigned c = s[0];
	size_t n;
	uint32_t cp;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf) {
		n = 2;
		cp = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3;
		cp = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4;
		cp = c & 0x07;
	} else {
		return 0;
	}
	if (len < n)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((n == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
	    (n == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return 0;
	return n;
}

void
str_lower(char *s)
{
	for (; *s != '\0'; s++)
		*s = (char)lower((unsigned char)*s);
}

size_t
str_distance(const char *a, const char *b, size_t cap)
{
	size_t la = strlen(a), lb = strlen(b);
	size_t *row, best, r;

	if (la > 64 || lb > 64)
		return cap;
	row = mem_calloc(lb + 1, sizeof(*row));
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t diag = row[0];

		row[0] = i;
		best = row[0];
		for (size_t j = 1; j <= lb; j++) {
			size_t up = row[j];
			size_t cost = lower((unsigned char)a[i - 1]) ==
			    lower((unsigned char)b[j - 1]) ? 0 : 1;
			size_t v = diag + cost;

			if (row[j] + 1 < v)
				v = row[j] + 1;
			if (row[j - 1] + 1 < v)
				v = row[j - 1] + 1;
			row[j] = v;
			diag = up;
			if (v < best)
				best = v;
		}
		if (best >= cap) {
			free(row);
			return cap;
		}
	}
	r = row[lb];
	free(row);
	return r < cap ? r : cap;
}

void
buf_init(struct buf *b, size_t max)
{
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	b->max = max;
}

static int
buf_reserve(struct buf *b, size_t add)
{
	size_t need;

	if (b->len > b->max || b->max - b->len < add)
		return -1;
	need = b->len + add + 1;
	if (need > b->cap) {
		size_t ncap = b->cap < 64 ? 64 : b->cap;

		while (ncap < need)
			ncap = ncap > SIZE_MAX / 2 ? need : ncap * 2;
		b->data = mem_reallocarray(b->data, ncap, 1);
		b->cap = ncap;
	}
	return 0;
}

int
buf_append(struct buf *b, const void *data, size_t len)
{
	if (buf_reserve(b, len) < 0)
		return -1;
	if (len > 0)
		memcpy(b->data + b->len, data, len);
	b->len += len;
	b->data[b->len] = '\0';
	return 0;
}

int
buf_append_cstr(struct buf *b, const char *s)
{
	return buf_append(b, s, strlen(s));
}

int
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || buf_reserve(b, (size_t)n) < 0)
		return -1;
	va_start(ap, fmt);
	n = vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return -1;
	b->len += (size_t)n;
	return 0;
}

void
buf_reset(struct buf *b)
{
	b->len = 0;
	if (b->data != NULL)
		b->data[0] = '\0';
}

void
buf_free(struct buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

int
buf_append_escaped(struct buf *b, struct span s, size_t width)
{
	static const char hex[] = "0123456789abcdef";
	size_t n = s.len < width ? s.len : width;

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s.p[i];

		if (c >= 0x20 && c < 0x7f && c != '\\') {
			if (buf_append(b, &c, 1) < 0)
				return -1;
		} else {
			char e[4] = { '\\', 'x', hex[c >> 4], hex[c & 15] };

			if (buf_append(b, e, 4) < 0)
				return -1;
		}
	}
	if (n < s.len)
		return buf_append(b, "...", 3);
	return 0;
}
