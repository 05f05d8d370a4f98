/*
 * regex.c - PCRE2 with JIT, bounded.
 *
 * Each pattern is compiled once at policy load and JIT-compiled; matching
 * uses a per-regex match context carrying the match and depth limits, and
 * per-thread match data, so a compiled regex is shared read-only by every
 * thread.  A limit hit counts and answers "no match".
 */
#include "regex.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"
#include "str.h"

struct regex {
	pcre2_code *code;
	pcre2_match_context *mctx;
	char *pattern;
	bool jit;
};

static uint64_t limit_hits;
static __thread pcre2_match_data *thread_md;

struct regex *
regex_compile(const char *pattern, size_t len, unsigned flags,
    const struct regex_limits *limits, char **error_r, size_t *offset_r)
{
	uint32_t opts = 0;
	int err;
	PCRE2_SIZE off;
	struct regex *re;
	pcre2_code *code;

	if (flags & REGEX_CASELESS)
		opts |= PCRE2_CASELESS;
	if (flags & REGEX_UTF)
		opts |= PCRE2_UTF | PCRE2_MATCH_INVALID_UTF;
	code = pcre2_compile((PCRE2_SPTR)pattern, len, opts, &err, &off, NULL);
	if (code == NULL) {
		PCRE2_UCHAR msg[256];

		if (pcre2_get_error_message(err, msg, sizeof(msg)) < 0)
			str_lcpy((char *)msg, "unknown error", sizeof(msg));
		*error_r = mem_strdup((const char *)msg);
		*offset_r = off;
		return NULL;
	}
	re = mem_calloc(1, sizeof(*re));
	re->code = code;
	re->pattern = mem_strndup(pattern, len);
	re->jit = pcre2_jit_compile(code, PCRE2_JIT_COMPLETE) == 0;
	re->mctx = pcre2_match_context_create(NULL);
	if (re->mctx == NULL)
		abort();
	pcre2_set_match_limit(re->mctx, limits != NULL &&
	    limits->match_limit != 0 ? limits->match_limit : 3500);
	pcre2_set_depth_limit(re->mctx, limits != NULL &&
	    limits->depth_limit != 0 ? limits->depth_limit : 1500);
	return re;
}

void
regex_free(struct regex **rep)
{
	struct regex *re = *rep;

	if (re == NULL)
		return;
	pcre2_code_free(re->code);
	pcre2_match_context_free(re->mctx);
	free(re->pattern);
	free(re);
	*rep = NULL;
}

int
regex_match(const struct regex *re, const char *subject, size_t len)
{
	int rc;

	if (thread_md == NULL) {
		thread_md = pcre2_match_data_create(1, NULL);
		if (thread_md == NULL)
			abort();
	}
	rc = pcre2_match(re->code, (PCRE2_SPTR)(len == 0 ? "" : subject), len,
	    0, 0, thread_md, re->mctx);
	if (rc >= 0)
		return 1;
	if (rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT ||
	    rc == PCRE2_ERROR_JIT_STACKLIMIT || rc == PCRE2_ERROR_HEAPLIMIT)
		__atomic_add_fetch(&limit_hits, 1, __ATOMIC_RELAXED);
	return 0;
}

const char *
regex_pattern(const struct regex *re)
{
	return re->pattern;
}

bool
regex_is_jit(const struct regex *re)
{
	return re->jit;
}

uint64_t
regex_limit_hits(void)
{
	return __atomic_load_n(&limit_hits, __ATOMIC_RELAXED);
}

void
regex_thread_done(void)
{
	pcre2_match_data_free(thread_md);
	thread_md = NULL;
}
