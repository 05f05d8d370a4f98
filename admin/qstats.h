/*
 * qstats.h - totals over the quarantine store (quarantine.h: DIR/ID/
 * meta.json beside DIR/ID/message.eml) for the report: messages and bytes
 * by rule and by action.
 */
#ifndef MSGSEC_QSTATS_H
#define MSGSEC_QSTATS_H

#include <stdint.h>

#include "alertsum.h"

#define QSTATS_META_MAX (1u << 20)	/* a larger meta.json is skipped */
#define QSTATS_ENTRIES_MAX 10000000	/* entries looked at */

struct qstats {
	uint64_t messages, bytes;
	uint64_t unreadable;		/* entries whose meta.json is bad */
	struct counter *by_rule;	/* a message counts for each rule */
	struct counter *by_action;
};

/*
 * Count the store at dir.  A missing folder is an empty store.  Returns 0,
 * or -1 with a malloc'd *error_r when the folder cannot be read.  Free
 * with qstats_free even after -1.
 */
int qstats_scan(const char *dir, struct qstats *q, char **error_r);

/* An empty count, and one entry's metadata (len bytes of meta.json or of
 * the database's meta column) added to it: the database's way. */
void qstats_init(struct qstats *q);
void qstats_add(struct qstats *q, const char *meta, size_t len);
void qstats_free(struct qstats *q);

#endif
