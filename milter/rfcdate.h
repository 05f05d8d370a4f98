/*
 * rfcdate.h - RFC 5322 3.3 date-time, with the obsolete forms of 4.3
 * (two- and three-digit years, named and military zones, comments).
 */
#ifndef MSGSEC_RFCDATE_H
#define MSGSEC_RFCDATE_H

#include <time.h>

#include "str.h"

/*
 *   [day-of-week ","] day month year hour ":" minute [":" second] zone
 *
 * Returns 0 and the UTC time, or -1 with *why_r a static reason.  A
 * day-of-week, when present, must be a valid name (it is not checked
 * against the date: many mailers get it wrong and it carries no risk).
 */
int rfcdate_parse(struct span s, time_t *t_r, const char **why_r);

#endif
