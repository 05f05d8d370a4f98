/*
 * rfcdate.c - RFC 5322 dates.
 *
 * Trusts: nothing.  Tokens are read from a span with comments (bounded
 * nesting) and folding white space skipped; numbers have bounded digit
 * counts so nothing overflows.
 */
#include "rfcdate.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "date.h"

struct cur {
	const char *p;
	size_t n;
};

static void
skip_cfws(struct cur *c)
{
	while (c->n > 0) {
		char ch = *c->p;

		if (ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n') {
			c->p++;
			c->n--;
		} else if (ch == '(') {
			int depth = 0;

			while (c->n > 0) {
				if (*c->p == '\\' && c->n > 1) {
					c->p++;
					c->n--;
				} else if (*c->p == '(') {
					depth++;
				} else if (*c->p == ')' && --depth == 0) {
					c->p++;
					c->n--;
					break;
				}
				c->p++;
				c->n--;
			}
		} else {
			break;
		}
	}
}

/* Up to maxd digits; returns digits read (0: none). */
static int
number(struct cur *c, int maxd, int *v)
{
	int d = 0;

	skip_cfws(c);
	*v = 0;
	while (c->n > 0 && *c->p >= '0' && *c->p <= '9') {
		if (++d > maxd)
			return -1;
		*v = *v * 10 + (*c->p - '0');
		c->p++;
		c->n--;
	}
	return d;
}

static size_t
word(struct cur *c, char *buf, size_t len)
{
	size_t n = 0;

	skip_cfws(c);
	while (c->n > 0 && ((*c->p >= 'a' && *c->p <= 'z') ||
	    (*c->p >= 'A' && *c->p <= 'Z'))) {
		if (n + 1 < len)
			buf[n] = *c->p;
		n++;
		c->p++;
		c->n--;
	}
	buf[n < len ? n : len - 1] = '\0';
	return n;
}

static bool
expect(struct cur *c, char ch)
{
	skip_cfws(c);
	if (c->n == 0 || *c->p != ch)
		return false;
	c->p++;
	c->n--;
	return true;
}


int
rfcdate_parse(struct span s, time_t *t_r, const char **why_r)
{
	static const char *const days[] = { "mon", "tue", "wed", "thu", "fri",
		"sat", "sun" };
	static const char *const months[] = { "jan", "feb", "mar", "apr",
		"may", "jun", "jul", "aug", "sep", "oct", "nov", "dec" };
	static const unsigned mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30,
		31, 30, 31 };
	struct cur c = { s.p, s.len }, save;
	char w[16];
	int day, year, hh, mm, ss = 0, nd, zone = 0;
	unsigned mon = 0;
	bool leap;

	save = c;
	if (word(&c, w, sizeof(w)) > 0) {
		bool ok = false;

		for (size_t i = 0; i < 7; i++)
			ok |= strlen(w) == 3 && strcasecmp(w, days[i]) == 0;
		if (!ok || !expect(&c, ',')) {
			*why_r = "bad day of week";
			return -1;
		}
	} else {
		c = save;
	}
	if (number(&c, 2, &day) <= 0) {
		*why_r = "expected a day of the month";
		return -1;
	}
	if (word(&c, w, sizeof(w)) != 3) {
		*why_r = "expected a month name";
		return -1;
	}
	for (unsigned i = 0; i < 12; i++)
		if (strcasecmp(w, months[i]) == 0)
			mon = i + 1;
	if (mon == 0) {
		*why_r = "unknown month name";
		return -1;
	}
	nd = number(&c, 4, &year);
	if (nd < 2) {
		*why_r = "expected a year";
		return -1;
	}
	/* RFC 5322 4.3: two digits add 1900 or 2000, three add 1900. */
	if (nd == 2)
		year += year < 50 ? 2000 : 1900;
	else if (nd == 3)
		year += 1900;
	if (year < 1900) {
		*why_r = "year before 1900";
		return -1;
	}
	leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
	if (day < 1 || (unsigned)day > mdays[mon - 1] || (mon == 2 &&
	    day == 29 && !leap)) {
		*why_r = "no such day in that month";
		return -1;
	}
	if (number(&c, 2, &hh) <= 0 || !expect(&c, ':') ||
	    number(&c, 2, &mm) <= 0) {
		*why_r = "expected a time of day";
		return -1;
	}
	save = c;
	if (expect(&c, ':')) {
		if (number(&c, 2, &ss) <= 0) {
			*why_r = "expected seconds";
			return -1;
		}
	} else {
		c = save;
	}
	if (hh > 23 || mm > 59 || ss > 60) {
		*why_r = "time of day out of range";
		return -1;
	}
	skip_cfws(&c);
	if (c.n > 0 && (*c.p == '+' || *c.p == '-')) {
		int sign = *c.p == '-' ? -1 : 1, z;

		c.p++;
		c.n--;
		if (c.n < 4 || number(&c, 4, &z) != 4 || z % 100 > 59) {
			*why_r = "bad time zone";
			return -1;
		}
		zone = sign * ((z / 100) * 60 + z % 100);
	} else if (word(&c, w, sizeof(w)) > 0) {
		static const struct {
			const char *name;
			int off;
		} zones[] = { { "ut", 0 }, { "gmt", 0 }, { "z", 0 },
			{ "est", -300 }, { "edt", -240 }, { "cst", -360 },
			{ "cdt", -300 }, { "mst", -420 }, { "mdt", -360 },
			{ "pst", -480 }, { "pdt", -420 } };
		bool found = false;

		for (size_t i = 0; i < sizeof(zones) / sizeof(zones[0]); i++) {
			if (strcasecmp(w, zones[i].name) == 0) {
				zone = zones[i].off;
				found = true;
			}
		}
		/* Military zones: RFC 5322 says treat as -0000. */
		if (!found && strlen(w) == 1)
			found = true;
		if (!found) {
			*why_r = "unknown time zone";
			return -1;
		}
	} else {
		*why_r = "missing time zone";
		return -1;
	}
	skip_cfws(&c);
	if (c.n != 0) {
		*why_r = "junk after the date";
		return -1;
	}
	*t_r = (time_t)(date_from_civil(year, mon, (unsigned)day) * 86400 +
	    hh * 3600 + mm * 60 + (ss == 60 ? 59 : ss) - zone * 60);
	return 0;
}
