/*
 * date.h - calendar dates and timestamps in rule and exception files.
 *
 * Dates are ISO 8601 calendar dates "YYYY-MM-DD" (years 1970..9999), which
 * libyaml hands us as plain scalars.  A day number counts days since
 * 1970-01-01 (proleptic Gregorian, UTC).
 */
#ifndef MSGSEC_DATE_H
#define MSGSEC_DATE_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

/*
 * Strict parse of "YYYY-MM-DD": exactly that shape, a real calendar day
 * (leap years per the Gregorian rule).  Returns 0 and sets *day_r, or -1
 * with *why_r a static English reason ("month 13 out of range", ...).
 */
int date_parse(const char *s, size_t len, int32_t *day_r, const char **why_r);

/*
 * Strict parse of an RFC 3339 timestamp "YYYY-MM-DDTHH:MM:SS[.frac](Z|+hh:mm)"
 * or a plain date (midnight UTC).  Returns 0 and sets *t_r (UTC seconds).
 */
int date_parse_time(const char *s, size_t len, time_t *t_r, const char **why_r);

/* Days since 1970-01-01 of a proleptic Gregorian date (m 1..12). */
int64_t date_from_civil(int64_t y, unsigned m, unsigned d);
/* The proleptic Gregorian date of a day number (any: no range check). */
void date_to_civil(int64_t day, int64_t *y_r, unsigned *m_r, unsigned *d_r);

/* Day number of a UTC time. */
int32_t date_day_of(time_t t);
/* Midnight UTC that starts day. */
time_t date_day_start(int32_t day);
/* Format a day as YYYY-MM-DD into buf (at least 11 bytes). */
void date_format(int32_t day, char *buf, size_t len);

#endif
