/*
 * fuzz_json.c - the JSON writer on arbitrary bytes.
 *
 * Invariants:
 *   - json_append_string accepts any input when there is room; its output
 *     is one JSON string literal (RFC 8259), valid UTF-8, without raw
 *     controls or raw U+2028/U+2029, and it decodes back to the input with
 *     each byte that does not start a valid UTF-8 sequence replaced by
 *     U+FFFD;
 *   - with too little room it fails and appends nothing, with exactly
 *     enough it succeeds;
 *   - the writer driven by the input as a small program (open, close, key,
 *     value) never passes its buffer bound, and when it reports no error
 *     the document is valid JSON.
 * The checkers are apart from json.c on purpose: the reference escaper is
 * written here, and documents are read by the library's strict reader
 * (jsonread.c), which shares no code with the writer.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "jsonread.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check(bool ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz_json: invariant broken: %s\n", what);
		abort();
	}
}

/* The reader's bounds: deeper and longer than the writer ever goes. */
static const struct jsonread_limits strict = { 64, SIZE_MAX, SIZE_MAX };

/* Decode one UTF-8 sequence strictly; 0 if invalid. */
static size_t
ref_utf8(const unsigned char *s, size_t len)
{
	uint32_t cp, min;
	size_t n;

	if (s[0] < 0x80)
		return 1;
	if ((s[0] & 0xe0) == 0xc0) {
		n = 2;
		cp = s[0] & 0x1fu;
		min = 0x80;
	} else if ((s[0] & 0xf0) == 0xe0) {
		n = 3;
		cp = s[0] & 0x0fu;
		min = 0x800;
	} else if ((s[0] & 0xf8) == 0xf0) {
		n = 4;
		cp = s[0] & 0x07u;
		min = 0x10000;
	} else {
		return 0;
	}
	if (len < n)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3fu);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

/* s[0..len) is exactly one string literal. */
static bool
one_string(const char *s, size_t len)
{
	struct jsonread r;
	struct jsonread_token t;

	jsonread_init(&r, s, len, &strict);
	return jsonread_next(&r, &t) == 1 && t.type == JSONREAD_STRING &&
	    t.p == s + 1 && t.len + 2 == len && jsonread_next(&r, &t) == -1 &&
	    jsonread_error(&r) == JSONREAD_OK;
}

static unsigned
hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return c - 'A' + 10;
}

static void
put_utf8(struct buf *out, uint32_t cp)
{
	unsigned char u[4];
	size_t n;

	if (cp < 0x80) {
		u[0] = (unsigned char)cp;
		n = 1;
	} else if (cp < 0x800) {
		u[0] = (unsigned char)(0xc0 | cp >> 6);
		u[1] = (unsigned char)(0x80 | (cp & 0x3f));
		n = 2;
	} else {
		u[0] = (unsigned char)(0xe0 | cp >> 12);
		u[1] = (unsigned char)(0x80 | (cp >> 6 & 0x3f));
		u[2] = (unsigned char)(0x80 | (cp & 0x3f));
		n = 3;
	}
	check(buf_append(out, u, n) == 0, "decode buffer");
}

/*
 * Decode the literal s[0..len) (already validated) into out.  \u escapes
 * must not be surrogates: the writer never needs them.
 */
static void
decode(const unsigned char *s, size_t len, struct buf *out)
{
	for (size_t i = 1; i + 1 < len;) {
		uint32_t cp;

		check(s[i] != 0xe2 || len - i < 3 || s[i + 1] != 0x80 ||
		    (s[i + 2] != 0xa8 && s[i + 2] != 0xa9),
		    "raw U+2028 or U+2029");
		if (s[i] != '\\') {
			check(buf_append(out, s + i, 1) == 0, "decode buffer");
			i++;
			continue;
		}
		switch (s[i + 1]) {
		case 'u':
			cp = hexval(s[i + 2]) << 12 | hexval(s[i + 3]) << 8 |
			    hexval(s[i + 4]) << 4 | hexval(s[i + 5]);
			check(cp < 0xd800 || cp > 0xdfff, "surrogate escape");
			put_utf8(out, cp);
			i += 6;
			continue;
		case 'n':
			cp = '\n';
			break;
		case 'r':
			cp = '\r';
			break;
		case 't':
			cp = '\t';
			break;
		case 'b':
			cp = '\b';
			break;
		case 'f':
			cp = '\f';
			break;
		default:	/* " \ / */
			cp = s[i + 1];
			break;
		}
		put_utf8(out, cp);
		i += 2;
	}
}

/* What the literal must decode to. */
static void
expect(const unsigned char *in, size_t len, struct buf *out)
{
	for (size_t i = 0; i < len;) {
		size_t n = ref_utf8(in + i, len - i);

		if (n == 0) {
			check(buf_append(out, "\xef\xbf\xbd", 3) == 0,
			    "expect buffer");
			i++;
		} else {
			check(buf_append(out, in + i, n) == 0, "expect buffer");
			i += n;
		}
	}
}

static void
fuzz_string(const uint8_t *data, size_t size)
{
	struct buf b, got, want;
	size_t room = size * 6 + 2;

	/* Plenty of room: \u00XX is the most one byte can take. */
	buf_init(&b, room);
	check(json_append_string(&b, (const char *)data, size) == 0,
	    "append with room");
	check(one_string(b.data, b.len), "one JSON string literal");
	check(memchr(b.data, '\n', b.len) == NULL, "one line");
	buf_init(&got, room);
	buf_init(&want, room);
	decode((const unsigned char *)b.data, b.len, &got);
	expect(data, size, &want);
	check(got.len == want.len && (got.len == 0 ||
	    memcmp(got.data, want.data, got.len) == 0), "round trip");
	buf_free(&got);
	buf_free(&want);

	/* Exactly enough room, after a prefix, and one byte less. */
	{
		size_t need = b.len;
		struct buf c;

		buf_init(&c, need + 3);
		check(buf_append(&c, "ab:", 3) == 0, "prefix");
		check(json_append_string(&c, (const char *)data, size) == 0 &&
		    c.len == need + 3 && memcmp(c.data + 3, b.data, need) == 0,
		    "exactly enough room");
		buf_free(&c);
		buf_init(&c, need + 2);
		check(buf_append(&c, "ab:", 3) == 0, "prefix");
		check(json_append_string(&c, (const char *)data, size) == -1 &&
		    c.len == 3 && c.data[3] == '\0', "one byte short");
		buf_free(&c);
	}
	buf_free(&b);
}

/*
 * The input as a program for the writer: each byte is an operation, and
 * some take the next bytes as an argument.  The program keeps its own
 * stack of what is open so keys go only into objects; what the program
 * leaves open is closed at the end.
 */
static void
fuzz_writer(const uint8_t *data, size_t size)
{
	bool object[JSON_MAX_DEPTH + 8];
	unsigned depth = 0;
	struct json_writer w;
	struct buf b;
	size_t max = size == 0 ? 0 : (size_t)data[0] * 8, i = 1;

	buf_init(&b, max);
	json_init(&w, &b);
	json_array_begin(&w);
	object[depth++] = false;
	while (i < size) {
		unsigned op = data[i] & 7, arg = data[i] >> 3;
		size_t n = arg < size - i - 1 ? arg : size - i - 1;

		i++;
		if (op == 2) {
			if (depth > 1) {
				depth--;
				if (object[depth])
					json_object_end(&w);
				else
					json_array_end(&w);
			}
			continue;
		}
		if (object[depth - 1])
			json_key(&w, (const char *)(n > 0 && data[i] & 1 ?
			    "k\xff\n" : "key"));
		switch (op) {
		case 0:
		case 1:
			if (depth < sizeof(object) / sizeof(object[0])) {
				if (op == 0)
					json_object_begin(&w);
				else
					json_array_begin(&w);
				object[depth++] = op == 0;
			} else {
				json_null(&w);
			}
			break;
		case 3:
			json_string_n(&w, (const char *)data + i, n);
			i += n;
			break;
		case 4:
			json_u64(&w, (uint64_t)arg * 0x0123456789abcdefull);
			break;
		case 5:
			json_i64(&w, -(int64_t)arg * 0x0123456789abcdll - 1);
			break;
		case 6:
			json_bool(&w, arg & 1);
			break;
		default:
			json_string(&w, arg & 1 ? NULL : "");
			break;
		}
	}
	while (depth > 0) {
		depth--;
		if (object[depth])
			json_object_end(&w);
		else
			json_array_end(&w);
	}
	check(b.len <= max, "bound");
	if (!w.error) {
		check(w.depth == 0, "balanced");
		check(memchr(b.data, '\n', b.len) == NULL &&
		    jsonread_check(b.data, b.len, &strict, NULL) ==
		    JSONREAD_OK, "valid document");
	}
	buf_free(&b);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_string(data, size);
	fuzz_writer(data, size);
	return 0;
}
