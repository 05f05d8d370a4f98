/*
 * flow.c - the bidirectional flow table.
 *
 * Trusts the decoded packet (pkt.c checked it) but not its contents: any
 * address, port and flag mix is a valid key.  Memory is bounded by
 * max_flows: flows live in one arena allocated when the table is built
 * (pages are touched only as flows are first used), recycled through a
 * free list; the hash table has a power-of-two number of buckets >=
 * max_flows.  A full table evicts the least recently seen flow.
 *
 * Flows sit on one of four LRU lists, one per timeout (TCP new until a
 * packet comes back, TCP established, TCP closed, UDP and other), most
 * recently seen at the head.  Within a list
 * every flow has the same timeout, so flow_expire only looks at the tails
 * and stops at the first flow still alive: cheap enough to call for every
 * packet.
 *
 * The key hash is direction-independent: each (address, port) end is
 * mixed on its own and the two are added, so both directions land in the
 * same bucket without ordering the ends first.  Flow ids are a counter
 * multiplied by an odd constant modulo 2^51 (a bijection): unique for
 * 2^51 flows, never 0, and not guessable from their neighbours.  Capture
 * workers' tables count in interleaved steps (id_first, id_step), so
 * their ids never meet either.
 */
#include <stdlib.h>
#include <string.h>

#include "flow.h"
#include "mem.h"

enum {
	LRU_TCP = 0,
	LRU_CLOSED = 1,
	LRU_OTHER = 2,
	LRU_NEW = 3,		/* TCP, no packet back yet */
	LRU_N = 4,
};

struct lru {
	struct flow *head, *tail;	/* head = most recently seen */
};

struct flow_table {
	struct flow_limits lim;
	flow_end_fn *on_end;
	void *ctx;
	struct flow *arena;		/* 64-byte aligned inside arena_raw */
	void *arena_raw;
	size_t used;			/* arena slots ever handed out */
	struct flow *free_list;		/* through hnext */
	struct flow **bucket;
	size_t mask;
	struct lru lru[LRU_N];
	int64_t timeout_us[LRU_N];
	uint64_t counter;
	struct flow_stats st;
};

#define FLOW_ID_MASK ((UINT64_C(1) << 51) - 1)

void
flow_limits_default(struct flow_limits *l)
{
	l->max_flows = 262144;
	l->stream_max = 16384;
	l->tcp_timeout = 600;
	l->tcp_closed_timeout = 30;
	l->tcp_new_timeout = 30;
	l->udp_timeout = 120;
	l->id_first = 0;
	l->id_step = 1;
}

struct flow_table *
flow_table_new(const struct flow_limits *l, flow_end_fn *on_end, void *ctx)
{
	struct flow_table *t = mem_calloc(1, sizeof(*t));
	size_t n = 16;

	if (l != NULL)
		t->lim = *l;
	else
		flow_limits_default(&t->lim);
	if (t->lim.max_flows == 0)
		t->lim.max_flows = 1;
	if (t->lim.id_step == 0)
		t->lim.id_step = 1;
	t->counter = t->lim.id_first;
	while (n < t->lim.max_flows && n < ((size_t)1 << 30))
		n <<= 1;
	t->mask = n - 1;
	t->bucket = mem_calloc(n, sizeof(*t->bucket));
	t->arena_raw = mem_calloc(t->lim.max_flows + 1, sizeof(*t->arena));
	t->arena = (struct flow *)(((uintptr_t)t->arena_raw + 63) &
	    ~(uintptr_t)63);
	t->on_end = on_end;
	t->ctx = ctx;
	t->timeout_us[LRU_TCP] = (int64_t)t->lim.tcp_timeout * 1000000;
	t->timeout_us[LRU_CLOSED] = (int64_t)t->lim.tcp_closed_timeout *
	    1000000;
	t->timeout_us[LRU_OTHER] = (int64_t)t->lim.udp_timeout * 1000000;
	t->timeout_us[LRU_NEW] = (int64_t)t->lim.tcp_new_timeout * 1000000;
	return t;
}

static inline uint64_t
end_hash(const struct ipaddr *a, uint16_t port)
{
	uint64_t x, y, h;

	memcpy(&x, a->b, 8);
	memcpy(&y, a->b + 8, 8);
	h = x * 0x9e3779b97f4a7c15ULL ^ (y + port) * 0xc2b2ae3d27d4eb4fULL;
	return h ^ h >> 29;
}

static inline uint32_t
key_hash(const struct pkt *p, uint16_t vlan)
{
	uint64_t h = end_hash(&p->src, p->sport) + end_hash(&p->dst, p->dport);

	h ^= ((uint64_t)p->proto | (uint64_t)vlan << 8) *
	    0x165667b19e3779f9ULL;
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	return (uint32_t)h;
}

static inline bool
addr_eq(const struct ipaddr *a, const struct ipaddr *b)
{
	uint64_t a0, a1, b0, b1;

	memcpy(&a0, a->b, 8);
	memcpy(&a1, a->b + 8, 8);
	memcpy(&b0, b->b, 8);
	memcpy(&b1, b->b + 8, 8);
	return a0 == b0 && a1 == b1;
}

/* 1: p goes client to server, 2: server to client, 0: another flow. */
static inline int
match(const struct flow *f, const struct pkt *p, uint16_t vlan)
{
	if (f->proto != p->proto || f->vlan != vlan || f->ipver != p->ipver)
		return 0;
	if (f->cport == p->sport && f->sport == p->dport &&
	    addr_eq(&f->cli, &p->src) && addr_eq(&f->srv, &p->dst))
		return 1;
	if (f->cport == p->dport && f->sport == p->sport &&
	    addr_eq(&f->cli, &p->dst) && addr_eq(&f->srv, &p->src))
		return 2;
	return 0;
}

static void
lru_unlink(struct flow_table *t, struct flow *f)
{
	struct lru *l = &t->lru[f->lru];

	if (f->lru_prev != NULL)
		f->lru_prev->lru_next = f->lru_next;
	else
		l->head = f->lru_next;
	if (f->lru_next != NULL)
		f->lru_next->lru_prev = f->lru_prev;
	else
		l->tail = f->lru_prev;
}

static void
lru_push(struct flow_table *t, struct flow *f, uint8_t which)
{
	struct lru *l = &t->lru[which];

	f->lru = which;
	f->lru_prev = NULL;
	f->lru_next = l->head;
	if (l->head != NULL)
		l->head->lru_prev = f;
	else
		l->tail = f;
	l->head = f;
}

/* Take f out of the table, tell the owner, free its streams, recycle it. */
static void
flow_end(struct flow_table *t, struct flow *f)
{
	struct flow **pp = &t->bucket[f->hash & t->mask];

	while (*pp != f)
		pp = &(*pp)->hnext;
	*pp = f->hnext;
	lru_unlink(t, f);
	if (t->on_end != NULL)
		t->on_end(t->ctx, f);
	stream_free(&f->tcp[0]);
	stream_free(&f->tcp[1]);
	f->app = NULL;
	f->hnext = t->free_list;
	t->free_list = f;
	t->st.active--;
}

static int64_t
idle_us(const struct flow *f, const struct timeval *now)
{
	return ((int64_t)now->tv_sec - (int64_t)f->last.tv_sec) * 1000000 +
	    ((int64_t)now->tv_usec - (int64_t)f->last.tv_usec);
}

void
flow_expire(struct flow_table *t, const struct timeval *now)
{
	for (int i = 0; i < LRU_N; i++) {
		struct flow *f;

		while ((f = t->lru[i].tail) != NULL &&
		    idle_us(f, now) > t->timeout_us[i]) {
			flow_end(t, f);
			t->st.timed_out++;
		}
	}
}

void
flow_flush(struct flow_table *t)
{
	for (int i = 0; i < LRU_N; i++)
		while (t->lru[i].tail != NULL)
			flow_end(t, t->lru[i].tail);
}

void
flow_table_free(struct flow_table **tp)
{
	struct flow_table *t = *tp;

	if (t == NULL)
		return;
	flow_flush(t);
	free(t->arena_raw);
	free(t->bucket);
	free(t);
	*tp = NULL;
}

const struct flow_stats *
flow_table_stats(const struct flow_table *t)
{
	return &t->st;
}

/* A free slot: the free list, a fresh arena slot, or the LRU victim. */
static struct flow *
flow_slot(struct flow_table *t)
{
	struct flow *f, *victim = NULL;

	if (t->free_list == NULL && t->used < t->lim.max_flows)
		return &t->arena[t->used++];
	if (t->free_list == NULL) {
		for (int i = 0; i < LRU_N; i++) {
			f = t->lru[i].tail;
			if (f != NULL && (victim == NULL ||
			    idle_us(f, &victim->last) > 0))
				victim = f;
		}
		if (victim == NULL)
			abort();	/* full with no flow listed: a bug */
		flow_end(t, victim);
		t->st.evicted++;
	}
	f = t->free_list;
	t->free_list = f->hnext;
	return f;
}

static struct flow *
flow_create(struct flow_table *t, const struct pkt *p, uint16_t vlan,
    uint32_t h, enum flow_dir *dir_r)
{
	struct flow *f = flow_slot(t);
	bool swap;

	memset(f, 0, sizeof(*f));
	/* A SYN+ACK first: its sender is the server. */
	swap = p->proto == 6 && (p->tcp_flags & (TCPF_SYN | TCPF_ACK)) ==
	    (TCPF_SYN | TCPF_ACK);
	t->counter += t->lim.id_step;
	f->id = (t->counter * UINT64_C(0x5851f42d4c957f2d)) & FLOW_ID_MASK;
	f->proto = p->proto;
	f->ipver = p->ipver;
	f->vlan = vlan;
	if (!swap) {
		f->cli = p->src;
		f->srv = p->dst;
		f->cport = p->sport;
		f->sport = p->dport;
		*dir_r = FLOW_TOSERVER;
	} else {
		f->cli = p->dst;
		f->srv = p->src;
		f->cport = p->dport;
		f->sport = p->sport;
		*dir_r = FLOW_TOCLIENT;
	}
	f->first = p->ts;
	f->last = p->ts;
	if (p->proto == 6) {
		stream_init(&f->tcp[0], t->lim.stream_max);
		stream_init(&f->tcp[1], t->lim.stream_max);
	} else {
		stream_init(&f->tcp[0], 0);
		stream_init(&f->tcp[1], 0);
	}
	f->hash = h;
	f->hnext = t->bucket[h & t->mask];
	t->bucket[h & t->mask] = f;
	lru_push(t, f, p->proto == 6 ? LRU_NEW : LRU_OTHER);
	t->st.flows++;
	t->st.active++;
	return f;
}

struct flow *
flow_get(struct flow_table *t, const struct pkt *p, enum flow_dir *dir_r,
    bool *created_r)
{
	uint16_t vlan = p->nvlan > 0 ? p->vlan[p->nvlan - 1] : 0;
	uint32_t h;
	struct flow *f;
	enum flow_dir dir = FLOW_TOSERVER;
	uint8_t which;
	int m = 0;

	*created_r = false;
	*dir_r = FLOW_TOSERVER;
	if (p->ipver != 4 && p->ipver != 6)
		return NULL;
	h = key_hash(p, vlan);
	for (f = t->bucket[h & t->mask]; f != NULL; f = f->hnext)
		if (f->hash == h && (m = match(f, p, vlan)) != 0)
			break;
	if (f != NULL && f->tcp_closed &&
	    (p->tcp_flags & (TCPF_SYN | TCPF_ACK)) == TCPF_SYN) {
		/* A new connection on the same ports: the old one is over. */
		flow_end(t, f);
		f = NULL;
	}
	if (f == NULL) {
		f = flow_create(t, p, vlan, h, &dir);
		*created_r = true;
	} else {
		dir = m == 1 ? FLOW_TOSERVER : FLOW_TOCLIENT;
	}
	f->last = p->ts;
	f->pkts[dir]++;
	f->bytes[dir] += p->l4len;
	if (p->proto == 6 && (p->tcp_flags & (TCPF_FIN | TCPF_RST)) != 0) {
		if (p->tcp_flags & TCPF_FIN)
			f->tcp_fin |= (uint8_t)(1u << dir);
		if ((p->tcp_flags & TCPF_RST) != 0 || f->tcp_fin == 3)
			f->tcp_closed = true;
	}
	if (f->tcp_closed)
		which = LRU_CLOSED;
	else if (f->lru == LRU_NEW && f->pkts[0] > 0 && f->pkts[1] > 0)
		which = LRU_TCP;
	else
		which = f->lru;
	if (f->lru_prev != NULL || which != f->lru) {
		lru_unlink(t, f);
		lru_push(t, f, which);
	}
	*dir_r = dir;
	return f;
}

void
flow_reverse(struct flow *f)
{
	struct ipaddr a = f->cli;
	struct stream st = f->tcp[0];
	uint16_t port = f->cport;
	uint64_t n;

	f->cli = f->srv;
	f->srv = a;
	f->cport = f->sport;
	f->sport = port;
	n = f->pkts[0];
	f->pkts[0] = f->pkts[1];
	f->pkts[1] = n;
	n = f->bytes[0];
	f->bytes[0] = f->bytes[1];
	f->bytes[1] = n;
	f->tcp[0] = f->tcp[1];
	f->tcp[1] = st;
	f->tcp_fin = (uint8_t)((f->tcp_fin & 1) << 1 | (f->tcp_fin & 2) >> 1);
}
