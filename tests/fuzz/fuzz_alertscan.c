/*
 * fuzz_alertscan.c - the alert-line scanner of `msgsec alerts` and the
 * report (admin/alertscan.c), with the filters and the summary's
 * counters on what it accepts.  It links the admin command's library
 * (libmsgsec-admin.a).
 *
 * Invariants: no read outside the line; a line accepted is accepted the
 * same with blanks around it; every string value it keeps unescapes
 * (given room) into valid text that, escaped again by json.c and scanned,
 * gives back the same bytes; timestamps parse or not without harm.
 */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "alertfilter.h"
#include "alertscan.h"
#include "alertsum.h"
#include "json.h"
#include "str.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct alert_filter filter;
static bool ready;

static void
setup(void)
{
	static const char *const opts[][2] = {
		{ "--rule", "network.*" }, { "--rule", "a[b-d]?.*" },
		{ "--clause", "1" }, { "--host", "10.0.0.0/8" },
		{ "--host", "2001:db8::/32" }, { "--user", "*@EXAMPLE.org" },
		{ "--exception", "any" }, { "--since", "2026-01-01" },
	};
	char *error = NULL;

	for (size_t i = 0; i < sizeof(opts) / sizeof(opts[0]); i++)
		if (alert_filter_option(&filter, opts[i][0], opts[i][1],
		    &error) != 1)
			abort();
	ready = true;
}

static void
roundtrip(const struct ascan_value *v)
{
	static char out[70000], again[70000];
	struct buf b;
	struct ascan_value w;
	const char *why;
	int n, m;
	char line[] = "{\"rule\":";

	n = ascan_string(v, out, sizeof(out));
	assert(n >= 0);
	buf_init(&b, 300000);
	buf_append_cstr(&b, line);
	assert(json_append_string(&b, out, (size_t)n) == 0);
	buf_append_cstr(&b, "}");
	{
		const char *const keys[] = { "rule" };

		assert(ascan_object(b.data, b.len, keys, 1, &w, &why) == 0);
	}
	m = ascan_string(&w, again, sizeof(again));
	/* json.c writes invalid UTF-8 as U+FFFD; ours is valid already. */
	assert(m == n && memcmp(out, again, (size_t)n) == 0);
	buf_free(&b);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ascan_rec r, r2;
	const char *why;
	char *copy, *padded;
	time_t t = 0;
	struct alertsum sum;

	if (!ready)
		setup();
	if (size > 70000)
		return 0;
	/* An exact-size copy, so ASan sees any read past the end. */
	copy = malloc(size + 1);
	memcpy(copy, data, size);
	if (ascan_line(copy, size, &r, &why) < 0) {
		assert(why != NULL);
		free(copy);
		return 0;
	}
	padded = malloc(size + 4);
	padded[0] = ' ';
	padded[1] = '\t';
	memcpy(padded + 2, data, size);
	padded[size + 2] = ' ';
	padded[size + 3] = '\r';
	assert(ascan_line(padded, size + 4, &r2, &why) == 0);
	free(padded);
	for (int f = 0; f < AF_COUNT; f++) {
		struct ascan_value item;
		size_t pos = 0;

		if (r.f[f].type == ASV_STRING)
			roundtrip(&r.f[f]);
		while (ascan_array_next(&r.f[f], &pos, &item) == 1)
			roundtrip(&item);
	}
	if (r.f[AF_TIMESTAMP].type == ASV_STRING)
		(void)ascan_time(r.f[AF_TIMESTAMP].p, r.f[AF_TIMESTAMP].len,
		    &t);
	(void)alert_filter_match(&filter, &r, t);
	alertsum_init(&sum);
	alertsum_add(&sum, &r, t);
	alertsum_free(&sum);
	free(copy);
	return 0;
}
