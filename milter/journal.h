/*
 * journal.h - journaling (clause 5): the records archives a delivered
 * message is copied to as extra envelope recipients, as Exchange
 * journaling does.
 *
 * The archives of a message: journal.address, the journal_address of the
 * sender's agency when the message is outbound, and that of every
 * delivered recipient's agency (by the recipient's domain), in either
 * direction.  An agency's archive extends the global one, never replaces
 * it.  Each address comes once (compared without regard to case; spelt as
 * journal.address has it, else as the spelling that sorts first), and an
 * address already among the envelope's recipients, removed ones included,
 * is left out: mail addressed to an archive, or re-entering the gateway
 * with its archive copy among its recipients, gets no second copy.
 *
 * Thread safety: none shared; the policy snapshot is read only.
 */
#ifndef MSGSEC_JOURNAL_H
#define MSGSEC_JOURNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "action.h"
#include "inspect.h"
#include "policy.h"

/*
 * Is a message with this verdict delivered, and so journaled?  Accept,
 * log, tag and strip are (strip: the copy as delivered; the original is
 * in the quarantine store).  Quarantine, discard, reject and tempfail are
 * not: a blocked message is kept whole in the store, and journaled when
 * it is released.
 */
bool journal_is_delivered(enum action a);

/*
 * The archive addresses of a message, sorted (so that the recipients'
 * order changes nothing), into *out_r (allocated, free() it; NULL when
 * none).  removed: NULL, or one flag per recipient of env, true for a
 * recipient taken off the envelope (its agency gets no copy).  The
 * strings point into p, valid while p is referenced.  Returns the count,
 * at most 1 + the agencies of the policy.
 */
size_t journal_collect(const struct policy *p, const struct envelope *env,
    enum direction dir, const bool *removed, const char ***out_r);

/*
 * The archives of the message in, after inspect_finish (journal_collect
 * with its envelope and direction; the recipients the verdict removed get
 * none for their agencies).  Same contract as journal_collect.
 */
size_t inspect_journal(const struct inspect *in, const char ***out_r);

/*
 * The same for a message delivered without being judged (released from
 * quarantine): its direction is found from the envelope first.
 */
size_t inspect_journal_unjudged(struct inspect *in, const char ***out_r);

#endif
