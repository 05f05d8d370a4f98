/*
 * regex.c - PCRE2 with JIT, bounded.
 *
 * Each pattern is compiled once at policy load and JIT-compiled; matching
 * uses a per-regex match context carrying the match and depth limits, and
 * per-thread match data, so a compiled regex is shared read-only by every
 * thread.  A limit hit counts and answers "no match".
 *
 * Trusts: patterns come from rule files (checked, but an author's mistake
 * must be a load error, not a crash); subjects are hostile bytes of any
 * kind.  In UTF mode invalid UTF-8 in a subject is matched around
 * (PCRE2_MATCH_INVALID_UTF), never an error.  Outside UTF mode a pattern
 * may not turn UTF on with (*UTF): that would make invalid UTF-8 a way to
 * dodge the rule, so it is refused at compile time (PCRE2_NEVER_UTF).
 * Limits: match and depth limits per pattern (0: 3500 / 1500, Suricata's
 * defaults); the JIT uses its default 32K stack, and a stack overflow counts
 * as a limit hit too.  A pattern's own (*LIMIT_MATCH=) can lower the limits,
 * never raise them.
 */
#include "regex.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <pthread.h>
#include <stdio.h>
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

#define REGEX_MATCH_LIMIT 3500
#define REGEX_DEPTH_LIMIT 1500

static uint64_t limit_hits;
/* Only match / no match is asked for, so one pair of offsets is enough. */
static __thread pcre2_match_data *thread_md;
static __thread uint64_t thread_limit_hits;

/*
 * A thread's match data is also its pthread key's value, so that it goes
 * when the thread ends: libmilter hands one session to several pooled
 * worker threads, and the one that ends the session (regex_thread_done)
 * need not be the one that matched.
 */
static pthread_key_t md_key;
static pthread_once_t md_once = PTHREAD_ONCE_INIT;
static bool md_key_ok;

static void
md_free(void *md)
{
	pcre2_match_data_free(md);
}

static void
md_key_init(void)
{
	md_key_ok = pthread_key_create(&md_key, md_free) == 0;
}

/* PCRE2's allocations fail as mem.c's do: fatal (STYLE.md section 4). */
static void __attribute__((noreturn))
regex_nomem(void)
{
	fprintf(stderr, "msgsec: fatal: out of memory in PCRE2\n");
	abort();
}

struct regex *
regex_compile(const char *pattern, size_t len, unsigned flags,
    const struct regex_limits *limits, char **error_r, size_t *offset_r)
{
	uint32_t opts = 0;
	int err;
	PCRE2_SIZE off;
	size_t jitsize = 0;
	struct regex_limits lim = { 0, 0 };
	struct regex *re;
	pcre2_code *code;
	char *copy;

	if (flags & REGEX_CASELESS)
		opts |= PCRE2_CASELESS;
	if (flags & REGEX_UTF)
		opts |= PCRE2_UTF | PCRE2_MATCH_INVALID_UTF;
	else
		opts |= PCRE2_NEVER_UTF;
	/*
	 * PCRE2 up to 10.44 reads one byte past the given length when a
	 * pattern ends inside a start option such as "(*LIMIT_MATCH=12"
	 * (fixed upstream in PCRE2Project/pcre2#463; found here by
	 * fuzz_regex).  A digit or ')' there made it skip past the end.  So
	 * it always compiles a NUL-terminated copy, and the NUL stops it.
	 */
	copy = mem_strndup(len == 0 ? "" : pattern, len);
	code = pcre2_compile((PCRE2_SPTR)copy, len, opts, &err, &off, NULL);
	if (code == NULL) {
		PCRE2_UCHAR msg[256];

		if (pcre2_get_error_message(err, msg, sizeof(msg)) < 0)
			str_lcpy((char *)msg, "unknown error", sizeof(msg));
		*error_r = mem_strdup((const char *)msg);
		/* The same versions report such an error one past the end. */
		*offset_r = off < len ? off : len;
		free(copy);
		return NULL;
	}
	re = mem_calloc(1, sizeof(*re));
	re->code = code;
	re->pattern = copy;
	/* JIT failing (no support, no executable memory) leaves the
	 * interpreter, which obeys the same limits.  (*NO_JIT) in a pattern
	 * "succeeds" without code, so ask for the code's size. */
	if (pcre2_jit_compile(code, PCRE2_JIT_COMPLETE) == 0 &&
	    pcre2_pattern_info(code, PCRE2_INFO_JITSIZE, &jitsize) == 0)
		re->jit = jitsize > 0;
	re->mctx = pcre2_match_context_create(NULL);
	if (re->mctx == NULL)
		regex_nomem();
	if (limits != NULL)
		lim = *limits;
	pcre2_set_match_limit(re->mctx,
	    lim.match_limit != 0 ? lim.match_limit : REGEX_MATCH_LIMIT);
	pcre2_set_depth_limit(re->mctx,
	    lim.depth_limit != 0 ? lim.depth_limit : REGEX_DEPTH_LIMIT);
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
			regex_nomem();
		(void)pthread_once(&md_once, md_key_init);
		if (md_key_ok)
			(void)pthread_setspecific(md_key, thread_md);
	}
	rc = pcre2_match(re->code, (PCRE2_SPTR)(len == 0 ? "" : subject), len,
	    0, 0, thread_md, re->mctx);
	if (rc >= 0)
		return 1;
	if (rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT ||
	    rc == PCRE2_ERROR_JIT_STACKLIMIT || rc == PCRE2_ERROR_HEAPLIMIT)
	{
		__atomic_add_fetch(&limit_hits, 1, __ATOMIC_RELAXED);
		thread_limit_hits++;
	}
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
regex_thread_limit_hits(void)
{
	return thread_limit_hits;
}

uint64_t
regex_limit_hits(void)
{
	return __atomic_load_n(&limit_hits, __ATOMIC_RELAXED);
}

void
regex_thread_done(void)
{
	if (thread_md == NULL)
		return;
	pcre2_match_data_free(thread_md);
	thread_md = NULL;
	if (md_key_ok)		/* set: this thread made its match data */
		(void)pthread_setspecific(md_key, NULL);
}
