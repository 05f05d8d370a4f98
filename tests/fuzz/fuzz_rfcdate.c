/*
 * fuzz_rfcdate.c - RFC 5322 date-time.
 *
 * Input: the field value, any bytes.
 *
 * Invariants:
 *   - every failure names a reason;
 *   - a date that parses lies between 1900-01-01 and 9999-12-31 (give or
 *     take the widest zone offset, 99:59);
 *   - written back with strftime as "Www, DD Mon YYYY HH:MM:SS +0000" it
 *     parses to the same second and without obsolete forms (so the
 *     day-of-week check and the calendar agree with the C library);
 *   - rfcdate_parse() agrees with rfcdate_parse_full().
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "rfcdate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_T_MIN (-2208988800LL - 100 * 3600)	/* 1900-01-01 - 100 h */
#define FUZZ_T_MAX (253402300799LL + 100 * 3600)	/* 9999-12-31 + 100 h */

static void
check(int ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz_rfcdate: invariant broken: %s\n", what);
		abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct span s = { (const char *)data, size };
	struct rfcdate r, r2;
	const char *why = NULL, *why2 = NULL;
	char text[64];
	struct tm tm;
	time_t t;
	int rc = rfcdate_parse_full(s, &r, &why);

	check(rfcdate_parse(s, &t, &why2) == rc, "parse and parse_full");
	if (rc < 0) {
		check(why != NULL && why[0] != '\0' && why2 == why, "reason");
		return 0;
	}
	check(t == r.t, "parse and parse_full time");
	check((long long)r.t >= FUZZ_T_MIN && (long long)r.t <= FUZZ_T_MAX,
	    "time out of range");
	check(gmtime_r(&r.t, &tm) != NULL, "gmtime");
	if (tm.tm_year + 1900 < 1900 || tm.tm_year + 1900 > 9999)
		return 0;	/* the zone moved it out of the years */
	check(strftime(text, sizeof(text), "%a, %d %b %Y %H:%M:%S +0000",
	    &tm) > 0, "strftime");
	why = NULL;
	check(rfcdate_parse_full(span_from_cstr(text), &r2, &why) == 0,
	    why != NULL ? why : "round trip");
	check(r2.t == r.t, "round trip time");
	check(r2.has_wday && !r2.obsolete && !r2.zone_unknown &&
	    r2.zone == 0, "round trip flags");
	return 0;
}
