/*
 * feed.c - message bytes into the pipeline, the daemon's way and
 * --test's (feed.h).
 *
 * Trusts nothing in the bytes: they are only copied through, never
 * parsed here, and every length comes from the caller (a header value is
 * a C string because libmilter's are).  Nothing is allocated.
 */
#include "feed.h"

#include <string.h>

#include "inspect.h"

int
feed_inspect(void *arg, const char *p, size_t len)
{
	return inspect_feed(arg, p, len);
}

/* out(p, len), remembering a failure in *rc. */
static void
feed_out(feed_fn out, void *arg, const char *p, size_t len, int *rc)
{
	if (out(arg, p, len) < 0)
		*rc = -1;
}

int
feed_header(feed_fn out, void *arg, const char *name, const char *value,
    bool leadspc)
{
	size_t start = 0, n = strlen(value);
	int rc = 0;

	feed_out(out, arg, name, strlen(name), &rc);
	feed_out(out, arg, leadspc ? ":" : ": ", leadspc ? 1 : 2, &rc);
	for (size_t i = 0; i < n; i++) {
		if (value[i] == '\n' && (i == 0 || value[i - 1] != '\r')) {
			feed_out(out, arg, value + start, i - start, &rc);
			feed_out(out, arg, "\r\n", 2, &rc);
			start = i + 1;
		}
	}
	feed_out(out, arg, value + start, n - start, &rc);
	feed_out(out, arg, "\r\n", 2, &rc);
	return rc;
}

int
feed_eoh(feed_fn out, void *arg)
{
	return out(arg, "\r\n", 2);
}

int
feed_file(feed_fn out, void *arg, const char *data, size_t len)
{
	const char *lf = memchr(data, '\n', len);
	bool unix_ends = lf != NULL && (lf == data || lf[-1] != '\r');
	size_t start = 0;
	int rc = 0;

	/* A message saved from an mbox starts with its "From " separator
	 * line, which is not part of the message. */
	if (len > 5 && memcmp(data, "From ", 5) == 0 && lf != NULL)
		start = (size_t)(lf - data) + 1;
	for (size_t i = start; i < len; i++) {
		if (!unix_ends || data[i] != '\n' ||
		    (i > 0 && data[i - 1] == '\r'))
			continue;
		feed_out(out, arg, data + start, i - start, &rc);
		feed_out(out, arg, "\r\n", 2, &rc);
		start = i + 1;
	}
	feed_out(out, arg, data + start, len - start, &rc);
	return rc;
}
