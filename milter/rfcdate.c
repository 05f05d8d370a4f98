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
 * Trusts: nothing.  The library's cursor (policy/cursor.h) walks the
 * span; CFWS (white space, folding, nested comments) is skipped before
 * every token; digit runs are counted whole but only their first nine
 * digits are summed, so no value can overflow whatever the input.
 * Calendar arithmetic is the shared date_from_civil() of policy/date.c.
 */
#include "rfcdate.h"

#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "cursor.h"
#include "date.h"

/*
 * Skip CFWS.  A comment nested past RFCDATE_COMMENT_DEPTH or left open is
 * remembered in *why (the first one), and the walk goes on.
 */
static void
skip_cfws(struct cursor *c, const char **why)
{
	uint8_t b;

	while (cur_peek(c, &b)) {
		size_t depth = 0;

		if (b == ' ' || b == '\t' || b == '\r' || b == '\n') {
			(void)cur_skip(c, 1);
			continue;
		}
		if (b != '(')
			return;
		while (c->left > 0) {
			(void)cur_u8(c, &b);
			if (b == '\\' && c->left > 0) {
				(void)cur_skip(c, 1);
			} else if (b == '(') {
				if (++depth > RFCDATE_COMMENT_DEPTH && *why == NULL)
					*why = "comment nested too deep";
			} else if (b == ')' && --depth == 0) {
				break;
			}
		}
		if (depth > 0 && *why == NULL)
			*why = "unterminated comment";
	}
}

/* Digits at the cursor: returns how many (0: none); *v the value of the
 * first nine. */
static size_t
digits(struct cursor *c, int *v)
{
	size_t d = 0;
	uint8_t b;

	*v = 0;
	while (cur_peek(c, &b) && b >= '0' && b <= '9') {
		if (d < 9)
			*v = *v * 10 + (b - '0');
		d++;
		(void)cur_skip(c, 1);
	}
	return d;
}

/* Letters at the cursor, lowercased into w (cut, still counted). */
static size_t
letters(struct cursor *c, char *w, size_t wlen)
{
	size_t n = 0;
	uint8_t b;

	while (cur_peek(c, &b) && ((b >= 'a' && b <= 'z') ||
	    (b >= 'A' && b <= 'Z'))) {
		if (n + 1 < wlen)
			w[n] = (char)(b | 0x20);
		n++;
		(void)cur_skip(c, 1);
	}
	w[n + 1 < wlen ? n : wlen - 1] = '\0';
	return n;
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
zone(struct cursor *c, const char **cfws, struct rfcdate *r)
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
	uint8_t sign;
	int z;

	skip_cfws(c, cfws);
	if (cur_peek(c, &sign) && (sign == '+' || sign == '-')) {
		bool minus = sign == '-';

		(void)cur_skip(c, 1);
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
parse(struct cursor *c, const char **cfws, struct rfcdate *r)
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
	skip_cfws(c, cfws);
	if (letters(c, w, sizeof(w)) > 0) {
		if ((wday = find(wdays, 7, w)) < 0)
			return "bad day of week";
		skip_cfws(c, cfws);
		if (!cur_take(c, ','))
			return "expected ',' after the day of week";
		r->has_wday = true;
		skip_cfws(c, cfws);
	}
	nd = digits(c, &day);
	if (nd == 0 || nd > 2)
		return "expected a day of the month";
	skip_cfws(c, cfws);
	if (letters(c, w, sizeof(w)) == 0)
		return "expected a month name";
	if ((mon = find(months, 12, w)) < 0)
		return "unknown month name";
	skip_cfws(c, cfws);
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

	skip_cfws(c, cfws);
	if (digits(c, &hh) != 2)
		return "expected a time of day";
	nd = c->left;
	skip_cfws(c, cfws);
	if (!cur_take(c, ':'))
		return "expected a time of day";
	skip_cfws(c, cfws);
	r->obsolete |= c->left != nd - 1;	/* CFWS around the ':' */
	if (digits(c, &mm) != 2)
		return "expected a time of day";
	{
		struct cursor save = *c;
		const char *save_cfws = *cfws;

		skip_cfws(c, cfws);
		if (cur_take(c, ':')) {
			skip_cfws(c, cfws);
			if (digits(c, &ss) != 2)
				return "expected seconds";
		} else {
			*c = save;
			*cfws = save_cfws;
		}
	}
	if (hh > 23 || mm > 59 || ss > 60)
		return "time of day out of range";
	if ((why = zone(c, cfws, r)) != NULL)
		return why;
	skip_cfws(c, cfws);
	if (*cfws != NULL)
		return *cfws;
	if (c->left != 0)
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
	struct cursor c;
	const char *cfws = NULL, *why;

	cur_init(&c, s.p, s.len);
	why = parse(&c, &cfws, r);
	/* A comment error earlier than the one reported wins. */
	if (why != NULL && cfws != NULL)
		why = cfws;
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
