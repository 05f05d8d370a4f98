/*
 * rfc2047.h - header text to UTF-8: RFC 2047 encoded-words, charset
 * conversion, and sanitising of raw 8-bit bytes.
 *
 * Everything here takes hostile bytes as a struct span and appends valid
 * UTF-8 to a bounded struct buf.  When the buf reaches its maximum the
 * output is cut at a character boundary (never inside a UTF-8 sequence,
 * never past the maximum) and the call returns -1.  On return out->data is
 * never NULL, so it can be read as a C string.
 *
 * Thread safety: no shared state.  iconv(3) descriptors are opened inside
 * each call (one at a time, reused while consecutive words keep the same
 * charset) and closed before it returns, so calls may run concurrently on
 * different bufs.
 */
#ifndef MSGSEC_RFC2047_H
#define MSGSEC_RFC2047_H

#include <stddef.h>

#include "str.h"

/* Longest charset name converted; a longer one is an unknown charset
 * (its bytes read as UTF-8), never a word left as text. */
#define RFC2047_CHARSET_MAX 64

struct rfc2047_stats {
	size_t words;		/* encoded-words decoded */
	size_t over_limit;	/* well-formed words left as text: over max */
	size_t malformed;	/* "=?" that did not start a valid word */
	size_t replaced;	/* U+FFFD written for undecodable bytes */
	size_t unknown_charset;	/* words in a charset not converted */
	size_t nuls;		/* NUL bytes met (each a U+FFFD) */
	size_t ws_words;	/* words decoded with white space (other
				 * than folded base64) in their text */
};

/*
 * Decode a header field value (without the field name):
 *
 *   encoded-word = "=?" charset ["*" language] "?" ("B" / "Q") "?" text "?="
 *
 * - B and Q are case-insensitive; B text is decoded leniently (decode.h),
 *   Q text maps "_" to space and "=XX" to a byte, other bytes literally;
 * - white space (with folding) between two adjacent decoded words is
 *   dropped (RFC 2047 6.2); adjacent words in the same charset are
 *   converted together, so a character split across two words survives;
 * - a word glued to text ("x=?utf-8?q?y?=z") is decoded all the same, as
 *   mail readers do;
 * - a word's text runs to the first "?=", white space and junk in it
 *   too (a word folded inside), as Python's email and GMime read it; B
 *   text skips what is not base64;
 * - a charset is token characters and 8-bit bytes, of any length; one
 *   that is not known (or over RFC2047_CHARSET_MAX) is read as UTF-8;
 * - a malformed word (unknown encoding, no "?=",
 *   a charset with specials or empty) stays as literal text;
 * - at most max_words words are decoded; later ones stay literal;
 * - text outside words is unfolded: a CR/LF run before white space (or at
 *   either end) is removed, any other CR/LF run becomes one space;
 * - invalid UTF-8 and NUL bytes (in the text or decoded) become U+FFFD.
 *
 * stats_r may be NULL; it is filled even when the call returns -1.
 * Returns 0, or -1 when out filled (the output is cut).
 */
int rfc2047_decode_full(struct span in, size_t max_words, struct buf *out,
    struct rfc2047_stats *stats_r);

/*
 * rfc2047_decode_full() with every word decoded and no statistics.  No
 * bound on words: a value is bounded by its field (limits.header_bytes),
 * and a file name whose last words stayed literal would hide its
 * extension.
 */
int rfc2047_decode(struct span in, struct buf *out);

/*
 * rfc2047_decode() as GMime decodes: the base64 text of adjacent B words
 * in one charset is joined before it is decoded, the decoding stops at
 * the first padding ("=?utf-8?B?aW52b2ljZS5leGU=?= =?utf-8?B?LnR4dA==?="
 * reads "invoice.exe", not "invoice.exe.txt") and drops an unpadded last
 * group ("=?utf-8?B?ZXZpbC5leGU?=" reads "evil.e"), and a charset is any
 * bytes up to the next '?', white space too.
 */
int rfc2047_decode_joined(struct span in, struct buf *out);

/*
 * rfc2047_decode() with flags: RFC2047_JOINED as rfc2047_decode_joined();
 * RFC2047_STRICT_WS as the flag says;
 * RFC2047_CUT_NUL stops the output at the first NUL, decoded or not, as
 * readers that hold a name in a C string show it (GMime for charsets it
 * does not know: "evil.exe\0.txt" is evil.exe).  *nuls_r (may be NULL)
 * gets the number of NULs met.
 */
#define RFC2047_JOINED 0x1
#define RFC2047_CUT_NUL 0x2
#define RFC2047_STRICT_WS 0x4	/* a word with white space in its text
				 * (but folded base64) is text (MIME-tools) */
int rfc2047_decode_flags(struct span in, unsigned flags, struct buf *out,
    size_t *nuls_r);

/* rfc2047_decode_flags() with every statistic. */
int rfc2047_decode_stats(struct span in, unsigned flags, struct buf *out,
    struct rfc2047_stats *stats_r);

/*
 * Append in, a byte string in charset (a MIME charset name, any case,
 * e.g. "iso-8859-1"; an empty span means us-ascii), as UTF-8.  UTF-8 and
 * us-ascii (read as UTF-8, since mislabelled UTF-8 is common) and
 * ISO-8859-1 are converted here; other charsets through iconv(3), limited
 * to an allow-list of the families mail uses (no EBCDIC, no JIS X 0213,
 * no ISO-2022-CN: glibc converters that mail never needs have had crash
 * bugs on crafted input), and iconv's output is checked, not trusted.
 * An unknown or refused charset is read as UTF-8.  Bytes that do
 * not convert become U+FFFD, one per maximal bad subsequence; NUL bytes are
 * kept (this is for body text; lengths, not C strings).
 * replaced_r (may be NULL) gets the number of U+FFFD written, added to
 * what it held.  Returns 0, or -1 when out filled.
 */
int rfc2047_charset_to_utf8(struct span charset, struct span in,
    struct buf *out, size_t *replaced_r);

/*
 * Append a header value whose bytes are raw 8-bit (RFC 6532 UTF-8, or
 * undeclared legacy bytes) with every invalid UTF-8 sequence and every NUL
 * replaced by U+FFFD.  No encoded-word decoding and no unfolding.
 * replaced_r as above.  Returns 0, or -1 when out filled.
 */
int rfc2047_utf8_sanitize(struct span in, struct buf *out,
    size_t *replaced_r);

#endif
