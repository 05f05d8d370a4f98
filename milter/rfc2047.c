/*
 * rfc2047.c - encoded-words (RFC 2047, with RFC 2231 5 language tags) and
 * charset conversion through iconv(3).
 *
 *   encoded-word = "=?" charset ["*" lang] "?" ("B" / "Q") "?" text "?="
 *
 * Trusts: nothing.  Bounds: output buffer maximum, RFC2047_MAX_WORDS words
 * per value (the rest is copied literally), one word's decoded bytes are
 * at most its encoded length.
 */
#include "rfc2047.h"

#include <errno.h>
#include <iconv.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "mem.h"

static const char replacement[] = "\xef\xbf\xbd";


int
utf8_sanitize(struct span s, struct buf *out)
{
	const unsigned char *p;

	if (s.p == NULL)
		return 0;
	p = (const unsigned char *)s.p;
	size_t i = 0, start = 0;

	while (i < s.len) {
		size_t n = utf8_seq_len(p + i, s.len - i);

		if (n > 0) {
			i += n;
			continue;
		}
		if (buf_append(out, s.p + start, i - start) < 0 ||
		    buf_append(out, replacement, 3) < 0)
			return -1;
		i++;
		start = i;
	}
	return buf_append(out, s.p + start, i - start);
}

static bool
charset_is(const char *cs, const char *name)
{
	return strcasecmp(cs, name) == 0;
}

int
charset_to_utf8(const char *charset, struct span in, struct buf *out)
{
	iconv_t cd;
	char tmp[1024];
	char *ip;
	size_t ileft;

	if (in.p == NULL)
		return 0;

	if (charset == NULL || *charset == '\0' || charset_is(charset,
	    "utf-8") || charset_is(charset, "utf8") || charset_is(charset,
	    "us-ascii") || charset_is(charset, "ascii"))
		return utf8_sanitize(in, out);
	if (charset_is(charset, "iso-8859-1") || charset_is(charset,
	    "latin1")) {
		for (size_t i = 0; i < in.len; i++) {
			unsigned char c = (unsigned char)in.p[i];
			char u[2] = { (char)(0xc0 | (c >> 6)),
				(char)(0x80 | (c & 0x3f)) };

			if (c < 0x80 ? buf_append(out, &in.p[i], 1) < 0 :
			    buf_append(out, u, 2) < 0)
				return -1;
		}
		return 0;
	}
	cd = iconv_open("UTF-8", charset);
	if (cd == (iconv_t)-1)
		return utf8_sanitize(in, out);
	ip = (char *)(uintptr_t)in.p;
	ileft = in.len;
	while (ileft > 0) {
		char *op = tmp;
		size_t oleft = sizeof(tmp);
		size_t rc = iconv(cd, &ip, &ileft, &op, &oleft);

		if (buf_append(out, tmp, sizeof(tmp) - oleft) < 0) {
			iconv_close(cd);
			return -1;
		}
		if (rc == (size_t)-1) {
			if (errno == E2BIG)
				continue;
			/* EILSEQ or EINVAL: replace one byte, go on. */
			if (buf_append(out, replacement, 3) < 0) {
				iconv_close(cd);
				return -1;
			}
			ip++;
			ileft--;
			(void)iconv(cd, NULL, NULL, NULL, NULL);
		}
	}
	iconv_close(cd);
	return 0;
}

/*
 * Try to read an encoded word at s[0..len).  On success returns its length
 * and fills charset / encoding / text.
 */
static size_t
parse_word(const char *s, size_t len, char *charset, size_t cslen,
    char *enc, struct span *text)
{
	size_t i = 2, cs_start, cs_end, t_start;

	if (len < 8 || s[0] != '=' || s[1] != '?')
		return 0;
	cs_start = i;
	while (i < len && s[i] != '?' && s[i] != ' ' && s[i] != '\t' &&
	    s[i] != '\r' && s[i] != '\n')
		i++;
	if (i >= len || s[i] != '?' || i == cs_start)
		return 0;
	cs_end = i;
	if (i + 3 > len || s[i + 2] != '?')
		return 0;
	*enc = s[i + 1];
	if (*enc != 'B' && *enc != 'b' && *enc != 'Q' && *enc != 'q')
		return 0;
	i += 3;
	t_start = i;
	while (i + 1 < len && !(s[i] == '?' && s[i + 1] == '=')) {
		if (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n'
		    || s[i] == '?')
			return 0;
		i++;
	}
	if (i + 1 >= len)
		return 0;
	/* RFC 2231 5: charset*language */
	{
		size_t n = cs_end - cs_start;
		const char *star = memchr(s + cs_start, '*', n);

		if (star != NULL)
			n = (size_t)(star - (s + cs_start));
		if (n == 0 || n >= cslen)
			return 0;
		memcpy(charset, s + cs_start, n);
		charset[n] = '\0';
	}
	text->p = s + t_start;
	text->len = i - t_start;
	return i + 2;
}

static int
decode_word(const char *charset, char enc, struct span text, struct buf *out)
{
	char *raw = mem_malloc(DECODE_OUT_MAX(text.len));
	size_t n;
	int rc;

	if (enc == 'B' || enc == 'b') {
		struct decode_b64 b;

		decode_b64_init(&b);
		n = decode_b64(&b, text.p, text.len, raw);
	} else {
		n = 0;
		for (size_t i = 0; i < text.len; i++) {
			char c = text.p[i];

			if (c == '_') {
				raw[n++] = ' ';
			} else if (c == '=' && i + 2 < text.len &&
			    decode_hex(text.p[i + 1]) >= 0 &&
			    decode_hex(text.p[i + 2]) >= 0) {
				raw[n++] = (char)(decode_hex(text.p[i + 1]) *
				    16 + decode_hex(text.p[i + 2]));
				i += 2;
			} else {
				raw[n++] = c;
			}
		}
	}
	rc = charset_to_utf8(charset, (struct span){ raw, n }, out);
	free(raw);
	return rc;
}

/* Append literal header text, unfolded (CR and LF dropped). */
static int
literal(struct span l, struct buf *out)
{
	size_t start = 0;

	for (size_t i = 0; i <= l.len; i++) {
		if (i < l.len && l.p[i] != '\r' && l.p[i] != '\n')
			continue;
		if (utf8_sanitize((struct span){ l.p + start, i - start },
		    out) < 0)
			return -1;
		start = i + 1;
	}
	return 0;
}

static bool
all_space(struct span l)
{
	for (size_t i = 0; i < l.len; i++)
		if (l.p[i] != ' ' && l.p[i] != '\t' && l.p[i] != '\r' &&
		    l.p[i] != '\n')
			return false;
	return true;
}

int
rfc2047_decode(struct span in, struct buf *out)
{
	size_t i = 0, lit = 0, words = 0;
	bool after_word = false;

	if (in.p == NULL)
		return 0;

	while (i < in.len) {
		char charset[64], enc = 0;
		struct span text = { NULL, 0 };
		size_t n = 0;

		if (in.p[i] == '=' && words < RFC2047_MAX_WORDS)
			n = parse_word(in.p + i, in.len - i, charset,
			    sizeof(charset), &enc, &text);
		if (n == 0) {
			i++;
			continue;
		}
		/* White space between two encoded words is dropped. */
		if (!(after_word && all_space((struct span){ in.p + lit,
		    i - lit })) && literal((struct span){ in.p + lit, i - lit },
		    out) < 0)
			return -1;
		if (decode_word(charset, enc, text, out) < 0)
			return -1;
		words++;
		i += n;
		lit = i;
		after_word = true;
	}
	return literal((struct span){ in.p + lit, in.len - lit }, out);
}
