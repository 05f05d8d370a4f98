/*
 * alertscan.c - validate one alert line as JSON and keep the spans of the
 * top-level fields the review tools filter and count on.
 *
 * Trusted: nothing.  An alert log is written by our own programs, but a
 * file named on the command line may be anything, and a log may be cut
 * mid-line by a full disk.  The line is read by the library's strict
 * JSON reader (policy/jsonread.c: RFC 8259, RFC 3629 UTF-8, nesting
 * against ASCAN_DEPTH); its error texts are the reasons `msgsec alerts`
 * counts malformed lines by.  A known key seen twice is an
 * error: two "rule" values would let one filter and another display.
 * Keys are compared as written (an escaped spelling of a known key is just
 * an unknown key).  No allocation; values point into the caller's line.
 */
#include "alertscan.h"

#include <string.h>

#include "date.h"
#include "jsonread.h"

/* The kept keys (an X-macro: the names, and which have each length). */
#define FIELDS(X, a) \
	X(AF_TIMESTAMP, "timestamp", a) \
	X(AF_EVENT_TYPE, "event_type", a) \
	X(AF_RULE, "rule", a) \
	X(AF_POLICY, "policy", a) \
	X(AF_ACTION, "action", a) \
	X(AF_INTENDED, "intended", a) \
	X(AF_AGENCY, "agency", a) \
	X(AF_SRC_IP, "src_ip", a) \
	X(AF_DEST_IP, "dest_ip", a) \
	X(AF_CLIENT_IP, "client_ip", a) \
	X(AF_USER, "user", a) \
	X(AF_MAIL_FROM, "mail_from", a) \
	X(AF_RCPT_TO, "rcpt_to", a) \
	X(AF_EXCEPTION, "exception", a) \
	X(AF_SERVICE, "service", a) \
	X(AF_HOSTNAME, "hostname", a) \
	X(AF_NAME_SOURCE, "name_source", a) \
	X(AF_LIST, "list", a) \
	X(AF_APP_DETAIL, "app_detail", a) \
	X(AF_STUN, "stun", a) \
	X(AF_CATEGORY, "category", a) \
	X(AF_DIRECTION, "direction", a) \
	X(AF_FILENAME, "filename", a) \
	X(AF_DETAIL, "detail", a) \
	X(AF_BYTES_TOSERVER, "bytes_toserver", a) \
	X(AF_BYTES_TOCLIENT, "bytes_toclient", a) \
	X(AF_QUARANTINE_ID, "quarantine_id", a) \
	X(AF_BY, "by", a) \
	X(AF_APPROVED_BY, "approved_by", a) \
	X(AF_SIZE, "size", a) \
	X(AF_VERDICT, "verdict", a) \
	X(AF_QUEUE_ID, "queue_id", a) \
	X(AF_HITS, "hits", a) \
	X(AF_GATEWAY, "gateway", a)
#define FIELD_NAME(e, s, a) [e] = s,
static const char *const field_names[AF_COUNT] = { FIELDS(FIELD_NAME, 0) };

/*
 * Bit f of field_by_len[L] is set when field f's name is L bytes long:
 * a key is compared only with the names of its own length, one or two
 * of them, not all AF_COUNT (the lookup runs for every key of every
 * line).
 */
#define FIELD_LEN_MAX 16
#define FIELD_FITS(e, s, a) _Static_assert(sizeof(s) - 1 < FIELD_LEN_MAX, \
	"field name " s " is too long for field_by_len");
FIELDS(FIELD_FITS, 0)
_Static_assert(AF_COUNT <= 64, "field_by_len holds 64 bits");
#define FIELD_BIT(e, s, l) | (sizeof(s) - 1 == (l) ? UINT64_C(1) << (e) : 0)
#define BY_LEN(l) [l] = 0 FIELDS(FIELD_BIT, l),
static const uint64_t field_by_len[FIELD_LEN_MAX] = {
	BY_LEN(0) BY_LEN(1) BY_LEN(2) BY_LEN(3) BY_LEN(4) BY_LEN(5) BY_LEN(6)
	BY_LEN(7) BY_LEN(8) BY_LEN(9) BY_LEN(10) BY_LEN(11) BY_LEN(12)
	BY_LEN(13) BY_LEN(14) BY_LEN(15)
};

const char *
ascan_field_name(enum ascan_field f)
{
	return (unsigned)f < AF_COUNT ? field_names[f] : "?";
}

/*
 * The reader's bounds for a line: ASCAN_DEPTH; strings and tokens are
 * bounded by the line itself (logreader cuts lines at 65,535 bytes, and
 * ascan_object refuses more than UINT32_MAX).
 */
static const struct jsonread_limits ascan_limits = {
	ASCAN_DEPTH, UINT32_MAX, SIZE_MAX
};

/* The keys kept; by_len as field_by_len when known, else NULL. */
struct keyset {
	const char *const *names;
	const uint64_t *by_len;
	size_t n;
};

static int
key_lookup(const struct keyset *ks, const char *p, size_t len)
{
	if (ks->by_len != NULL) {
		uint64_t m = len < FIELD_LEN_MAX ? ks->by_len[len] : 0;

		for (; m != 0; m &= m - 1) {
			int f = __builtin_ctzll(m);

			if (memcmp(ks->names[f], p, len) == 0)
				return f;
		}
		return -1;
	}
	for (size_t f = 0; f < ks->n; f++) {
		const char *name = ks->names[f];

		if (name[0] == p[0] && strlen(name) == len &&
		    memcmp(name, p, len) == 0)
			return (int)f;
	}
	return -1;
}

/*
 * The value whose first token t was just read: a container is read to
 * its closing bracket.  Returns 0 with *v, or -1.
 */
static inline __attribute__((always_inline)) int
take_value(struct jsonread *r, const struct jsonread_token *t,
    struct ascan_value *v)
{
	const char *close;

	v->p = t->p;
	v->len = (uint32_t)t->len;
	v->escaped = false;
	switch (t->type) {
	case JSONREAD_STRING:
		v->type = ASV_STRING;
		v->escaped = t->escaped;
		return 0;
	case JSONREAD_NULL:
		v->type = ASV_NULL;
		return 0;
	case JSONREAD_ARRAY:
	case JSONREAD_OBJECT:
		if (jsonread_skip(r, &close) < 0)
			return -1;
		v->type = t->type == JSONREAD_ARRAY ? ASV_ARRAY : ASV_OTHER;
		v->len = (uint32_t)(close + 1 - t->p);
		return 0;
	default:
		v->type = ASV_OTHER;
		return 0;
	}
}

static int
scan_object(const char *p, size_t len, const struct keyset *ks,
    struct ascan_value *values, const char **why_r)
{
	struct jsonread r;
	struct jsonread_token k, t;
	struct ascan_value v;
	enum jsonread_error e;
	int f;

	memset(values, 0, ks->n * sizeof(*values));
	if (len > UINT32_MAX) {
		*why_r = "line too long";
		return -1;
	}
	jsonread_init(&r, p, len, &ascan_limits);
	if (jsonread_next(&r, &k) != 1 || k.type != JSONREAD_OBJECT) {
		*why_r = "not a JSON object";
		return -1;
	}
	for (;;) {
		if (jsonread_next(&r, &k) != 1)
			goto bad;
		if (k.type == JSONREAD_OBJECT_END)
			break;
		if (jsonread_next(&r, &t) != 1 || take_value(&r, &t, &v) < 0)
			goto bad;
		if (!k.escaped && k.len > 0 &&
		    (f = key_lookup(ks, k.p, k.len)) >= 0) {
			if (values[f].type != ASV_ABSENT) {
				*why_r = "duplicate key";
				return -1;
			}
			values[f] = v;
		}
	}
	if (jsonread_next(&r, &k) < 0 && jsonread_error(&r) == JSONREAD_OK)
		return 0;
bad:
	e = jsonread_error(&r);
	*why_r = e == JSONREAD_E_TRAILING ? "text after the object" :
	    jsonread_strerror(e);
	return -1;
}

int
ascan_object(const char *p, size_t len, const char *const *keys,
    size_t nkeys, struct ascan_value *values, const char **why_r)
{
	struct keyset ks = { keys, NULL, nkeys };

	return scan_object(p, len, &ks, values, why_r);
}

int
ascan_line(const char *p, size_t len, struct ascan_rec *r,
    const char **why_r)
{
	static const struct keyset ks = { field_names, field_by_len,
		AF_COUNT };

	return scan_object(p, len, &ks, r->f, why_r);
}

int
ascan_string(const struct ascan_value *v, char *buf, size_t size)
{
	if (v->type != ASV_STRING || size == 0)
		return -1;
	if (!v->escaped) {
		if (v->len >= size)
			return -1;
		memcpy(buf, v->p, v->len);
		buf[v->len] = '\0';
		return (int)v->len;
	}
	return jsonread_unescape(v->p, v->len, buf, size);
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

int
ascan_array_next(const struct ascan_value *array, size_t *pos,
    struct ascan_value *item_r)
{
	const char *a = array->p;
	size_t n = array->len, i = *pos;
	struct jsonread r;
	struct jsonread_token t;

	if (array->type != ASV_ARRAY || n < 2)
		return 0;
	if (i == 0)
		i = 1;		/* past '[' */
	for (;;) {
		/* The array was read whole: between elements there is only
		 * white space and one ','. */
		while (i < n - 1 && (a[i] == ' ' || a[i] == '\t' ||
		    a[i] == ',' || a[i] == '\r' || a[i] == '\n'))
			i++;
		if (i >= n - 1)
			break;
		/* One element, read from its first byte to its last. */
		jsonread_init(&r, a + i, n - 1 - i, &ascan_limits);
		if (jsonread_next(&r, &t) != 1 ||
		    take_value(&r, &t, item_r) < 0)
			break;
		i += jsonread_offset(&r);
		if (item_r->type == ASV_STRING) {
			*pos = i;
			return 1;
		}
	}
	*pos = n;
	return 0;
}

static bool
is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
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
