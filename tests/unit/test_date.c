/*
 * test_date.c - strict calendar dates and RFC 3339 times: leap years,
 * shapes, reasons, offsets, fractions, leap seconds, day arithmetic.
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
	const char *w = "";

	if (date_parse(s, strlen(s), &d, &w) != 0)
		fail_msg("'%s': %s", s, w);
	return d;
}

static void
bad(const char *s, const char *why)
{
	int32_t d;
	const char *w = NULL;

	if (date_parse(s, strlen(s), &d, &w) != -1)
		fail_msg("'%s' parsed", s);
	if (w == NULL || strcmp(w, why) != 0)
		fail_msg("'%s': got '%s', want '%s'", s, w ? w : "(null)", why);
}

static time_t
tok(const char *s)
{
	time_t t;
	const char *w = "";

	if (date_parse_time(s, strlen(s), &t, &w) != 0)
		fail_msg("'%s': %s", s, w);
	return t;
}

static void
tbad(const char *s, const char *why)
{
	time_t t;
	const char *w = NULL;

	if (date_parse_time(s, strlen(s), &t, &w) != -1)
		fail_msg("'%s' parsed", s);
	if (w == NULL || strcmp(w, why) != 0)
		fail_msg("'%s': got '%s', want '%s'", s, w ? w : "(null)", why);
}

static void
test_leap_years(void **state)
{
	(void)state;
	ok("2024-02-29");
	ok("2000-02-29");	/* divisible by 400 */
	ok("2400-02-29");
	bad("2023-02-29", "no such day in that month");
	bad("1900-02-29", "year before 1970");
	bad("2100-02-29", "no such day in that month");	/* by 100 */
	bad("2024-02-30", "no such day in that month");
	assert_int_equal(ok("2000-03-01") - ok("2000-02-28"), 2);
	assert_int_equal(ok("2100-03-01") - ok("2100-02-28"), 1);
	assert_int_equal(ok("2025-01-01") - ok("2024-01-01"), 366);
	assert_int_equal(ok("2024-01-01") - ok("2023-01-01"), 365);
	/* 1900 is no leap year either, by the same rule */
	assert_int_equal(date_from_civil(1900, 3, 1) -
	    date_from_civil(1900, 2, 28), 1);
}

static void
test_dates(void **state)
{
	(void)state;
	assert_int_equal(ok("1970-01-01"), 0);
	assert_int_equal(ok("1970-01-02"), 1);
	assert_int_equal(ok("2000-01-01"), 10957);
	assert_int_equal(ok("2026-05-12"), 20585);
	assert_int_equal(ok("9999-12-31"), 2932896);
	bad("2026-02-30", "no such day in that month");
	bad("2026-04-31", "no such day in that month");
	bad("2026-01-32", "no such day in that month");
	bad("2026-01-00", "no such day in that month");
	bad("2026-01-99", "no such day in that month");
	ok("2026-01-31");
	ok("2026-04-30");
	bad("2026-13-01", "month 13 out of range");
	bad("2026-00-10", "month 00 out of range");
	bad("2026-99-10", "month 99 out of range");
	bad("2026-20-10", "month 20 out of range");
	bad("1969-12-31", "year before 1970");
	bad("0000-00-00", "year before 1970");
	/* shape */
	bad("2026-1-5", "expected a date as YYYY-MM-DD");
	bad("2026-1-05", "expected a date as YYYY-MM-DD");
	bad("2026-01-5", "expected a date as YYYY-MM-DD");
	bad("26-01-05", "expected a date as YYYY-MM-DD");
	bad("2026/01/05", "expected a date as YYYY-MM-DD");
	bad("2026-0a-05", "expected a date as YYYY-MM-DD");
	bad("2026-01-0 ", "expected a date as YYYY-MM-DD");
	bad(" 2026-01-05", "expected a date as YYYY-MM-DD");
	bad("+026-01-05", "expected a date as YYYY-MM-DD");
	bad("20260105", "expected a date as YYYY-MM-DD");
	bad("", "expected a date as YYYY-MM-DD");
	/* trailing junk */
	bad("2026-01-05x", "unexpected text after YYYY-MM-DD");
	bad("2026-01-05 ", "unexpected text after YYYY-MM-DD");
	bad("2026-01-050", "unexpected text after YYYY-MM-DD");
	bad("2026-01-05T00:00:00Z", "unexpected text after YYYY-MM-DD");
	/* only len bytes are read */
	{
		int32_t d;
		const char *w;

		assert_int_equal(date_parse("2026-01-05junk", 10, &d, &w), 0);
		assert_int_equal(date_parse("2026-01-05\0", 11, &d, &w), -1);
	}
}

static void
test_format(void **state)
{
	char buf[16], small[10];

	(void)state;
	date_format(ok("2026-11-22"), buf, sizeof(buf));
	assert_string_equal(buf, "2026-11-22");
	date_format(0, buf, sizeof(buf));
	assert_string_equal(buf, "1970-01-01");
	date_format(ok("9999-12-31"), buf, 11);	/* the documented size */
	assert_string_equal(buf, "9999-12-31");
	date_format(-1, buf, sizeof(buf));
	assert_string_equal(buf, "1969-12-31");
	/* too small: "", never a cut date */
	date_format(0, small, sizeof(small));
	assert_string_equal(small, "");
	date_format(0, small, 0);
	/*
	 * Days format back to themselves: every day to 2100, then a stride
	 * that lands on every day of the month in turn, and the last day.
	 */
	for (int32_t d = 0; d <= 2932896; d += d < 47482 ? 1 : 37) {
		int32_t back;
		const char *w;

		date_format(d, buf, sizeof(buf));
		assert_int_equal(date_parse(buf, strlen(buf), &back, &w), 0);
		if (back != d)
			fail_msg("%d -> %s -> %d", (int)d, buf, (int)back);
	}
	date_format(2932896, buf, sizeof(buf));
	assert_string_equal(buf, "9999-12-31");
}

static void
test_day_arith(void **state)
{
	int32_t d = ok("2026-03-15");

	(void)state;
	assert_int_equal(date_day_of(date_day_start(d)), d);
	assert_int_equal(date_day_of(date_day_start(d) + 86399), d);
	assert_int_equal(date_day_of(date_day_start(d) + 86400), d + 1);
	assert_int_equal(date_day_of(0), 0);
	assert_int_equal(date_day_of(-1), -1);
	assert_int_equal(date_day_of(-86400), -1);
	assert_int_equal(date_day_of(-86401), -2);
	assert_int_equal(date_day_start(1), 86400);
	assert_int_equal(date_from_civil(1970, 1, 1), 0);
	assert_int_equal(date_from_civil(1969, 12, 31), -1);
	assert_int_equal(date_from_civil(1600, 1, 1), -135140);
	assert_int_equal(date_from_civil(-1, 12, 31), -719529);
}

static void
test_times(void **state)
{
	time_t noon = date_day_start(20585) + 14 * 3600 + 180;

	(void)state;
	assert_int_equal(tok("2026-05-12T14:03:00Z"), noon);
	assert_int_equal(tok("2026-05-12t14:03:00z"), noon);
	assert_int_equal(tok("2026-05-12 14:03:00Z"), noon);
	assert_int_equal(tok("2026-05-12T16:03:00+02:00"), noon);
	assert_int_equal(tok("2026-05-12T14:03:00+00:00"), noon);
	assert_int_equal(tok("2026-05-12T14:03:00-00:00"), noon);
	assert_int_equal(tok("2026-05-12T19:33:00+05:30"), noon);
	assert_int_equal(tok("2026-05-12T09:03:00.123456-05:00"), noon);
	assert_int_equal(tok("2026-05-12T14:03:00.9Z"), noon);
	assert_int_equal(tok("2026-05-12T14:03:00.999999999Z"), noon);
	/* an offset can move the time to another day */
	assert_int_equal(tok("2026-05-13T00:30:00+10:00"),
	    date_day_start(20585) + 14 * 3600 + 1800);
	assert_int_equal(tok("1970-01-01T00:00:00+01:00"), -3600);
	/* a plain date is midnight UTC */
	assert_int_equal(tok("2026-05-12"), date_day_start(20585));
	assert_int_equal(tok("2026-05-12T00:00:00Z"), date_day_start(20585));
	assert_int_equal(tok("2026-05-12T23:59:59Z"),
	    date_day_start(20586) - 1);
	/* leap seconds, only at 23:59 UTC, count as :59 */
	assert_int_equal(tok("2016-12-31T23:59:60Z"),
	    date_day_start(ok("2017-01-01")) - 1);
	assert_int_equal(tok("2016-12-31T18:59:60-05:00"),
	    date_day_start(ok("2017-01-01")) - 1);
	tbad("2026-05-12T14:03:60Z", "second 60 is allowed only at 23:59 UTC");
	tbad("2016-12-31T23:59:60+01:00",
	    "second 60 is allowed only at 23:59 UTC");
}

static void
test_time_errors(void **state)
{
	(void)state;
	tbad("", "expected a date as YYYY-MM-DD");
	tbad("2026-05", "expected a date as YYYY-MM-DD");
	tbad("2026-02-30T14:03:00Z", "no such day in that month");
	tbad("2026-13-01T14:03:00Z", "month 13 out of range");
	tbad("2026-05-12X14:03:00Z", "expected 'T' and a time after the date");
	tbad("2026-05-12T", "expected a time as HH:MM:SS");
	tbad("2026-05-12T14:03Z", "expected a time as HH:MM:SS");
	tbad("2026-05-12T14:03", "expected a time as HH:MM:SS");
	tbad("2026-05-12T4:03:00Z", "expected a time as HH:MM:SS");
	tbad("2026-05-12T14-03-00Z", "expected a time as HH:MM:SS");
	tbad("2026-05-12T14:0a:00Z", "expected a time as HH:MM:SS");
	tbad("2026-05-12T24:00:00Z", "hour out of range");
	tbad("2026-05-12T14:60:00Z", "minute out of range");
	tbad("2026-05-12T14:03:61Z", "second out of range");
	tbad("2026-05-12T14:03:00", "missing time zone (Z or +HH:MM)");
	tbad("2026-05-12T14:03:00.5", "missing time zone (Z or +HH:MM)");
	tbad("2026-05-12T14:03:00+0200", "expected Z or a +HH:MM offset");
	tbad("2026-05-12T14:03:00+02", "expected Z or a +HH:MM offset");
	tbad("2026-05-12T14:03:00 Z", "expected Z or a +HH:MM offset");
	tbad("2026-05-12T14:03:00UTC", "expected Z or a +HH:MM offset");
	tbad("2026-05-12T14:03:00,5Z", "expected Z or a +HH:MM offset");
	tbad("2026-05-12T14:03:00+24:00", "time zone offset out of range");
	tbad("2026-05-12T14:03:00+02:60", "time zone offset out of range");
	tbad("2026-05-12T14:03:00Zjunk", "unexpected text after the time zone");
	tbad("2026-05-12T14:03:00Z ", "unexpected text after the time zone");
	tbad("2026-05-12T14:03:00+02:00x",
	    "unexpected text after the time zone");
	tbad("2026-05-12T14:03:00.Z", "empty fraction of a second");
	tbad("2026-05-12T14:03:00.1234567890Z",
	    "fraction of a second longer than 9 digits");
	tbad("2026-05-12x", "expected 'T' and a time after the date");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_leap_years),
		cmocka_unit_test(test_dates),
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_day_arith),
		cmocka_unit_test(test_times),
		cmocka_unit_test(test_time_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
