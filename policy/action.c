/*
 * action.c - names of actions and directions.
 */
#include "action.h"

#include <string.h>

static const char *const action_names[ACTION_COUNT] = {
	[ACTION_ACCEPT] = "accept",
	[ACTION_LOG] = "log",
	[ACTION_TAG] = "tag",
	[ACTION_STRIP] = "strip",
	[ACTION_QUARANTINE] = "quarantine",
	[ACTION_DISCARD] = "discard",
	[ACTION_TEMPFAIL] = "tempfail",
	[ACTION_REJECT] = "reject",
};

const char *
action_name(enum action a)
{
	if ((unsigned)a >= ACTION_COUNT)
		return "?";
	return action_names[a];
}

int
action_parse(const char *s, enum action *a)
{
	for (unsigned i = 0; i < ACTION_COUNT; i++) {
		if (strcmp(s, action_names[i]) == 0) {
			*a = (enum action)i;
			return 0;
		}
	}
	return -1;
}

const char *
action_choices(void)
{
	return "reject, tempfail, discard, quarantine, strip, tag, log or "
	    "accept";
}

const char *
direction_name(enum direction d)
{
	switch (d) {
	case DIRECTION_INBOUND:
		return "inbound";
	case DIRECTION_OUTBOUND:
		return "outbound";
	case DIRECTION_BOTH:
		return "both";
	}
	return "?";
}

int
direction_parse(const char *s, enum direction *d)
{
	if (strcmp(s, "inbound") == 0)
		*d = DIRECTION_INBOUND;
	else if (strcmp(s, "outbound") == 0)
		*d = DIRECTION_OUTBOUND;
	else if (strcmp(s, "both") == 0)
		*d = DIRECTION_BOTH;
	else
		return -1;
	return 0;
}
