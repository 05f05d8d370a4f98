/*
 * action.h - verdict actions, directions and their names, shared by rules,
 * settings, alerts and the milter's --test output.
 */
#ifndef MSGSEC_ACTION_H
#define MSGSEC_ACTION_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Ordered by severity: when several rules hit one message the most severe
 * action wins (a reject beats a quarantine beats a tag ...).
 */
enum action {
	ACTION_ACCEPT = 0,
	ACTION_LOG,
	ACTION_TAG,
	ACTION_STRIP,
	ACTION_QUARANTINE,
	ACTION_DISCARD,
	ACTION_TEMPFAIL,
	ACTION_REJECT,
};
#define ACTION_COUNT 8

const char *action_name(enum action a);
/* Parse a name; returns 0 or -1. */
int action_parse(const char *s, enum action *a);
/* "reject | tempfail | ..." for diagnostics. */
const char *action_choices(void);

enum direction {
	DIRECTION_INBOUND = 1,
	DIRECTION_OUTBOUND = 2,
	DIRECTION_BOTH = 3,
};

const char *direction_name(enum direction d);
int direction_parse(const char *s, enum direction *d);

#endif
