/*
 * mime.h - a push MIME parser (RFC 2045, RFC 2046, RFC 5322 framing).
 *
 * Bytes arrive in chunks of any size, as the milter's header and body
 * callbacks deliver them; the parser never holds more than one bounded
 * line plus one bounded header block per open part, and reports what it
 * finds as events:
 *
 *   MIME_EV_HEADER      one complete header field of the current part
 *   MIME_EV_PART_BEGIN  the header block ended: type, encoding, names known
 *   MIME_EV_BODY        decoded bytes of a leaf part's body
 *   MIME_EV_PART_END    the part is complete (leaf or container)
 *   MIME_EV_DEFECT      something malformed or a limit hit (never fatal)
 *
 * Parts are numbered in document order from 0 (the message itself).  A
 * multipart's children follow its PART_BEGIN and precede its PART_END;
 * a message/rfc822 part's embedded message is parsed as a child part of it,
 * whatever its transfer encoding.  The same events come out whatever the
 * chunking.
 *
 * Limits (struct mime_limits): nesting depth, part count, header bytes and
 * fields per part, line length.  A limit hit is a DEFECT event with a
 * MIME_LIMIT_* code, after which the offending structure is treated as an
 * opaque leaf: the parser keeps going in bounded memory and time.
 *
 * Readings (struct mime_reading).  Where a message can be read more than
 * one way (two Content-Type fields, a parameter given twice, a delimiter
 * line with junk after the boundary, base64 with junk in it, ...) the
 * parser follows the primary reading, the one most readers take, and
 * records which kinds of ambiguity it met (mime_ambiguities(), MIME_AMB_*
 * bits).  The caller may then read the same bytes again with a parser set
 * to an alternative reading (mime_set_reading()) and inspect what that
 * reading yields too.
 *
 * Thread safety: one parser per message; no global state.
 */
#ifndef MSGSEC_MIME_H
#define MSGSEC_MIME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "str.h"

struct mime_limits {
	size_t depth;		/* deepest nesting (message is depth 0) */
	size_t parts;		/* most parts per message */
	size_t header_bytes;	/* most header bytes per part */
	size_t header_count;	/* most header fields per part */
	size_t line_length;	/* longest line assembled */
	size_t params;		/* most parameters in one Content-* field */
	size_t param_sections;	/* most RFC 2231 sections of one parameter */
	size_t param_bytes;	/* most bytes of one decoded parameter */
};

void mime_limits_default(struct mime_limits *l);

/* Kinds of ambiguity met (bits). */
#define MIME_AMB_HEADER		0x01u	/* a Content-* field given twice,
					 * with different values */
#define MIME_AMB_NAME		0x02u	/* name/filename given twice (or plain
					 * and RFC 2231) with different values */
#define MIME_AMB_BOUNDARY	0x04u	/* boundary given twice, padded with
					 * white space, or a line that a
					 * prefix match would take as one */
#define MIME_AMB_ENCODING	0x08u	/* a transfer-encoding list or an
					 * unknown transfer encoding */
#define MIME_AMB_DECODING	0x10u	/* base64 or quoted-printable that a
					 * strict decoder reads otherwise */
#define MIME_AMB_STRUCTURE	0x20u	/* delimiters after the close
					 * delimiter, or of a multipart an
					 * outer delimiter ended */

enum mime_b64_mode {
	MIME_B64_TOLERANT,	/* skip what is not base64, go on after '=' */
	MIME_B64_STOP_AT_PAD,	/* stop at the first padded group */
	MIME_B64_LINEWISE,	/* drop whole lines that are not base64 */
	MIME_B64_PER_LINE,	/* decode each line alone (an open group
				 * at a line end is dropped) */
};

enum mime_qp_mode {
	MIME_QP_TOLERANT,	/* RFC 2045 6.7's advice to decoders */
	MIME_QP_LITERAL,	/* white space data, "=" then junk data,
				 * what follows read afresh (Python) */
	MIME_QP_TRIPLET,	/* white space data, "=" and two bytes
				 * data as they are (GMime) */
};

/*
 * How to read what a message leaves open.  All false / 0 is the primary
 * reading: first field wins, first parameter (RFC 2231 form over plain)
 * wins, exact delimiter match, tolerant decoding, first encoding of a list.
 */
/*
 * A reading's switches, each off in the primary reading.  The one list
 * (MIME_READING_SWITCHES) makes the struct's members and lets code that
 * combines or compares readings take every switch (inspect_reading.c):
 *
 *   header_last       the last Content-* field of a kind wins, and the last
 *                     encoding of a list
 *   param_last        the last plain parameter wins
 *   boundary_loose    delimiters match by prefix; boundary values are
 *                     trimmed
 *   after_close       delimiters after the close open parts
 *   cte_guess         an unknown encoding that names base64 or quoted-
 *                     printable is decoded as such
 *   inner_first       only the innermost open multipart's delimiters count
 *   fold_nocolon      a header line without a colon followed by a
 *                     continuation line is one field
 *   skip_junk_colon   with skip_junk: only a line holding a colon
 *                     ("Na\xbcme: v") is skipped
 *   skip_junk         a header line that is no field is skipped, the block
 *                     read on to the blank line (GMime)
 *   strict_colon      "Name : value" is no field: the header block ends
 *                     before it (Python)
 *   cr_eol            a bare CR ends a header line (Python)
 *   cr_drop           a bare CR in a header line is dropped (GMime)
 *   strict_token      an unquoted parameter value ends at a '"' or '\\'
 *                     (Python, MIME-tools)
 *   message_any       every message/ type but delivery reports parsed as a
 *                     message (Python)
 *   empty_close       a close delimiter right after a delimiter opens no
 *                     epilogue (Python)
 *   words_joined      RFC 2047 words in names decoded as GMime does: B text
 *                     joined (rfc2047.h)
 *   strict_words      RFC 2047 words with white space in their text stay
 *                     text (MIME-tools)
 *   nul_cut           a name ends at its first NUL (GMime, C-string readers)
 *   charset_fallback  an RFC 2231 name that does not convert from its
 *                     charset read as UTF-8 (GMime's fallback charsets)
 *   param_junk        the text after a media type or a disposition up to the
 *                     next ';' is skipped, quotes included (GMime)
 *   param_raw         parameters lexed raw: no comments, a value up to the
 *                     next ';' outside quotes (mimeparam.h; Python's
 *                     compat32)
 *   child_first       a delimiter that a multipart of the embedded message
 *                     being read declares too is that multipart's, not
 *                     the outer one's (GMime's one boundary stack)
 */
#define MIME_READING_SWITCHES(X) \
	X(header_last) X(param_last) X(boundary_loose) X(after_close) \
	X(cte_guess) X(inner_first) X(fold_nocolon) X(skip_junk_colon) \
	X(skip_junk) X(strict_colon) X(cr_eol) X(strict_token) \
	X(message_any) X(empty_close) X(words_joined) X(strict_words) \
	X(nul_cut) X(charset_fallback) X(param_junk) X(param_raw) \
	X(child_first) X(cr_drop)

struct mime_reading {
	const char *name;	/* for reports: "primary", "last-header", ... */
#define MIME_READING_BOOL(f) bool f;
	MIME_READING_SWITCHES(MIME_READING_BOOL)
#undef MIME_READING_BOOL
	enum mime_b64_mode b64;
	enum mime_qp_mode qp;
};

enum mime_encoding {
	MIME_ENC_IDENTITY,	/* 7bit, 8bit, binary, absent */
	MIME_ENC_BASE64,
	MIME_ENC_QP,
	MIME_ENC_UNKNOWN,	/* x-uuencode and others: passed as is */
};

/* What one part declares about itself. */
struct mime_part {
	size_t index;		/* 0 = the message */
	size_t depth;
	size_t parent;		/* index of the parent; 0 for the message */
	char type[128];		/* "text/plain", lowercase; the default
				 * applies when absent or unparseable */
	bool type_declared;	/* a Content-Type field was present */
	char charset[64];	/* lowercase, "" if none */
	char *filename;		/* Content-Disposition filename, UTF-8 */
	char *name;		/* Content-Type name, UTF-8 */
	char disposition[32];	/* "attachment", "inline" or "" */
	enum mime_encoding encoding;
	char encoding_name[32];
	bool is_multipart;
	bool is_message;	/* message/rfc822, message/global or
				 * message/partial: parsed as a message */
	uint64_t body_bytes;	/* decoded bytes delivered so far */
	/*
	 * Where the part lies in the bytes fed to the top-level parser:
	 * [off_header, off_body) is its header block and blank line,
	 * [off_body, off_end) its content (off_end is set at PART_END).  Not
	 * valid inside an embedded message that was itself encoded.
	 */
	bool off_valid;
	uint64_t off_header, off_body, off_end;
};

enum mime_defect {
	MIME_DEF_NO_BOUNDARY,		/* multipart without a boundary */
	MIME_DEF_START_BOUNDARY_MISSING,	/* no first boundary found */
	MIME_DEF_CLOSE_BOUNDARY_MISSING,	/* ended without --b-- */
	MIME_DEF_HEADER_SEPARATOR_MISSING,	/* body began without blank line */
	MIME_DEF_BAD_HEADER_LINE,	/* not a field, not a continuation */
	MIME_DEF_BASE64,		/* invalid base64 characters */
	MIME_DEF_QP,			/* invalid quoted-printable */
	MIME_DEF_BAD_CONTENT_TYPE,	/* unparseable Content-Type */
	MIME_LIMIT_DEPTH,
	MIME_LIMIT_PARTS,
	MIME_LIMIT_HEADER_BYTES,
	MIME_LIMIT_HEADER_COUNT,
	MIME_LIMIT_LINE_LENGTH,
	MIME_LIMIT_PARAMS,		/* a parameter dropped or cut */
};

const char *mime_defect_name(enum mime_defect d);

enum mime_event_type {
	MIME_EV_HEADER,
	MIME_EV_PART_BEGIN,
	MIME_EV_BODY,
	MIME_EV_PART_END,
	MIME_EV_DEFECT,
};

struct mime_event {
	enum mime_event_type type;
	const struct mime_part *part;	/* valid during the callback */
	struct span name;	/* HEADER: field name */
	struct span value;	/* HEADER: raw value, folding kept, without
				 * the final CRLF; BODY: decoded bytes */
	enum mime_defect defect;	/* DEFECT */
};

/* Return 0 to go on, -1 to stop (mime_feed then returns -1). */
typedef int (*mime_event_fn)(void *ctx, const struct mime_event *ev);

struct mime;

struct mime *mime_new(const struct mime_limits *l, mime_event_fn fn,
    void *ctx);
void mime_free(struct mime **m);

/*
 * Feed the next bytes of the message (headers then body, as on the wire;
 * CRLF or bare LF line ends).  Returns 0, or -1 if the callback asked to
 * stop.
 */
int mime_feed(struct mime *m, const char *data, size_t len);

/* End of message: flush the last line, close every open part. */
int mime_finish(struct mime *m);

/*
 * Read with r instead of the primary reading (r is copied; r->name must
 * outlive the parser).  Call before the first mime_feed().
 */
void mime_set_reading(struct mime *m, const struct mime_reading *r);

/* MIME_AMB_* bits of what was met so far, this parser and its children. */
unsigned mime_ambiguities(const struct mime *m);

/* Parts seen so far (including the message). */
size_t mime_part_count(const struct mime *m);

#endif
