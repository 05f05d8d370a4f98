/*
 * pkt.h - link layer to transport: one captured frame in, one decoded
 * packet (addresses, ports, TCP fields, L4 payload) out.
 *
 * Link types (pcap DLT/LINKTYPE numbers): EN10MB (1), RAW (101, and 12/14
 * as some systems number it), NULL (0) and LOOP (108), LINUX_SLL (113),
 * LINUX_SLL2 (276), IPV4 (228), IPV6 (229).  802.1Q (0x8100), 802.1ad
 * (0x88a8) and nested tags; IPv4 with options; IPv6 with extension headers
 * (hop-by-hop, routing, destination options, fragment); IPv4 and IPv6
 * fragment reassembly (bounded by pkt_limits); tunnels GRE (IPv4/IPv6/
 * transparent Ethernet bridging), VXLAN (UDP 4789), IP-in-IP and 6in4/4in6,
 * up to `max_layers` encapsulations (STYLE.md 3: 16).  The innermost IP
 * header is the one reported.  Also: LLC/SNAP, PPPoE sessions, MPLS label
 * stacks, PPTP's enhanced GRE with PPP, IPv6 AH skipped (ESP and other
 * protocols end the walk and are reported with their payload).
 *
 * Truncated against malformed: headers cut short because the capture cut
 * the frame (caplen < wirelen) count as `truncated`; lengths that cannot
 * be (IHL < 5, an IP or UDP length past a frame that was not cut, a TCP
 * data offset < 5, ...) count as `malformed`.  Both give PKT_ERROR.  A
 * packet whose headers are whole but whose payload was cut is PKT_OK with
 * truncated set and paylen < l4len.  An IPv4 total length or IPv6 payload
 * length of 0 (segmentation offload, jumbograms) means "the rest of the
 * frame".  Trailing link padding is trimmed.  VLAN tags past
 * PKT_MAX_VLANS overwrite the last slot, so vlan[nvlan - 1] is always the
 * innermost.
 *
 * Trusts nothing in the frame.  Every read goes through a cursor.
 * A decoder owns the fragment table; not thread-safe (one per capture).
 */
#ifndef MSGSEC_PKT_H
#define MSGSEC_PKT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/time.h>

#include "cidr.h"	/* struct ipaddr: 16 bytes, IPv4 mapped ::ffff:a.b.c.d */

enum {
	PKT_MAX_VLANS = 4,
};

/* TCP flags as on the wire. */
enum {
	TCPF_FIN = 0x01,
	TCPF_SYN = 0x02,
	TCPF_RST = 0x04,
	TCPF_PSH = 0x08,
	TCPF_ACK = 0x10,
};

struct pkt {
	struct timeval ts;
	uint32_t wirelen;	/* the frame's length on the wire */
	uint8_t ipver;		/* 4 or 6 (innermost) */
	uint8_t proto;		/* IPPROTO_TCP, IPPROTO_UDP, other */
	struct ipaddr src, dst;
	uint16_t sport, dport;	/* 0 for protocols without ports */
	uint8_t tcp_flags;
	uint32_t seq, ack;	/* TCP */
	uint16_t vlan[PKT_MAX_VLANS];	/* outermost first */
	uint8_t nvlan;
	uint8_t layers;		/* encapsulations crossed */
	bool truncated;		/* payload cut by snaplen */
	const uint8_t *payload;	/* L4 payload (may point into the
				   decoder's reassembly buffer: valid until
				   the next pkt_decode call) */
	size_t paylen;		/* bytes present (<= the IP-declared length) */
	uint32_t l4len;		/* the L4 payload length the headers declare */
};

/* What pkt_decode reports. */
enum pkt_result {
	PKT_OK = 0,		/* *out is an IP packet */
	PKT_SKIP,		/* not IP (ARP, LLDP, ...): nothing to do */
	PKT_HELD,		/* a fragment kept for reassembly */
	PKT_ERROR,		/* malformed or truncated headers: counted */
};

/* Counters a decoder keeps, printed at the end of a run (parser events). */
struct pkt_stats {
	uint64_t packets, ip4, ip6, tcp, udp, other_l4, non_ip;
	uint64_t truncated, malformed, bad_linktype, too_many_layers;
	uint64_t frags, frags_reassembled, frags_dropped, frag_overlaps;
	uint64_t tunnels;
};

struct pkt_limits {
	unsigned max_layers;		/* encapsulations, default 16 */
	size_t frag_max_datagrams;	/* datagrams pending, default 1024 */
	size_t frag_max_bytes;		/* per datagram, default 65535 */
	size_t frag_memory;		/* all pending fragments, default 16 MiB */
	unsigned frag_timeout;		/* seconds, default 30 */
};

struct pkt_decoder;

void pkt_limits_default(struct pkt_limits *l);
struct pkt_decoder *pkt_decoder_new(const struct pkt_limits *l);
void pkt_decoder_free(struct pkt_decoder **d);

/* Does this decoder know the link type? */
bool pkt_linktype_is_supported(int linktype);

/*
 * Decode one frame of `linktype`; caplen bytes are present, wirelen were
 * on the wire.  Returns a pkt_result; on PKT_OK *out is filled and
 * out->payload stays valid until the next call on this decoder.
 */
enum pkt_result pkt_decode(struct pkt_decoder *d, int linktype,
    const struct timeval *ts, const uint8_t *frame, size_t caplen,
    size_t wirelen, struct pkt *out);

/* Drop fragments older than the timeout (called as capture time advances). */
void pkt_expire(struct pkt_decoder *d, const struct timeval *now);

const struct pkt_stats *pkt_decoder_stats(const struct pkt_decoder *d);

#endif
