/*
 * fuzz_date.c - strict dates and RFC 3339 times.
 *
 * Invariants:
 *   - a date that parses is exactly ten bytes, formats back to the same
 *     text, and as a time is its own midnight UTC;
 *   - a time that parses, written back as "YYYY-MM-DDTHH:MM:SSZ", parses
 *     to the same second, and lies in the years a date may have (give or
 *     take a day of offset);
 *   - every failure names a reason.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_DAY_FIRST 0		/* 1970-01-01 */
#define FUZZ_DAY_LAST 2932896		/* 9999-12-31 */

static void
check(bool ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz_date: invariant broken: %s\n", what);
		abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	const char *why = NULL;
	int32_t day, day2;
	time_t t, t2;
	char buf[16], text[40];
	int r;

	r = date_parse(s, size, &day, &why);
	if (r == 0) {
		check(size == 10, "date not ten bytes");
		check(day >= FUZZ_DAY_FIRST && day <= FUZZ_DAY_LAST,
		    "day out of range");
		date_format(day, buf, sizeof(buf));
		check(memcmp(buf, s, 10) == 0 && buf[10] == '\0',
		    "date round trip");
		check(date_parse_time(s, size, &t, &why) == 0 &&
		    t == date_day_start(day), "date as time");
		check(date_day_of(t) == day, "day of midnight");
	} else {
		check(r == -1 && why != NULL && why[0] != '\0', "no reason");
	}

	why = NULL;
	r = date_parse_time(s, size, &t, &why);
	if (r == 0) {
		int64_t sec;

		day = date_day_of(t);
		check(day >= FUZZ_DAY_FIRST - 1 && day <= FUZZ_DAY_LAST + 1,
		    "time out of range");
		check(date_parse(s, size < 10 ? size : 10, &day2, &why) == 0,
		    "time without a valid date");
		sec = (int64_t)(t - date_day_start(day));
		check(sec >= 0 && sec < 86400, "seconds of the day");
		if (day >= FUZZ_DAY_FIRST && day <= FUZZ_DAY_LAST) {
			date_format(day, buf, sizeof(buf));
			r = snprintf(text, sizeof(text), "%sT%02d:%02d:%02dZ",
			    buf, (int)(sec / 3600), (int)(sec / 60 % 60),
			    (int)(sec % 60));
			check(r == 20, "time text length");
			check(date_parse_time(text, (size_t)r, &t2,
			    &why) == 0 && t2 == t, "time round trip");
		}
	} else {
		check(r == -1 && why != NULL && why[0] != '\0', "no reason");
	}
	return 0;
}
