/*
 * address.c - RFC 5322 address lists.
 *
 *   address-list = address *("," address)
 *   address      = mailbox / group
 *   mailbox      = name-addr / addr-spec
 *   name-addr    = [display-name] "<" [obs-route] addr-spec ">"
 *   group        = display-name ":" [mailbox-list] ";"
 *
 * Trusts: nothing.  A recursive-descent parser would be natural, but a
 * single left-to-right scan with a small state keeps the work linear and
 * the stack flat whatever the input: it splits the value into top-level
 * items at commas (outside quotes, comments, angle brackets and domain
 * literals), then reads each item's addr-spec.
 */
#include "address.h"

#include <string.h>

#define COMMENT_DEPTH 32

static bool
atext(char c)
{
	/* c != 0 first: strchr finds the terminator for a NUL. */
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || (c != '\0' &&
	    strchr("!#$%&'*+-/=?^_`{|}~", c) != NULL) ||
	    (unsigned char)c >= 0x80;	/* RFC 6532 UTF-8 */
}

/* Is s a plausible addr-spec: local@domain with sane pieces? */
static bool
addr_spec_ok(const char *s, size_t len)
{
	const char *at = NULL;
	size_t i;

	/* No controls anywhere, quoted or not (RFC 5322 qtext, atext). */
	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return false;
	for (i = len; i > 0; i--)
		if (s[i - 1] == '@') {
			at = s + i - 1;
			break;
		}
	if (at == NULL || at == s || at == s + len - 1)
		return false;
	/* local part: dot-atom or quoted string */
	if (s[0] == '"') {
		if (at[-1] != '"' || at - 1 == s)
			return false;
	} else {
		for (const char *p = s; p < at; p++)
			if (!atext(*p) && *p != '.')
				return false;
		if (s[0] == '.' || at[-1] == '.')
			return false;
	}
	/* domain: dot-atom or domain literal */
	if (at[1] == '[')
		return s[len - 1] == ']';
	for (const char *p = at + 1; p < s + len; p++)
		if (!atext(*p) && *p != '.')
			return false;
	return at[1] != '.' && s[len - 1] != '.';
}

static void
keep(struct address_list *out, const char *s, size_t len)
{
	out->count++;
	if (out->kept < ADDRESS_MAX && len < ADDRESS_SPEC_MAX) {
		memcpy(out->spec[out->kept], s, len);
		out->spec[out->kept][len] = '\0';
		out->kept++;
	}
}

/*
 * Read one mailbox item [p, end): copy its text without comments and
 * folding into tmp, find an angle address or take the whole as addr-spec.
 */
static void
read_item(const char *p, const char *end, struct address_list *out)
{
	char tmp[ADDRESS_SPEC_MAX * 2];
	size_t n = 0, lt = SIZE_MAX, gt = SIZE_MAX;
	int depth = 0;
	bool quoted = false, any = false;

	for (; p < end; p++) {
		char c = *p;

		if (quoted) {
			if (c == '\\' && p + 1 < end) {
				if (n + 2 < sizeof(tmp)) {
					tmp[n++] = c;
					tmp[n++] = *++p;
				} else
					p++;
				continue;
			}
			if (c == '"')
				quoted = false;
		} else if (depth > 0) {
			if (c == '\\' && p + 1 < end)
				p++;
			else if (c == '(')
				depth++;
			else if (c == ')')
				depth--;
			continue;
		} else if (c == '(') {
			if (++depth > COMMENT_DEPTH)
				out->clean = false;
			continue;
		} else if (c == '"') {
			quoted = true;
		} else if (c == '<' && lt == SIZE_MAX) {
			lt = n;
		} else if (c == '>' && lt != SIZE_MAX && gt == SIZE_MAX) {
			gt = n;
		} else if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
			if (lt == SIZE_MAX || gt != SIZE_MAX)
				any = any || n > 0;
			if (lt != SIZE_MAX && gt == SIZE_MAX)
				continue;	/* no spaces inside <...> */
		}
		if (n + 1 < sizeof(tmp))
			tmp[n++] = c;
		if (c != ' ' && c != '\t' && c != '\r' && c != '\n')
			any = true;
	}
	if (depth != 0 || quoted)
		out->clean = false;
	if (!any)
		return;
	if (n + 1 >= sizeof(tmp))
		out->clean = false;	/* longer than any real mailbox */
	if (lt != SIZE_MAX) {
		size_t stop = gt == SIZE_MAX ? n : gt;
		const char *s = tmp + lt + 1;
		size_t len;
		const char *colon;

		if (gt == SIZE_MAX)
			out->clean = false;
		if (stop <= lt + 1) {
			/* "<>", or the '<' itself did not fit */
			if (stop < lt + 1)
				out->clean = false;
			return;
		}
		len = stop - lt - 1;
		/* obs-route "@a,@b:" before the addr-spec */
		if (len > 0 && s[0] == '@' &&
		    (colon = memchr(s, ':', len)) != NULL) {
			len -= (size_t)(colon + 1 - s);
			s = colon + 1;
		}
		if (len == 0)
			return;	/* "<>" is not a mailbox here */
		if (!addr_spec_ok(s, len))
			out->clean = false;
		else
			keep(out, s, len);
		return;
	}
	/* bare addr-spec: trim white space */
	{
		size_t a = 0, b = n;

		while (a < b && (tmp[a] == ' ' || tmp[a] == '\t' ||
		    tmp[a] == '\r' || tmp[a] == '\n'))
			a++;
		while (b > a && (tmp[b - 1] == ' ' || tmp[b - 1] == '\t' ||
		    tmp[b - 1] == '\r' || tmp[b - 1] == '\n'))
			b--;
		if (b > a && addr_spec_ok(tmp + a, b - a))
			keep(out, tmp + a, b - a);
		else if (b > a)
			out->clean = false;
	}
}

void
address_parse(struct span v, struct address_list *out)
{
	const char *p = v.p, *end = v.p + v.len, *item = p;
	int depth = 0;
	bool quoted = false, angle = false, literal = false;

	memset(out, 0, sizeof(*out));
	out->clean = true;
	for (; p <= end; p++) {
		char c = p < end ? *p : ',';

		if (p < end && quoted) {
			if (c == '\\' && p + 1 < end)
				p++;
			else if (c == '"')
				quoted = false;
			continue;
		}
		if (p < end && depth > 0) {
			if (c == '\\' && p + 1 < end)
				p++;
			else if (c == '(')
				depth = depth < COMMENT_DEPTH ? depth + 1 : depth;
			else if (c == ')')
				depth--;
			continue;
		}
		if (p < end && literal) {
			if (c == ']')
				literal = false;
			continue;
		}
		switch (c) {
		case '"':
			quoted = true;
			break;
		case '(':
			depth = 1;
			break;
		case '[':
			literal = true;
			break;
		case '<':
			angle = true;
			break;
		case '>':
			angle = false;
			break;
		case ':':
			/* "name:" starts a group: its members follow. */
			if (!angle) {
				item = p + 1;
			}
			break;
		case ';':
			if (!angle) {
				read_item(item, p, out);
				item = p + 1;
			}
			break;
		case ',':
			if (!angle || p == end) {
				read_item(item, p, out);
				item = p + 1;
				angle = false;
			}
			break;
		default:
			break;
		}
	}
	if (quoted || depth > 0 || literal)
		out->clean = false;
}

struct span
address_domain(struct span addr)
{
	for (size_t i = addr.len; i > 0; i--)
		if (addr.p[i - 1] == '@')
			return (struct span){ addr.p + i, addr.len - i };
	return (struct span){ addr.p + addr.len, 0 };
}

struct span
address_unbracket(struct span a)
{
	a = span_trim(a);
	if (a.len >= 2 && a.p[0] == '<' && a.p[a.len - 1] == '>') {
		a.p++;
		a.len -= 2;
	}
	return span_trim(a);
}
