/*
 * date.c - ISO 8601 calendar dates and RFC 3339 timestamps.
 *
 * Calendar arithmetic is done here (the days-from-civil algorithm of
 * H. Hinnant, public domain) rather than through timegm or the C library's
 * time zone state, so results never depend on TZ or locale.
 *
 * Trusts: nothing; the exact shape is checked byte by byte and the text is
 * never assumed NUL-terminated.  What is read (RFC 3339 section 5.6):
 *
 *   full-date   YYYY-MM-DD            year 1970..9999, a real calendar day
 *   date-time   full-date T HH:MM:SS [.frac] (Z | +hh:mm | -hh:mm)
 *
 * "t", "z" and a space for "T" are accepted (5.6 allows the lowercase and
 * its NOTE the space).  The fraction is 1..DATE_FRAC_MAX digits and is
 * dropped (times are whole seconds).  Second 60 is accepted only where a
 * leap second can be, at 23:59 UTC, and counts as 23:59:59.
 */
#include "date.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#define DATE_YEAR_MIN 1970	/* four digits make 9999 the most */
#define DATE_FRAC_MAX 9		/* nanoseconds */

int64_t
date_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);		/* 0..399 */
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1; /* 0..365 */
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;	/* 0..146096 */
	return era * 146097 + (int64_t)doe - 719468;
}

void
date_to_civil(int64_t z, int64_t *y_r, unsigned *m_r, unsigned *d_r)
{
	int64_t era, y;
	unsigned doe, yoe, doy, mp, d, m;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = (int64_t)yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d = doy - (153 * mp + 2) / 5 + 1;
	m = mp < 10 ? mp + 3 : mp - 9;
	*y_r = y + (m <= 2);
	*m_r = m;
	*d_r = d;
}

static bool
date_is_leap(unsigned y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static unsigned
date_month_days(unsigned y, unsigned m)
{
	static const unsigned days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30,
		31, 30, 31 };

	return m == 2 && date_is_leap(y) ? 29 : days[m - 1];
}

/* The value of n decimal digits at s, or -1 if one is not a digit. */
static int
date_digits(const char *s, size_t n)
{
	int v = 0;

	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/* Static reasons naming the month: "month 13 out of range". */
#define DATE_M(x) "month " #x " out of range"
#define DATE_M10(t) DATE_M(t##0), DATE_M(t##1), DATE_M(t##2), DATE_M(t##3), \
	DATE_M(t##4), DATE_M(t##5), DATE_M(t##6), DATE_M(t##7), DATE_M(t##8), \
	DATE_M(t##9)
static const char *const date_month_why[100] = {
	DATE_M(00), NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
	NULL, NULL, NULL, DATE_M(13), DATE_M(14), DATE_M(15), DATE_M(16),
	DATE_M(17), DATE_M(18), DATE_M(19),
	DATE_M10(2), DATE_M10(3), DATE_M10(4), DATE_M10(5), DATE_M10(6),
	DATE_M10(7), DATE_M10(8), DATE_M10(9)
};
#undef DATE_M10
#undef DATE_M

/* The date at s[0..10), its shape already checked. */
static int
date_parse_fields(const char *s, int32_t *day_r, const char **why_r)
{
	int y = date_digits(s, 4), m = date_digits(s + 5, 2),
	    d = date_digits(s + 8, 2);

	if (y < 0 || m < 0 || d < 0 || s[4] != '-' || s[7] != '-') {
		*why_r = "expected a date as YYYY-MM-DD";
		return -1;
	}
	if (y < DATE_YEAR_MIN) {
		*why_r = "year before 1970";
		return -1;
	}
	if (m < 1 || m > 12) {
		*why_r = date_month_why[m];
		return -1;
	}
	if (d < 1 || (unsigned)d > date_month_days((unsigned)y, (unsigned)m)) {
		*why_r = "no such day in that month";
		return -1;
	}
	*day_r = (int32_t)date_from_civil(y, (unsigned)m, (unsigned)d);
	return 0;
}

int
date_parse(const char *s, size_t len, int32_t *day_r, const char **why_r)
{
	if (len < 10) {
		*why_r = "expected a date as YYYY-MM-DD";
		return -1;
	}
	if (date_parse_fields(s, day_r, why_r) < 0)
		return -1;
	if (len > 10) {
		*why_r = "unexpected text after YYYY-MM-DD";
		return -1;
	}
	return 0;
}

/*
 * The "HH:MM:SS" of "YYYY-MM-DDTHH:MM:SS": seconds of the day into *sec_r,
 * a leap second counted as :59 and flagged in *leap_r.
 */
static int
date_parse_clock(const char *s, int *sec_r, bool *leap_r, const char **why_r)
{
	int hh, mm, ss;

	if (s[13] != ':' || s[16] != ':' ||
	    (hh = date_digits(s + 11, 2)) < 0 ||
	    (mm = date_digits(s + 14, 2)) < 0 ||
	    (ss = date_digits(s + 17, 2)) < 0) {
		*why_r = "expected a time as HH:MM:SS";
		return -1;
	}
	if (hh > 23) {
		*why_r = "hour out of range";
		return -1;
	}
	if (mm > 59) {
		*why_r = "minute out of range";
		return -1;
	}
	if (ss > 60) {
		*why_r = "second out of range";
		return -1;
	}
	*leap_r = ss == 60;
	*sec_r = hh * 3600 + mm * 60 + (ss == 60 ? 59 : ss);
	return 0;
}

/* Zone at s[0..len): "Z" or "+hh:mm"; its offset east of UTC in seconds. */
static int
date_parse_zone(const char *s, size_t len, int *off_r, const char **why_r)
{
	int oh, om;

	if (len == 0) {
		*why_r = "missing time zone (Z or +HH:MM)";
		return -1;
	}
	if (s[0] == 'Z' || s[0] == 'z') {
		if (len > 1) {
			*why_r = "unexpected text after the time zone";
			return -1;
		}
		*off_r = 0;
		return 0;
	}
	if ((s[0] != '+' && s[0] != '-') || len < 6 || s[3] != ':' ||
	    (oh = date_digits(s + 1, 2)) < 0 ||
	    (om = date_digits(s + 4, 2)) < 0) {
		*why_r = "expected Z or a +HH:MM offset";
		return -1;
	}
	if (oh > 23 || om > 59) {
		*why_r = "time zone offset out of range";
		return -1;
	}
	if (len > 6) {
		*why_r = "unexpected text after the time zone";
		return -1;
	}
	*off_r = (oh * 60 + om) * 60 * (s[0] == '-' ? -1 : 1);
	return 0;
}

int
date_parse_time(const char *s, size_t len, time_t *t_r, const char **why_r)
{
	int32_t day;
	int sec, off;
	bool leap;
	size_t i;

	if (len < 10) {
		*why_r = "expected a date as YYYY-MM-DD";
		return -1;
	}
	if (date_parse_fields(s, &day, why_r) < 0)
		return -1;
	if (len == 10) {
		*t_r = date_day_start(day);
		return 0;
	}
	if (s[10] != 'T' && s[10] != 't' && s[10] != ' ') {
		*why_r = "expected 'T' and a time after the date";
		return -1;
	}
	if (len < 19) {
		*why_r = "expected a time as HH:MM:SS";
		return -1;
	}
	if (date_parse_clock(s, &sec, &leap, why_r) < 0)
		return -1;
	i = 19;
	if (i < len && s[i] == '.') {
		size_t start = ++i;

		while (i < len && s[i] >= '0' && s[i] <= '9')
			i++;
		if (i == start) {
			*why_r = "empty fraction of a second";
			return -1;
		}
		if (i - start > DATE_FRAC_MAX) {
			*why_r = "fraction of a second longer than 9 digits";
			return -1;
		}
	}
	if (date_parse_zone(s + i, len - i, &off, why_r) < 0)
		return -1;
	if (leap) {
		int utc_min = ((sec / 60 - off / 60) % 1440 + 1440) % 1440;

		if (utc_min != 23 * 60 + 59) {
			*why_r = "second 60 is allowed only at 23:59 UTC";
			return -1;
		}
	}
	*t_r = date_day_start(day) + sec - off;
	return 0;
}

int32_t
date_day_of(time_t t)
{
	int64_t d = (int64_t)t / 86400;

	if ((int64_t)t % 86400 < 0)
		d--;
	if (d > INT32_MAX)
		return INT32_MAX;
	if (d < INT32_MIN)
		return INT32_MIN;
	return (int32_t)d;
}

time_t
date_day_start(int32_t day)
{
	return (time_t)day * 86400;
}

void
date_format(int32_t day, char *buf, size_t len)
{
	int64_t y;
	unsigned m, d;
	int n;

	if (len == 0)
		return;
	date_to_civil(day, &y, &m, &d);
	n = snprintf(buf, len, "%04lld-%02u-%02u", (long long)y, m, d);
	if (n < 0 || (size_t)n >= len)
		buf[0] = '\0';	/* a cut date would mislead */
}
