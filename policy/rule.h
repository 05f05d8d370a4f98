/*
 * rule.h - compiled rules: who they apply to, what they match, what they do.
 *
 * A rule's match is a mapping of fields to tests, all of which must hold:
 *
 *   match:
 *     attachment.extension: { in: dangerous_extensions }
 *     subject: { regex: "(?i)\\bfree money\\b" }
 *     check: rfc5322.from.missing
 *
 * Fields have kinds (text, extension, domain, address, ip, port, number,
 * check); each kind accepts certain tests (in, regex, equals, at_least) and
 * certain list types.  The caller supplies the values of fields for the
 * object it is judging through struct rule_facts.
 *
 * Thread safety: compiled rules are read-only and shared by all threads.
 */
#ifndef MSGSEC_RULE_H
#define MSGSEC_RULE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "action.h"
#include "agency.h"
#include "cidr.h"
#include "diag.h"
#include "list.h"
#include "node.h"
#include "regex.h"
#include "str.h"

enum rule_applies {
	RULE_MAIL = 1,
	RULE_NETWORK = 2,
};

enum field_kind {
	KIND_TEXT,		/* regex, equals, in (string list) */
	KIND_EXTENSION,		/* in (extension list), equals, regex */
	KIND_MIMETYPE,		/* in (mimetype list), equals, regex */
	KIND_DOMAIN,		/* in (domain list), equals, regex */
	KIND_ADDRESS,		/* e-mail address: regex, equals */
	KIND_IP,		/* in (cidr list) */
	KIND_PORT,		/* in (port list) */
	KIND_NUMBER,		/* at_least */
	KIND_CHECK,		/* a check name or glob */
};

enum field {
	FIELD_CHECK,
	/* mail */
	FIELD_SUBJECT,
	FIELD_HEADER,		/* header.NAME: subkey is the field name */
	FIELD_BODY,
	FIELD_SENDER,
	FIELD_SENDER_DOMAIN,
	FIELD_RECIPIENT,
	FIELD_RECIPIENT_DOMAIN,
	FIELD_CLIENT_IP,
	FIELD_ATTACHMENT_NAME,
	FIELD_ATTACHMENT_EXTENSION,
	FIELD_ATTACHMENT_TYPE,
	FIELD_ATTACHMENT_DECLARED_TYPE,
	FIELD_VIRUS,
	/* network */
	FIELD_HOSTNAME,		/* any name seen: SNI, QUIC SNI, Host, DNS */
	FIELD_TLS_SNI,
	FIELD_QUIC_SNI,
	FIELD_HTTP_HOST,
	FIELD_DNS_QUERY,
	FIELD_APP_PROTO,
	FIELD_SRC_IP,
	FIELD_DEST_IP,
	FIELD_DEST_PORT,
	FIELD_BYTES_TOSERVER,
	FIELD_BYTES_TOCLIENT,
	FIELD_CALL_SERVICE,	/* the calling service STUN/TURN named */
	FIELD_COUNT_
};

struct field_info {
	const char *name;
	enum field field;
	enum field_kind kind;
	unsigned applies;	/* RULE_MAIL | RULE_NETWORK */
	const char *what;
};

const struct field_info *field_table(void);
const struct field_info *field_info(enum field f);

enum cond_op {
	COND_IN,
	COND_REGEX,
	COND_EQUALS,
	COND_AT_LEAST,
	COND_CHECK,
};

struct cond {
	enum field field;
	char *subkey;		/* FIELD_HEADER: the header name, lowercase */
	enum cond_op op;
	const struct list *list;	/* COND_IN: owned by the policy */
	struct list *own_list;	/* COND_IN with inline items */
	struct regex *re;
	char *str;		/* COND_EQUALS, COND_CHECK (glob) */
	uint64_t num;
};

struct rule_tag {
	char *header;		/* "X-Msgsec-Policy" */
	char *value;		/* header value; default "RULE (policy P)" */
	char *subject_prefix;	/* optional, e.g. "[POLICY 1.2] " */
};

struct rule {
	char *id;
	char *policy;		/* clause, e.g. "1.1" */
	char *description;
	unsigned applies;	/* RULE_MAIL or RULE_NETWORK */
	enum direction direction;
	char **agencies;	/* scope; none means every agency */
	size_t nagencies;
	struct cond *conds;
	size_t nconds;
	enum action action;
	char *reply;		/* "5.7.1 text" for reject/tempfail */
	struct rule_tag tag;
	bool monitor;
	bool enabled;
	const char *file;	/* owned by the policy */
	unsigned line, col;
};

/* One value of a field, as the caller knows it. */
struct fact {
	struct span s;		/* TEXT, EXTENSION, MIMETYPE, DOMAIN, ADDRESS, CHECK */
	struct ipaddr ip;	/* IP */
	uint8_t proto;		/* PORT */
	uint16_t port;
	uint64_t num;		/* NUMBER */
};

/*
 * The caller's view of the object being judged.  each() calls visit for
 * every value of field (subkey: the header name for FIELD_HEADER) until
 * visit returns true, and returns true if one did; false when the field
 * has no value.
 */
struct rule_facts {
	bool (*each)(void *ctx, enum field field, const char *subkey,
	    bool (*visit)(const struct cond *c, const struct fact *v),
	    const struct cond *c);
	void *ctx;
};

/* Does one value satisfy one condition? */
bool cond_test(const struct cond *c, const struct fact *v);

/* Do all of the rule's conditions hold? */
bool rule_matches(const struct rule *r, const struct rule_facts *facts);

/* Does the rule test this check name (a `check:` condition that globs it)? */
bool rule_tests_check(const struct rule *r, const char *check);

void rule_free_contents(struct rule *r);

/* What rule_compile needs from the rest of the policy. */
struct rule_env {
	struct list *const *lists;
	size_t nlists;
	const struct strset *broken;	/* ids of lists that failed to load */
	const struct agency *agencies;
	size_t nagencies;
	struct regex_limits re_limits;
};

/*
 * Compile one rule mapping into *out (zeroed first).  Every problem is a
 * diagnostic at its node; returns 0, or -1 (out is then freed).  The
 * section-2 guardrails are checked here: an agency-scoped mail rule that
 * filters outgoing mail needs the agency's acceptable-use policy, one that
 * filters incoming mail needs counsel approval.
 */
int rule_compile(const struct node *n, const struct rule_env *env,
    struct rule *out, struct diags *d);

/* Is clause one of the policy's clause numbers ("1.1", "3.2", ...)? */
bool rule_clause_is_valid(const char *clause);

#endif
