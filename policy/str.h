/*
 * str.h - length-carrying string views, strict number parsing, a bounded
 * growable buffer, and the few string helpers glibc lacks.
 *
 * Untrusted text is handled as struct span (pointer + length), never assumed
 * NUL-terminated (STYLE.md section 3).
 */
#ifndef MSGSEC_STR_H
#define MSGSEC_STR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct span {
	const char *p;
	size_t len;
};

#define SPAN_LIT(s) ((struct span){ (s), sizeof(s) - 1 })

struct span span_from_cstr(const char *s);
/* Strip ASCII space and tab from both ends. */
struct span span_trim(struct span s);
bool span_eq(struct span a, const char *cstr);
bool span_eq_nocase(struct span a, const char *cstr);
bool span_has_prefix_nocase(struct span s, const char *prefix);
/* What str_skip_cfws() skipped. */
struct str_cfws {
	size_t comments;	/* comments */
	size_t deep;		/* of them, nested past max_depth */
	bool open;		/* the last ran to the end unterminated */
};
/*
 * RFC 5322 CFWS from s[i]: white space (SP, HT, CR, LF) and comments,
 * nested, with \-escapes.  Returns the index of the first byte that is
 * neither (len at the end); *m says what was skipped (zero it first).
 */
size_t str_skip_cfws(const char *s, size_t len, size_t i, size_t max_depth,
    struct str_cfws *m);

/*
 * Copy src into dst of size dstsize, always NUL-terminated when dstsize > 0.
 * Returns strlen(src); truncation happened when the result >= dstsize.
 */
size_t str_lcpy(char *dst, const char *src, size_t dstsize);

/*
 * Strict unsigned decimal parse of the whole span: digits only, no sign, no
 * spaces, value in [min, max].  Returns 0 and sets *value_r, or -1.
 */
int str_to_u64(struct span s, uint64_t min, uint64_t max, uint64_t *value_r);

/* Same, for a NUL-terminated string. */
int str_to_u64_cstr(const char *s, uint64_t min, uint64_t max,
    uint64_t *value_r);

/*
 * dir + "/" + rel, with "." and "name/.." segments removed lexically
 * (rules/policy/../lists/x.txt -> rules/lists/x.txt).  An absolute rel is
 * returned as is (normalised).  Returns a new string.
 */
char *path_join(const char *dir, const char *rel);

/*
 * Length of the valid UTF-8 sequence at s[0..len) (RFC 3629: no overlongs,
 * no surrogates, nothing above U+10FFFF), or 0 if the bytes there are not
 * one.  len must be at least 1.
 */
size_t utf8_seq_len(const unsigned char *s, size_t len);

/* Lowercase ASCII letters in place. */
void str_lower(char *s);

/* Damerau-free Levenshtein distance, capped at cap (returns cap when >= cap). */
size_t str_distance(const char *a, const char *b, size_t cap);

/*
 * A growable byte buffer with a hard maximum.  buf_append refuses (returns
 * -1 and appends nothing) when the result would exceed max.  The data is
 * always NUL-terminated for convenience, which is not counted in len.
 */
struct buf {
	char *data;
	size_t len;
	size_t cap;
	size_t max;
};

void buf_init(struct buf *b, size_t max);
int buf_append(struct buf *b, const void *data, size_t len);
int buf_append_cstr(struct buf *b, const char *s);
int buf_printf(struct buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void buf_reset(struct buf *b);
void buf_free(struct buf *b);

/*
 * Append s to b with every byte that is not printable ASCII written as \xHH,
 * cut to at most width input bytes (then "..." is added).  For logging
 * untrusted bytes.
 */
int buf_append_escaped(struct buf *b, struct span s, size_t width);

#endif
