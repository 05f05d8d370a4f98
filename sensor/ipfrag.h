/*
 * ipfrag.h - IPv4 (RFC 791) and IPv6 (RFC 8200 section 4.5) fragment
 * reassembly for the packet decoder (pkt.c).  Private to the decoder.
 *
 * A datagram is keyed by (version, source, destination, identification,
 * and for IPv4 the protocol).  Fragments are placed by 8-byte blocks;
 * overlapping and duplicate bytes keep the first copy (first-wins) and are
 * counted.  Bounded by struct pkt_limits: datagrams pending (the oldest is
 * dropped to make room), bytes per datagram, memory of all pending
 * datagrams (oldest dropped first) and the timeout since the first
 * fragment.  Not thread-safe (one table per decoder).
 */
#ifndef MSGSEC_IPFRAG_H
#define MSGSEC_IPFRAG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/time.h>

#include "pkt.h"

struct ipfrag_key {
	struct ipaddr src, dst;
	uint32_t id;
	uint8_t ver;		/* 4 or 6 */
	uint8_t proto;		/* IPv4 protocol; 0 for IPv6 */
};

struct ipfrag;

/* A table bounded by *l; counters go to *st (frags_*, malformed). */
struct ipfrag *ipfrag_new(const struct pkt_limits *l, struct pkt_stats *st);
void ipfrag_free(struct ipfrag **f);

/*
 * Add one fragment: byte offset `off` of the datagram's payload, `more` =
 * the more-fragments flag, `nh` the next header this fragment announces
 * (used from the offset-0 fragment; IPv6).  Returns 1 when the datagram is
 * complete: *buf_r is a heap block (free() it) of *len_r bytes holding the
 * reassembled payload, *nh_r the protocol of that payload.  Returns 0 when
 * the fragment was kept, -1 when it (or its datagram) was dropped.
 */
int ipfrag_add(struct ipfrag *f, const struct ipfrag_key *k,
    const struct timeval *ts, size_t off, bool more, uint8_t nh,
    const uint8_t *data, size_t len, uint8_t **buf_r, size_t *len_r,
    uint8_t *nh_r);

/* Drop datagrams whose first fragment is older than the timeout at now. */
void ipfrag_expire(struct ipfrag *f, const struct timeval *now);

/* Datagrams and bytes pending (tests). */
size_t ipfrag_pending(const struct ipfrag *f);
size_t ipfrag_memory(const struct ipfrag *f);

#endif
