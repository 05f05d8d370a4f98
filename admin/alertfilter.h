/*
 * alertfilter.h - the filters of `msgsec alerts` and `msgsec report`:
 * options in, a yes/no per scanned alert out.
 *
 * Several values of one filter are alternatives (--rule a --rule b: either);
 * different filters must all hold.
 */
#ifndef MSGSEC_ALERTFILTER_H
#define MSGSEC_ALERTFILTER_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "alertscan.h"
#include "cidr.h"

#define FILTER_VALUE_MAX 256	/* longest option value kept */

struct strv {
	char **v;
	size_t n;
};

struct alert_filter {
	bool has_since, has_until;
	time_t since, until;	/* since <= t < until */
	struct strv rules;	/* globs */
	struct strv clauses;	/* "1" also takes "1.1" ... */
	struct strv agencies;	/* ids, any case */
	struct cidr *hosts;	/* src_ip, dest_ip or client_ip inside */
	size_t nhosts;
	struct strv users;	/* globs, any case: user, mail_from, rcpt_to */
	struct strv actions;
	struct strv etypes;
	struct strv exceptions;	/* "any", "none" or globs */
	struct strv gateways;	/* globs, any case */
	bool keep_messages;	/* let "message" records through (summary,
				 * report); else only --event-type message */
};

/*
 * If opt (with its argument arg, which may be NULL when missing) is a
 * filter option, take it and return 1; 0 if it is not one; -1 with a
 * malloc'd *error_r naming the option and why it is refused (bad date,
 * bad glob, bad CIDR, unknown action ...).
 */
int alert_filter_option(struct alert_filter *f, const char *opt,
    const char *arg, char **error_r);

/* Check the options together (--since before --until).  0 or -1. */
int alert_filter_finish(struct alert_filter *f, char **error_r);

/*
 * Does the alert pass?  t is its time (ascan_time of its timestamp).
 * Records of event type "flow" (the sensor's flow log) pass only when
 * --event-type flow asks for them, and "message" records (one per message
 * the milter judged) only then or with keep_messages.
 */
bool alert_filter_match(const struct alert_filter *f,
    const struct ascan_rec *r, time_t t);

void alert_filter_free(struct alert_filter *f);

/* The filter options, for usage texts. */
const char *alert_filter_usage(void);

/*
 * Parse a --since/--until value: a date (YYYY-MM-DD) or an RFC 3339 time.
 * A date given as an end takes the whole day.  0, or -1 with *why_r.
 */
int alert_filter_time(const char *s, bool end, time_t *t_r,
    const char **why_r);

#endif
