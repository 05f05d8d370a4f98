/*
 * exception.h - approved exceptions to the policy (clause 4).
 *
 * One YAML file per record under the exceptions folder, named ID.yaml:
 *
 *   exception:
 *     id: EX-2026-0007
 *     agency: DEP
 *     requested_by: { name: ..., role: agency-head, email: ... }
 *     reasons: ...
 *     circumstances: ...
 *     access_controls: ...
 *     scope: { rules: [network.webmail.*], users: [...], hosts: [...] }
 *     valid_from: 2026-03-15
 *     valid_until: 2026-09-15          # inclusive
 *     status: approved                 # requested|approved|denied|revoked|expired
 *     reviews:
 *       - { body: MassIT, decision: approved, by: ..., on: 2026-03-10 }
 *       - { body: ESB, decision: approved, by: ..., on: 2026-03-12 }
 *     history:                         # appended by `msgsec exception`
 *       - { on: 2026-03-01T09:00:00Z, by: ..., action: requested, note: ... }
 *
 * An exception is in force when its status is approved, every approving
 * body (a setting; MassIT and ESB by default) has approved it, by different
 * people, the day is inside [valid_from, valid_until], and the window is no
 * longer than the maximum duration (a setting, default 365 days).
 *
 * Thread safety: read-only after load.
 */
#ifndef MSGSEC_EXCEPTION_H
#define MSGSEC_EXCEPTION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "agency.h"
#include "cidr.h"
#include "diag.h"
#include "domset.h"
#include "node.h"
#include "str.h"
#include "strset.h"

enum exception_status {
	EXC_REQUESTED,
	EXC_APPROVED,
	EXC_DENIED,
	EXC_REVOKED,
	EXC_EXPIRED,
};

const char *exception_status_name(enum exception_status s);

struct exception_review {
	char *body;
	bool approved;		/* decision: approved (true) or denied */
	char *by;
	int32_t on;		/* day */
	char *note;
};

struct exception {
	char *id;
	char *agency_id;
	const struct agency *agency;	/* resolved; NULL if unknown */
	char *requester_name, *requester_role, *requester_email;
	char *reasons, *circumstances, *access_controls;
	char **rule_globs;	/* scope.rules; none = every rule */
	size_t nrule_globs;
	struct strset *user_addrs;	/* scope.users with '@' */
	struct domset *user_domains;	/* scope.users without '@' */
	size_t nusers;
	struct cidrset *hosts;	/* scope.hosts; NULL = any host */
	int32_t valid_from, valid_until;	/* days, inclusive */
	enum exception_status status;
	struct exception_review *reviews;
	size_t nreviews;
	size_t nhistory;
	const char *file;
	unsigned line, col;
};

struct exception_settings {
	char **approvers;	/* bodies whose approval is required */
	size_t napprovers;
	uint32_t max_days;	/* longest allowed window */
};

/*
 * Load one record from a parsed file.  Validation (required fields,
 * window, approvals, status consistency, agency known, id = file name) adds
 * diagnostics; the record is returned only if it has no errors.
 */
struct exception *exception_load(const struct node *root, const char *file,
    const struct exception_settings *set, const struct agency *agencies,
    size_t nagencies, struct diags *d);
void exception_free(struct exception **e);

/*
 * Are a and b the same person's name, ignoring ASCII case and runs of
 * spaces (the test the loader applies to the two approvals)?
 */
bool exception_same_person(const char *a, const char *b);

/* Is it in force on this day? */
bool exception_in_force(const struct exception *e,
    const struct exception_settings *set, int32_t day);
/* Approved by every required body, by different people? */
bool exception_fully_approved(const struct exception *e,
    const struct exception_settings *set);

/*
 * Does e cover this event?  rule_id is required; agency_id, user and host
 * may be NULL/empty when unknown (then a scope that names them does not
 * match).  Does not look at status or window: see exception_in_force.
 */
bool exception_covers(const struct exception *e, const char *rule_id,
    const char *agency_id, struct span user, const struct ipaddr *host);

#endif
