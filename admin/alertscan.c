/*
 * alertscan.c - validate one alert line as JSON and keep the spans of the
 * top-level fields the review tools filter and count on.
 *
 * Trusted: nothing.  An alert log is written by our own programs, but a
 * file named on the command line may be anything, and a log may be cut
 * mid-line by a full disk.  Every byte is looked at once, through a class
 * table; strings are checked for raw control bytes, bad escapes, lone
 * surrogates and invalid UTF-8 (RFC 3629), numbers against RFC 8259's
 * grammar, nesting against ASCAN_DEPTH.  A known key seen twice is an
 * error: two "rule" values would let one filter and another display.
 * Keys are compared as written (an escaped spelling of a known key is just
 * an unknown key).  No allocation; values point into the caller's line.
 */
#include "alertscan.h"

#include <string.h>

#include "date.h"
#include "str.h"

static const char *const field_names[AF_COUNT] = {
	[AF_TIMESTAMP] = "timestamp",
	[AF_EVENT_TYPE] = "event_type",
	[AF_RULE] = "rule",
	[AF_POLICY] = "policy",
	[AF_ACTION] = "action",
	[AF_INTENDED] = "intended",
	[AF_AGENCY] = "agency",
	[AF_SRC_IP] = "src_ip",
	[AF_DEST_IP] = "dest_ip",
	[AF_CLIENT_IP] = "client_ip",
	[AF_USER] = "user",
	[AF_MAIL_FROM] = "mail_from",
	[AF_RCPT_TO] = "rcpt_to",
	[AF_EXCEPTION] = "exception",
	[AF_SERVICE] = "service",
	[AF_HOSTNAME] = "hostname",
	[AF_CATEGORY] = "category",
	[AF_DIRECTION] = "direction",
	[AF_FILENAME] = "filename",
	[AF_DETAIL] = "detail",
	[AF_BYTES_TOSERVER] = "bytes_toserver",
	[AF_BYTES_TOCLIENT] = "bytes_toclient",
	[AF_QUARANTINE_ID] = "quarantine_id",
	[AF_BY] = "by",
	[AF_APPROVED_BY] = "approved_by",
	[AF_SIZE] = "size",
	[AF_VERDICT] = "verdict",
	[AF_QUEUE_ID] = "queue_id",
	[AF_HITS] = "hits",
};

/* Byte classes inside a string. */
enum { SC_PLAIN, SC_QUOTE, SC_BSLASH, SC_CTRL, SC_HIGH };

static const unsigned char str_class[256] = {
	[0x00 ... 0x1f] = SC_CTRL,
	['"'] = SC_QUOTE,
	['\\'] = SC_BSLASH,
	[0x80 ... 0xff] = SC_HIGH,
};

const char *
ascan_field_name(enum ascan_field f)
{
	return (unsigned)f < AF_COUNT ? field_names[f] : "?";
}

struct scan {
	const unsigned char *s;
	size_t n, i;
	const char *why;
};

static int
fail(struct scan *sc, const char *why)
{
	if (sc->why == NULL)
		sc->why = why;
	return -1;
}

static void
skip_ws(struct scan *sc)
{
	while (sc->i < sc->n && (sc->s[sc->i] == ' ' || sc->s[sc->i] == '\t' ||
	    sc->s[sc->i] == '\r' || sc->s[sc->i] == '\n'))
		sc->i++;
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

/* sc->i is just past the opening quote; leaves it just past the closing. */
static int
scan_string(struct scan *sc, bool *escaped_r)
{
	const unsigned char *s = sc->s;
	size_t n = sc->n, i = sc->i, k;
	unsigned u, u2;

	for (;;) {
		while (i < n && str_class[s[i]] == SC_PLAIN)
			i++;
		if (i >= n)
			return fail(sc, "unterminated string");
		switch (str_class[s[i]]) {
		case SC_QUOTE:
			sc->i = i + 1;
			return 0;
		case SC_BSLASH:
			*escaped_r = true;
			if (i + 1 >= n)
				return fail(sc, "unterminated string");
			if (s[i + 1] != 'u') {
				if (strchr("\"\\/bfnrt", s[i + 1]) == NULL ||
				    s[i + 1] == '\0')
					return fail(sc, "bad escape in string");
				i += 2;
				break;
			}
			if (n - i < 6 || hex4(s + i + 2, &u) < 0)
				return fail(sc, "bad \\u escape in string");
			i += 6;
			if (u >= 0xdc00 && u <= 0xdfff)
				return fail(sc, "lone surrogate in string");
			if (u >= 0xd800 && u <= 0xdbff) {
				if (n - i < 6 || s[i] != '\\' || s[i + 1] != 'u' ||
				    hex4(s + i + 2, &u2) < 0 || u2 < 0xdc00 ||
				    u2 > 0xdfff)
					return fail(sc,
					    "lone surrogate in string");
				i += 6;
			}
			break;
		case SC_CTRL:
			return fail(sc, "control character in string");
		default:	/* SC_HIGH */
			k = utf8_seq_len(s + i, n - i);
			if (k == 0)
				return fail(sc, "invalid UTF-8 in string");
			i += k;
			break;
		}
	}
}

static bool
is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static int
scan_number(struct scan *sc)
{
	const unsigned char *s = sc->s;
	size_t n = sc->n, i = sc->i;

	if (i < n && s[i] == '-')
		i++;
	if (i >= n || !is_digit(s[i]))
		return fail(sc, "bad number");
	if (s[i] == '0')
		i++;
	else
		while (i < n && is_digit(s[i]))
			i++;
	if (i < n && s[i] == '.') {
		i++;
		if (i >= n || !is_digit(s[i]))
			return fail(sc, "bad number");
		while (i < n && is_digit(s[i]))
			i++;
	}
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < n && (s[i] == '+' || s[i] == '-'))
			i++;
		if (i >= n || !is_digit(s[i]))
			return fail(sc, "bad number");
		while (i < n && is_digit(s[i]))
			i++;
	}
	sc->i = i;
	return 0;
}

static int
scan_literal(struct scan *sc, const char *word, size_t len)
{
	if (sc->n - sc->i < len || memcmp(sc->s + sc->i, word, len) != 0)
		return fail(sc, "bad literal");
	sc->i += len;
	return 0;
}

static int scan_value(struct scan *sc, unsigned depth,
    struct ascan_value *v);

static int
scan_array(struct scan *sc, unsigned depth)
{
	struct ascan_value v;

	if (depth >= ASCAN_DEPTH)
		return fail(sc, "nested too deep");
	sc->i++;		/* '[' */
	skip_ws(sc);
	if (sc->i < sc->n && sc->s[sc->i] == ']') {
		sc->i++;
		return 0;
	}
	for (;;) {
		if (scan_value(sc, depth + 1, &v) < 0)
			return -1;
		skip_ws(sc);
		if (sc->i >= sc->n)
			return fail(sc, "unterminated array");
		if (sc->s[sc->i] == ']') {
			sc->i++;
			return 0;
		}
		if (sc->s[sc->i] != ',')
			return fail(sc, "expected ',' or ']' in array");
		sc->i++;
	}
}

/* The keys kept at the top level, and where their values go. */
struct keyset {
	const char *const *names;
	size_t n;
	struct ascan_value *values;
};

static int
key_lookup(const struct keyset *ks, const unsigned char *p, size_t len)
{
	for (size_t f = 0; f < ks->n; f++) {
		const char *name = ks->names[f];

		if (name[0] == (char)p[0] && strlen(name) == len &&
		    memcmp(name, p, len) == 0)
			return (int)f;
	}
	return -1;
}

/*
 * An object; when ks is not NULL it is the top level and the values of
 * its keys are kept.
 */
static int
scan_object(struct scan *sc, unsigned depth, const struct keyset *ks)
{
	struct ascan_value v;
	size_t kstart, klen;
	bool kesc;
	int f;

	if (depth >= ASCAN_DEPTH)
		return fail(sc, "nested too deep");
	sc->i++;		/* '{' */
	skip_ws(sc);
	if (sc->i < sc->n && sc->s[sc->i] == '}') {
		sc->i++;
		return 0;
	}
	for (;;) {
		skip_ws(sc);
		if (sc->i >= sc->n || sc->s[sc->i] != '"')
			return fail(sc, "expected a key");
		kstart = ++sc->i;
		kesc = false;
		if (scan_string(sc, &kesc) < 0)
			return -1;
		klen = sc->i - 1 - kstart;
		skip_ws(sc);
		if (sc->i >= sc->n || sc->s[sc->i] != ':')
			return fail(sc, "expected ':' after a key");
		sc->i++;
		if (scan_value(sc, depth + 1, &v) < 0)
			return -1;
		if (ks != NULL && !kesc && klen > 0 &&
		    (f = key_lookup(ks, sc->s + kstart, klen)) >= 0) {
			if (ks->values[f].type != ASV_ABSENT)
				return fail(sc, "duplicate key");
			ks->values[f] = v;
		}
		skip_ws(sc);
		if (sc->i >= sc->n)
			return fail(sc, "unterminated object");
		if (sc->s[sc->i] == '}') {
			sc->i++;
			return 0;
		}
		if (sc->s[sc->i] != ',')
			return fail(sc, "expected ',' or '}' in object");
		sc->i++;
	}
}

static int
scan_value(struct scan *sc, unsigned depth, struct ascan_value *v)
{
	size_t start;
	bool esc = false;

	skip_ws(sc);
	if (sc->i >= sc->n)
		return fail(sc, "missing value");
	start = sc->i;
	v->escaped = false;
	switch (sc->s[sc->i]) {
	case '"':
		sc->i++;
		if (scan_string(sc, &esc) < 0)
			return -1;
		v->type = ASV_STRING;
		v->p = (const char *)sc->s + start + 1;
		v->len = (uint32_t)(sc->i - start - 2);
		v->escaped = esc;
		return 0;
	case '[':
		if (scan_array(sc, depth) < 0)
			return -1;
		v->type = ASV_ARRAY;
		break;
	case '{':
		if (scan_object(sc, depth, NULL) < 0)
			return -1;
		v->type = ASV_OTHER;
		break;
	case 't':
		if (scan_literal(sc, "true", 4) < 0)
			return -1;
		v->type = ASV_OTHER;
		break;
	case 'f':
		if (scan_literal(sc, "false", 5) < 0)
			return -1;
		v->type = ASV_OTHER;
		break;
	case 'n':
		if (scan_literal(sc, "null", 4) < 0)
			return -1;
		v->type = ASV_NULL;
		break;
	default:
		if (scan_number(sc) < 0)
			return -1;
		v->type = ASV_OTHER;
		break;
	}
	v->p = (const char *)sc->s + start;
	v->len = (uint32_t)(sc->i - start);
	return 0;
}

int
ascan_object(const char *p, size_t len, const char *const *keys,
    size_t nkeys, struct ascan_value *values, const char **why_r)
{
	struct scan sc = { (const unsigned char *)p, len, 0, NULL };
	struct keyset ks = { keys, nkeys, values };

	memset(values, 0, nkeys * sizeof(*values));
	if (len > UINT32_MAX) {
		*why_r = "line too long";
		return -1;
	}
	skip_ws(&sc);
	if (sc.i >= sc.n || sc.s[sc.i] != '{') {
		*why_r = "not a JSON object";
		return -1;
	}
	if (scan_object(&sc, 0, &ks) < 0) {
		*why_r = sc.why;
		return -1;
	}
	skip_ws(&sc);
	if (sc.i != sc.n) {
		*why_r = "text after the object";
		return -1;
	}
	return 0;
}

int
ascan_line(const char *p, size_t len, struct ascan_rec *r,
    const char **why_r)
{
	return ascan_object(p, len, field_names, AF_COUNT, r->f, why_r);
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
ascan_string(const struct ascan_value *v, char *buf, size_t size)
{
	const unsigned char *s = (const unsigned char *)v->p;
	size_t n = v->len, o = 0;

	if (v->type != ASV_STRING || size == 0)
		return -1;
	if (!v->escaped) {
		if (n >= size)
			return -1;
		memcpy(buf, s, n);
		buf[n] = '\0';
		return (int)n;
	}
	for (size_t i = 0; i < n;) {
		unsigned cp, lo;
		char c;

		if (s[i] != '\\') {
			if (o + 1 >= size)
				return -1;
			buf[o++] = (char)s[i++];
			continue;
		}
		/* Validated: an escape is whole. */
		c = (char)s[i + 1];
		if (c != 'u') {
			static const char from[] = "\"\\/bfnrt";
			static const char to[] = "\"\\/\b\f\n\r\t";
			const char *k = strchr(from, c);

			if (o + 1 >= size || k == NULL)
				return -1;
			buf[o++] = to[k - from];
			i += 2;
			continue;
		}
		if (hex4(s + i + 2, &cp) < 0)
			return -1;
		i += 6;
		if (cp >= 0xd800 && cp <= 0xdbff) {
			if (i + 6 > n || hex4(s + i + 2, &lo) < 0)
				return -1;
			cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
			i += 6;
		}
		if (o + 4 >= size)
			return -1;
		o += utf8_put(buf + o, cp);
	}
	buf[o] = '\0';
	return (int)o;
}

bool
ascan_eq(const struct ascan_value *v, const char *s)
{
	char tmp[512];
	size_t len = strlen(s);

	if (v->type != ASV_STRING)
		return false;
	if (!v->escaped)
		return v->len == len && memcmp(v->p, s, len) == 0;
	return ascan_string(v, tmp, sizeof(tmp)) == (int)len &&
	    memcmp(tmp, s, len) == 0;
}

/* Skip one validated non-string element at a[*ip], up to ',' or the end. */
static void
skip_validated(const char *a, size_t n, size_t *ip)
{
	unsigned depth = 0;
	size_t i = *ip;

	while (i < n) {
		char c = a[i];

		if (c == '"') {
			for (i++; i < n && a[i] != '"'; i++)
				if (a[i] == '\\')
					i++;
			i++;
			continue;
		}
		if (c == '[' || c == '{') {
			depth++;
		} else if (c == ']' || c == '}') {
			if (depth == 0)
				break;
			depth--;
		} else if (c == ',' && depth == 0) {
			break;
		}
		i++;
	}
	*ip = i;
}

int
ascan_array_next(const struct ascan_value *array, size_t *pos,
    struct ascan_value *item_r)
{
	const char *a = array->p;
	size_t n = array->len, i = *pos;

	if (array->type != ASV_ARRAY || n < 2)
		return 0;
	if (i == 0)
		i = 1;		/* past '[' */
	for (;;) {
		while (i < n && (a[i] == ' ' || a[i] == '\t' || a[i] == ',' ||
		    a[i] == '\r' || a[i] == '\n'))
			i++;
		if (i >= n - 1) {
			*pos = n;
			return 0;
		}
		if (a[i] == '"') {
			size_t start = ++i;
			bool esc = false;

			while (i < n && a[i] != '"') {
				if (a[i] == '\\') {
					esc = true;
					i++;
				}
				i++;
			}
			item_r->type = ASV_STRING;
			item_r->p = a + start;
			item_r->len = (uint32_t)(i - start);
			item_r->escaped = esc;
			*pos = i + 1;
			return 1;
		}
		{
			size_t before = i;

			skip_validated(a, n - 1, &i);
			if (i == before)
				i++;
		}
	}
}

static int
digits(const char *p, size_t n, unsigned *v_r)
{
	unsigned v = 0;

	for (size_t k = 0; k < n; k++) {
		if (!is_digit((unsigned char)p[k]))
			return -1;
		v = v * 10 + (unsigned)(p[k] - '0');
	}
	*v_r = v;
	return 0;
}

int
ascan_time(const char *p, size_t len, time_t *t_r)
{
	unsigned y, mo, d, h, mi, s, oh = 0, om = 0;
	static const unsigned char mdays[] = { 31, 29, 31, 30, 31, 30, 31,
		31, 30, 31, 30, 31 };
	size_t i = 19;
	long off = 0;
	int64_t days;

	if (len < 20 || p[4] != '-' || p[7] != '-' ||
	    (p[10] != 'T' && p[10] != 't' && p[10] != ' ') || p[13] != ':' ||
	    p[16] != ':' || digits(p, 4, &y) < 0 ||
	    digits(p + 5, 2, &mo) < 0 || digits(p + 8, 2, &d) < 0 ||
	    digits(p + 11, 2, &h) < 0 || digits(p + 14, 2, &mi) < 0 ||
	    digits(p + 17, 2, &s) < 0)
		return -1;
	if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] ||
	    h > 23 || mi > 59 || s > 60)
		return -1;
	if (mo == 2 && d == 29 && !(y % 4 == 0 && (y % 100 != 0 ||
	    y % 400 == 0)))
		return -1;
	if (p[i] == '.') {
		i++;
		if (i >= len || !is_digit((unsigned char)p[i]))
			return -1;
		while (i < len && is_digit((unsigned char)p[i]))
			i++;
	}
	if (i < len && (p[i] == 'Z' || p[i] == 'z') && i + 1 == len) {
		off = 0;
	} else if (i < len && (p[i] == '+' || p[i] == '-')) {
		size_t rest = len - i - 1;

		if (rest == 4) {
			if (digits(p + i + 1, 2, &oh) < 0 ||
			    digits(p + i + 3, 2, &om) < 0)
				return -1;
		} else if (rest == 5 && p[i + 3] == ':') {
			if (digits(p + i + 1, 2, &oh) < 0 ||
			    digits(p + i + 4, 2, &om) < 0)
				return -1;
		} else {
			return -1;
		}
		if (oh > 23 || om > 59)
			return -1;
		off = (long)(oh * 3600 + om * 60);
		if (p[i] == '-')
			off = -off;
	} else {
		return -1;
	}
	days = date_from_civil(y, mo, d);
	*t_r = (time_t)(days * 86400 + h * 3600 + mi * 60 + s) - off;
	return 0;
}
