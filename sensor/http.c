/*
 * http.c - the HTTP/1.x request head: method, request target, version and
 * the Host the request is for, from the first bytes a client sends.
 *
 * Trust: every byte is hostile.  The head is read as text through a
 * bounded cursor (policy/cursor.h), one line at a time; nothing is
 * assumed NUL-terminated.
 *
 * Limits: HTTP_HEAD_MAX bytes of head (a head still open at that size is
 * -1); method tokens of at most HTTP_METHOD_MAX - 1 bytes; the request
 * target kept up to HTTP_URI_MAX - 1 bytes, cut with "..."; host text up
 * to HTTP_HOST_MAX - 1 bytes, cut with "\...".  Linear in the input.
 *
 * Request head (RFC 9112 2.1, 3):
 *
 *	method SP request-target SP HTTP-version CRLF     (request line)
 *	*( field-name ":" OWS field-value OWS CRLF )
 *	CRLF
 *
 *	HTTP-version = "HTTP/" DIGIT "." DIGIT     (1.0 and 1.1 here)
 *
 * Lines may end in a bare LF (RFC 9112 2.2).  The host comes from, in
 * order: the authority-form target of CONNECT (RFC 9112 3.2.3), an
 * absolute-form target (3.2.2, which overrides Host), or the first Host
 * field (RFC 9110 7.2).  A field line starting with SP or HTAB is an
 * obsolete fold, never a Host; a field name with whitespace before the
 * colon is not a Host either (RFC 9112 5.1 requires servers to reject it).
 *
 * Early -1: the first bytes must be a method token of capitals, '-' and
 * '_' (methods are case-sensitive, RFC 9110 9.1: "get" is not GET)
 * followed by SP, so TLS or binary bytes are refused at once; the request
 * line must then end in HTTP/1.0 or HTTP/1.1, which refuses SMTP, IRC,
 * POP and FTP lines ("EHLO x", "NICK x", "USER x") at their first LF.
 */
#include <string.h>

#include "cursor.h"
#include "http.h"

struct text {
	const char *p;
	size_t len;
};

static bool
is_method_char(char ch)
{
	return (ch >= 'A' && ch <= 'Z') || ch == '-' || ch == '_';
}

static bool
text_eq(struct text t, const char *s)
{
	size_t n = strlen(s);

	return t.len == n && memcmp(t.p, s, n) == 0;
}

static bool
text_eq_nocase(struct text t, const char *s)
{
	size_t n = strlen(s);

	if (t.len != n)
		return false;
	for (size_t i = 0; i < n; i++) {
		char a = t.p[i];

		if (a >= 'A' && a <= 'Z')
			a = (char)(a - 'A' + 'a');
		if (a != s[i])
			return false;
	}
	return true;
}

/*
 * The next line (without its LF and an optional CR before it).  False
 * when no LF is left in the cursor (the cursor is left untouched).
 */
static bool
next_line(struct cursor *c, struct text *line)
{
	const uint8_t *lf, *p;

	if (!cur_ok(c) || c->left == 0)
		return false;
	lf = memchr(c->p, '\n', c->left);
	if (lf == NULL)
		return false;
	(void)cur_bytes(c, (size_t)(lf - c->p) + 1, &p);
	line->p = (const char *)p;
	line->len = (size_t)(lf - p);
	if (line->len > 0 && line->p[line->len - 1] == '\r')
		line->len--;
	return true;
}

static struct text
trim_ows(struct text t)
{
	while (t.len > 0 && (t.p[0] == ' ' || t.p[0] == '\t')) {
		t.p++;
		t.len--;
	}
	while (t.len > 0 && (t.p[t.len - 1] == ' ' || t.p[t.len - 1] == '\t'))
		t.len--;
	return t;
}

/* Lowercase host text: [a-z0-9-_.:] kept, other bytes \DDD. */
static size_t
host_byte(uint8_t b, char *out)
{
	if (b >= 'A' && b <= 'Z')
		b = (uint8_t)(b - 'A' + 'a');
	if ((b >= 'a' && b <= 'z') || (b >= '0' && b <= '9') || b == '-' ||
	    b == '_' || b == '.' || b == ':') {
		out[0] = (char)b;
		return 1;
	}
	out[0] = '\\';
	out[1] = (char)('0' + b / 100);
	out[2] = (char)('0' + b / 10 % 10);
	out[3] = (char)('0' + b % 10);
	return 4;
}

/* Target bytes: printable ASCII kept, others %XX. */
static size_t
uri_byte(uint8_t b, char *out)
{
	static const char hex[] = "0123456789ABCDEF";

	if (b > 0x20 && b < 0x7f) {
		out[0] = (char)b;
		return 1;
	}
	out[0] = '%';
	out[1] = hex[b >> 4];
	out[2] = hex[b & 15];
	return 3;
}

/*
 * Escape t into out[outsize] with fn; when the whole does not fit, cut
 * and end with mark (so a cut host can never end like a listed name).
 */
static void
put_escaped(char *out, size_t outsize, struct text t,
    size_t (*fn)(uint8_t, char *), const char *mark)
{
	char tmp[4];
	size_t total = 0, pos = 0, room = outsize - 1;

	for (size_t i = 0; i < t.len && total <= room; i++)
		total += fn((uint8_t)t.p[i], tmp);
	if (total > room)
		room -= strlen(mark);
	for (size_t i = 0; i < t.len; i++) {
		size_t n = fn((uint8_t)t.p[i], tmp);

		if (n > room - pos)
			break;
		memcpy(out + pos, tmp, n);
		pos += n;
	}
	if (total > outsize - 1) {
		memcpy(out + pos, mark, strlen(mark));
		pos += strlen(mark);
	}
	out[pos] = '\0';
}

/*
 * Host text to a bare host: "[v6]" or "[v6]:port" gives v6, "name:port"
 * gives name (the port must be digits, else the colon stays and shows).
 */
static void
set_host(struct http_req *out, struct text h)
{
	if (h.len > 0 && h.p[0] == '[') {
		const char *rb = memchr(h.p, ']', h.len);

		if (rb != NULL) {
			h.p++;
			h.len = (size_t)(rb - h.p);
		}
	} else {
		const char *colon = memchr(h.p, ':', h.len);

		if (colon != NULL) {
			size_t at = (size_t)(colon - h.p);
			bool digits = true;

			for (size_t i = at + 1; i < h.len; i++)
				if (h.p[i] < '0' || h.p[i] > '9')
					digits = false;
			if (digits)
				h.len = at;
		}
	}
	out->has_host = true;
	put_escaped(out->host, sizeof(out->host), h, host_byte, "\\...");
}

/* The authority of an absolute-form target ("http://[user@]host[:port]/"). */
static bool
absolute_authority(struct text t, struct text *auth)
{
	size_t skip, end;

	if (t.len >= 7 && text_eq_nocase((struct text){ t.p, 7 }, "http://"))
		skip = 7;
	else if (t.len >= 8 &&
	    text_eq_nocase((struct text){ t.p, 8 }, "https://"))
		skip = 8;
	else
		return false;
	for (end = skip; end < t.len; end++)
		if (t.p[end] == '/' || t.p[end] == '?' || t.p[end] == '#')
			break;
	auth->p = t.p + skip;
	auth->len = end - skip;
	for (size_t i = auth->len; i > 0; i--)
		if (auth->p[i - 1] == '@') {
			auth->p += i;
			auth->len -= i;
			break;
		}
	return true;
}

/*
 * The start of the stream before a complete request line: 0 while it can
 * still be a method token followed by SP, -1 otherwise.
 */
static int
check_method_prefix(const char *p, size_t len)
{
	size_t n = 0;

	while (n < len && is_method_char(p[n]))
		n++;
	if (n >= HTTP_METHOD_MAX)
		return -1;
	if (n == len)
		return 0;
	if (n == 0 || p[n] != ' ')
		return -1;
	return 0;
}

static int
parse_request_line(struct text line, struct http_req *out,
    struct text *target_r)
{
	struct text method, target, version;
	const char *sp1, *sp2;

	sp1 = memchr(line.p, ' ', line.len);
	if (sp1 == NULL)
		return -1;
	method = (struct text){ line.p, (size_t)(sp1 - line.p) };
	target.p = sp1 + 1;
	target.len = line.len - method.len - 1;
	sp2 = memchr(target.p, ' ', target.len);
	if (sp2 == NULL)
		return -1;
	version.p = sp2 + 1;
	version.len = target.len - (size_t)(sp2 - target.p) - 1;
	target.len = (size_t)(sp2 - target.p);
	if (method.len == 0 || method.len >= HTTP_METHOD_MAX ||
	    target.len == 0)
		return -1;
	for (size_t i = 0; i < method.len; i++)
		if (!is_method_char(method.p[i]))
			return -1;
	if (text_eq(version, "HTTP/1.1"))
		out->version = 11;
	else if (text_eq(version, "HTTP/1.0"))
		out->version = 10;
	else
		return -1;
	memcpy(out->method, method.p, method.len);
	out->method[method.len] = '\0';
	put_escaped(out->uri, sizeof(out->uri), target, uri_byte, "...");
	*target_r = target;
	return 0;
}

int
http_parse_request(const char *p, size_t len, struct http_req *out)
{
	struct cursor c;
	struct text line, target, auth;
	bool done = false;

	memset(out, 0, sizeof(*out));
	if (len > HTTP_HEAD_MAX)
		len = HTTP_HEAD_MAX;
	cur_init(&c, p, len);
	if (!next_line(&c, &line)) {
		if (check_method_prefix(p, len) < 0 || len == HTTP_HEAD_MAX)
			return -1;
		/* A known method, or wait: unknown ones need the version. */
		return 0;
	}
	if (parse_request_line(line, out, &target) < 0)
		return -1;
	if (strcmp(out->method, "CONNECT") == 0) {
		out->connect = true;
		set_host(out, target);
		return 1;
	}
	if (absolute_authority(target, &auth)) {
		set_host(out, auth);
		return 1;
	}
	while (!done && next_line(&c, &line)) {
		const char *colon;
		struct text name;

		if (line.len == 0) {
			done = true;
			break;
		}
		if (line.p[0] == ' ' || line.p[0] == '\t')
			continue;	/* obs-fold: never a Host */
		colon = memchr(line.p, ':', line.len);
		if (colon == NULL)
			continue;
		name = (struct text){ line.p, (size_t)(colon - line.p) };
		if (!text_eq_nocase(name, "host"))
			continue;
		set_host(out, trim_ows((struct text){ colon + 1,
		    line.len - name.len - 1 }));
		return 1;
	}
	if (done)
		return 1;
	return len == HTTP_HEAD_MAX ? -1 : 0;
}
