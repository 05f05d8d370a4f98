/*
 * ipfrag.c - IPv4 and IPv6 fragment reassembly (RFC 791 section 3.2,
 * RFC 8200 section 4.5, RFC 5722 for why overlaps are suspect).
 *
 * Trusts nothing in the fragments: offsets, lengths and the more-fragments
 * flag are checked against each other and against the limits.  A datagram
 * is a buffer grown on demand (up to frag_max_bytes) and one bit per
 * 8-byte block saying which blocks have arrived.  Every fragment but the
 * last carries a multiple of 8 bytes (RFC 791, RFC 8200), so a block is
 * either wholly present or not; a fragment that breaks this, or that
 * disagrees with the length the last fragment gave, is dropped.  Blocks
 * already present keep their first copy (first-wins) and the fragment is
 * counted in frag_overlaps.
 *
 * Limits (struct pkt_limits): frag_max_datagrams pending (a new datagram
 * drops the oldest), frag_max_bytes per datagram (a fragment past it drops
 * its datagram), frag_memory for every pending datagram together (the
 * oldest others are dropped to make room, then the datagram itself),
 * frag_timeout seconds from the first fragment.  Every drop counts in
 * frags_dropped.
 */
#include <stdlib.h>
#include <string.h>

#include "ipfrag.h"
#include "mem.h"

struct dg {
	struct ipfrag_key key;
	uint32_t hash;
	struct dg *hnext;
	struct dg *older, *newer;	/* age list, by first fragment */
	struct timeval first;
	uint8_t *buf;
	size_t cap;
	uint8_t *bits;			/* one bit per 8-byte block */
	size_t total;			/* payload length, once known */
	bool have_total;
	size_t maxend;			/* highest byte end seen */
	size_t blocks;			/* blocks present */
	int nh;				/* next header of offset 0, or -1 */
	size_t mem;			/* bytes charged to frag_memory */
};

struct ipfrag {
	struct pkt_limits lim;
	struct pkt_stats *st;
	struct dg **bucket;
	size_t nbucket;			/* a power of two */
	struct dg *oldest, *newest;
	size_t pending;
	size_t memory;
	size_t bitbytes;
};

struct ipfrag *
ipfrag_new(const struct pkt_limits *l, struct pkt_stats *st)
{
	struct ipfrag *f = mem_calloc(1, sizeof(*f));
	size_t n = 16;

	f->lim = *l;
	f->st = st;
	if (f->lim.frag_max_datagrams == 0)
		f->lim.frag_max_datagrams = 1;
	while (n < 2 * f->lim.frag_max_datagrams && n < ((size_t)1 << 20))
		n <<= 1;
	f->nbucket = n;
	f->bucket = mem_calloc(n, sizeof(*f->bucket));
	f->bitbytes = ((f->lim.frag_max_bytes + 7) / 8 + 7) / 8;
	if (f->bitbytes == 0)
		f->bitbytes = 1;
	return f;
}

static uint32_t
key_hash(const struct ipfrag_key *k)
{
	uint64_t a, b, c, d, h;

	memcpy(&a, k->src.b, 8);
	memcpy(&b, k->src.b + 8, 8);
	memcpy(&c, k->dst.b, 8);
	memcpy(&d, k->dst.b + 8, 8);
	h = (a ^ (b * 0x9e3779b97f4a7c15ULL)) * 0xbf58476d1ce4e5b9ULL;
	h ^= (c ^ (d * 0xc2b2ae3d27d4eb4fULL)) * 0x94d049bb133111ebULL;
	h ^= ((uint64_t)k->id << 16 | (uint64_t)k->ver << 8 | k->proto) *
	    0x9e3779b97f4a7c15ULL;
	h ^= h >> 31;
	h *= 0xbf58476d1ce4e5b9ULL;
	h ^= h >> 29;
	return (uint32_t)h;
}

static bool
key_eq(const struct ipfrag_key *a, const struct ipfrag_key *b)
{
	return a->id == b->id && a->ver == b->ver && a->proto == b->proto &&
	    memcmp(a->src.b, b->src.b, 16) == 0 &&
	    memcmp(a->dst.b, b->dst.b, 16) == 0;
}

/* Take dg out of the hash and the age list; its memory is uncharged. */
static void
dg_unlink(struct ipfrag *f, struct dg *g)
{
	struct dg **pp = &f->bucket[g->hash & (f->nbucket - 1)];

	while (*pp != g)
		pp = &(*pp)->hnext;
	*pp = g->hnext;
	if (g->older != NULL)
		g->older->newer = g->newer;
	else
		f->oldest = g->newer;
	if (g->newer != NULL)
		g->newer->older = g->older;
	else
		f->newest = g->older;
	f->pending--;
	f->memory -= g->mem;
}

static void
dg_drop(struct ipfrag *f, struct dg *g)
{
	dg_unlink(f, g);
	free(g->buf);
	free(g->bits);
	free(g);
	f->st->frags_dropped++;
}

void
ipfrag_free(struct ipfrag **fp)
{
	struct ipfrag *f = *fp;
	struct dg *g, *next;

	if (f == NULL)
		return;
	for (g = f->oldest; g != NULL; g = next) {
		next = g->newer;
		free(g->buf);
		free(g->bits);
		free(g);
	}
	free(f->bucket);
	free(f);
	*fp = NULL;
}

static bool
expired(const struct ipfrag *f, const struct dg *g, const struct timeval *now)
{
	int64_t age = (int64_t)now->tv_sec - (int64_t)g->first.tv_sec;

	if (now->tv_usec < g->first.tv_usec)
		age--;
	return age >= (int64_t)f->lim.frag_timeout;
}

void
ipfrag_expire(struct ipfrag *f, const struct timeval *now)
{
	while (f->oldest != NULL && expired(f, f->oldest, now))
		dg_drop(f, f->oldest);
}

size_t
ipfrag_pending(const struct ipfrag *f)
{
	return f->pending;
}

size_t
ipfrag_memory(const struct ipfrag *f)
{
	return f->memory;
}

/* Make room for `add` more bytes, dropping the oldest datagrams but g. */
static bool
make_room(struct ipfrag *f, struct dg *g, size_t add)
{
	while (f->memory > f->lim.frag_memory ||
	    f->lim.frag_memory - f->memory < add) {
		struct dg *o = f->oldest;

		if (o != NULL && o == g)
			o = o->newer;
		if (o == NULL)
			return false;
		dg_drop(f, o);
	}
	return true;
}

static struct dg *
dg_new(struct ipfrag *f, const struct ipfrag_key *k, uint32_t h,
    const struct timeval *ts)
{
	struct dg *g;
	size_t mem = sizeof(*g) + f->bitbytes;

	if (f->pending >= f->lim.frag_max_datagrams)
		dg_drop(f, f->oldest);
	if (!make_room(f, NULL, mem))
		return NULL;
	g = mem_calloc(1, sizeof(*g));
	g->bits = mem_calloc(1, f->bitbytes);
	g->key = *k;
	g->hash = h;
	g->first = *ts;
	g->nh = -1;
	g->mem = mem;
	g->hnext = f->bucket[h & (f->nbucket - 1)];
	f->bucket[h & (f->nbucket - 1)] = g;
	g->older = f->newest;
	if (f->newest != NULL)
		f->newest->newer = g;
	else
		f->oldest = g;
	f->newest = g;
	f->pending++;
	f->memory += mem;
	return g;
}

/* Grow g's buffer to hold `end` bytes, within the memory bound. */
static bool
dg_grow(struct ipfrag *f, struct dg *g, size_t end)
{
	size_t ncap;

	if (end <= g->cap)
		return true;
	ncap = g->cap < 512 ? 512 : g->cap * 2;
	if (ncap < end)
		ncap = end;
	if (ncap > f->lim.frag_max_bytes)
		ncap = f->lim.frag_max_bytes;
	if (!make_room(f, g, ncap - g->cap))
		return false;
	g->buf = mem_reallocarray(g->buf, ncap, 1);
	f->memory += ncap - g->cap;
	g->mem += ncap - g->cap;
	g->cap = ncap;
	return true;
}

int
ipfrag_add(struct ipfrag *f, const struct ipfrag_key *k,
    const struct timeval *ts, size_t off, bool more, uint8_t nh,
    const uint8_t *data, size_t len, uint8_t **buf_r, size_t *len_r,
    uint8_t *nh_r)
{
	uint32_t h = key_hash(k);
	struct dg *g;
	size_t end = off + len, b0, b1, nblocks;
	bool overlap = false;

	*buf_r = NULL;
	*len_r = 0;
	*nh_r = 0;
	f->st->frags++;
	ipfrag_expire(f, ts);
	for (g = f->bucket[h & (f->nbucket - 1)]; g != NULL; g = g->hnext)
		if (g->hash == h && key_eq(&g->key, k))
			break;
	if (off % 8 != 0 || (more && (len == 0 || len % 8 != 0))) {
		/* Every fragment but the last is a multiple of 8 bytes. */
		f->st->malformed++;
		f->st->frags_dropped++;
		return -1;
	}
	if (off > f->lim.frag_max_bytes || f->lim.frag_max_bytes - off < len) {
		if (g != NULL)
			dg_drop(f, g);
		f->st->frags_dropped++;
		return -1;
	}
	if (g == NULL && (g = dg_new(f, k, h, ts)) == NULL) {
		f->st->frags_dropped++;
		return -1;
	}
	/* The last fragment fixes the length; the others must fit in it. */
	if ((!more && g->have_total && g->total != end) ||
	    (!more && !g->have_total && g->maxend > end) ||
	    (more && g->have_total && end > g->total)) {
		f->st->malformed++;
		f->st->frags_dropped++;
		return -1;
	}
	if (!more && !g->have_total) {
		g->total = end;
		g->have_total = true;
	}
	if (end > g->maxend)
		g->maxend = end;
	if (!dg_grow(f, g, end)) {
		dg_drop(f, g);
		f->st->frags_dropped++;
		return -1;
	}
	b0 = off / 8;
	b1 = (end + 7) / 8;
	for (size_t b = b0; b < b1; b++) {
		uint8_t bit = (uint8_t)(1u << (b % 8));
		size_t n = end - b * 8 < 8 ? end - b * 8 : 8;

		if (g->bits[b / 8] & bit) {
			overlap = true;
			continue;
		}
		g->bits[b / 8] |= bit;
		g->blocks++;
		memcpy(g->buf + b * 8, data + (b * 8 - off), n);
	}
	if (overlap)
		f->st->frag_overlaps++;
	if (off == 0 && g->nh < 0)
		g->nh = nh;
	if (!g->have_total)
		return 0;
	nblocks = (g->total + 7) / 8;
	if (g->blocks != nblocks || g->nh < 0)
		return 0;
	dg_unlink(f, g);
	*buf_r = g->buf != NULL ? g->buf : mem_malloc(1);
	*len_r = g->total;
	*nh_r = (uint8_t)g->nh;
	free(g->bits);
	free(g);
	f->st->frags_reassembled++;
	return 1;
}
