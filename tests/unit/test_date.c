/*
 * test_date.c - strict calendar dates and RFC 3339 times.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "date.h"

static int32_t
ok(const char *s)
{
	int32_t d;
	const char *w;

	assert_int_equal(date_parse(s, strlen(s), &d, &w), 0);
	return d;
}

static void
bad(const char *s, const char *why)
{
	int32_t d;
	const char *w = NULL;

	assert_int_equal(date_parse(s, strlen(s), &d, &w), -1);
	assert_string_equal(w, why);
}

static void
test_dates(void **state)
{
	char buf[16];

	(void)state;
	assert_int_equal(ok("1970-01-01"), 0);
	assert_int_equal(ok("1970-01-02"), 1);
	assert_int_equal(ok("2000-03-01") - ok("2000-02-28"), 2);
	assert_int_equal(ok("2100-03-01") - ok("2100-02-28"), 1);
	ok("2024-02-29");
	ok("2000-02-29");
	bad("2023-02-29", "no such day in that month");
	bad("2100-02-29", "no such day in that month");
	bad("2026-02-30", "no such day in that month");
	bad("2026-04-31", "no such day in that month");
	bad("2026-13-01", "month out of range");
	bad("2026-00-10", "month out of range");
	bad("2026-01-00", "no such day in that month");
	bad("1969-12-31", "year before 1970");
	bad("2026-1-05", "expected a date as YYYY-MM-DD");
	bad("2026-01-05x", "expected a date as YYYY-MM-DD");
	bad("2026/01/05", "expected a date as YYYY-MM-DD");
	bad("", "expected a date as YYYY-MM-DD");
	bad("2026-0a-05", "expected a date as YYYY-MM-DD");
	date_format(ok("2026-11-22"), buf, sizeof(buf));
	assert_string_equal(buf, "2026-11-22");
	date_format(ok("9999-12-31"), buf, sizeof(buf));
	assert_string_equal(buf, "9999-12-31");
	assert_int_equal(date_day_of(date_day_start(ok("2026-03-15")) + 86399),
	    ok("2026-03-15"));
	assert_int_equal(date_day_of(-1), -1);
}

static void
test_times(void **state)
{
	time_t t;
	const char *w;

	(void)state;
	assert_int_equal(date_parse_time("2026-05-12T14:03:00Z", 20, &t, &w),
	    0);
	assert_int_equal(t, date_day_start(20585) + 14 * 3600 + 180);
	assert_int_equal(date_parse_time("2026-05-12T16:03:00+02:00", 25, &t,
	    &w), 0);
	assert_int_equal(t, date_day_start(20585) + 14 * 3600 + 180);
	assert_int_equal(date_parse_time("2026-05-12T09:03:00.123456-05:00",
	    32, &t, &w), 0);
	assert_int_equal(t, date_day_start(20585) + 14 * 3600 + 180);
	assert_int_equal(date_parse_time("2026-05-12", 10, &t, &w), 0);
	assert_int_equal(t, date_day_start(20585));
	assert_int_equal(date_parse_time("2026-05-12T24:00:00Z", 20, &t, &w),
	    -1);
	assert_string_equal(w, "time of day out of range");
	assert_int_equal(date_parse_time("2026-05-12T14:03:00", 19, &t, &w),
	    -1);
	assert_int_equal(date_parse_time("2026-05-12T14:03:00+0200", 24, &t,
	    &w), -1);
	assert_string_equal(w, "expected Z or a +HH:MM offset");
	assert_int_equal(date_parse_time("2026-05-12T14:03:00.Z", 21, &t, &w),
	    -1);
	assert_int_equal(date_parse_time("2026-02-30T14:03:00Z", 20, &t, &w),
	    -1);
	assert_string_equal(w, "no such day in that month");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dates),
		cmocka_unit_test(test_times),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
