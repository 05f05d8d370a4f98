/*
 * legacy.h - attachments in legacy encodings: uuencoded and yEnc blocks
 * inside text, BinHex 4.0 (RFC 1741), and TNEF (winmail.dat).  Each found
 * file is handed to the callback with its name and decoded bytes, so it
 * goes through the same name, type and archive checks as any attachment.
 *
 * Trusts: nothing.  Every decoder is bounded: output per file (max_out; a
 * longer file is cut and flagged) and it never reads past its input.  The
 * number of files is the callback's to bound (it returns false to stop:
 * the caller's budget, limits.archive_members, and a limit.* finding, not
 * a silent cut); names are kept whole, however long.
 */
#ifndef MSGSEC_LEGACY_H
#define MSGSEC_LEGACY_H

#include <stdbool.h>
#include <stddef.h>

/* kind: "uuencode", "yenc", "binhex", "tnef", or "uuencode-stream" (a
 * declared uuencoded part read as GMime reads it gave other bytes than
 * line by line: the part reads two ways); truncated: cut at max_out.
 * Returns true to go on to the next file. */
typedef bool (*legacy_fn)(void *ctx, const char *kind, const char *name,
    const void *data, size_t len, bool truncated);

/* uuencoded ("begin 644 name" .. "end") and yEnc ("=ybegin" .. "=yend")
 * blocks in text.  Returns the number of files found. */
size_t legacy_scan_text(const char *text, size_t len, size_t max_out,
    legacy_fn fn, void *ctx);
/*
 * The same for a part that declares itself uuencoded (x-uuencode, x-uue):
 * any line "begin", whatever follows it (a mode that is no octal number,
 * none at all, no name), starts a file, as GMime's and MIME-tools'
 * decoders take it.  In free text the begin line must look the part.
 * The part is also read as GMime reads it (one stream: a length character
 * at each line start and wherever the announced length runs out, groups
 * going on across line ends, a zero length ending it); where that gives
 * other bytes, they are a file too.
 */
size_t legacy_scan_uu_part(const char *text, size_t len, size_t max_out,
    legacy_fn fn, void *ctx);

/* A BinHex 4.0 text: the data fork and the file name.  0, or -1 if it
 * does not decode. */
int legacy_binhex(const char *text, size_t len, size_t max_out, legacy_fn fn,
    void *ctx);

/* A TNEF stream: every attached file.  Returns files found, -1 if the
 * signature is wrong. */
int legacy_tnef(const void *data, size_t len, size_t max_out, legacy_fn fn,
    void *ctx);

#endif
