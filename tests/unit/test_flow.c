/*
 * test_flow.c - the flow table: one flow for both directions, the client
 * chosen by the first packet and the SYN/SYN+ACK rules, keys that differ
 * by VLAN, protocol or version, per-direction counts, eviction at the
 * bound (LRU, reported through on_end), each timeout (new, established,
 * closed TCP; UDP) at and past its value, close by FIN both ways and by RST, port reuse, unique 51-bit
 * ids (also across capture workers' tables), streams set up for TCP and freed after on_end, and lookups against
 * a reference on many random flows.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "flow.h"

struct ended {
	size_t n;
	uint64_t ids[64];
	size_t streamlen;	/* stream bytes still there in on_end */
};

static void
on_end(void *ctx, struct flow *f)
{
	struct ended *e = ctx;
	size_t len;

	if (e->n < 64)
		e->ids[e->n] = f->id;
	e->n++;
	stream_data(&f->tcp[0], &len);
	e->streamlen += len;
}

static void
mkpkt(struct pkt *p, uint8_t proto, uint32_t a, uint16_t ap, uint32_t b,
    uint16_t bp, uint8_t flags, time_t sec)
{
	uint8_t v4[4];

	memset(p, 0, sizeof(*p));
	p->ipver = 4;
	p->proto = proto;
	v4[0] = (uint8_t)(a >> 24);
	v4[1] = (uint8_t)(a >> 16);
	v4[2] = (uint8_t)(a >> 8);
	v4[3] = (uint8_t)a;
	ipaddr_from_v4(&p->src, v4);
	v4[0] = (uint8_t)(b >> 24);
	v4[1] = (uint8_t)(b >> 16);
	v4[2] = (uint8_t)(b >> 8);
	v4[3] = (uint8_t)b;
	ipaddr_from_v4(&p->dst, v4);
	p->sport = ap;
	p->dport = bp;
	p->tcp_flags = flags;
	p->ts.tv_sec = sec;
	p->l4len = 10;
}

static void
test_direction(void **state)
{
	struct flow_table *t = flow_table_new(NULL, NULL, NULL);
	struct pkt p;
	struct flow *f, *g;
	enum flow_dir dir;
	bool created;

	(void)state;
	/* The first packet's sender is the client. */
	mkpkt(&p, 17, 0x0a000001, 5000, 0x0a000002, 53, 0, 1);
	f = flow_get(t, &p, &dir, &created);
	assert_non_null(f);
	assert_true(created);
	assert_int_equal(dir, FLOW_TOSERVER);
	assert_int_equal(f->cport, 5000);
	assert_int_equal(f->sport, 53);
	assert_int_equal(f->cli.b[15], 1);
	mkpkt(&p, 17, 0x0a000002, 53, 0x0a000001, 5000, 0, 2);
	p.l4len = 100;
	g = flow_get(t, &p, &dir, &created);
	assert_ptr_equal(f, g);
	assert_false(created);
	assert_int_equal(dir, FLOW_TOCLIENT);
	assert_int_equal(f->pkts[0], 1);
	assert_int_equal(f->pkts[1], 1);
	assert_int_equal(f->bytes[0], 10);
	assert_int_equal(f->bytes[1], 100);
	assert_int_equal(f->first.tv_sec, 1);
	assert_int_equal(f->last.tv_sec, 2);
	/* Another protocol, VLAN or port is another flow. */
	mkpkt(&p, 6, 0x0a000001, 5000, 0x0a000002, 53, TCPF_SYN, 3);
	g = flow_get(t, &p, &dir, &created);
	assert_true(created);
	assert_ptr_not_equal(f, g);
	assert_int_equal(g->tcp[0].max, 16384);
	assert_int_equal(f->tcp[0].max, 0);
	mkpkt(&p, 17, 0x0a000001, 5000, 0x0a000002, 53, 0, 3);
	p.nvlan = 2;
	p.vlan[0] = 7;
	p.vlan[1] = 8;
	g = flow_get(t, &p, &dir, &created);
	assert_true(created);
	assert_int_equal(g->vlan, 8);
	p.vlan[0] = 9;		/* only the innermost tag counts */
	assert_ptr_equal(flow_get(t, &p, &dir, &created), g);
	assert_false(created);
	/* A SYN+ACK first: the sender is the server. */
	mkpkt(&p, 6, 0x0a000009, 443, 0x0a000001, 40000, TCPF_SYN | TCPF_ACK,
	    4);
	g = flow_get(t, &p, &dir, &created);
	assert_true(created);
	assert_int_equal(dir, FLOW_TOCLIENT);
	assert_int_equal(g->sport, 443);
	assert_int_equal(g->srv.b[15], 9);
	assert_int_equal(g->pkts[FLOW_TOCLIENT], 1);
	/* A packet that is not IP. */
	p.ipver = 0;
	assert_null(flow_get(t, &p, &dir, &created));
	assert_int_equal(flow_table_stats(t)->flows, 4);
	assert_int_equal(flow_table_stats(t)->active, 4);
	flow_table_free(&t);
	assert_null(t);
}

static void
test_eviction(void **state)
{
	struct flow_limits l;
	struct ended e = { 0 };
	struct flow_table *t;
	struct flow *f[5];
	struct pkt p;
	enum flow_dir dir;
	bool created;

	(void)state;
	flow_limits_default(&l);
	l.max_flows = 4;
	t = flow_table_new(&l, on_end, &e);
	for (int i = 0; i < 4; i++) {
		mkpkt(&p, 17, 0x0a000001, (uint16_t)(1000 + i), 0x0a000002,
		    53, 0, 10 + i);
		f[i] = flow_get(t, &p, &dir, &created);
	}
	assert_int_equal(e.n, 0);
	assert_int_equal(flow_table_stats(t)->active, 4);
	/* Touch flow 0: flow 1 is now the least recently seen. */
	mkpkt(&p, 17, 0x0a000002, 53, 0x0a000001, 1000, 0, 20);
	assert_ptr_equal(flow_get(t, &p, &dir, &created), f[0]);
	uint64_t id1 = f[1]->id;
	mkpkt(&p, 17, 0x0a000001, 2000, 0x0a000002, 53, 0, 21);
	f[4] = flow_get(t, &p, &dir, &created);
	assert_true(created);
	assert_int_equal(e.n, 1);
	assert_int_equal(e.ids[0], id1);
	assert_int_equal(flow_table_stats(t)->evicted, 1);
	assert_int_equal(flow_table_stats(t)->active, 4);
	/* Across lists: an old TCP flow goes before a newer UDP one. */
	mkpkt(&p, 6, 0x0a000001, 3000, 0x0a000002, 80, TCPF_SYN, 5);
	f[1] = flow_get(t, &p, &dir, &created);
	assert_int_equal(e.n, 2);
	uint64_t tcpid = f[1]->id;
	mkpkt(&p, 17, 0x0a000001, 4000, 0x0a000002, 53, 0, 30);
	flow_get(t, &p, &dir, &created);
	assert_int_equal(e.n, 3);
	assert_int_equal(e.ids[2], tcpid);
	flow_table_free(&t);
	assert_int_equal(e.n, 7);
}

static void
test_timeouts(void **state)
{
	struct flow_limits l;
	struct ended e = { 0 };
	struct flow_table *t;
	struct flow *f;
	struct pkt p;
	struct timeval now;
	enum flow_dir dir;
	bool created;

	(void)state;
	flow_limits_default(&l);
	l.udp_timeout = 120;
	l.tcp_timeout = 600;
	l.tcp_closed_timeout = 30;
	l.tcp_new_timeout = 30;
	t = flow_table_new(&l, on_end, &e);
	mkpkt(&p, 17, 1, 1, 2, 2, 0, 1000);
	flow_get(t, &p, &dir, &created);
	mkpkt(&p, 6, 1, 1, 2, 2, TCPF_SYN, 1000);
	f = flow_get(t, &p, &dir, &created);
	stream_add(&f->tcp[0], 0, TCPF_SYN, NULL, 0);
	stream_add(&f->tcp[0], 1, TCPF_ACK, (const uint8_t *)"hello", 5);
	/* An answer makes it established. */
	mkpkt(&p, 6, 2, 2, 1, 1, TCPF_SYN | TCPF_ACK, 1000);
	assert_ptr_equal(flow_get(t, &p, &dir, &created), f);
	/* A SYN never answered: the new-flow timeout. */
	mkpkt(&p, 6, 5, 1, 2, 2, TCPF_SYN, 1005);
	flow_get(t, &p, &dir, &created);
	mkpkt(&p, 6, 3, 1, 2, 2, TCPF_SYN, 1000);
	flow_get(t, &p, &dir, &created);
	/* Close the second TCP flow: FIN one way is not enough. */
	mkpkt(&p, 6, 3, 1, 2, 2, TCPF_FIN | TCPF_ACK, 1010);
	f = flow_get(t, &p, &dir, &created);
	assert_false(f->tcp_closed);
	mkpkt(&p, 6, 2, 2, 3, 1, TCPF_FIN | TCPF_ACK, 1010);
	assert_ptr_equal(flow_get(t, &p, &dir, &created), f);
	assert_true(f->tcp_closed);
	/* New TCP: exactly 30 s idle stays, a microsecond more ends it. */
	now.tv_sec = 1035;
	now.tv_usec = 0;
	flow_expire(t, &now);
	assert_int_equal(e.n, 0);
	now.tv_usec = 1;
	flow_expire(t, &now);
	assert_int_equal(e.n, 1);
	/* Closed TCP: 30 s after its last packet. */
	now.tv_sec = 1040;
	now.tv_usec = 0;
	flow_expire(t, &now);
	assert_int_equal(e.n, 1);
	now.tv_usec = 1;
	flow_expire(t, &now);
	assert_int_equal(e.n, 2);
	/* UDP: 120 s. */
	now.tv_sec = 1120;
	now.tv_usec = 0;
	flow_expire(t, &now);
	assert_int_equal(e.n, 2);
	now.tv_usec = 1;
	flow_expire(t, &now);
	assert_int_equal(e.n, 3);
	now.tv_usec = 0;
	/* Established TCP: 600 s; its stream is still there in on_end. */
	now.tv_sec = 1600;
	flow_expire(t, &now);
	assert_int_equal(e.n, 3);
	now.tv_sec = 1601;
	flow_expire(t, &now);
	assert_int_equal(e.n, 4);
	assert_int_equal(e.streamlen, 5);
	assert_int_equal(flow_table_stats(t)->timed_out, 4);
	assert_int_equal(flow_table_stats(t)->active, 0);
	/* Time going backwards expires nothing. */
	mkpkt(&p, 17, 1, 1, 2, 2, 0, 5000);
	flow_get(t, &p, &dir, &created);
	now.tv_sec = 10;
	flow_expire(t, &now);
	assert_int_equal(e.n, 4);
	flow_flush(t);
	assert_int_equal(e.n, 5);
	assert_int_equal(flow_table_stats(t)->timed_out, 4);
	flow_table_free(&t);
}

static void
test_rst_and_reuse(void **state)
{
	struct ended e = { 0 };
	struct flow_table *t = flow_table_new(NULL, on_end, &e);
	struct flow *f, *g;
	struct pkt p;
	enum flow_dir dir;
	bool created;
	uint64_t id;

	(void)state;
	mkpkt(&p, 6, 1, 1000, 2, 80, TCPF_SYN, 1);
	f = flow_get(t, &p, &dir, &created);
	id = f->id;
	mkpkt(&p, 6, 2, 80, 1, 1000, TCPF_RST | TCPF_ACK, 2);
	assert_ptr_equal(flow_get(t, &p, &dir, &created), f);
	assert_true(f->tcp_closed);
	/* A retransmitted RST is the same flow... */
	assert_ptr_equal(flow_get(t, &p, &dir, &created), f);
	assert_false(created);
	/* ...a new SYN on the same ports is a new one. */
	mkpkt(&p, 6, 1, 1000, 2, 80, TCPF_SYN, 3);
	g = flow_get(t, &p, &dir, &created);
	assert_true(created);
	assert_int_equal(e.n, 1);
	assert_int_equal(e.ids[0], id);
	assert_int_not_equal(g->id, id);
	assert_false(g->tcp_closed);
	flow_table_free(&t);
	assert_int_equal(e.n, 2);
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static void
test_ids_and_lookups(void **state)
{
	enum { N = 20000 };
	struct flow_limits l;
	struct flow_table *t;
	struct flow **seen;
	uint64_t *ids;
	struct pkt p;
	enum flow_dir dir;
	bool created;
	uint32_t seed = 1;

	(void)state;
	flow_limits_default(&l);
	l.max_flows = N;
	t = flow_table_new(&l, NULL, NULL);
	seen = calloc(N, sizeof(*seen));
	ids = calloc(N, sizeof(*ids));
	assert_non_null(seen);
	assert_non_null(ids);
	for (uint32_t i = 0; i < N; i++) {
		seed = seed * 1103515245u + 12345u;
		mkpkt(&p, i % 3 == 0 ? 17 : 6, 0x0a000000 + (seed >> 12),
		    (uint16_t)i, 0xc0000200 + (i & 0xff), 443, 0, 1);
		seen[i] = flow_get(t, &p, &dir, &created);
		assert_true(created);
		ids[i] = seen[i]->id;
		assert_true(ids[i] != 0 && ids[i] < (UINT64_C(1) << 51));
	}
	qsort(ids, N, sizeof(*ids), cmp_u64);
	for (uint32_t i = 1; i < N; i++)
		assert_true(ids[i - 1] != ids[i]);
	/* Every flow found again from either side. */
	seed = 1;
	for (uint32_t i = 0; i < N; i++) {
		seed = seed * 1103515245u + 12345u;
		mkpkt(&p, i % 3 == 0 ? 17 : 6, 0xc0000200 + (i & 0xff), 443,
		    0x0a000000 + (seed >> 12), (uint16_t)i, 0, 2);
		assert_ptr_equal(flow_get(t, &p, &dir, &created), seen[i]);
		assert_int_equal(dir, FLOW_TOCLIENT);
	}
	assert_int_equal(flow_table_stats(t)->evicted, 0);
	flow_table_free(&t);
	free(seen);
	free(ids);
}

/* Capture workers: three tables counting in steps of three hand out
 * 3 x 5000 ids, none twice, none 0. */
static void
test_ids_across_tables(void **state)
{
	enum { N = 5000, W = 3 };
	struct flow_limits l;
	struct flow_table *t[W];
	uint64_t *ids = calloc(N * W, sizeof(*ids));
	struct pkt p;
	enum flow_dir dir;
	bool created;

	(void)state;
	assert_non_null(ids);
	for (unsigned w = 0; w < W; w++) {
		flow_limits_default(&l);
		l.max_flows = N;
		l.id_first = w;
		l.id_step = W;
		t[w] = flow_table_new(&l, NULL, NULL);
		for (uint32_t i = 0; i < N; i++) {
			/* The same tuples in every table: only ids differ. */
			mkpkt(&p, 6, 0x0a000000 + i, 40000, 0xc0000201, 443, 0,
			    1);
			ids[w * N + i] = flow_get(t[w], &p, &dir, &created)->id;
			assert_true(created);
			assert_true(ids[w * N + i] != 0);
		}
	}
	qsort(ids, N * W, sizeof(*ids), cmp_u64);
	for (uint32_t i = 1; i < N * W; i++)
		assert_true(ids[i - 1] != ids[i]);
	for (unsigned w = 0; w < W; w++)
		flow_table_free(&t[w]);
	free(ids);
}

static void
test_reverse(void **state)
{
	struct flow_table *t = flow_table_new(NULL, NULL, NULL);
	struct pkt p;
	struct flow *f;
	enum flow_dir dir;
	bool created;

	(void)state;
	/* A reply from port 443 seen first, with a FIN. */
	mkpkt(&p, 6, 0x0a000009, 443, 0x0a000001, 40000,
	    TCPF_FIN | TCPF_ACK, 1);
	f = flow_get(t, &p, &dir, &created);
	assert_int_equal(dir, FLOW_TOSERVER);
	assert_int_equal(f->tcp_fin, 1);
	flow_reverse(f);
	assert_int_equal(f->cport, 40000);
	assert_int_equal(f->sport, 443);
	assert_int_equal(f->cli.b[15], 1);
	assert_int_equal(f->pkts[FLOW_TOCLIENT], 1);
	assert_int_equal(f->pkts[FLOW_TOSERVER], 0);
	assert_int_equal(f->tcp_fin, 2);
	/* Both directions still find it, with the new orientation. */
	assert_ptr_equal(flow_get(t, &p, &dir, &created), f);
	assert_int_equal(dir, FLOW_TOCLIENT);
	mkpkt(&p, 6, 0x0a000001, 40000, 0x0a000009, 443,
	    TCPF_FIN | TCPF_ACK, 2);
	assert_ptr_equal(flow_get(t, &p, &dir, &created), f);
	assert_int_equal(dir, FLOW_TOSERVER);
	assert_true(f->tcp_closed);
	flow_table_free(&t);
}

/* IPv6 keys and the hash: ::ffff:a.b.c.d is not a.b.c.d's v6 twin. */
static void
test_ipv6(void **state)
{
	struct flow_table *t = flow_table_new(NULL, NULL, NULL);
	struct pkt p;
	struct flow *f;
	enum flow_dir dir;
	bool created;

	(void)state;
	mkpkt(&p, 17, 1, 1, 2, 2, 0, 1);
	f = flow_get(t, &p, &dir, &created);
	p.ipver = 6;
	assert_ptr_not_equal(flow_get(t, &p, &dir, &created), f);
	assert_true(created);
	assert_int_equal(flow_table_stats(t)->active, 2);
	flow_table_free(&t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_direction),
		cmocka_unit_test(test_eviction),
		cmocka_unit_test(test_timeouts),
		cmocka_unit_test(test_rst_and_reuse),
		cmocka_unit_test(test_ids_and_lookups),
		cmocka_unit_test(test_ids_across_tables),
		cmocka_unit_test(test_ipv6),
		cmocka_unit_test(test_reverse),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
