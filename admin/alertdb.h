/*
 * alertdb.h - `msgsec alerts summary` over the records database, counted
 * by the server (pgstore/pgalert.h: pgalert_groups) and finished by
 * alertsum.h, so that millions of alerts are not shipped one by one.
 */
#ifndef MSGSEC_ALERTDB_H
#define MSGSEC_ALERTDB_H

#include <stdbool.h>

#include "alertfilter.h"
#include "alertsum.h"
#include "config.h"

/*
 * Can the server count what f lets through?  Only with no filter but
 * --since and --until; the others (globs, CIDRs, clause prefixes, any
 * case) are the file reader's, applied line by line (pgalert_each).
 */
bool alertdb_can_group(const struct alert_filter *f);

/* Count f's alerts of every gateway into s.  0, or -1 with *error_r. */
int alertdb_summary(const struct config *c, const struct alert_filter *f,
    struct alertsum *s, char **error_r);

#endif
