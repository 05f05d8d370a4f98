/*
 * legacy.h - attachments in legacy encodings: uuencoded and yEnc blocks
 * inside text, BinHex 4.0 (RFC 1741), and TNEF (winmail.dat).  Each found
 * file is handed to the callback with its name and decoded bytes, so it
 * goes through the same name, type and archive checks as any attachment.
 *
 * Trusts: nothing.  Every decoder is bounded: output per file (max_out; a
 * longer file is cut and flagged), files per call (LEGACY_MAX_FILES), and
 * it never reads past its input.
 */
#ifndef MSGSEC_LEGACY_H
#define MSGSEC_LEGACY_H

#include <stdbool.h>
#include <stddef.h>

#define LEGACY_MAX_FILES 256
#define LEGACY_NAME_MAX 256

/* kind: "uuencode", "yenc", "binhex", "tnef"; truncated: cut at max_out. */
typedef void (*legacy_fn)(void *ctx, const char *kind, const char *name,
    const void *data, size_t len, bool truncated);

/* uuencoded ("begin 644 name" .. "end") and yEnc ("=ybegin" .. "=yend")
 * blocks in text.  Returns the number of files found. */
size_t legacy_scan_text(const char *text, size_t len, size_t max_out,
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
