/*
 * date.c - ISO 8601 calendar dates and RFC 3339 timestamps.
 *
 * Calendar arithmetic is done here (date_from_civil, after H. Hinnant's
 * public-domain algorithm) rather than through timegm and the C library's
 * time zone state, so results never depend on TZ or locale.
 *
 * Trusts: nothing; the exact shape is checked byte by byte.
 */
#include "date.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

int64_t
date_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static void
civil_from_days(int64_t z, int *y_r, unsigned *m_r, unsigned *d_r)
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
	*y_r = (int)(y + (m <= 2));
	*m_r = m;
	*d_r = d;
}

static bool
is_leap(unsigned y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static unsigned
month_days(unsigned y, unsigned m)
{
	static const unsigned days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30,
		31, 30, 31 };

	return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

/* n decimal digits at s; -1 if any is not a digit. */
static int
digits(const char *s, size_t n)
{
	int v = 0;

	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

int
date_parse(const char *s, size_t len, int32_t *day_r, const char **why_r)
{
	int y, m, d;

	if (len != 10 || s[4] != '-' || s[7] != '-') {
		*why_r = "expected a date as YYYY-MM-DD";
		return -1;
	}
	y = digits(s, 4);
	m = digits(s + 5, 2);
	d = digits(s + 8, 2);
	if (y < 0 || m < 0 || d < 0) {
		*why_r = "expected a date as YYYY-MM-DD";
		return -1;
	}
	if (y < 1970) {
		*why_r = "year before 1970";
		return -1;
	}
	if (m < 1 || m > 12) {
		*why_r = "month out of range";
		return -1;
	}
	if (d < 1 || (unsigned)d > month_days((unsigned)y, (unsigned)m)) {
		*why_r = "no such day in that month";
		return -1;
	}
	*day_r = (int32_t)date_from_civil(y, (unsigned)m, (unsigned)d);
	return 0;
}

int
date_parse_time(const char *s, size_t len, time_t *t_r, const char **why_r)
{
	int32_t day;
	int hh, mm, ss, off = 0;
	size_t i;

	if (len == 10) {
		if (date_parse(s, len, &day, why_r) < 0)
			return -1;
		*t_r = date_day_start(day);
		return 0;
	}
	if (len < 20 || date_parse(s, 10, &day, why_r) < 0 ||
	    (s[10] != 'T' && s[10] != 't' && s[10] != ' ') || s[13] != ':' ||
	    s[16] != ':') {
		if (len >= 10 && date_parse(s, 10, &day, why_r) < 0)
			return -1;
		*why_r = "expected a time as YYYY-MM-DDTHH:MM:SSZ";
		return -1;
	}
	hh = digits(s + 11, 2);
	mm = digits(s + 14, 2);
	ss = digits(s + 17, 2);
	if (hh < 0 || mm < 0 || ss < 0 || hh > 23 || mm > 59 || ss > 60) {
		*why_r = "time of day out of range";
		return -1;
	}
	i = 19;
	if (i < len && s[i] == '.') {
		size_t start = ++i;

		while (i < len && s[i] >= '0' && s[i] <= '9' && i - start < 9)
			i++;
		if (i == start) {
			*why_r = "empty fraction of a second";
			return -1;
		}
	}
	if (i + 1 == len && (s[i] == 'Z' || s[i] == 'z')) {
		off = 0;
	} else if (i + 6 == len && (s[i] == '+' || s[i] == '-') &&
	    s[i + 3] == ':') {
		int oh = digits(s + i + 1, 2), om = digits(s + i + 4, 2);

		if (oh < 0 || om < 0 || oh > 23 || om > 59) {
			*why_r = "bad time zone offset";
			return -1;
		}
		off = (oh * 60 + om) * 60 * (s[i] == '-' ? -1 : 1);
	} else {
		*why_r = "expected Z or a +HH:MM offset";
		return -1;
	}
	*t_r = date_day_start(day) + hh * 3600 + mm * 60 + (ss == 60 ? 59 :
	    ss) - off;
	return 0;
}

int32_t
date_day_of(time_t t)
{
	int64_t d = (int64_t)t / 86400;

	if ((int64_t)t % 86400 < 0)
		d--;
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
	int y;
	unsigned m, d;

	civil_from_days(day, &y, &m, &d);
	if (snprintf(buf, len, "%04d-%02u-%02u", y, m, d) < 0 && len > 0)
		buf[0] = '\0';
}
