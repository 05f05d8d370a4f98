/*
 * rfcdate.c - RFC 5322 3.3 / 4.3 date-time.
 *
 *   date-time   = [ day-of-week "," ] date time [CFWS]
 *   date        = day month year
 *   time        = time-of-day zone
 *   time-of-day = hour ":" minute [ ":" second ]
 *   zone        = ( "+" / "-" ) 4DIGIT / obs-zone
 *
 *   Fri, 21 Nov 1997 09:55:06 -0600 (CST)
 *   ^dow ^day ^month ^year ^time ^zone  ^comment
 *
 * Trusts: nothing.  A cursor walks the span; CFWS (white space, folding,
 * nested comments) is skipped before every token; digit runs are counted
 * whole but only their first nine digits are summed, so no value can
 * overflow whatever the input.  Calendar arithmetic is the shared
 * date_from_civil() of policy/date.c.
 */
#include "rfcdate.h"

#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "date.h"

struct cur {
	const char *p;
	size_t n;
	const char *why;	/* sticky CFWS error */
};

static void
skip_cfws(struct cur *c)
{
	while (c->n > 0) {
		size_t depth = 0;

		if (*c->p == ' ' || *c->p == '\t' || *c->p == '\r' ||
		    *c->p == '\n') {
			c->p++;
			c->n--;
			continue;
		}
		if (*c->p != '(')
			return;
		while (c->n > 0) {
			char ch = *c->p++;

			c->n--;
			if (ch == '\\' && c->n > 0) {
				c->p++;
				c->n--;
			} else if (ch == '(') {
				if (++depth > RFCDATE_COMMENT_DEPTH &&
				    c->why == NULL)
					c->why = "comment nested too deep";
			} else if (ch == ')' && --depth == 0) {
				break;
			}
		}
		if (depth > 0 && c->why == NULL)
			c->why = "unterminated comment";
	}
}

/* Digits at the cursor: returns how many (0: none); *v the value of the
 * first nine. */
static size_t
digits(struct cur *c, int *v)
{
	size_t d = 0;

	*v = 0;
	while (c->n > 0 && *c->p >= '0' && *c->p <= '9') {
		if (d < 9)
			*v = *v * 10 + (*c->p - '0');
		d++;
		c->p++;
		c->n--;
	}
	return d;
}

/* Letters at the cursor, lowercased into w (cut, still counted). */
static size_t
letters(struct cur *c, char *w, size_t wlen)
{
	size_t n = 0;

	while (c->n > 0 && ((*c->p >= 'a' && *c->p <= 'z') ||
	    (*c->p >= 'A' && *c->p <= 'Z'))) {
		if (n + 1 < wlen)
			w[n] = (char)(*c->p | 0x20);
		n++;
		c->p++;
		c->n--;
	}
	w[n + 1 < wlen ? n : wlen - 1] = '\0';
	return n;
}

static bool
take(struct cur *c, char ch)
{
	if (c->n == 0 || *c->p != ch)
		return false;
	c->p++;
	c->n--;
	return true;
}

static int
find(const char *const *names, size_t n, const char *w)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(names[i], w) == 0)
			return (int)i;
	return -1;
}

static const char *const wdays[] = { "sun", "mon", "tue", "wed", "thu",
	"fri", "sat" };
static const char *const months[] = { "jan", "feb", "mar", "apr", "may",
	"jun", "jul", "aug", "sep", "oct", "nov", "dec" };

/* zone after the time: sets r->zone and friends, or returns a reason. */
static const char *
zone(struct cur *c, struct rfcdate *r)
{
	static const struct {
		const char *name;
		int off;
	} named[] = { { "ut", 0 }, { "gmt", 0 }, { "est", -300 },
		{ "edt", -240 }, { "cst", -360 }, { "cdt", -300 },
		{ "mst", -420 }, { "mdt", -360 }, { "pst", -480 },
		{ "pdt", -420 } };
	char w[8];
	size_t n;
	int z;

	skip_cfws(c);
	if (c->n > 0 && (*c->p == '+' || *c->p == '-')) {
		bool minus = *c->p == '-';

		c->p++;
		c->n--;
		if (digits(c, &z) != 4 || z % 100 > 59)
			return "bad time zone";
		r->zone = (minus ? -1 : 1) * (z / 100 * 60 + z % 100);
		r->zone_unknown = minus && z == 0;
		return NULL;
	}
	n = letters(c, w, sizeof(w));
	if (n == 0)
		return "missing time zone";
	r->obsolete = true;
	for (size_t i = 0; i < sizeof(named) / sizeof(named[0]); i++)
		if (strcmp(w, named[i].name) == 0) {
			r->zone = named[i].off;
			return NULL;
		}
	/* military letters (not J), and other names: -0000 */
	if ((n == 1 && w[0] != 'j') || (n >= 3 && n <= 5)) {
		r->zone = 0;
		r->zone_unknown = true;
		return NULL;
	}
	return "unknown time zone";
}

static const char *
parse(struct cur *c, struct rfcdate *r)
{
	static const unsigned mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30,
		31, 30, 31 };
	int wday = -1, mon, day, year, hh, mm, ss = 0;
	size_t nd;
	bool leap;
	int64_t days;
	const char *why;
	char w[8];

	memset(r, 0, sizeof(*r));
	skip_cfws(c);
	if (letters(c, w, sizeof(w)) > 0) {
		if ((wday = find(wdays, 7, w)) < 0)
			return "bad day of week";
		skip_cfws(c);
		if (!take(c, ','))
			return "expected ',' after the day of week";
		r->has_wday = true;
		skip_cfws(c);
	}
	nd = digits(c, &day);
	if (nd == 0 || nd > 2)
		return "expected a day of the month";
	skip_cfws(c);
	if (letters(c, w, sizeof(w)) == 0)
		return "expected a month name";
	if ((mon = find(months, 12, w)) < 0)
		return "unknown month name";
	skip_cfws(c);
	nd = digits(c, &year);
	if (nd < 2 || nd > 4)
		return "expected a year of 2 to 4 digits";
	if (nd == 2) {
		year += year < 50 ? 2000 : 1900;
		r->obsolete = true;
	} else if (nd == 3) {
		year += 1900;
		r->obsolete = true;
	}
	if (year < 1900)
		return "year before 1900";
	leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
	if (day < 1 || (unsigned)day > mdays[mon] || (mon == 1 && day == 29 &&
	    !leap))
		return "no such day in that month";

	skip_cfws(c);
	if (digits(c, &hh) != 2)
		return "expected a time of day";
	nd = c->n;
	skip_cfws(c);
	if (!take(c, ':'))
		return "expected a time of day";
	skip_cfws(c);
	r->obsolete |= c->n != nd - 1;	/* CFWS around the ':' */
	if (digits(c, &mm) != 2)
		return "expected a time of day";
	{
		struct cur save = *c;

		skip_cfws(c);
		if (take(c, ':')) {
			skip_cfws(c);
			if (digits(c, &ss) != 2)
				return "expected seconds";
		} else {
			*c = save;
		}
	}
	if (hh > 23 || mm > 59 || ss > 60)
		return "time of day out of range";
	if ((why = zone(c, r)) != NULL)
		return why;
	skip_cfws(c);
	if (c->why != NULL)
		return c->why;
	if (c->n != 0)
		return "junk after the date";

	days = date_from_civil(year, (unsigned)mon + 1, (unsigned)day);
	if (wday >= 0 && ((days % 7 + 7 + 4) % 7) != wday)
		return "day of week does not match the date";
	r->t = (time_t)(days * 86400 + hh * 3600 + mm * 60 + ss) -
	    (time_t)r->zone * 60;
	return NULL;
}

int
rfcdate_parse_full(struct span s, struct rfcdate *r, const char **why_r)
{
	struct cur c = { s.p, s.p != NULL ? s.len : 0, NULL };
	const char *why = parse(&c, r);

	/* A comment error earlier than the one reported wins. */
	if (why != NULL && c.why != NULL)
		why = c.why;
	if (why != NULL) {
		*why_r = why;
		return -1;
	}
	return 0;
}

int
rfcdate_parse(struct span s, time_t *t_r, const char **why_r)
{
	struct rfcdate r;

	if (rfcdate_parse_full(s, &r, why_r) < 0)
		return -1;
	*t_r = r.t;
	return 0;
}
