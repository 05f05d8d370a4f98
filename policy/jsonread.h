/*
 * jsonread.h - the one JSON reader (RFC 8259, strict): a pull reader over
 * a text held whole in memory, with hard bounds on nesting depth, string
 * length and token count, each a parameter.
 *
 * Each jsonread_next call returns the next token: a container's opening
 * and closing bracket, an object key, a string, a number or a literal.
 * Strings and keys are spans into the text, still escaped; nothing is
 * allocated.  The grammar is checked as the tokens are pulled, so a caller
 * that reads to the end (jsonread_next returning -1 with JSONREAD_OK) has
 * seen one valid JSON text, and a caller that stops early has seen a valid
 * prefix.  The first error stops the reader: jsonread_next keeps returning
 * -1, and jsonread_error / jsonread_error_offset say what and where.
 *
 * Where: the offset of the first byte that cannot continue the text (the
 * text's length when it ends too soon), so the bytes before it are always
 * the start of some valid text.  Two refinements: a UTF-8 sequence is
 * judged whole, so an invalid one (or one cut short by the end of the
 * text) is placed at its first byte, and a lone low surrogate escape
 * (\uDC00-\uDFFF without a high half before it) at its backslash.  A
 * high half's missing low half is placed exactly, at the first byte that
 * cannot belong to one.  A bound is placed at the byte that passes it:
 * the bracket one level too deep, the first byte of the token one too
 * many, a string's byte max_string + 1 (a grammar error at the same byte
 * comes first).
 *
 * Users: policy/qentry.c (quarantine meta.json), admin/alertscan.c
 * (alert lines), the unit and fuzz tests that check the writer's output.
 * Thread safety: a reader is one caller's; the functions keep no state.
 */
#ifndef MSGSEC_JSONREAD_H
#define MSGSEC_JSONREAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The deepest nesting a reader can track (the bound on max_depth). */
#define JSONREAD_DEPTH_CAP 256

struct jsonread_limits {
	unsigned max_depth;	/* open containers, 0..JSONREAD_DEPTH_CAP */
	size_t max_string;	/* bytes between a string's quotes, as written */
	size_t max_tokens;	/* tokens in the text, closing brackets included */
};

enum jsonread_type {
	JSONREAD_OBJECT = 1,	/* '{' */
	JSONREAD_OBJECT_END,	/* '}' */
	JSONREAD_ARRAY,		/* '[' */
	JSONREAD_ARRAY_END,	/* ']' */
	JSONREAD_KEY,		/* an object key; its ':' has been read */
	JSONREAD_STRING,
	JSONREAD_NUMBER,
	JSONREAD_TRUE,
	JSONREAD_FALSE,
	JSONREAD_NULL,
};

/*
 * The errors, in no order.  jsonread_strerror gives each one static
 * English text (the same pointer every time, so callers may count by it).
 */
enum jsonread_error {
	JSONREAD_OK = 0,
	JSONREAD_E_VALUE,		/* missing value */
	JSONREAD_E_NUMBER,		/* bad number (also any stray byte) */
	JSONREAD_E_LITERAL,		/* bad literal */
	JSONREAD_E_STRING_END,		/* unterminated string */
	JSONREAD_E_ESCAPE,		/* bad escape in string */
	JSONREAD_E_UESCAPE,		/* bad \u escape in string */
	JSONREAD_E_SURROGATE,		/* lone surrogate in string */
	JSONREAD_E_CONTROL,		/* control character in string */
	JSONREAD_E_UTF8,		/* invalid UTF-8 in string (RFC 3629) */
	JSONREAD_E_KEY,			/* expected a key */
	JSONREAD_E_COLON,		/* expected ':' after a key */
	JSONREAD_E_OBJECT_END,		/* unterminated object */
	JSONREAD_E_OBJECT_SEP,		/* expected ',' or '}' in object */
	JSONREAD_E_ARRAY_END,		/* unterminated array */
	JSONREAD_E_ARRAY_SEP,		/* expected ',' or ']' in array */
	JSONREAD_E_TRAILING,		/* text after the value */
	JSONREAD_E_DEPTH,		/* nested too deep */
	JSONREAD_E_STRING_LONG,		/* string too long */
	JSONREAD_E_TOKENS,		/* too many tokens */
	JSONREAD_NERRORS
};

struct jsonread_token {
	const char *p;		/* strings and keys: just past the opening
				 * quote; anything else: its first byte */
	size_t len;		/* strings and keys: the bytes between the
				 * quotes; brackets: 1; others: their text */
	uint8_t type;		/* enum jsonread_type */
	bool escaped;		/* a string or key holding a backslash */
};

/* Opaque in spirit; on the caller's stack so that no allocation is made. */
struct jsonread {
	const unsigned char *s;
	size_t n, i;
	struct jsonread_limits lim;
	size_t tokens;
	unsigned depth;
	uint8_t state;
	uint8_t error;		/* enum jsonread_error */
	size_t error_off;
	uint64_t is_object[JSONREAD_DEPTH_CAP / 64];	/* per open level */
};

/*
 * Start reading the len bytes at p (which must outlive the reader and the
 * tokens).  lim is copied; lim->max_depth above JSONREAD_DEPTH_CAP is a
 * caller's bug and aborts.
 */
void jsonread_init(struct jsonread *r, const char *p, size_t len,
    const struct jsonread_limits *lim);

/*
 * The next token into *t.  Returns 1, or -1 at the end of the text (then
 * jsonread_error is JSONREAD_OK) or on an error.  White space before and
 * after the one top-level value is allowed; anything else after it is
 * JSONREAD_E_TRAILING.
 */
int jsonread_next(struct jsonread *r, struct jsonread_token *t);

/*
 * After an opening token (JSONREAD_OBJECT or JSONREAD_ARRAY) just
 * returned, read up to and including its closing bracket.  Returns 0 with
 * *close_r pointing at that bracket in the text, or -1 on an error.
 */
int jsonread_skip(struct jsonread *r, const char **close_r);

/* Open containers now (0 at the top level). */
unsigned jsonread_depth(const struct jsonread *r);
/* Offset of the next byte not yet read. */
size_t jsonread_offset(const struct jsonread *r);

enum jsonread_error jsonread_error(const struct jsonread *r);
/* Where the error is (see above); meaningless without an error. */
size_t jsonread_error_offset(const struct jsonread *r);
/* Static text for e ("bad escape in string", ...). */
const char *jsonread_strerror(enum jsonread_error e);

/*
 * Is p[0..len) one JSON text within lim?  Returns JSONREAD_OK, or the
 * error with *off_r (when not NULL) its offset.
 */
enum jsonread_error jsonread_check(const char *p, size_t len,
    const struct jsonread_limits *lim, size_t *off_r);

/*
 * Unescape a string token's bytes (p, len as jsonread_token gives them,
 * from a text the reader accepted) into out of size bytes, NUL-terminated.
 * Returns the length written, or -1 when it does not fit (size counts the
 * NUL) or the bytes are not a valid string body.  \u escapes, surrogate
 * pairs included, become UTF-8.
 */
int jsonread_unescape(const char *p, size_t len, char *out, size_t size);

#endif
