/*
 * fuzz_pkt.c - the packet path: decoder, fragment reassembly, flow table
 * and TCP streams, on a few frames per input.
 *
 * Input: byte 0 picks the link type from a table, byte 1 picks small
 * limits (so fragment drops, layer limits and flow eviction happen), then
 * frames, each as
 *   length(2, big-endian) cut(1) time-step(1) frame(length)
 * where cut is how many bytes the capture dropped (wirelen = caplen +
 * cut) and time-step advances the clock (expiry).  A short tail is one
 * last frame.
 * Invariants: a decoded packet's payload is readable for paylen bytes,
 * paylen <= l4len, the version is 4 or 6, tags and layers within bounds;
 * every flow a packet maps to is the same for the reply direction.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "flow.h"
#include "pkt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const int linktypes[] = { 1, 101, 0, 108, 113, 276, 228, 229, 12,
	14 };

static void
on_end(void *ctx, struct flow *f)
{
	size_t *n = ctx;

	(*n)++;
	if (f->pkts[0] + f->pkts[1] == 0)
		abort();
}

static void
path(struct pkt_decoder *d, struct flow_table *ft, int lt,
    const struct timeval *ts, const uint8_t *frame, size_t caplen,
    size_t wirelen, unsigned max_layers)
{
	struct pkt p, q;
	struct flow *f, *g;
	enum flow_dir dir, dir2;
	bool created;
	unsigned sum = 0;

	if (pkt_decode(d, lt, ts, frame, caplen, wirelen, &p) != PKT_OK)
		return;
	if (p.ipver != 4 && p.ipver != 6)
		abort();
	if (p.paylen > p.l4len || p.nvlan > PKT_MAX_VLANS ||
	    p.layers > max_layers || (p.paylen > 0 && p.payload == NULL))
		abort();
	for (size_t i = 0; i < p.paylen; i++)
		sum += p.payload[i];
	(void)sum;
	f = flow_get(ft, &p, &dir, &created);
	if (f == NULL)
		abort();
	if (p.proto == 6 && f->proto == 6) {
		stream_add(&f->tcp[dir], p.seq, p.tcp_flags, p.payload,
		    p.paylen);
		if (f->tcp[dir].len > 200)
			stream_done(&f->tcp[dir]);
	}
	/* The reply direction finds the same flow. */
	q = p;
	q.src = p.dst;
	q.dst = p.src;
	q.sport = p.dport;
	q.dport = p.sport;
	q.tcp_flags = TCPF_ACK;
	g = flow_get(ft, &q, &dir2, &created);
	if (g != f || created)
		abort();
	if (dir2 == dir && (p.sport != p.dport ||
	    memcmp(&p.src, &p.dst, sizeof(p.src)) != 0))
		abort();
	flow_expire(ft, ts);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pkt_limits pl;
	struct flow_limits fl;
	struct pkt_decoder *d;
	struct flow_table *ft;
	struct timeval ts = { 1000, 0 };
	size_t off = 2, ended = 0;
	uint64_t nflows;
	int lt;

	if (size < 2)
		return 0;
	lt = linktypes[data[0] % (sizeof(linktypes) / sizeof(linktypes[0]))];
	pkt_limits_default(&pl);
	flow_limits_default(&fl);
	if (data[1] & 1) {
		pl.max_layers = 2;
		pl.frag_max_datagrams = 2;
		pl.frag_max_bytes = 600;
		pl.frag_memory = 4000;
		pl.frag_timeout = 2;
	}
	fl.max_flows = 1 + (data[1] >> 1 & 7);
	fl.stream_max = 64 + (size_t)(data[1] >> 4) * 64;
	fl.udp_timeout = 3;
	fl.tcp_closed_timeout = 2;
	fl.tcp_timeout = 5;
	d = pkt_decoder_new(&pl);
	ft = flow_table_new(&fl, on_end, &ended);
	while (off < size) {
		size_t len, cut = 0;

		if (size - off >= 4) {
			len = (size_t)data[off] << 8 | data[off + 1];
			cut = data[off + 2];
			ts.tv_sec += data[off + 3] >> 6;
			ts.tv_usec = (data[off + 3] & 0x3f) * 15625;
			off += 4;
			if (len > size - off)
				len = size - off;
		} else {
			len = size - off;
		}
		/* An exact-size copy so ASan sees any overread. */
		uint8_t *frame = malloc(len == 0 ? 1 : len);

		if (frame == NULL)
			abort();
		memcpy(frame, data + off, len);
		path(d, ft, lt, &ts, frame, len, len + cut, pl.max_layers);
		free(frame);
		off += len;
		pkt_expire(d, &ts);
	}
	nflows = flow_table_stats(ft)->flows;
	flow_table_free(&ft);
	if (ended != nflows)	/* every flow ends exactly once */
		abort();
	pkt_decoder_free(&d);
	return 0;
}
