/*
 * mimeparam.h - Content-Type and Content-Disposition field values: the
 * token ("multipart/mixed", "attachment") and the parameters, with RFC 2045
 * 5.1 quoting and comments, RFC 2231 continuations, charsets and languages,
 * and RFC 2047 encoded-words inside plain values (not standard, but what
 * many mailers write for file names).
 *
 * Results: the token lowercased; each parameter's name lowercased without
 * its RFC 2231 "*N*" suffix; and its value:
 *
 *   name, filename   text for people: UTF-8, RFC 2047 words and RFC 2231
 *                    charsets decoded, U+FFFD for bytes that do not decode
 *                    and for NUL (so the value is also a good C string);
 *   all others       the bytes as written, quotes and \-escapes and RFC
 *                    2231 %XX removed, nothing else changed: a boundary
 *                    must match the body byte for byte (a boundary of
 *                    "=?us-ascii?q?X?=" or of 8-bit bytes would otherwise
 *                    hide every part from inspection); .len counts, as a
 *                    NUL may be inside.
 *
 * Tolerance, the way mail readers tolerate (each counted or flagged):
 * missing semicolons ("attachment filename=x"), empty parameters (";;"),
 * names without '=', unquoted values with inner spaces (up to the next
 * "name=" or ';'), unterminated quotes and comments (to the end), RFC 2231
 * sections out of order or missing, a missing charset'language' prefix,
 * control bytes (in no token: they end a name and are skipped as junk).
 *
 * Duplicates: every parameter is kept in v[], in field order, duplicates
 * flagged.  mimeparam_get() answers with the RFC 2231 form of a name when
 * there is one (what RFC 2231 clients display), otherwise with its first
 * occurrence: "first wins".  Inspection code that must not be fooled by a
 * second value walks v[] instead.
 *
 * Bounds (STYLE.md section 3): at most limits.params parameters (the rest
 * counted in .dropped), limits.sections sections per RFC 2231 name (the
 * rest in .sections_dropped), limits.value_bytes bytes per value (cut at a
 * character boundary, counted in .truncated), MIMEPARAM_TOKEN_MAX bytes of
 * token, MIMEPARAM_NAME_MAX bytes per name, MIMEPARAM_COMMENT_DEPTH comment
 * nesting (deeper comments are still skipped, counted).
 *
 * Ownership: the struct and everything it points to belong to the caller,
 * from mimeparam_init*() to mimeparam_free().  Thread safety: none shared.
 */
#ifndef MSGSEC_MIMEPARAM_H
#define MSGSEC_MIMEPARAM_H

#include <stdbool.h>
#include <stddef.h>

#include "str.h"

#define MIMEPARAM_PARAMS 64		/* default limits.params */
#define MIMEPARAM_SECTIONS 64		/* default limits.sections */
#define MIMEPARAM_VALUE_MAX 4096	/* default limits.value_bytes */
#define MIMEPARAM_TOKEN_MAX 127
#define MIMEPARAM_NAME_MAX 128
#define MIMEPARAM_COMMENT_DEPTH 32

struct mimeparam_limits {
	size_t params;		/* parameters kept, duplicates included */
	size_t sections;	/* RFC 2231 sections per name: *0 .. *(n-1) */
	size_t value_bytes;	/* UTF-8 bytes per value */
};

struct mimeparam_entry {
	char *name;		/* lowercase, without "*N*" */
	char *value;		/* see Results above; NUL-terminated */
	size_t len;
	bool extended;		/* RFC 2231 form: name* or name*N[*] */
	bool duplicate;		/* same name and form as an earlier one */
};

struct mimeparam {
	char value[MIMEPARAM_TOKEN_MAX + 1];	/* the token; "" if none */
	struct mimeparam_entry *v;
	size_t n;
	size_t max;		/* limits.params */
	size_t max_sections;	/* limits.sections */
	size_t value_max;	/* limits.value_bytes */
	bool raw;		/* set after init: the raw lexing below */
	bool strict_token;	/* set after init: an unquoted value ends
				 * at a '"' or '\\' (Python, MIME-tools) */
	bool words_joined;	/* set after init: RFC 2047 words in names
				 * decoded as GMime does (rfc2047.h) */
	bool last_section;	/* set after init: of RFC 2231 sections
				 * given twice the last wins, and a value
				 * stops at a missing section (Python) */
	bool strict_words;	/* set after init: an RFC 2047 word with
				 * white space in its text stays text
				 * (MIME-tools) */
	bool nul_cut;		/* set after init: a name ends at its first
				 * NUL, decoded or not (C-string readers:
				 * GMime in charsets it does not know) */
	bool charset_fallback;	/* set after init: an RFC 2231 name whose
				 * bytes do not convert from its charset is
				 * read as UTF-8 (GMime falls back) */
	bool gmime_type;	/* set after init: the token is a media
				 * type read as GMime reads it (ttoken runs
				 * around '/'); see type_failed */
	bool junk_to_semi;	/* set after init: whatever follows the
				 * token up to the next ';' is skipped,
				 * quotes and comments included (GMime) */

	/* what was tolerated */
	size_t dropped;		/* parameters over max */
	size_t sections_dropped; /* sections over max_sections, or repeated */
	size_t sections_over;	/* sections over max_sections (a limit hit) */
	size_t truncated;	/* values cut at value_max */
	size_t duplicates;	/* entries with .duplicate */
	size_t junk;		/* items that were no parameter */
	size_t deep_comments;	/* comments nested over the depth bound */
	bool token_truncated;
	bool missing_semicolon;
	bool unterminated;	/* a quote or comment ran to the end */
	bool gaps;		/* RFC 2231 sections missing */
	bool comments;		/* a comment after the token */
	bool dup_sections;	/* an RFC 2231 section given twice */
	bool ext_words;		/* RFC 2047 words inside an RFC 2231 value
				 * of a name, decoded (not in raw lexing) */
	bool odd_token;		/* an unquoted value holds '"' or '\\' */
	bool words_differ;	/* a name's RFC 2047 words read otherwise
				 * joined (rfc2047_decode_joined()) */
	bool words_ws;		/* a name's RFC 2047 word held white space
				 * (decoded; text with strict_words) */
	bool name_nul;		/* a name held a NUL (a U+FFFD in .value;
				 * cut there with nul_cut) */
	bool name_lossy;	/* an RFC 2231 name did not convert from its
				 * charset (read again with charset_fallback) */
	bool type_failed;	/* gmime_type: no type/subtype there (GMime
				 * reads application/octet-stream) */
	bool token_junk;	/* the token is followed by something
				 * other than ';' (GMime skips it to the
				 * next ';', others lex it) */
};

/*
 * The parameters lex otherwise for some readers (Python's compat32
 * email, and what is built on it): no comments, each parameter the text
 * up to the next ';' outside double quotes, its value the text after
 * the first '=', trimmed, unquoted only when it both starts and ends
 * with a double quote.  mimeparam_irregular() says whether a value may
 * read otherwise so; the raw member asks for that lexing.
 */
bool mimeparam_irregular(const struct mimeparam *p);

/*
 * A Content-* value as GMime parses it: 8-bit bytes that are not UTF-8
 * read as Latin-1 first.  A new string, or NULL when v is UTF-8 already.
 */
char *mimeparam_gmime_8bit(const char *v);

/* Ready p with limits.params = max and the other limits at defaults. */
void mimeparam_init(struct mimeparam *p, size_t max);

/* Ready p with explicit limits (a zero field takes the default). */
void mimeparam_init_limits(struct mimeparam *p,
    const struct mimeparam_limits *l);

/*
 * Parse a field value s (without the field name; folding allowed; any
 * bytes).  Call once after init.  Returns 0 when a token or at least one
 * parameter was found, -1 when the value holds neither; either way p is
 * filled as far as the value allowed and must be freed.
 */
int mimeparam_parse(struct mimeparam *p, struct span s);

/*
 * The value of parameter name (ASCII, any case), or {NULL, 0} when it is
 * absent.  The span points into p (NUL-terminated there) and lives until
 * mimeparam_free().  See "Duplicates" above for which value is returned.
 */
struct span mimeparam_get(const struct mimeparam *p, const char *name);

/* Release what p holds; p may then be initialised again. */
void mimeparam_free(struct mimeparam *p);

#endif
