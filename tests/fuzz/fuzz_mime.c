/*
 * fuzz_mime.c - the push MIME parser under random chunking.  The first
 * bytes choose small limits, a reading (mime.h) and a chunk-size pattern;
 * the rest is the message.  Invariant: the event stream (serialised) is
 * the same whether the message arrives whole or in the chosen chunks, in
 * every reading, and memory and work stay bounded by the limits.
 */
#include <assert.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mime.h"
#include "str.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
rec(void *ctx, const struct mime_event *ev)
{
	struct buf *b = ctx;

	(void)buf_printf(b, "%d:%zu:%zu:%s:%d|", (int)ev->type,
	    ev->part->index, ev->part->depth, ev->part->type, (int)ev->defect);
	if (ev->type == MIME_EV_HEADER || ev->type == MIME_EV_BODY)
		(void)buf_append(b, ev->value.p, ev->value.len);
	if (ev->type == MIME_EV_PART_BEGIN && ev->part->filename != NULL)
		(void)buf_append_cstr(b, ev->part->filename);
	return 0;
}

/* The readings inspect_reading.c uses; index 0 is the primary one. */
static const struct mime_reading readings[] = {
	{ .name = "primary" },
	{ .name = "last-header", .header_last = true },
	{ .name = "fold-nocolon", .fold_nocolon = true },
	{ .name = "last-param", .param_last = true },
	{ .name = "loose-boundary", .boundary_loose = true },
	{ .name = "after-close", .after_close = true },
	{ .name = "inner-first", .inner_first = true },
	{ .name = "cte-guess", .cte_guess = true },
	{ .name = "b64", .b64 = MIME_B64_STOP_AT_PAD },
	{ .name = "b64-linewise", .b64 = MIME_B64_LINEWISE },
	{ .name = "b64-per-line", .b64 = MIME_B64_PER_LINE },
	{ .name = "all", .header_last = true, .param_last = true,
	    .boundary_loose = true, .after_close = true, .cte_guess = true,
	    .fold_nocolon = true },
};
static const struct mime_reading *reading;

static void
run(const struct mime_limits *l, const char *msg, size_t len,
    const uint8_t *pattern, size_t npattern, struct buf *out)
{
	struct mime *m = mime_new(l, rec, out);
	size_t off = 0, k = 0;

	mime_set_reading(m, reading);
	while (off < len) {
		size_t n = npattern == 0 ? len : (size_t)pattern[k++ % npattern]
		    % 17 + 1;

		if (n > len - off)
			n = len - off;
		(void)mime_feed(m, msg + off, n);
		off += n;
	}
	(void)mime_finish(m);
	mime_free(&m);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mime_limits l;
	struct buf whole, chunked;

	if (size < 6)
		return 0;
	mime_limits_default(&l);
	l.depth = (size_t)(data[0] % 12) + 1;
	l.parts = (size_t)(data[1] % 40) + 1;
	l.header_bytes = (size_t)(data[2] % 200) + 16;
	l.header_count = (size_t)(data[3] % 30) + 1;
	l.line_length = (size_t)(data[4] % 200) + 80;
	/* The reading: from bits the limits above do not use. */
	reading = &readings[(data[3] / 30) % (sizeof(readings) /
	    sizeof(readings[0]))];
	buf_init(&whole, 1 << 24);
	buf_init(&chunked, 1 << 24);
	run(&l, (const char *)data + 6, size - 6, NULL, 0, &whole);
	run(&l, (const char *)data + 6, size - 6, data + 5, 1,
	    &chunked);
	assert(whole.len == chunked.len && (whole.len == 0 ||
	    memcmp(whole.data, chunked.data, whole.len) == 0));
	buf_free(&whole);
	buf_free(&chunked);
	return 0;
}
