/*
 * policy.h - the loaded policy: an immutable, reference-counted snapshot of
 * the configuration, lists, rules, agencies and exceptions.
 *
 * Loading is YAML -> located tree -> compile (every regex compiled, every
 * list built) -> validate -> publish.  A load that finds any error returns
 * nothing and the caller keeps its old snapshot (STYLE.md section 1).
 *
 * Thread safety: a snapshot is read-only; policy_ref/policy_unref are
 * atomic; struct policy_holder publishes a new snapshot to running threads.
 */
#ifndef MSGSEC_POLICY_H
#define MSGSEC_POLICY_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "agency.h"
#include "config.h"
#include "diag.h"
#include "exception.h"
#include "list.h"
#include "rule.h"

struct policy {
	unsigned refcount;	/* atomic */
	struct config config;
	struct exception_settings exc_settings;

	struct list **lists;
	size_t nlists;
	struct strset *broken_lists;	/* ids that failed to load */
	struct rule *rules;
	size_t nrules;
	struct agency *agencies;
	size_t nagencies;
	struct exception **exceptions;
	size_t nexceptions;

	struct node_doc **docs;	/* kept: rules and records point into them */
	size_t ndocs;
	time_t loaded_at;
	/*
	 * The content hash of the policy: SHA-256 over every file it read
	 * (each one's SHA-256, in load order: the configuration, rules,
	 * lists, agencies, exception records; not their paths) and the --set
	 * overrides, so the
	 * office sees which gateway runs which policy (alerts'
	 * policy_hash, --version).  hash_short: its first 12 digits.
	 */
	char hash[65];
	char hash_short[13];
};

/*
 * Load the configuration file and everything it names.  overrides are
 * "key.path=value" strings (--set), applied before anything is compiled.
 * Returns a snapshot with one reference, or NULL with diagnostics in d
 * (sorted by file, line, column).
 */
struct policy *policy_load(const char *config_file,
    const char *const *overrides, size_t noverrides, struct diags *d);

struct policy *policy_ref(struct policy *p);
void policy_unref(struct policy **p);

const struct list *policy_list(const struct policy *p, const char *id);
const struct rule *policy_rule(const struct policy *p, const char *id);
const struct agency *policy_agency(const struct policy *p, const char *id);
const struct agency *policy_agency_by_domain(const struct policy *p,
    const char *domain, size_t len);
const struct agency *policy_agency_by_addr(const struct policy *p,
    const struct ipaddr *addr);

/*
 * Which exception, if any, covers (rule, agency, user, host) at time t?
 * The first in force, in id order.  NULL when none does.
 */
const struct exception *policy_exception_for(const struct policy *p,
    const char *rule_id, const char *agency_id, struct span user,
    const struct ipaddr *host, time_t t);

/* Publication of the current snapshot to running threads. */
struct policy_holder {
	pthread_mutex_t lock;
	struct policy *current;
};

void policy_holder_init(struct policy_holder *h, struct policy *p);
/* A new reference to the current snapshot; release with policy_unref. */
struct policy *policy_holder_get(struct policy_holder *h);
/* Replace the snapshot (takes over the caller's reference to p). */
void policy_holder_set(struct policy_holder *h, struct policy *p);
void policy_holder_destroy(struct policy_holder *h);

#endif
