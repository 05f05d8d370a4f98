/*
 * alertsum.h - counting alerts for `msgsec alerts summary` and the report:
 * by clause, rule, agency, action, event type and day; top hosts, users and
 * services for webmail and IM; the exceptions that downgraded actions.
 */
#ifndef MSGSEC_ALERTSUM_H
#define MSGSEC_ALERTSUM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "alertscan.h"

#define COUNTER_KEY_MAX 256		/* longer keys are cut */
#define COUNTER_KEYS_MAX 100000		/* then counted as "(other)" */
#define MSGSET_MAX (1u << 24)		/* distinct messages told apart */

struct counter_entry {
	const char *key;	/* NUL-terminated, owned by the counter */
	uint64_t count;
	uint64_t bytes;		/* a second sum where one is kept */
};

/* A bounded string -> count table. */
struct counter;

struct counter *counter_new(void);
void counter_free(struct counter **c);
/* Add n (and bytes) to key (len bytes, any content). */
void counter_add(struct counter *c, const char *key, size_t len, uint64_t n,
    uint64_t bytes);
/* Distinct keys, and the count that went to "(other)" past the bound. */
size_t counter_size(const struct counter *c);
uint64_t counter_other(const struct counter *c);
/*
 * The entries sorted by count (highest first, then key) or by key; the
 * array is malloc'd (free it), the keys stay owned by the counter.
 */
struct counter_entry *counter_sorted(const struct counter *c, bool by_key,
    size_t *n_r);

enum alertsum_table {
	SUM_CLAUSE,
	SUM_RULE,
	SUM_AGENCY,
	SUM_ACTION,
	SUM_EVENT_TYPE,
	SUM_DAY,
	SUM_DAY_CLAUSE,		/* "YYYY-MM-DD\tclause" */
	SUM_HOST,		/* every alert's client (src_ip) */
	SUM_SERVICE,		/* every alert's service or hostname */
	SUM_WM_HOST,		/* webmail and IM only */
	SUM_WM_USER,
	SUM_WM_SERVICE,
	SUM_EXCEPTION,		/* "ID\tintended action" */
	SUM_HIT_DIRECTION,	/* mail hits by direction */
	SUM_SEEN_DIRECTION,	/* message records: count and bytes */
	SUM_SEEN_DAY,		/* message records by day */
	SUM_SEEN_HIT_DIRECTION,	/* message records with hits */
	SUM_HEALTH,		/* scanner-health hits by rule */
	SUM_GATEWAY,		/* the writing host (the database's rows) */
	SUM_NAME,		/* network alerts: the name the flow carried
				   (hostname), whatever the rule matched */
	SUM_COUNT
};

struct alertsum {
	uint64_t total;		/* alerts (message records not counted) */
	uint64_t mail_hits;	/* alerts of event type mail */
	uint64_t seen, seen_bytes;	/* message records: every message */
	uint64_t seen_hit;	/* message records with hits */
	uint64_t releases;	/* event type release */
	/* The messages the mail hits belong to: a set of 64-bit hashes of
	 * their ids (quarantine id, queue id, or time and sender). */
	uint64_t *msg_slots;
	size_t msg_mask, msg_n;
	bool msg_full;		/* MSGSET_MAX reached: a lower bound */
	time_t first, last;
	struct counter *t[SUM_COUNT];
	int32_t day;		/* the last alert's day, formatted in day_text */
	char day_text[16];
};

void alertsum_init(struct alertsum *s);
void alertsum_free(struct alertsum *s);
/*
 * Count one alert that passed the filters; t is its time.  A "message"
 * record (one per message judged) counts toward seen, not total.
 */
void alertsum_add(struct alertsum *s, const struct ascan_rec *r, time_t t);
/*
 * The same in pieces, for alerts counted in groups elsewhere (the
 * database, pgalert_groups): alertsum_add_main counts n alike in every
 * table but the hosts, services and users (day their day, first and last
 * their times, bytes their sizes summed: message records), which the
 * three others count; alertsum_set_messages sets the distinct messages
 * of the mail hits.  alertsum_add is all of them for one alert.
 */
void alertsum_add_main(struct alertsum *s, const struct ascan_rec *r,
    int32_t day, time_t first, time_t last, uint64_t n, uint64_t bytes);
void alertsum_add_host(struct alertsum *s, const struct ascan_rec *r,
    uint64_t n);
void alertsum_add_service(struct alertsum *s, const struct ascan_rec *r,
    uint64_t n);
void alertsum_add_user(struct alertsum *s, const struct ascan_rec *r,
    uint64_t n);
void alertsum_set_messages(struct alertsum *s, uint64_t n);
/* A "message" record (one per message judged), not an alert? */
bool alertsum_is_message(const struct ascan_rec *r);
/* The summary as text (top: rows per "top" table). */
void alertsum_print_text(const struct alertsum *s, FILE *out, size_t top);
/* The summary as one JSON object and LF. */
void alertsum_print_json(const struct alertsum *s, FILE *out, size_t top);
/*
 * Is this a scanner-health incident rather than a policy hit?  The rule
 * virus.unscannable and any rule under scanner.* or clamav.*.
 */
bool alertsum_is_health(const struct ascan_value *rule);
/* Distinct messages among the mail hits (a lower bound past the
 * counter's bound: *exact_r false). */
uint64_t alertsum_messages(const struct alertsum *s, bool *exact_r);

#endif
