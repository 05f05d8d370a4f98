/*
 * stream.c - the first `max` bytes of one TCP direction, in order.
 *
 * Trusts nothing in the segments: sequence numbers are compared modulo
 * 2^32 (RFC 9293 section 3.4) relative to the initial sequence number, so
 * a segment that starts before the stream (a retransmitted SYN's data, a
 * stale segment) is cut at byte 0 and a segment reaching past `max` is cut
 * there.  Bytes already held keep their first copy (first-wins): the in-
 * order prefix is never rewritten, and a segment that overlaps pending
 * out-of-order data stores only the holes it fills.  So the prefix is the
 * same for every arrival order and every split, given the same first copy
 * of each byte.
 *
 * Limits: the buffer grows on demand up to `max`; out-of-order pieces
 * never overlap and all lie in [len, max), so they hold fewer than `max`
 * bytes together.  Nothing is kept once the prefix is full or after
 * stream_done.
 */
#include <stdlib.h>
#include <string.h>

#include "mem.h"
#include "pkt.h"
#include "stream.h"

/* An out-of-order piece: bytes [off, off + len) from the isn. */
struct stream_seg {
	struct stream_seg *next;
	size_t off, len;
	uint8_t data[];
};

void
stream_init(struct stream *s, size_t max)
{
	memset(s, 0, sizeof(*s));
	s->max = max;
	s->full = max == 0;
}

static void
free_ooo(struct stream *s)
{
	struct stream_seg *g, *next;

	for (g = s->ooo; g != NULL; g = next) {
		next = g->next;
		free(g);
	}
	s->ooo = NULL;
	s->ooo_bytes = 0;
}

void
stream_free(struct stream *s)
{
	free_ooo(s);
	free(s->buf);
	s->buf = NULL;
	s->len = s->cap = 0;
}

void
stream_done(struct stream *s)
{
	stream_free(s);
	s->full = true;
	s->max = 0;
}

/* Append n bytes at the end of the prefix (the caller keeps len + n <= max). */
static void
append(struct stream *s, const uint8_t *p, size_t n)
{
	if (n == 0)
		return;
	if (s->len + n > s->cap) {
		size_t ncap = s->cap < 1024 ? 1024 : s->cap * 2;

		if (ncap < s->len + n)
			ncap = s->len + n;
		if (ncap > s->max)
			ncap = s->max;
		s->buf = mem_reallocarray(s->buf, ncap, 1);
		s->cap = ncap;
	}
	memcpy(s->buf + s->len, p, n);
	s->len += n;
}

static struct stream_seg *
seg_new(size_t off, const uint8_t *p, size_t n, struct stream_seg *next)
{
	struct stream_seg *g = mem_malloc(sizeof(*g) + n);

	g->next = next;
	g->off = off;
	g->len = n;
	memcpy(g->data, p, n);
	return g;
}

/*
 * Store [a, b) (bytes p, all at or past len) in the pending list, only
 * where no piece is already: the list stays sorted and without overlaps.
 */
static void
store(struct stream *s, size_t a, size_t b, const uint8_t *p)
{
	struct stream_seg **pp = &s->ooo;
	size_t pos = a;

	while (pos < b) {
		struct stream_seg *g = *pp;
		size_t end;

		if (g == NULL || g->off >= b) {
			*pp = seg_new(pos, p + (pos - a), b - pos, g);
			s->ooo_bytes += b - pos;
			return;
		}
		end = g->off + g->len;
		if (end <= pos) {
			pp = &g->next;
			continue;
		}
		if (g->off > pos) {
			*pp = seg_new(pos, p + (pos - a), g->off - pos, g);
			s->ooo_bytes += g->off - pos;
			pp = &(*pp)->next;
			pos = g->off;
		}
		/* [pos, min(b, end)) is held already: first copy wins. */
		s->overlaps += (b < end ? b : end) - pos;
		pos = end;
		pp = &g->next;
	}
}

/* Move pending pieces that now touch the prefix into it. */
static void
merge(struct stream *s)
{
	struct stream_seg *g;

	while ((g = s->ooo) != NULL && g->off <= s->len) {
		size_t end = g->off + g->len;

		if (end > s->len)
			append(s, g->data + (s->len - g->off), end - s->len);
		s->ooo = g->next;
		s->ooo_bytes -= g->len;
		free(g);
	}
}

bool
stream_add(struct stream *s, uint32_t seq, uint8_t flags,
    const uint8_t *data, size_t len)
{
	size_t before = s->len, a, b;
	int64_t rel;

	if (flags & (TCPF_FIN | TCPF_RST))
		s->fin = true;
	if (flags & TCPF_SYN) {
		/* Data on a SYN (TCP Fast Open) starts after it. */
		if (!s->started) {
			s->isn = seq + 1;
			s->started = true;
		}
		seq++;
	}
	if (s->full || len == 0 || data == NULL)
		return false;
	if (!s->started) {
		s->isn = seq;
		s->started = true;
	}
	/* Offset from the isn, signed over half the sequence space. */
	rel = (int32_t)(seq - s->isn);
	if (rel < 0) {
		if ((uint64_t)-rel >= len)
			return false;
		data += -rel;
		len -= (size_t)-rel;
		rel = 0;
	}
	a = (size_t)rel;
	if (a >= s->max)
		return false;
	b = len > s->max - a ? s->max : a + len;
	if (a <= s->len && s->ooo == NULL) {
		/* The common case: in order, maybe a retransmission. */
		if (b <= s->len) {
			s->overlaps += b - a;
			return false;
		}
		s->overlaps += s->len - a;
		append(s, data + (s->len - a), b - s->len);
	} else {
		if (a > s->len)
			s->gaps++;
		if (a < s->len) {
			size_t held = b < s->len ? b : s->len;

			s->overlaps += held - a;
			data += held - a;
			a = held;
		}
		if (a < b)
			store(s, a, b, data);
		merge(s);
	}
	if (s->len >= s->max) {
		s->full = true;
		free_ooo(s);
	}
	return s->len > before;
}
