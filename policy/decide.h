/*
 * decide.h - what a rule that held means: one decision for the milter and
 * the sensor.
 *
 * Facts in: the rule, the direction of the event, the subjects it
 * concerns (each envelope recipient inbound, the sender outbound, the
 * client host's agency on the wire), the client host and the time.  Out:
 * whether the rule concerns the event at all (its direction and its agency
 * scope), and for each subject and overall the action after approved
 * exceptions (clause 4: `log`, naming the exception) and monitor mode
 * (`monitor: true` on the rule, or milter.monitor: `log`, and the action
 * the rule would have taken is kept as the intended one).
 *
 * An exception is judged for each subject on its own (its agency, its
 * address, the client host); the overall action is the strictest over the
 * subjects in scope, so an exception lowers it only when it covers every
 * one of them.  Monitor mode lowers every subject's action that no
 * exception lowered.
 *
 * Trusts: the policy snapshot (read-only).  Thread-safe: no state of its
 * own; every pointer it returns points into the policy.
 */
#ifndef MSGSEC_DECIDE_H
#define MSGSEC_DECIDE_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "action.h"
#include "cidr.h"

struct agency;
struct policy;
struct rule;

/* Someone an event concerns. */
struct decide_subject {
	const struct agency *agency;	/* NULL: in no agency */
	const char *user;		/* the address, or NULL */
};

struct decide_facts {
	const struct rule *rule;
	enum direction direction;	/* the event's; DIRECTION_BOTH when
					   it has none (the sensor) */
	const struct decide_subject *subjects;
	size_t nsubjects;
	const struct ipaddr *host;	/* the client, or NULL */
	time_t now;			/* exceptions judged at this time */
};

/* What the rule means for one subject. */
struct decide_outcome {
	bool in_scope;		/* the rule's agency scope takes it in */
	enum action action;	/* ACTION_ACCEPT when not in scope */
	const char *exception;	/* the id lowering it, or NULL */
};

struct decision {
	size_t nscope;		/* subjects in the rule's scope (0: the rule
				   does not concern this event) */
	enum action action;	/* the strictest over them; ACTION_ACCEPT
				   when none */
	enum action intended;	/* the rule's own action */
	const char *exception;	/* an exception covering every subject in
				   scope (the smallest id), or NULL */
	bool monitor;		/* monitor mode lowered the action */
};

/*
 * Does rule r's agency scope take in agency a (NULL: in no agency)?  A
 * rule without agencies takes in everyone, a scoped one only its own.
 */
bool decide_agency_in_scope(const struct rule *r, const struct agency *a);

/*
 * Does rule r concern an event in direction dir with these subjects: its
 * direction takes in dir and its scope at least one subject?  The check
 * to run before a rule's match, so out-of-scope rules cost nothing.
 */
bool decide_in_scope(const struct rule *r, enum direction dir,
    const struct decide_subject *subjects, size_t nsubjects);

/* Is rule r in monitor mode (its own `monitor`, or milter.monitor)? */
bool decide_is_monitor(const struct policy *p, const struct rule *r);

/*
 * Decide what f->rule, which held, means.  each: NULL, or one outcome per
 * subject (f->nsubjects) filled in.  A rule whose direction does not take
 * in f->direction concerns no subject (d->nscope 0, every outcome out of
 * scope).
 */
void decide(const struct policy *p, const struct decide_facts *f,
    struct decision *d, struct decide_outcome *each);

/*
 * Of two ids (either NULL), the one that sorts first, NULL last: labels
 * that must be one of many are chosen by their own order, never by the
 * order of the envelope or of the rules.
 */
const char *decide_first_id(const char *a, const char *b);

#endif
