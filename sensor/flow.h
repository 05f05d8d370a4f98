/*
 * flow.h - the bidirectional flow table.
 *
 * A flow is keyed by (proto, address/port pairs, innermost VLAN) in either
 * direction; the client is the side that sent the first packet (or the
 * SYN without ACK when one is seen).  The table has a hard size bound:
 * when full, the least recently seen flow is evicted (and reported through
 * the expiry callback like a timed-out one).  Timeouts are per protocol
 * state (TCP established, TCP closed, UDP/other).  Flow ids are 51-bit
 * like Suricata's so they survive JSON number parsers, and distinct
 * across tables given distinct id_first < id_step.
 *
 * Memory: flows come from one arena sized by max_flows (320 bytes each;
 * pages are touched as slots are first used); no allocation per packet
 * once the table is built, except the stream buffers (stream.h: up to
 * 2 x stream_max per TCP flow until stream_done) and the application
 * state the engine hangs on `app`.  A TCP SYN (without ACK) on a closed
 * flow's tuple ends that flow and starts a new one.
 * Not thread-safe (one table per capture).
 */
#ifndef MSGSEC_FLOW_H
#define MSGSEC_FLOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/time.h>

#include "pkt.h"
#include "stream.h"

enum flow_dir {
	FLOW_TOSERVER = 0,
	FLOW_TOCLIENT = 1,
};

/*
 * Laid out for the lookup: the chain link, hash and key share the first
 * two cache lines (the arena is 64-byte aligned), the counters come next,
 * the streams last.
 */
struct flow {
	/* table internals */
	struct flow *hnext, *lru_prev, *lru_next;
	uint32_t hash;
	uint8_t lru;		/* which timeout list */
	/* the key */
	uint8_t proto;
	uint8_t ipver;
	uint16_t vlan;		/* innermost tag, 0 when none */
	uint16_t cport, sport;
	struct ipaddr cli, srv;
	uint64_t id;
	struct timeval first, last;
	uint64_t pkts[2];	/* indexed by enum flow_dir */
	uint64_t bytes[2];	/* L4 payload bytes (as declared on the wire) */
	bool tcp_closed;	/* FIN both ways or RST */
	uint8_t tcp_fin;	/* FIN seen: bit (1 << enum flow_dir) */
	void *app;		/* the engine's per-flow state; the engine
				   frees it from the expiry callback */
	struct stream tcp[2];	/* TCP only */
};

struct flow_limits {
	size_t max_flows;	/* default 262144 */
	size_t stream_max;	/* reassembly bytes per direction, default 16384 */
	unsigned tcp_timeout;	/* established, seconds, default 600 */
	unsigned tcp_closed_timeout;	/* default 30 */
	unsigned tcp_new_timeout;	/* no packet back yet, default 30 */
	unsigned udp_timeout;	/* default 120 */
	/* Flow ids: the counter starts at id_first and steps by id_step
	 * (0 counts as 1), so N tables with first 0..N-1 and step N never
	 * hand out the same id (capture workers). */
	uint64_t id_first, id_step;
};

struct flow_stats {
	uint64_t flows, active, evicted, timed_out;
};

/* Called once for every flow leaving the table (timeout, eviction, flush). */
typedef void flow_end_fn(void *ctx, struct flow *f);

struct flow_table;

void flow_limits_default(struct flow_limits *l);
struct flow_table *flow_table_new(const struct flow_limits *l,
    flow_end_fn *on_end, void *ctx);
/* Ends every flow (on_end for each) and frees the table. */
void flow_table_free(struct flow_table **t);

/*
 * The flow of packet p, created when new (*created_r), with *dir_r the
 * packet's direction.  Updates last-seen, packet and byte counts and TCP
 * close state; the caller feeds streams itself.  Returns NULL only for a
 * packet that is not TCP/UDP/other-IP.  May evict the oldest flow first.
 */
struct flow *flow_get(struct flow_table *t, const struct pkt *p,
    enum flow_dir *dir_r, bool *created_r);

/*
 * Swap client and server (addresses, ports, per-direction counts, streams,
 * FIN bits) when the caller knows better than the first packet (a reply
 * from a well-known port seen first).  The flow stays in the table: the
 * key and its hash do not depend on the direction.
 */
void flow_reverse(struct flow *f);

/* End flows idle past their timeout at time now (capture time). */
void flow_expire(struct flow_table *t, const struct timeval *now);
/* End every flow (end of file, SIGTERM). */
void flow_flush(struct flow_table *t);

const struct flow_stats *flow_table_stats(const struct flow_table *t);

#endif
