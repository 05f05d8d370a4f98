/*
 * regex.h - PCRE2 patterns compiled once, with JIT, and bounded at match
 * time (match and depth limits, as Suricata does).
 *
 * A limit hit is a counted "no match", never an error: a hostile message
 * must not turn a content rule into a tempfail loop.
 *
 * Thread safety: a compiled struct regex is read-only and may be matched
 * from any number of threads at once (match data is per thread).
 */
#ifndef MSGSEC_REGEX_H
#define MSGSEC_REGEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define REGEX_CASELESS 0x1u	/* PCRE2_CASELESS */
#define REGEX_UTF 0x2u		/* PCRE2_UTF | PCRE2_MATCH_INVALID_UTF */

struct regex_limits {
	uint32_t match_limit;	/* default 3500 */
	uint32_t depth_limit;	/* default 1500 */
};

struct regex;

/*
 * Compile pattern[0..len).  On error returns NULL, sets *error_r to a
 * malloc'd message (PCRE2's text) and *offset_r to the 0-based offset in
 * the pattern where PCRE2 stopped.
 */
struct regex *regex_compile(const char *pattern, size_t len, unsigned flags,
    const struct regex_limits *limits, char **error_r, size_t *offset_r);
void regex_free(struct regex **re);

/* 1: match; 0: no match or limit hit (counted); never fails otherwise. */
int regex_match(const struct regex *re, const char *subject, size_t len);

const char *regex_pattern(const struct regex *re);
bool regex_is_jit(const struct regex *re);

/* Process-wide count of matches abandoned at a limit. */
uint64_t regex_limit_hits(void);

/* The calling thread's count: a caller that compares it before and after
 * judging knows its own patterns gave up (a limit.regex finding). */
uint64_t regex_thread_limit_hits(void);

/* Free this thread's match data (call before a worker thread exits). */
void regex_thread_done(void);

#endif
