/*
 * judge.h - the sensor's policy judgement: facts about a flow in, alerts
 * out.
 *
 * The engine tells the judge what it learnt about a flow (a name on the
 * wire and where it came from, the application protocol, ECH) and when;
 * the judge evaluates the policy's network rules on those facts
 * (rule_matches, policy/rule.h), attributes the client address to an
 * agency, decides as the milter does what a rule that held means for it
 * (decide.h: the rule's agency scope, approved exceptions - the action
 * becomes "log" with the exception's id - and monitor mode) and writes
 * one alert per flow and rule.  DNS query names
 * are judged one by one and deduplicated per (client, name) over
 * sensor.dns_dedup_seconds in a bounded table.  Byte-threshold rules
 * (bytes.toserver / bytes.toclient at_least N) are re-evaluated only when
 * a flow's bytes reach the smallest threshold still pending
 * (judge_bytes_due), never on every packet.
 *
 * Trusts: the policy snapshot (read-only, reference held); names come
 * from the parsers already escaped and lowercased, and are only compared
 * and written through the JSON writer.  Not thread-safe: one judge per
 * engine.
 */
#ifndef MSGSEC_JUDGE_H
#define MSGSEC_JUDGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/time.h>
#include <time.h>

#include "flow.h"

struct prom_table;

struct policy;
struct alert_log;

enum app_proto {
	APP_UNKNOWN = 0,
	APP_TLS,
	APP_QUIC,
	APP_GQUIC,
	APP_HTTP,
	APP_DNS,
	APP_XMPP,
	APP_IRC,
	APP_MQTT,
	APP_WHATSAPP,
	APP_DINGTALK,
	APP_DISCORD,
	APP_OICQ,
	APP_IMO,
	APP_STUN,		/* STUN/TURN, Discord IP discovery (stun.h) */
	APP_COUNT_
};

/* "tls", "quic", ..., "unknown" (the alert's app_proto). */
const char *app_proto_name(enum app_proto a);

/* Where a name was seen (the alert's name_source). */
enum name_source {
	NAME_TLS_SNI = 0,
	NAME_QUIC_SNI,
	NAME_GQUIC_SNI,
	NAME_HTTP_HOST,
	NAME_XMPP_TO,
	NAME_DNS_QUERY,
	NAME_COUNT_
};

/* "tls.sni", "quic.sni", "gquic.sni", "http.host", "xmpp.to", "dns.query" */
const char *name_source_name(enum name_source s);

/* Built-in checks the sensor raises (policy/check.c). */
enum {
	JUDGE_CHECK_LIMIT_FLOWS = 1u << 0,	/* limit.flows */
	JUDGE_CHECK_LIMIT_REASSEMBLY = 1u << 1,	/* limit.reassembly */
	JUDGE_CHECK_LIMIT_STUN = 1u << 2,	/* limit.stun */
};

struct stun_flow;

/* What is known about a flow at the time of a judgement. */
struct judge_view {
	const struct flow *flow;
	enum app_proto app;
	const char *names[NAME_COUNT_];	/* NULL when not seen; the
					   NAME_DNS_QUERY slot is unused:
					   see judge_dns */
	const char *app_detail;	/* what the protocol's signature matched
				   (static, e.g. "ip-discovery-request"),
				   or NULL */
	bool ech;		/* a ClientHello with an outer ECH extension
				   (tls.name-hidden when the SNI is a known
				   ECH front) */
	unsigned checks;	/* JUDGE_CHECK_* raised on this flow */
	const struct stun_flow *stun;	/* NULL, or what STUN said: the
					   call.service field, the alert's
					   stun object */
};

/* Per-flow judging state, embedded in the engine's per-flow state. */
struct judge_flow {
	uint64_t next_bytes[2];	/* re-judge when bytes[dir] reach this */
	uint64_t fired_small;	/* fired rules, when the policy has <= 64 */
	uint64_t *fired;	/* -> fired_small, or an array */
	uint32_t gen;		/* the policy generation of `fired` */
	uint32_t nwords;
};

struct judge_stats {
	uint64_t alerts;	/* written */
	uint64_t alerts_failed;	/* the log could not take them */
	uint64_t by_event[8];	/* indexed by judge_event_index */
	uint64_t excepted;	/* alerts whose action an exception lowered */
	uint64_t dns_names;	/* DNS names judged */
	uint64_t dns_deduped;	/* ... skipped: alerted recently */
	uint64_t evaluations;	/* rule sets evaluated */
};

/* The event types counted in by_event, for the summary. */
const char *judge_event_name(unsigned i);

struct judge_settings {
	uint64_t dns_dedup_seconds;
	size_t dns_dedup_slots;	/* power of two; 0: 65536 */
	const char *ech_fronts_list;	/* list id; NULL: "ech_fronts" */
	time_t now;		/* exceptions judged at this time; 0: the
				   wall clock at each alert */
	struct prom_table *rule_alerts;	/* NULL, or alerts counted by rule
					   id here (borrowed; prom.h) */
};

struct judge;

/*
 * A judge for policy p (a reference is taken) writing to log (borrowed:
 * must outlive the judge).
 */
struct judge *judge_new(struct policy *p, struct alert_log *log,
    const struct judge_settings *s);
void judge_free(struct judge **j);

/*
 * Replace the policy (SIGHUP): a new reference is taken, the old one
 * dropped.  Flows keep what already fired, mapped to the new rules by id.
 */
void judge_set_policy(struct judge *j, struct policy *p);
/* The current policy (borrowed: valid until judge_set_policy). */
struct policy *judge_policy(const struct judge *j);

void judge_flow_init(struct judge *j, struct judge_flow *jf);
void judge_flow_clear(struct judge_flow *jf);

/*
 * Judge a flow's facts at capture time ts: every network rule that holds
 * and has not fired on this flow yet writes its alert.  Call when a fact
 * changes (flow start, a name, the application protocol, a check) and when
 * judge_bytes_due says so.
 */
void judge_flow(struct judge *j, struct judge_flow *jf,
    const struct judge_view *v, const struct timeval *ts);

/* Have the flow's bytes reached a threshold some pending rule tests? */
static inline bool
judge_bytes_due(const struct judge_flow *jf, const struct flow *f)
{
	return f->bytes[0] >= jf->next_bytes[0] ||
	    f->bytes[1] >= jf->next_bytes[1];
}

/*
 * Judge one DNS question name seen on the flow (the client is the flow's
 * client): rules that hold because of this name alert once per client and
 * name per dedup window, whatever flow carries them.
 */
void judge_dns(struct judge *j, const struct judge_view *v, const char *name,
    const struct timeval *ts);

/*
 * Is addr on a list that an enabled network rule tests dest.ip against
 * (a service's published range)?  The engine turns a flow whose first
 * packet came from such an address (the server's half joined late).
 */
bool judge_is_service_addr(const struct judge *j, const struct ipaddr *addr);

/* The agency holding the flow's client address, or NULL. */
const char *judge_agency(const struct judge *j, const struct flow *f);

const struct judge_stats *judge_stats(const struct judge *j);

#endif
