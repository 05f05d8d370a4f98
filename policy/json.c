/*
 * json.c - JSON writer (RFC 8259) into a bounded buffer.
 *
 * Trusts: nothing about string contents (any bytes, any length, NULs).
 * Valid UTF-8 (RFC 3629, checked by utf8_seq_len) passes through; every
 * byte that does not start a valid sequence (stray continuation, overlong,
 * surrogate, above U+10FFFF, cut short) becomes one U+FFFD.  Controls and
 * DEL are escaped, and so are U+2028/U+2029 (line breaks to JavaScript)
 * and the invisible and bidirectional format characters that can disguise
 * a name in a reviewer's terminal.  The output is therefore valid JSON,
 * valid UTF-8 and one line.
 *
 * Limits: the buffer's own maximum and JSON_MAX_DEPTH.  Either one hit sets
 * the sticky w->error, checked once by the caller; the buffer then holds a
 * prefix that callers must cut back (alert.c does) or discard.  The writer
 * places commas and nesting; it does not check that keys appear only in
 * objects (a caller's bug, not an input's).
 */
#include "json.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

void
json_init(struct json_writer *w, struct buf *b)
{
	memset(w, 0, sizeof(*w));
	w->b = b;
}

/*
 * U+200B..U+200F, U+2028..U+202E, U+2060..U+2069, U+FEFF, given a valid
 * 3-byte sequence.
 */
static bool
json_escape_format(const unsigned char *s)
{
	if (s[0] == 0xe2 && s[1] == 0x80)
		return (s[2] >= 0x8b && s[2] <= 0x8f) ||
		    (s[2] >= 0xa8 && s[2] <= 0xae);
	if (s[0] == 0xe2 && s[1] == 0x81)
		return s[2] >= 0xa0 && s[2] <= 0xa9;
	return s[0] == 0xef && s[1] == 0xbb && s[2] == 0xbf;
}

int
json_append_string(struct buf *b, const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, run = 0, start = b->len;
	int rc = buf_append(b, "\"", 1);

	while (rc == 0 && i < len) {
		unsigned char c = p[i];
		const char *esc = NULL;
		char u[6];
		size_t n;

		if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
			run++;
			i++;
			continue;
		}
		if (run > 0) {
			rc = buf_append(b, s + i - run, run);
			run = 0;
			if (rc < 0)
				break;
		}
		switch (c) {
		case '"':
			esc = "\\\"";
			break;
		case '\\':
			esc = "\\\\";
			break;
		case '\n':
			esc = "\\n";
			break;
		case '\r':
			esc = "\\r";
			break;
		case '\t':
			esc = "\\t";
			break;
		case '\b':
			esc = "\\b";
			break;
		case '\f':
			esc = "\\f";
			break;
		default:
			break;
		}
		if (esc != NULL) {
			rc = buf_append_cstr(b, esc);
			i++;
			continue;
		}
		if (c < 0x20 || c == 0x7f) {
			u[0] = '\\';
			u[1] = 'u';
			u[2] = '0';
			u[3] = '0';
			u[4] = hex[c >> 4];
			u[5] = hex[c & 15];
			rc = buf_append(b, u, 6);
			i++;
			continue;
		}
		n = utf8_seq_len(p + i, len - i);
		if (n == 0) {
			rc = buf_append(b, "\xef\xbf\xbd", 3);
			i++;
		} else if (n == 3 && json_escape_format(p + i)) {
			/* Line separators and the invisible or bidirectional
			 * format characters that disguise names are written
			 * as escapes, so a reader sees them. */
			uint32_t cp = ((uint32_t)(p[i] & 0x0f) << 12) |
			    ((uint32_t)(p[i + 1] & 0x3f) << 6) |
			    (uint32_t)(p[i + 2] & 0x3f);

			u[0] = '\\';
			u[1] = 'u';
			u[2] = hex[(cp >> 12) & 15];
			u[3] = hex[(cp >> 8) & 15];
			u[4] = hex[(cp >> 4) & 15];
			u[5] = hex[cp & 15];
			rc = buf_append(b, u, 6);
			i += 3;
		} else {
			rc = buf_append(b, s + i, n);
			i += n;
		}
	}
	if (rc == 0 && run > 0)
		rc = buf_append(b, s + len - run, run);
	if (rc == 0)
		rc = buf_append(b, "\"", 1);
	if (rc < 0 && b->data != NULL) {
		/* All or nothing, like buf_append itself. */
		b->len = start;
		b->data[start] = '\0';
	}
	return rc;
}

/* Separator before a value or key at the current level. */
static void
json_sep(struct json_writer *w)
{
	if (w->after_key) {
		w->after_key = false;
		return;
	}
	/* After an error nothing more is appended: the buffer keeps the
	 * prefix written before it. */
	if (w->need_comma[w->depth] && !w->error &&
	    buf_append(w->b, ",", 1) < 0)
		w->error = true;
	w->need_comma[w->depth] = true;
}

static void
json_raw(struct json_writer *w, const char *s, size_t len)
{
	if (!w->error && buf_append(w->b, s, len) < 0)
		w->error = true;
}

static void
json_open(struct json_writer *w, char c)
{
	json_sep(w);
	if (w->depth >= JSON_MAX_DEPTH) {
		w->error = true;
		return;
	}
	json_raw(w, &c, 1);
	w->depth++;
	w->need_comma[w->depth] = false;
}

static void
json_close(struct json_writer *w, char c)
{
	if (w->depth == 0) {
		w->error = true;
		return;
	}
	w->depth--;
	json_raw(w, &c, 1);
}

void
json_object_begin(struct json_writer *w)
{
	json_open(w, '{');
}

void
json_object_end(struct json_writer *w)
{
	json_close(w, '}');
}

void
json_array_begin(struct json_writer *w)
{
	json_open(w, '[');
}

void
json_array_end(struct json_writer *w)
{
	json_close(w, ']');
}

void
json_key(struct json_writer *w, const char *key)
{
	json_sep(w);
	if (!w->error && (json_append_string(w->b, key, strlen(key)) < 0 ||
	    buf_append(w->b, ":", 1) < 0))
		w->error = true;
	w->after_key = true;
}

void
json_string_n(struct json_writer *w, const char *s, size_t len)
{
	json_sep(w);
	if (!w->error && json_append_string(w->b, s, len) < 0)
		w->error = true;
}

void
json_string(struct json_writer *w, const char *s)
{
	if (s == NULL)
		json_null(w);
	else
		json_string_n(w, s, strlen(s));
}

void
json_u64(struct json_writer *w, uint64_t v)
{
	char tmp[24];
	int n = snprintf(tmp, sizeof(tmp), "%" PRIu64, v);

	json_sep(w);
	json_raw(w, tmp, (size_t)n);
}

void
json_i64(struct json_writer *w, int64_t v)
{
	char tmp[24];
	int n = snprintf(tmp, sizeof(tmp), "%" PRId64, v);

	json_sep(w);
	json_raw(w, tmp, (size_t)n);
}

void
json_bool(struct json_writer *w, bool v)
{
	json_sep(w);
	json_raw(w, v ? "true" : "false", v ? 4 : 5);
}

void
json_null(struct json_writer *w)
{
	json_sep(w);
	json_raw(w, "null", 4);
}
