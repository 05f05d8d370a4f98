/*
 * agency.h - agency records: who an agency is on the wire (mail domains,
 * networks) and the section-2 legal records that allow it to filter
 * content (an acceptable-use policy for outgoing mail, General Counsel
 * approval for incoming mail).
 *
 *   agencies:
 *     - id: DEP
 *       name: Department of Environmental Protection
 *       domains: [dep.example.gov]
 *       networks: [192.0.2.0/24, 2001:db8:20::/48]
 *       acceptable_use_policy: { ref: DEP-AUP-2025, date: 2025-01-10 }
 *       inbound_content_filtering: { counsel_approval: GC-2025-014, date: 2025-02-01 }
 *       official_im: [teams.example.gov]
 *       journal_address: records@dep.example.gov
 *
 * Thread safety: read-only after load.
 */
#ifndef MSGSEC_AGENCY_H
#define MSGSEC_AGENCY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cidr.h"
#include "diag.h"
#include "domset.h"
#include "node.h"

struct agency {
	char *id;
	char *name;
	struct domset *domains;
	struct cidrset *networks;
	struct domset *official_im;	/* may be empty */
	char *aup_ref;		/* NULL: no acceptable-use policy on file */
	int32_t aup_date;
	char *counsel_ref;	/* NULL: no counsel approval on file */
	int32_t counsel_date;
	char *journal_address;	/* NULL: none; the agency's records archive,
				 * journaled beside journal.address */
	const char *file;
	unsigned line, col;
};

/*
 * Load every agency of one parsed file (top-level key "agencies", a list)
 * and append them to *v / *n.  Duplicate ids across the whole set are
 * reported by agency_check_unique.  An agency with a valid id is appended
 * even when another field has an error (that field left out), so later
 * checks do not report it as unknown; a set loaded with errors must not
 * be used.
 */
void agency_load_doc(const struct node *root, const char *file,
    struct agency **v, size_t *n, struct diags *d);
void agency_check_unique(const struct agency *v, size_t n, struct diags *d);
void agency_free_contents(struct agency *a);

/* The agency whose domain set holds domain (most specific match), or NULL. */
const struct agency *agency_by_domain(const struct agency *v, size_t n,
    const char *domain, size_t len);
/* The agency whose networks hold addr, or NULL. */
const struct agency *agency_by_addr(const struct agency *v, size_t n,
    const struct ipaddr *addr);
const struct agency *agency_by_id(const struct agency *v, size_t n,
    const char *id);

#endif
