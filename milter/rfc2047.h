/*
 * rfc2047.h - header text to UTF-8: RFC 2047 encoded-words, charset
 * conversion, and sanitising of raw 8-bit bytes.
 *
 * Output goes to a bounded struct buf; when it fills, the result is cut
 * (never an overflow) and the call returns -1.  Thread safety: no shared
 * state (iconv descriptors are opened per call).
 */
#ifndef MSGSEC_RFC2047_H
#define MSGSEC_RFC2047_H

#include <stddef.h>

#include "str.h"

#define RFC2047_MAX_WORDS 512	/* encoded words decoded per value */

/*
 * Decode a header field value: encoded-words become UTF-8, white space
 * between adjacent encoded-words is dropped (RFC 2047 6.2), folding line
 * breaks are unfolded, and any other byte sequence that is not valid UTF-8
 * becomes U+FFFD.  Malformed encoded-words stay as literal text.
 */
int rfc2047_decode(struct span in, struct buf *out);

/*
 * Append bytes in charset (a MIME charset name, e.g. "iso-8859-1") as
 * UTF-8.  An unknown charset is treated as UTF-8; bytes that do not
 * convert become U+FFFD.
 */
int charset_to_utf8(const char *charset, struct span in, struct buf *out);

/* Append s, replacing each invalid UTF-8 sequence with U+FFFD. */
int utf8_sanitize(struct span s, struct buf *out);

#endif
