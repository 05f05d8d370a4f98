/*
 * stderr_capture.h - what a piece of a unit test writes to stderr
 * (test_log.c, test_opt.c): between capture_begin and capture_end stderr
 * goes to a temporary file, which capture_end reads back into a string.
 *
 * Header-only (static functions), included after <cmocka.h> by one test
 * file each.
 */
#ifndef MSGSEC_TEST_STDERR_CAPTURE_H
#define MSGSEC_TEST_STDERR_CAPTURE_H

#include <stdio.h>
#include <unistd.h>

struct capture {
	FILE *f;
	int saved;		/* the real stderr */
};

static void
capture_begin(struct capture *c)
{
	c->f = tmpfile();
	assert_non_null(c->f);
	c->saved = dup(STDERR_FILENO);
	assert_true(c->saved >= 0);
	fflush(stderr);
	assert_true(dup2(fileno(c->f), STDERR_FILENO) >= 0);
}

/* Put stderr back; what was written, NUL-terminated, cut to size - 1. */
static void
capture_end(struct capture *c, char *out, size_t size)
{
	size_t n;

	fflush(stderr);
	assert_true(dup2(c->saved, STDERR_FILENO) >= 0);
	close(c->saved);
	rewind(c->f);
	n = fread(out, 1, size - 1, c->f);
	out[n] = '\0';
	fclose(c->f);
}

#endif
