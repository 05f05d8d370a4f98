/*
 * fuzz_jsonread.c - the JSON reader (policy/jsonread.c) on arbitrary bytes.
 *
 * Invariants:
 *   - no read outside the input; every token's span lies inside it, a
 *     string's between its quotes; depth moves by one at each bracket,
 *     and keys come only inside objects;
 *   - jsonread_check agrees with reading token by token;
 *   - an error's offset is where the text went wrong: the bytes before it,
 *     read alone, stop exactly at their end (or are a whole text), and
 *     with the byte at the offset the same error comes at the same place
 *     (a lone low surrogate, judged at its backslash, excepted);
 *   - a text read whole reads the same with white space around it, and
 *     its tokens written out again (strings unescaped and escaped by
 *     json.c) read back as the same tokens;
 *   - each bound is exact: the text's own depth, token count and longest
 *     string are accepted, one less is the bound's error;
 *   - each string unescapes with exactly enough room, not with one less.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "jsonread.h"
#include "str.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_TOKENS 4096		/* kept for the round trip */

static const struct jsonread_limits wide = { JSONREAD_DEPTH_CAP, SIZE_MAX,
	SIZE_MAX };

static void
check(bool ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz_jsonread: invariant broken: %s\n", what);
		abort();
	}
}

/* What one read of a text found. */
struct reading {
	enum jsonread_error error;
	size_t off;
	size_t ntokens;
	unsigned max_depth;
	size_t longest;		/* -1 when no string or key */
	struct jsonread_token tokens[MAX_TOKENS];
};

static void
read_all(const char *p, size_t len, const struct jsonread_limits *lim,
    struct reading *rd)
{
	struct jsonread r;
	struct jsonread_token t;
	bool object[JSONREAD_DEPTH_CAP + 1];
	unsigned depth = 0;

	rd->ntokens = 0;
	rd->max_depth = 0;
	rd->longest = SIZE_MAX;
	jsonread_init(&r, p, len, lim);
	while (jsonread_next(&r, &t) == 1) {
		check(t.p >= p && t.len <= len &&
		    (size_t)(t.p - p) <= len - t.len, "span inside the text");
		switch (t.type) {
		case JSONREAD_OBJECT:
		case JSONREAD_ARRAY:
			check(t.len == 1 && *t.p == (t.type == JSONREAD_OBJECT ?
			    '{' : '['), "an opening bracket");
			check(depth < JSONREAD_DEPTH_CAP, "depth cap");
			object[++depth] = t.type == JSONREAD_OBJECT;
			break;
		case JSONREAD_OBJECT_END:
		case JSONREAD_ARRAY_END:
			check(depth > 0 && object[depth] ==
			    (t.type == JSONREAD_OBJECT_END), "a matching close");
			depth--;
			break;
		case JSONREAD_KEY:
		case JSONREAD_STRING:
			check(t.type == JSONREAD_STRING || (depth > 0 &&
			    object[depth]), "keys only in objects");
			check(t.p > p && t.p[-1] == '"' &&
			    (size_t)(t.p - p) + t.len < len &&
			    t.p[t.len] == '"', "a string between quotes");
			check(t.escaped == (memchr(t.p, '\\', t.len) != NULL),
			    "escaped flag");
			if (rd->longest == SIZE_MAX || t.len > rd->longest)
				rd->longest = t.len;
			break;
		default:
			break;
		}
		check(jsonread_depth(&r) == depth, "depth");
		if (depth > rd->max_depth)
			rd->max_depth = depth;
		if (rd->ntokens < MAX_TOKENS)
			rd->tokens[rd->ntokens] = t;
		rd->ntokens++;
	}
	rd->error = jsonread_error(&r);
	rd->off = jsonread_error_offset(&r);
	if (rd->error == JSONREAD_OK)
		check(depth == 0 && rd->ntokens > 0, "a whole text");
	else
		check(rd->off <= len, "error offset inside the text");
	{
		size_t off = SIZE_MAX;
		enum jsonread_error e = jsonread_check(p, len, lim, &off);

		check(e == rd->error && (e == JSONREAD_OK || off == rd->off),
		    "jsonread_check agrees");
	}
}

static bool
is_limit(enum jsonread_error e)
{
	return e == JSONREAD_E_DEPTH || e == JSONREAD_E_STRING_LONG ||
	    e == JSONREAD_E_TOKENS;
}

static struct reading rd, rd2;

static void
check_offset(const char *p, size_t size)
{
	size_t k = rd.off;
	enum jsonread_error e = rd.error;

	read_all(p, k, &wide, &rd2);
	check(rd2.error == JSONREAD_OK || (rd2.off == k &&
	    !is_limit(rd2.error)),
	    "the bytes before an error are the start of a text");
	if (k >= size || (e == JSONREAD_E_SURROGATE && p[k] == '\\'))
		return;
	read_all(p, k + 1, &wide, &rd2);
	check(rd2.error == e && rd2.off == k, "the error is at its byte");
}

/* The tokens written out again: strings unescaped, then json.c's. */
static void
round_trip(void)
{
	struct buf b;
	bool comma[JSONREAD_DEPTH_CAP + 2];
	unsigned depth = 0;
	static char s1[1 << 16], s2[1 << 16];

	if (rd.ntokens > MAX_TOKENS)
		return;
	buf_init(&b, 1 << 22);
	comma[0] = false;
	for (size_t i = 0; i < rd.ntokens; i++) {
		const struct jsonread_token *t = &rd.tokens[i];
		bool value = t->type != JSONREAD_OBJECT_END &&
		    t->type != JSONREAD_ARRAY_END;
		int n;

		/* A value after a key needs no comma. */
		if (value && comma[depth] && (i == 0 ||
		    rd.tokens[i - 1].type != JSONREAD_KEY))
			check(buf_append(&b, ",", 1) == 0, "buffer");
		if (value)
			comma[depth] = true;
		switch (t->type) {
		case JSONREAD_OBJECT:
		case JSONREAD_ARRAY:
			check(buf_append(&b, t->p, 1) == 0, "buffer");
			comma[++depth] = false;
			break;
		case JSONREAD_OBJECT_END:
		case JSONREAD_ARRAY_END:
			check(buf_append(&b, t->p, 1) == 0, "buffer");
			depth--;
			break;
		case JSONREAD_KEY:
		case JSONREAD_STRING:
			if (t->len >= sizeof(s1))
				goto out;
			n = jsonread_unescape(t->p, t->len, s1, sizeof(s1));
			check(n >= 0, "a string read unescapes");
			check(json_append_string(&b, s1, (size_t)n) == 0,
			    "buffer");
			if (t->type == JSONREAD_KEY)
				check(buf_append(&b, ":", 1) == 0, "buffer");
			break;
		default:
			check(buf_append(&b, t->p, t->len) == 0, "buffer");
			break;
		}
	}
	read_all(b.data, b.len, &wide, &rd2);
	check(rd2.error == JSONREAD_OK && rd2.ntokens == rd.ntokens,
	    "written out, read back");
	for (size_t i = 0; i < rd.ntokens; i++) {
		const struct jsonread_token *a = &rd.tokens[i],
		    *c = &rd2.tokens[i];
		int n1, n2;

		check(a->type == c->type, "same token types");
		if (a->type == JSONREAD_STRING || a->type == JSONREAD_KEY) {
			n1 = jsonread_unescape(a->p, a->len, s1, sizeof(s1));
			n2 = jsonread_unescape(c->p, c->len, s2, sizeof(s2));
			check(n1 == n2 && memcmp(s1, s2, (size_t)n1) == 0,
			    "same strings");
		} else if (a->type == JSONREAD_NUMBER) {
			check(a->len == c->len && memcmp(a->p, c->p, a->len) ==
			    0, "same numbers");
		}
	}
out:
	buf_free(&b);
}

/* The text's own bounds are accepted, one less is refused. */
static void
exact_limits(const char *p, size_t size)
{
	struct jsonread_limits lim = wide;
	size_t off;

	lim.max_depth = rd.max_depth;
	check(jsonread_check(p, size, &lim, &off) == JSONREAD_OK,
	    "own depth");
	if (rd.max_depth > 0) {
		lim.max_depth = rd.max_depth - 1;
		check(jsonread_check(p, size, &lim, &off) == JSONREAD_E_DEPTH &&
		    (p[off] == '[' || p[off] == '{'), "one level less");
	}
	lim = wide;
	lim.max_tokens = rd.ntokens;
	check(jsonread_check(p, size, &lim, &off) == JSONREAD_OK,
	    "own token count");
	lim.max_tokens = rd.ntokens - 1;
	check(jsonread_check(p, size, &lim, &off) == JSONREAD_E_TOKENS,
	    "one token less");
	if (rd.longest != SIZE_MAX) {
		lim = wide;
		lim.max_string = rd.longest;
		check(jsonread_check(p, size, &lim, &off) == JSONREAD_OK,
		    "own longest string");
		if (rd.longest > 0) {
			lim.max_string = rd.longest - 1;
			check(jsonread_check(p, size, &lim, &off) ==
			    JSONREAD_E_STRING_LONG, "one byte less");
		}
	}
}

static void
unescape_room(void)
{
	static char out[1 << 16];

	for (size_t i = 0; i < rd.ntokens && i < MAX_TOKENS; i++) {
		const struct jsonread_token *t = &rd.tokens[i];
		int n;

		if ((t->type != JSONREAD_STRING && t->type != JSONREAD_KEY) ||
		    t->len >= sizeof(out))
			continue;
		n = jsonread_unescape(t->p, t->len, out, sizeof(out));
		check(n >= 0 && (size_t)n <= t->len, "unescaped length");
		check(jsonread_unescape(t->p, t->len, out, (size_t)n + 1) == n,
		    "exactly enough room");
		check(jsonread_unescape(t->p, t->len, out, (size_t)n) == -1,
		    "one byte short");
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data;
	char *padded;

	read_all(p, size, &wide, &rd);
	if (rd.error != JSONREAD_OK) {
		if (!is_limit(rd.error))
			check_offset(p, size);
		return 0;
	}
	padded = malloc(size + 3);
	padded[0] = '\t';
	memcpy(padded + 1, data, size);
	padded[size + 1] = '\n';
	padded[size + 2] = ' ';
	read_all(padded, size + 3, &wide, &rd2);
	check(rd2.error == JSONREAD_OK && rd2.ntokens == rd.ntokens,
	    "white space around");
	free(padded);
	exact_limits(p, size);
	unescape_room();
	round_trip();
	return 0;
}
