/*
 * engine.h - the sensor's per-packet path: frame -> decoded packet -> flow
 * -> TCP reassembly of the first bytes / UDP payload -> application parsers
 * -> judge (alerts) -> flow log when the flow ends.
 *
 * Parsers look only at the start of a flow: TCP client-to-server streams
 * are offered to TLS, HTTP, IM and (on port 53) DNS until one of them
 * recognises its protocol (returns 1) or all have declined (-1) or the
 * reassembly bound is reached; then the stream stops buffering.  UDP:
 * DNS on port 53 (every message), QUIC Initials (until the ClientHello
 * is whole or the flow is given up), STUN/TURN both ways on any port
 * (stun.h; also over TCP) until a calling service is known or
 * sensor.stun_messages messages were read.  Nothing is allocated per packet in
 * the common path: per-flow state comes from a free list, parser results
 * go to scratch structures owned by the engine.
 *
 * Time is capture time: flows and fragments expire as packet timestamps
 * advance (once per second of capture time).
 * Not thread-safe: one engine per capture (per capture worker); what
 * engines share (the policy, the alert log, the flow log, the per-rule
 * counters) is thread-safe on its own.
 */
#ifndef MSGSEC_ENGINE_H
#define MSGSEC_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/time.h>

#include "flow.h"
#include "judge.h"
#include "pkt.h"

struct policy;
struct alert_log;
struct flowlog;

struct engine_settings {
	struct pkt_limits pkt;
	struct flow_limits flow;
	struct judge_settings judge;
	size_t quic_crypto_max;	/* per QUIC flow (quic_state_new_bounded) */
	unsigned quic_initials;
	unsigned stun_messages;	/* STUN messages inspected per flow */
	size_t stream_memory;	/* all client streams still being parsed:
				   past it a stream is given up
				   (limit.reassembly) */
};

/* Fill from the configuration's sensor.* settings. */
void engine_settings_from_policy(struct engine_settings *s,
    const struct policy *p);
/*
 * Worker i of n (capture workers): the totals the settings give
 * (sensor.max_flows, stream_memory, frag_memory, frag_datagrams) divided
 * by n, never below a working minimum, and flow ids interleaved with the
 * other workers' (flow_limits id_first, id_step) so they stay unique.
 */
void engine_settings_share(struct engine_settings *s, unsigned i,
    unsigned n);

struct engine_stats {
	uint64_t frames, bytes;		/* as captured (wire lengths) */
	uint64_t no_flow;		/* IP but not TCP/UDP/tracked */
	uint64_t tls_hellos, tls_sni, tls_ech;
	uint64_t quic_initials, quic_hellos, quic_failed;
	uint64_t gquic_hellos;
	uint64_t http_requests;
	uint64_t dns_messages, dns_tcp_messages, dns_bad;
	uint64_t im_detected;
	uint64_t stun_flows, stun_messages;	/* STUN/TURN seen */
	uint64_t streams_undecided;	/* reassembly bound hit, no parser
					   recognised the stream */
	uint64_t streams_over_memory;	/* ... of which the memory bound */
	uint64_t stream_held;		/* bytes client streams still being
					   parsed hold now (0 after a flush) */
	uint64_t flows_logged;
};

struct engine;

/*
 * An engine judging with policy p (a reference is taken), alerting to log
 * and (when flowlog is not NULL) logging flows; log and flowlog are
 * borrowed and must outlive the engine.
 */
struct engine *engine_new(const struct engine_settings *s, struct policy *p,
    struct alert_log *log, struct flowlog *flowlog);
/* Flushes every flow (alerts, flow log), then frees. */
void engine_free(struct engine **e);

/* One captured frame of the given link type. */
void engine_packet(struct engine *e, int linktype, const struct timeval *ts,
    const uint8_t *frame, size_t caplen, size_t wirelen);

/* Capture time advanced without packets (live capture): expire flows. */
void engine_tick(struct engine *e, const struct timeval *now);

/* End every flow now (end of file, SIGTERM). */
void engine_flush(struct engine *e);

/* A new policy (SIGHUP): flows are kept. */
void engine_set_policy(struct engine *e, struct policy *p);

/*
 * Every counter of an engine, to add several up (capture workers).  Each
 * of these structs holds only uint64_t fields: engine_totals_add sums
 * them word by word, so a counter added to one of them is summed too.
 */
struct engine_totals {
	struct engine_stats eng;
	struct pkt_stats pkt;
	struct flow_stats flow;
	struct judge_stats judge;
};

void engine_totals(const struct engine *e, struct engine_totals *t);
void engine_totals_add(struct engine_totals *sum,
    const struct engine_totals *t);

const struct engine_stats *engine_stats(const struct engine *e);
const struct pkt_stats *engine_pkt_stats(const struct engine *e);
const struct flow_stats *engine_flow_stats(const struct engine *e);
const struct judge_stats *engine_judge_stats(const struct engine *e);

#endif
