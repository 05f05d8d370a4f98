/*
 * test_rfcdate.c - RFC 5322 dates: the Appendix A examples (current and
 * obsolete), zones, calendar and clock ranges, the day-of-week check,
 * the comment-depth bound at and over, and junk.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "rfcdate.h"

static struct rfcdate R;

static void
ok(const char *s, time_t want)
{
	const char *why = NULL;

	if (rfcdate_parse_full(span_from_cstr(s), &R, &why) != 0)
		fail_msg("%s: %s", s, why);
	assert_int_equal(R.t, want);
}

static void
bad(const char *s, const char *reason)
{
	const char *why = NULL;
	time_t t;

	if (rfcdate_parse(span_from_cstr(s), &t, &why) != -1)
		fail_msg("%s: accepted", s);
	assert_non_null(why);
	assert_string_equal(why, reason);
}

static void
test_appendix_a(void **state)
{
	(void)state;
	/* A.1.1 */
	ok("Fri, 21 Nov 1997 09:55:06 -0600", 880127706);
	assert_true(R.has_wday);
	assert_false(R.obsolete);
	assert_int_equal(R.zone, -360);
	assert_false(R.zone_unknown);
	/* A.3 */
	ok("Tue, 1 Jul 2003 10:52:37 +0200", 1057049557);
	/* A.5, folded and commented */
	ok("Thu,\r\n      13\r\n        Feb\r\n          1969\r\n      23:32"
	    "\r\n               -0330 (Newfoundland Time)", -27723480);
	assert_int_equal(R.zone, -210);
	/* A.6.2, obsolete year and zone */
	ok("21 Nov 97 09:55:06 GMT", 880106106);
	assert_false(R.has_wday);
	assert_true(R.obsolete);
	/* A.6.3, CFWS inside the time */
	ok("Fri, 21 Nov 1997 09(comment):   55  :  06 -0600", 880127706);
	assert_true(R.obsolete);
}

static void
test_forms(void **state)
{
	(void)state;
	/* 2026-11-22 10:00:00 UTC */
	ok("Sun, 22 Nov 2026 10:00:00 +0000", 1795341600);
	ok("sun, 22 nov 2026 10:00:00 +0000", 1795341600);
	ok("SUN , 22 NOV 2026 10:00:00 +0000", 1795341600);
	ok("22 Nov 2026 10:00 +0000", 1795341600);
	ok("   22   Nov   2026   10:00:00   +0000   ", 1795341600);
	ok("Sun, 22 Nov 2026 10:00:00 +0000 (UTC)", 1795341600);
	ok("Sun, 22 Nov 2026 10:00:00 +0000\r\n", 1795341600);
	ok("Sun (day), 22 (of) Nov 2026 10:00:00 (noon) +0000 (UTC)",
	    1795341600);
	ok("Sun,22 Nov 2026 10:00:00+0000", 1795341600);
	ok("22Nov26 10:00:00 GMT", 1795341600);
	ok("Sun, 22 Nov 2026 05:00:00 -0500", 1795341600);
	ok("Sun, 22 Nov 2026 15:30:00 +0530", 1795341600);
	assert_int_equal(R.zone, 330);
	ok("Sun, 22 Nov 2026 10:00:00 (a (nested \\) comment) here) +0000",
	    1795341600);
	/* the range ends */
	ok("1 Jan 1900 00:00:00 +0000", -2208988800);
	ok("Fri, 31 Dec 9999 23:59:59 +0000", 253402300799);
	ok("1 Jan 2000 00:00:00 +0100", 946684800 - 3600);
	ok("31 Dec 1999 23:59:60 +0000", 946684800);	/* leap second */
}

static void
test_years(void **state)
{
	(void)state;
	ok("1 Jan 49 00:00 +0000", 2493072000);		/* 2049 */
	assert_true(R.obsolete);
	ok("1 Jan 50 00:00 +0000", -631152000);		/* 1950 */
	ok("1 Jan 00 00:00 +0000", 946684800);		/* 2000 */
	ok("1 Jan 100 00:00 +0000", 946684800);	/* 3 digits: 2000 */
	assert_true(R.obsolete);
	ok("1 Jan 101 00:00 +0000", 978307200);		/* 2001 */
	bad("1 Jan 1899 00:00 +0000", "year before 1900");
	bad("1 Jan 0999 00:00 +0000", "year before 1900");
	bad("1 Jan 12345 00:00 +0000", "expected a year of 2 to 4 digits");
	bad("1 Jan 7 00:00 +0000", "expected a year of 2 to 4 digits");
	bad("1 Jan 00:00 +0000", "expected a time of day");
}

static void
test_calendar(void **state)
{
	(void)state;
	ok("Thu, 29 Feb 2024 12:00:00 +0000", 1709208000);
	ok("29 Feb 2000 00:00:00 +0000", 951782400);
	bad("29 Feb 2023 00:00:00 +0000", "no such day in that month");
	bad("29 Feb 1900 00:00:00 +0000", "no such day in that month");
	bad("Sun, 31 Feb 2026 10:00:00 +0000", "no such day in that month");
	bad("31 Apr 2026 10:00:00 +0000", "no such day in that month");
	ok("30 Apr 2026 00:00:00 +0000", 1777507200);
	bad("0 Jan 2026 10:00:00 +0000", "no such day in that month");
	bad("32 Jan 2026 10:00:00 +0000", "no such day in that month");
	bad("001 Jan 2026 10:00:00 +0000", "expected a day of the month");
	bad("Jan 2026 10:00:00 +0000", "bad day of week");
	bad("Sun, Jan 2026 10:00:00 +0000", "expected a day of the month");
	bad("1 Foo 2026 10:00:00 +0000", "unknown month name");
	bad("1 January 2026 10:00:00 +0000", "unknown month name");
	bad("1 2026 10:00:00 +0000", "expected a month name");
}

static void
test_day_of_week(void **state)
{
	(void)state;
	bad("Sat, 22 Nov 2026 10:00:00 +0000",
	    "day of week does not match the date");
	bad("Mon, 21 Nov 1997 09:55:06 -0600",
	    "day of week does not match the date");
	/* the day is the one of the date as written, not of UTC */
	ok("Sun, 22 Nov 2026 23:30:00 -0500", 1795341600 + 13 * 3600 +
	    1800 + 5 * 3600);
	ok("Thu, 13 Feb 1969 23:32 -0330", -27723480);
	bad("yesterday", "bad day of week");
	bad("Sunday, 22 Nov 2026 10:00:00 +0000", "bad day of week");
	bad("Sun 22 Nov 2026 10:00:00 +0000",
	    "expected ',' after the day of week");
}

static void
test_time(void **state)
{
	(void)state;
	bad("Sun, 22 Nov 2026 24:00:00 +0000", "time of day out of range");
	bad("Sun, 22 Nov 2026 23:60:00 +0000", "time of day out of range");
	bad("Sun, 22 Nov 2026 23:59:61 +0000", "time of day out of range");
	bad("Sun, 22 Nov 2026 9:05:00 +0000", "expected a time of day");
	bad("Sun, 22 Nov 2026 10:5:00 +0000", "expected a time of day");
	bad("Sun, 22 Nov 2026 10-05 +0000", "expected a time of day");
	bad("Sun, 22 Nov 2026 10:05:0 +0000", "expected seconds");
	bad("Sun, 22 Nov 2026 10:05: +0000", "expected seconds");
	bad("Sun, 22 Nov 2026 +0000", "expected a time of day");
}

static void
test_zones(void **state)
{
	static const struct {
		const char *z;
		int off;
	} named[] = { { "UT", 0 }, { "GMT", 0 }, { "EST", -300 },
		{ "EDT", -240 }, { "CST", -360 }, { "CDT", -300 },
		{ "MST", -420 }, { "MDT", -360 }, { "PST", -480 },
		{ "PDT", -420 }, { "gmt", 0 }, { "pdt", -420 } };
	char s[64];

	(void)state;
	for (size_t i = 0; i < sizeof(named) / sizeof(named[0]); i++) {
		snprintf(s, sizeof(s), "22 Nov 2026 10:00:00 %s", named[i].z);
		ok(s, 1795341600 - named[i].off * 60);
		assert_int_equal(R.zone, named[i].off);
		assert_false(R.zone_unknown);
		assert_true(R.obsolete);
	}
	/* military letters: -0000 */
	for (char c = 'A'; c <= 'Z'; c++) {
		snprintf(s, sizeof(s), "22 Nov 2026 10:00:00 %c", c);
		if (c == 'J') {
			bad(s, "unknown time zone");
			continue;
		}
		ok(s, 1795341600);
		assert_true(R.zone_unknown);
	}
	ok("22 Nov 2026 10:00:00 z", 1795341600);
	bad("22 Nov 2026 10:00:00 j", "unknown time zone");
	/* other names of 3 to 5 letters: -0000 (RFC 5322 4.3) */
	ok("22 Nov 2026 10:00:00 CET", 1795341600);
	assert_true(R.zone_unknown);
	ok("22 Nov 2026 10:00:00 UTC", 1795341600);
	ok("22 Nov 2026 10:00:00 AEDST", 1795341600);
	bad("22 Nov 2026 10:00:00 ABCDEF", "unknown time zone");
	bad("22 Nov 2026 10:00:00 XY", "unknown time zone");
	/* numeric */
	ok("22 Nov 2026 10:00:00 -0000", 1795341600);
	assert_true(R.zone_unknown);
	ok("22 Nov 2026 10:00:00 +0000", 1795341600);
	assert_false(R.zone_unknown);
	ok("22 Nov 2026 10:00:00 +9959", 1795341600 - 99 * 3600 - 59 * 60);
	bad("Sun, 22 Nov 2026 10:00:00 +2460", "bad time zone");
	bad("22 Nov 2026 10:00:00 +123", "bad time zone");
	bad("22 Nov 2026 10:00:00 +12345", "bad time zone");
	bad("22 Nov 2026 10:00:00 +", "bad time zone");
	bad("22 Nov 2026 10:00:00 + 0100", "bad time zone");
	bad("Sun, 22 Nov 2026 10:00:00", "missing time zone");
	bad("Sun, 22 Nov 2026 10:00:00 (UTC)", "missing time zone");
	bad("22 Nov 2026 10:00:00 GMT+0100", "junk after the date");
}

static void
test_junk(void **state)
{
	static const char nul[] = "22 Nov 2026 10:00:00 +0000\0x";
	const char *why = NULL;
	time_t t;

	(void)state;
	bad("", "expected a day of the month");
	bad("   ", "expected a day of the month");
	bad("Sun, 22 Nov 2026 10:00:00 +0000 junk", "junk after the date");
	bad("Sun, 22 Nov 2026 10:00:00 +0000 +0000", "junk after the date");
	bad("Sun, 22 Nov 2026 10:00:00 +0000 (UTC", "unterminated comment");
	bad("Sun, 22 Nov 2026 (unterminated 10:00:00 +0000",
	    "unterminated comment");
	bad("2026-11-22T10:00:00Z", "expected a day of the month");
	bad("22-Nov-2026 10:00:00 +0000", "expected a month name");
	assert_int_equal(rfcdate_parse((struct span){ nul, sizeof(nul) - 1 },
	    &t, &why), -1);
	assert_string_equal(why, "junk after the date");
	assert_int_equal(rfcdate_parse((struct span){ NULL, 0 }, &t, &why),
	    -1);
	/* digit runs of any length cannot overflow */
	bad("99999999999999999999999 Nov 2026 10:00 +0000",
	    "expected a day of the month");
	bad("22 Nov 99999999999999999999 10:00 +0000",
	    "expected a year of 2 to 4 digits");
	bad("22 Nov 2026 10:00 +99999999999999999999", "bad time zone");
}

/* Comments nested RFCDATE_COMMENT_DEPTH deep pass; one more fails. */
static void
test_comment_depth(void **state)
{
	char s[4 * RFCDATE_COMMENT_DEPTH + 64];

	(void)state;
	for (size_t over = 0; over < 2; over++) {
		size_t depth = RFCDATE_COMMENT_DEPTH + over, n;

		n = (size_t)snprintf(s, sizeof(s), "22 Nov 2026 10:00 +0000 ");
		for (size_t i = 0; i < depth; i++)
			s[n++] = '(';
		for (size_t i = 0; i < depth; i++)
			s[n++] = ')';
		s[n] = '\0';
		if (over)
			bad(s, "comment nested too deep");
		else
			ok(s, 1795341600);
	}
	/* depth counts inside one comment, not across comments */
	ok("22 Nov 2026 10:00 +0000 (a) (b) (c)", 1795341600);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_appendix_a),
		cmocka_unit_test(test_forms),
		cmocka_unit_test(test_years),
		cmocka_unit_test(test_calendar),
		cmocka_unit_test(test_day_of_week),
		cmocka_unit_test(test_time),
		cmocka_unit_test(test_zones),
		cmocka_unit_test(test_junk),
		cmocka_unit_test(test_comment_depth),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
