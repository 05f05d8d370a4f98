/*
 * rfcdate.h - RFC 5322 3.3 date-time (Date:, Resent-Date:), with the
 * obsolete forms of RFC 5322 4.3, to a UTC time_t.
 *
 *   [day-of-week ","] day month year hour ":" minute [":" second] zone
 *
 * Accepted: comments and folding white space between any two tokens
 * (obsolete CFWS), no white space at all where the obsolete grammar makes
 * it optional ("21Nov97"), two-digit years (00-49 -> 20xx, 50-99 -> 19xx)
 * and three-digit years (+1900), the named zones UT, GMT, EST, EDT, CST,
 * CDT, MST, MDT, PST and PDT, the military letters A-I and K-Z (either
 * case; treated as -0000, as 4.3 says, their signs having been published
 * backwards), and other alphabetic zones of 3 to 5 letters (treated as
 * -0000, as 4.3 recommends).  Month and day names in any case.
 *
 * Checked: a day-of-week, when present, must be the day the date falls on
 * (RFC 5322 3.3 says it MUST be; a wrong one marks forged or broken mail,
 * and what the caller does about it is policy); the day exists in its
 * month (leap years per the Gregorian rule); year 1900-9999; hour 00-23,
 * minute 00-59, second 00-60 (":60" is the next second), each exactly two
 * digits; numeric zone minutes 00-59; comments nested at most
 * RFCDATE_COMMENT_DEPTH deep; nothing but CFWS after the zone.
 *
 * Failures return -1 with *why_r a short static English reason.  No
 * allocation, no shared state: thread-safe.
 */
#ifndef MSGSEC_RFCDATE_H
#define MSGSEC_RFCDATE_H

#include <stdbool.h>
#include <time.h>

#include "str.h"

#define RFCDATE_COMMENT_DEPTH 32

struct rfcdate {
	time_t t;		/* UTC */
	int zone;		/* minutes east of UTC as written */
	bool zone_unknown;	/* -0000, military or unknown letters */
	bool has_wday;
	bool obsolete;		/* 2/3-digit year, alphabetic zone,
				 * or CFWS inside the time of day */
};

/*
 * Parse the value s of a Date field (any bytes, not NUL-terminated).
 * Returns 0 and fills *r, or -1 with *why_r set (r then undefined).
 */
int rfcdate_parse_full(struct span s, struct rfcdate *r, const char **why_r);

/* rfcdate_parse_full() for the time alone: 0 and *t_r, or -1 and *why_r. */
int rfcdate_parse(struct span s, time_t *t_r, const char **why_r);

#endif
