/*
 * http.c - the HTTP/1.x request head: method, request target, version and
 * the Host the request is for, from the first bytes a client sends.
 *
 * Trust: every byte is hostile.  The head is read through a bounded
 * cursor (policy/cursor.h), one line at a time, and each line is looked at
 * as a struct span (policy/str.h); nothing is assumed NUL-terminated.
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
#include "str.h"

static bool
is_method_char(char ch)
{
	return (ch >= 'A' && ch <= 'Z') || ch == '-' || ch == '_';
}

/* The next line as text (cur_line); false while no LF has come. */
static bool
next_line(struct cursor *c, struct span *line)
{
	struct cursor l;

	if (!cur_line(c, &l))
		return false;
	*line = (struct span){ (const char *)l.p, l.left };
	return true;
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
put_escaped(char *out, size_t outsize, struct span t,
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
set_host(struct http_req *out, struct span h)
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
absolute_authority(struct span t, struct span *auth)
{
	size_t skip, end;

	if (span_has_prefix_nocase(t, "http://"))
		skip = 7;
	else if (span_has_prefix_nocase(t, "https://"))
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
parse_request_line(struct span line, struct http_req *out,
    struct span *target_r)
{
	struct span method, target, version;
	const char *sp1, *sp2;

	sp1 = memchr(line.p, ' ', line.len);
	if (sp1 == NULL)
		return -1;
	method = (struct span){ line.p, (size_t)(sp1 - line.p) };
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
	if (span_eq(version, "HTTP/1.1"))
		out->version = 11;
	else if (span_eq(version, "HTTP/1.0"))
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
	struct span line, target, auth;
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
		struct span name;

		if (line.len == 0) {
			done = true;
			break;
		}
		if (line.p[0] == ' ' || line.p[0] == '\t')
			continue;	/* obs-fold: never a Host */
		colon = memchr(line.p, ':', line.len);
		if (colon == NULL)
			continue;
		name = (struct span){ line.p, (size_t)(colon - line.p) };
		if (!span_eq_nocase(name, "host"))
			continue;
		set_host(out, span_trim((struct span){ colon + 1,
		    line.len - name.len - 1 }));
		return 1;
	}
	if (done)
		return 1;
	return len == HTTP_HEAD_MAX ? -1 : 0;
}
