/*
 * jsonread.c - the JSON reader (RFC 8259), see jsonread.h.
 *
 * Trusts: nothing.  The text may be any bytes of any length; the reader
 * never reads outside [p, p + len) and never allocates.  Each byte is
 * looked at once, strings through a class table.  Strict: no leading
 * zeros, no '+' sign, no trailing commas, no comments, no raw control
 * bytes in strings, only the escapes RFC 8259 section 7 names, no lone
 * surrogates (\uD800-\uDFFF unpaired), only valid UTF-8 (RFC 3629: no
 * overlongs, no encoded surrogates, nothing past U+10FFFF), white space
 * only SP HT LF CR, one value per text.  Duplicate keys are the caller's
 * business (the reader hands every key over).
 *
 * Limits (the caller's, struct jsonread_limits): nesting depth, the bytes
 * of one string as written, tokens per text.  An error is the first byte
 * that breaks the grammar or a limit; the reader stops there.
 *
 *   text   = ws value ws
 *   value  = object / array / string / number / "true" / "false" / "null"
 *   object = "{" ws [ string ws ":" ws value ws *( "," ws string ws ":"
 *            ws value ws ) ] "}"
 *   array  = "[" ws [ value ws *( "," ws value ws ) ] "]"
 *   number = [ "-" ] ( "0" / 1-9 *DIGIT ) [ "." 1*DIGIT ]
 *            [ ( "e" / "E" ) [ "+" / "-" ] 1*DIGIT ]
 */
#include "jsonread.h"

#include <stdlib.h>
#include <string.h>

#include "str.h"

/* The token path is hot (`msgsec alerts` reads every line through it). */
#define HOT static inline __attribute__((always_inline))

enum {
	ST_VALUE,		/* a value: the top one, after ':' or ',' */
	ST_ARRAY_FIRST,		/* after '[': ']' or a value */
	ST_OBJECT_FIRST,	/* after '{': '}' or a key */
	ST_KEY,			/* after ',' in an object */
	ST_AFTER,		/* after a value in a container */
	ST_DONE,		/* after the top value: white space, end */
	ST_STOP,		/* the end was reported, or an error */
};

static const char *const messages[JSONREAD_NERRORS] = {
	[JSONREAD_OK] = "no error",
	[JSONREAD_E_VALUE] = "missing value",
	[JSONREAD_E_NUMBER] = "bad number",
	[JSONREAD_E_LITERAL] = "bad literal",
	[JSONREAD_E_STRING_END] = "unterminated string",
	[JSONREAD_E_ESCAPE] = "bad escape in string",
	[JSONREAD_E_UESCAPE] = "bad \\u escape in string",
	[JSONREAD_E_SURROGATE] = "lone surrogate in string",
	[JSONREAD_E_CONTROL] = "control character in string",
	[JSONREAD_E_UTF8] = "invalid UTF-8 in string",
	[JSONREAD_E_KEY] = "expected a key",
	[JSONREAD_E_COLON] = "expected ':' after a key",
	[JSONREAD_E_OBJECT_END] = "unterminated object",
	[JSONREAD_E_OBJECT_SEP] = "expected ',' or '}' in object",
	[JSONREAD_E_ARRAY_END] = "unterminated array",
	[JSONREAD_E_ARRAY_SEP] = "expected ',' or ']' in array",
	[JSONREAD_E_TRAILING] = "text after the value",
	[JSONREAD_E_DEPTH] = "nested too deep",
	[JSONREAD_E_STRING_LONG] = "string too long",
	[JSONREAD_E_TOKENS] = "too many tokens",
};

/* Byte classes inside a string. */
enum { SC_PLAIN, SC_QUOTE, SC_BSLASH, SC_CTRL, SC_HIGH };

static const unsigned char str_class[256] = {
	[0x00 ... 0x1f] = SC_CTRL,
	['"'] = SC_QUOTE,
	['\\'] = SC_BSLASH,
	[0x80 ... 0xff] = SC_HIGH,
};

/* What may follow a backslash, and what it stands for. */
static const char esc_to[256] = {
	['"'] = '"', ['\\'] = '\\', ['/'] = '/', ['b'] = '\b', ['f'] = '\f',
	['n'] = '\n', ['r'] = '\r', ['t'] = '\t',
};

const char *
jsonread_strerror(enum jsonread_error e)
{
	return (unsigned)e < JSONREAD_NERRORS ? messages[e] : "?";
}

void
jsonread_init(struct jsonread *r, const char *p, size_t len,
    const struct jsonread_limits *lim)
{
	if (lim->max_depth > JSONREAD_DEPTH_CAP)
		abort();	/* the caller's bug, not the input's */
	memset(r, 0, sizeof(*r));
	r->s = (const unsigned char *)p;
	r->n = len;
	r->lim = *lim;
	r->state = ST_VALUE;
}

/* Errors are rare: kept out of the token path. */
static __attribute__((noinline, cold)) int
fail(struct jsonread *r, enum jsonread_error e, size_t off)
{
	r->error = (uint8_t)e;
	r->error_off = off;
	r->state = ST_STOP;
	return -1;
}

HOT bool
is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static bool
is_hex(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
	    (c >= 'A' && c <= 'F');
}

/* The first byte at or after i that is not white space, or n. */
HOT size_t
skip_ws(const unsigned char *s, size_t n, size_t i)
{
	while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' ||
	    s[i] == '\r'))
		i++;
	return i;
}

static int
hex4(const unsigned char *p, unsigned *v_r)
{
	unsigned v = 0;

	for (int k = 0; k < 4; k++) {
		unsigned c = p[k], d;

		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			d = c - 'A' + 10;
		else
			return -1;
		v = v << 4 | d;
	}
	*v_r = v;
	return 0;
}

/* Offset of the first of up to four bytes at s[i..n) that is not hex. */
static size_t
hex_bad_at(const unsigned char *s, size_t n, size_t i)
{
	for (size_t k = i; k < n && k < i + 4; k++)
		if (!is_hex(s[k]))
			return k;
	return i + 4 > n ? n : i + 4;
}

/*
 * The low half of a surrogate pair, \uDC00-\uDFFF, expected at s[j]:
 * SIZE_MAX when it is there, else the offset of the first byte that
 * cannot belong to one (n when the text ends first).
 */
static size_t
low_half_bad_at(const unsigned char *s, size_t n, size_t j)
{
	for (size_t k = 0; k < 6; k++) {
		unsigned char c;
		bool fits;

		if (j + k >= n)
			return n;
		c = s[j + k];
		switch (k) {
		case 0:
			fits = c == '\\';
			break;
		case 1:
			fits = c == 'u';
			break;
		case 2:
			fits = c == 'd' || c == 'D';
			break;
		case 3:
			fits = (c >= 'c' && c <= 'f') || (c >= 'C' && c <= 'F');
			break;
		default:
			fits = is_hex(c);
			break;
		}
		if (!fits)
			return j + k;
	}
	return SIZE_MAX;
}

/*
 * An error inside the string whose body starts at body: when the body
 * had already passed max_string there, that is the first error.
 */
static __attribute__((noinline, cold)) int
string_fail(struct jsonread *r, size_t body, enum jsonread_error e,
    size_t off)
{
	if (off - body > r->lim.max_string)
		return fail(r, JSONREAD_E_STRING_LONG, body + r->lim.max_string);
	return fail(r, e, off);
}

/*
 * The rest of a string after the plain bytes, from its first backslash,
 * control or non-ASCII byte at i.  Returns the offset of the closing
 * quote, or 0 after an error (0 is never a closing quote).
 */
static size_t
string_rest(struct jsonread *r, size_t body, size_t i,
    struct jsonread_token *t)
{
	const unsigned char *s = r->s;
	size_t n = r->n, k, at;
	enum jsonread_error e;
	unsigned u;

	for (;;) {
		while (i < n && str_class[s[i]] == SC_PLAIN)
			i++;
		if (i >= n) {
			e = JSONREAD_E_STRING_END, at = n;
			goto bad;
		}
		switch (str_class[s[i]]) {
		case SC_QUOTE:
			return i;
		case SC_BSLASH:
			t->escaped = true;
			if (i + 1 >= n) {
				e = JSONREAD_E_STRING_END, at = n;
				goto bad;
			}
			if (s[i + 1] != 'u') {
				if (esc_to[s[i + 1]] == 0) {
					e = JSONREAD_E_ESCAPE, at = i + 1;
					goto bad;
				}
				i += 2;
				break;
			}
			if (n - i < 6 || hex4(s + i + 2, &u) < 0) {
				e = JSONREAD_E_UESCAPE;
				at = hex_bad_at(s, n, i + 2);
				goto bad;
			}
			if (u >= 0xdc00 && u <= 0xdfff) {
				e = JSONREAD_E_SURROGATE, at = i;
				goto bad;
			}
			if (u >= 0xd800 && u <= 0xdbff) {
				/* The low half must follow at once. */
				at = low_half_bad_at(s, n, i + 6);
				if (at != SIZE_MAX) {
					e = JSONREAD_E_SURROGATE;
					goto bad;
				}
				i += 6;
			}
			i += 6;
			break;
		case SC_CTRL:
			e = JSONREAD_E_CONTROL, at = i;
			goto bad;
		default:	/* SC_HIGH */
			k = utf8_seq_len(s + i, n - i);
			if (k == 0) {
				e = JSONREAD_E_UTF8, at = i;
				goto bad;
			}
			i += k;
			break;
		}
	}
bad:
	(void)string_fail(r, body, e, at);
	return 0;
}

/*
 * The string whose opening quote is at s[q]: fills t, returns the offset
 * just past the closing quote, or 0 after an error.
 */
HOT size_t
read_string(struct jsonread *r, size_t q, struct jsonread_token *t,
    uint8_t type)
{
	const unsigned char *s = r->s;
	size_t n = r->n, body = q + 1, i = body;

	t->escaped = false;
	/* Plain ASCII up to the closing quote is the common case. */
	while (i < n && str_class[s[i]] == SC_PLAIN)
		i++;
	if (i >= n || s[i] != '"') {
		i = string_rest(r, body, i, t);
		if (i == 0)
			return 0;
	}
	if (i - body > r->lim.max_string) {
		(void)fail(r, JSONREAD_E_STRING_LONG,
		    body + r->lim.max_string);
		return 0;
	}
	t->p = (const char *)s + body;
	t->len = i - body;
	t->type = type;
	return i + 1;
}

/* The number starting at s[start] ('-' or a digit); 0 after an error. */
static size_t
read_number(struct jsonread *r, size_t start, struct jsonread_token *t)
{
	const unsigned char *s = r->s;
	size_t n = r->n, i = start;

	if (s[i] == '-')
		i++;
	if (i >= n || !is_digit(s[i]))
		goto bad;
	if (s[i] == '0')
		i++;
	else
		while (i < n && is_digit(s[i]))
			i++;
	if (i < n && s[i] == '.') {
		i++;
		if (i >= n || !is_digit(s[i]))
			goto bad;
		while (i < n && is_digit(s[i]))
			i++;
	}
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < n && (s[i] == '+' || s[i] == '-'))
			i++;
		if (i >= n || !is_digit(s[i]))
			goto bad;
		while (i < n && is_digit(s[i]))
			i++;
	}
	t->p = (const char *)s + start;
	t->len = i - start;
	t->type = JSONREAD_NUMBER;
	t->escaped = false;
	return i;
bad:
	(void)fail(r, JSONREAD_E_NUMBER, i);
	return 0;
}

/* true, false or null at s[i]; 0 after an error. */
static size_t
read_literal(struct jsonread *r, size_t i, struct jsonread_token *t,
    const char *word, size_t len, uint8_t type)
{
	for (size_t k = 0; k < len; k++)
		if (i + k >= r->n || r->s[i + k] != (unsigned char)word[k]) {
			(void)fail(r, JSONREAD_E_LITERAL, i + k);
			return 0;
		}
	t->p = (const char *)r->s + i;
	t->len = len;
	t->type = type;
	t->escaped = false;
	return i + len;
}

HOT bool
in_object(const struct jsonread *r)
{
	unsigned d = r->depth - 1;

	return (r->is_object[d / 64] >> (d % 64)) & 1;
}

/* Done with a token that ended just before i. */
HOT int
token_done(struct jsonread *r, size_t i, uint8_t state)
{
	r->i = i;
	r->state = state;
	return 1;
}

/* The state after a value at the current depth. */
HOT uint8_t
after_value(const struct jsonread *r)
{
	return r->depth == 0 ? ST_DONE : ST_AFTER;
}

static int
open_container(struct jsonread *r, size_t i, struct jsonread_token *t,
    bool object)
{
	unsigned d = r->depth;

	if (d >= r->lim.max_depth)
		return fail(r, JSONREAD_E_DEPTH, i);
	if (r->tokens >= r->lim.max_tokens)
		return fail(r, JSONREAD_E_TOKENS, i);
	r->tokens++;
	if (object)
		r->is_object[d / 64] |= (uint64_t)1 << (d % 64);
	else
		r->is_object[d / 64] &= ~((uint64_t)1 << (d % 64));
	r->depth = d + 1;
	t->p = (const char *)r->s + i;
	t->len = 1;
	t->type = object ? JSONREAD_OBJECT : JSONREAD_ARRAY;
	t->escaped = false;
	return token_done(r, i + 1, object ? ST_OBJECT_FIRST : ST_ARRAY_FIRST);
}

HOT int
close_container(struct jsonread *r, size_t i, struct jsonread_token *t,
    bool object)
{
	if (r->tokens >= r->lim.max_tokens)
		return fail(r, JSONREAD_E_TOKENS, i);
	r->tokens++;
	r->depth--;
	t->p = (const char *)r->s + i;
	t->len = 1;
	t->type = object ? JSONREAD_OBJECT_END : JSONREAD_ARRAY_END;
	t->escaped = false;
	return token_done(r, i + 1, after_value(r));
}

/* A value whose first byte is at i (white space skipped). */
HOT int
read_value(struct jsonread *r, size_t i, struct jsonread_token *t)
{
	const unsigned char *s = r->s;
	unsigned char c;
	size_t next;

	if (i >= r->n)
		return fail(r, JSONREAD_E_VALUE, r->n);
	c = s[i];
	if (c == '{' || c == '[')
		return open_container(r, i, t, c == '{');
	if (c != '"' && c != 't' && c != 'f' && c != 'n' && c != '-' &&
	    !is_digit(c))
		return fail(r, JSONREAD_E_NUMBER, i);
	if (r->tokens >= r->lim.max_tokens)
		return fail(r, JSONREAD_E_TOKENS, i);
	r->tokens++;
	switch (c) {
	case '"':
		next = read_string(r, i, t, JSONREAD_STRING);
		break;
	case 't':
		next = read_literal(r, i, t, "true", 4, JSONREAD_TRUE);
		break;
	case 'f':
		next = read_literal(r, i, t, "false", 5, JSONREAD_FALSE);
		break;
	case 'n':
		next = read_literal(r, i, t, "null", 4, JSONREAD_NULL);
		break;
	default:
		next = read_number(r, i, t);
		break;
	}
	if (next == 0)
		return -1;
	return token_done(r, next, after_value(r));
}

/* A key and its ':', the key's quote expected at i. */
HOT int
read_key(struct jsonread *r, size_t i, struct jsonread_token *t)
{
	const unsigned char *s = r->s;
	size_t n = r->n;

	if (i >= n || s[i] != '"')
		return fail(r, JSONREAD_E_KEY, i);
	if (r->tokens >= r->lim.max_tokens)
		return fail(r, JSONREAD_E_TOKENS, i);
	r->tokens++;
	i = read_string(r, i, t, JSONREAD_KEY);
	if (i == 0)
		return -1;
	if (i < n && s[i] != ':')
		i = skip_ws(s, n, i);
	if (i >= n || s[i] != ':')
		return fail(r, JSONREAD_E_COLON, i);
	return token_done(r, i + 1, ST_VALUE);
}

int
jsonread_next(struct jsonread *r, struct jsonread_token *t)
{
	const unsigned char *s = r->s;
	size_t n = r->n, i = skip_ws(s, n, r->i);
	bool object;

	switch (r->state) {
	case ST_AFTER:
		object = in_object(r);
		if (i < n && s[i] == ',') {
			i = skip_ws(s, n, i + 1);
			return object ? read_key(r, i, t) :
			    read_value(r, i, t);
		}
		if (i < n && s[i] == (object ? '}' : ']'))
			return close_container(r, i, t, object);
		if (i >= n)
			return fail(r, object ? JSONREAD_E_OBJECT_END :
			    JSONREAD_E_ARRAY_END, n);
		return fail(r, object ? JSONREAD_E_OBJECT_SEP :
		    JSONREAD_E_ARRAY_SEP, i);
	case ST_VALUE:
		return read_value(r, i, t);
	case ST_ARRAY_FIRST:
		if (i < n && s[i] == ']')
			return close_container(r, i, t, false);
		return read_value(r, i, t);
	case ST_OBJECT_FIRST:
		if (i < n && s[i] == '}')
			return close_container(r, i, t, true);
		return read_key(r, i, t);
	case ST_KEY:
		return read_key(r, i, t);
	case ST_DONE:
		if (i < n)
			return fail(r, JSONREAD_E_TRAILING, i);
		r->i = i;
		r->state = ST_STOP;
		return -1;
	default:	/* ST_STOP */
		return -1;
	}
}

int
jsonread_skip(struct jsonread *r, const char **close_r)
{
	struct jsonread_token t;
	unsigned depth = r->depth;

	if (depth == 0)
		return -1;
	while (jsonread_next(r, &t) == 1)
		if (r->depth < depth) {
			*close_r = t.p;
			return 0;
		}
	return -1;
}

unsigned
jsonread_depth(const struct jsonread *r)
{
	return r->depth;
}

size_t
jsonread_offset(const struct jsonread *r)
{
	return r->i;
}

enum jsonread_error
jsonread_error(const struct jsonread *r)
{
	return (enum jsonread_error)r->error;
}

size_t
jsonread_error_offset(const struct jsonread *r)
{
	return r->error_off;
}

enum jsonread_error
jsonread_check(const char *p, size_t len, const struct jsonread_limits *lim,
    size_t *off_r)
{
	struct jsonread r;
	struct jsonread_token t;

	jsonread_init(&r, p, len, lim);
	while (jsonread_next(&r, &t) == 1)
		continue;
	if (r.error != JSONREAD_OK && off_r != NULL)
		*off_r = r.error_off;
	return (enum jsonread_error)r.error;
}

static size_t
utf8_put(char *out, unsigned cp)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | cp >> 6);
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | cp >> 12);
		out[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | cp >> 18);
	out[1] = (char)(0x80 | (cp >> 12 & 0x3f));
	out[2] = (char)(0x80 | (cp >> 6 & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

int
jsonread_unescape(const char *p, size_t len, char *out, size_t size)
{
	const unsigned char *s = (const unsigned char *)p, *bs;
	size_t o = 0, i = 0, run;

	if (size == 0 || len > (size_t)INT32_MAX)
		return -1;
	while (i < len) {
		unsigned cp, lo;
		char u[4];
		size_t k;

		/* A run of bytes that stand for themselves. */
		bs = memchr(s + i, '\\', len - i);
		run = bs != NULL ? (size_t)(bs - s) : len;
		if (run > i) {
			if (run - i >= size - o)
				return -1;
			memcpy(out + o, s + i, run - i);
			o += run - i;
			i = run;
			continue;
		}
		if (len - i < 2)
			return -1;
		if (s[i + 1] != 'u') {
			if (esc_to[s[i + 1]] == 0 || size - o < 2)
				return -1;
			out[o++] = esc_to[s[i + 1]];
			i += 2;
			continue;
		}
		if (len - i < 6 || hex4(s + i + 2, &cp) < 0 ||
		    (cp >= 0xdc00 && cp <= 0xdfff))
			return -1;
		i += 6;
		if (cp >= 0xd800 && cp <= 0xdbff) {
			if (len - i < 6 || s[i] != '\\' || s[i + 1] != 'u' ||
			    hex4(s + i + 2, &lo) < 0 || lo < 0xdc00 ||
			    lo > 0xdfff)
				return -1;
			cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
			i += 6;
		}
		k = utf8_put(u, cp);
		if (k >= size - o)
			return -1;
		memcpy(out + o, u, k);
		o += k;
	}
	out[o] = '\0';
	return (int)o;
}
