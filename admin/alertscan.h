/*
 * alertscan.h - a fast, strict scanner for one alert line (policy/alert.c,
 * the sensor's alerts: one JSON object per line) that keeps only the
 * top-level fields `msgsec alerts` and `msgsec report` look at.
 *
 * The whole line is validated as JSON by the library's reader (jsonread.h:
 * RFC 8259, nesting up to ASCAN_DEPTH) without building anything: values
 * are spans into the line, still escaped.  Nothing is allocated.
 */
#ifndef MSGSEC_ALERTSCAN_H
#define MSGSEC_ALERTSCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "cidr.h"

#define ASCAN_DEPTH 16		/* nesting of arrays and objects */

/* The top-level keys kept; every other key is validated and skipped. */
enum ascan_field {
	AF_TIMESTAMP,
	AF_EVENT_TYPE,
	AF_RULE,
	AF_POLICY,
	AF_ACTION,
	AF_INTENDED,
	AF_AGENCY,
	AF_SRC_IP,
	AF_DEST_IP,
	AF_CLIENT_IP,
	AF_USER,
	AF_MAIL_FROM,
	AF_RCPT_TO,
	AF_EXCEPTION,
	AF_SERVICE,
	AF_HOSTNAME,
	AF_CATEGORY,
	AF_DIRECTION,
	AF_FILENAME,
	AF_DETAIL,		/* a virus name, a check, an ambiguity */
	AF_BYTES_TOSERVER,
	AF_BYTES_TOCLIENT,
	AF_QUARANTINE_ID,
	AF_BY,			/* release: who */
	AF_APPROVED_BY,		/* release: the second person */
	AF_SIZE,		/* message: bytes */
	AF_VERDICT,		/* mail, message: the message's action */
	AF_QUEUE_ID,
	AF_HITS,		/* message: how many hits it had */
	AF_GATEWAY,		/* the host that wrote it (the database) */
	AF_NAME_SOURCE,		/* network: where hostname was seen */
	AF_LIST,		/* network: the list service is an entry of */
	AF_APP_DETAIL,		/* network: what a protocol signature matched */
	AF_STUN,		/* network: a call's STUN/TURN facts (object) */
	AF_COUNT
};

enum ascan_type {
	ASV_ABSENT = 0,
	ASV_NULL,
	ASV_STRING,		/* p/len: the bytes between the quotes */
	ASV_ARRAY,		/* p/len: from '[' to ']' inclusive */
	ASV_OTHER,		/* number, boolean or object */
};

struct ascan_value {
	const char *p;
	uint32_t len;
	uint8_t type;		/* enum ascan_type */
	bool escaped;		/* a string holding a backslash */
};

struct ascan_rec {
	struct ascan_value f[AF_COUNT];
};

/* The JSON key of a field ("timestamp", ...). */
const char *ascan_field_name(enum ascan_field f);

/*
 * Scan one line (without its LF; a trailing CR or blanks are allowed).
 * Returns 0 with r filled, or -1 with *why_r a static English reason
 * ("not an object", "bad escape", "duplicate key \"rule\"", ...).
 */
int ascan_line(const char *p, size_t len, struct ascan_rec *r,
    const char **why_r);

/*
 * The same for any object: keys[0..nkeys) are the top-level keys kept,
 * their values go to values[] (ASV_ABSENT when missing).
 */
int ascan_object(const char *p, size_t len, const char *const *keys,
    size_t nkeys, struct ascan_value *values, const char **why_r);

/*
 * The string value of v, unescaped, NUL-terminated, into buf of size.
 * Returns its length, or -1 when v is not a string or does not fit
 * (size counts the NUL).
 * Invalid bytes cannot occur: ascan_line validated the line.
 */
int ascan_string(const struct ascan_value *v, char *buf, size_t size);

/*
 * Iterate over the string elements of an array value: *pos starts at 0.
 * Returns 1 with *item_r, or 0 at the end.  Elements that are not strings
 * are skipped.
 */
int ascan_array_next(const struct ascan_value *array, size_t *pos,
    struct ascan_value *item_r);

/*
 * Parse an alert timestamp "YYYY-MM-DDTHH:MM:SS[.frac](Z|+hhmm|+hh:mm)"
 * (EVE style, or RFC 3339).  Returns 0 with *t_r (UTC seconds), or -1.
 */
int ascan_time(const char *p, size_t len, time_t *t_r);

/* Does the string value equal s exactly (after unescaping)? */
bool ascan_eq(const struct ascan_value *v, const char *s);

#endif
