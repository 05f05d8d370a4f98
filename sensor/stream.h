/*
 * stream.h - reassembly of the first bytes of one TCP direction.
 *
 * The sensor only needs the beginning of each direction (a ClientHello, an
 * HTTP request head, an XMPP stream opening), so a stream keeps at most
 * `max` bytes from the initial sequence number on, in order, whatever
 * order the segments arrived in: out-of-order segments wait (bounded by
 * the same `max`), retransmissions and overlaps keep the first copy
 * (first-wins, as most stacks and Suricata's default policy do), and bytes
 * past `max` are dropped.  Sequence numbers wrap (RFC 9293 modular
 * arithmetic).  When the SYN was not seen the stream starts at the first
 * segment that carries data.
 *
 * Memory: one buffer per stream, grown on demand up to `max`, freed with
 * stream_free.  Not thread-safe (a stream belongs to one flow).
 */
#ifndef MSGSEC_STREAM_H
#define MSGSEC_STREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct stream_seg;	/* out-of-order segment, private */

struct stream {
	uint32_t isn;		/* sequence number of data byte 0 */
	bool started;		/* isn known */
	bool fin;		/* FIN or RST seen */
	uint8_t *buf;		/* bytes [0, len) in order */
	size_t len;		/* contiguous bytes from isn */
	size_t cap;
	size_t max;		/* the reassembly bound (a setting) */
	bool full;		/* len reached max: no more buffering */
	uint64_t gaps;		/* segments that left a hole when stored */
	uint64_t overlaps;	/* overlapping bytes seen (first copy kept) */
	struct stream_seg *ooo;	/* pending out-of-order segments */
	size_t ooo_bytes;
};

void stream_init(struct stream *s, size_t max);
void stream_free(struct stream *s);

/*
 * Feed one segment: seq, flags (TCPF_* from pkt.h) and payload.
 * Returns true when the in-order prefix grew (a parser should look again).
 */
bool stream_add(struct stream *s, uint32_t seq, uint8_t flags,
    const uint8_t *data, size_t len);

/* The in-order prefix so far. */
static inline const uint8_t *
stream_data(const struct stream *s, size_t *len_r)
{
	*len_r = s->len;
	return s->buf;
}

/* Stop buffering (the parsers are done with this direction); frees buf. */
void stream_done(struct stream *s);

#endif
