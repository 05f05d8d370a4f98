/*
 * test_stream.c - TCP reassembly of the first bytes of a direction: the
 * same prefix for every 1-, 2- and 3-way split of small buffers in every
 * arrival order, with duplicates and overlaps, across the 2^32 wrap; the
 * bound at and over; first-wins against a reference model on random
 * segments with conflicting contents; SYN/no-SYN starts, FIN/RST,
 * stream_done.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "pkt.h"
#include "stream.h"

static const uint8_t text[] = "GET / HTTP/1.1\r\nHost: example.org\r\n\r\n";

struct seg {
	size_t a, b;
};

/* Feed segs in the order given (indices), after a SYN at isn - 1. */
static void
feed(struct stream *s, uint32_t isn, const struct seg *segs,
    const size_t *order, size_t n)
{
	stream_add(s, isn - 1, TCPF_SYN, NULL, 0);
	for (size_t i = 0; i < n; i++) {
		const struct seg *g = &segs[order[i]];

		stream_add(s, isn + (uint32_t)g->a, TCPF_ACK, text + g->a,
		    g->b - g->a);
	}
}

static void
expect_prefix(const struct stream *s, size_t n, size_t max)
{
	size_t len, want = n < max ? n : max;
	const uint8_t *p = stream_data(s, &len);

	assert_int_equal(len, want);
	if (want > 0)
		assert_memory_equal(p, text, want);
	assert_null(s->ooo);
	assert_int_equal(s->full, n >= max);
}

/* Every permutation of segs (n <= 4) by Heap's algorithm, iteratively. */
static void
all_orders(uint32_t isn, const struct seg *segs, size_t n, size_t total,
    size_t max)
{
	size_t order[8], c[8] = { 0 }, i = 1;
	struct stream s;

	for (size_t k = 0; k < n; k++)
		order[k] = k;
	stream_init(&s, max);
	feed(&s, isn, segs, order, n);
	expect_prefix(&s, total, max);
	stream_free(&s);
	while (i < n) {
		if (c[i] < i) {
			size_t j = i % 2 == 0 ? 0 : c[i], t = order[j];

			order[j] = order[i];
			order[i] = t;
			stream_init(&s, max);
			feed(&s, isn, segs, order, n);
			expect_prefix(&s, total, max);
			stream_free(&s);
			c[i]++;
			i = 1;
		} else {
			c[i] = 0;
			i++;
		}
	}
}

static void
splits(uint32_t isn)
{
	static const size_t maxes[] = { 1, 5, 12, 13, 100 };
	struct seg segs[6];
	const size_t n = 13;

	for (size_t m = 0; m < sizeof(maxes) / sizeof(maxes[0]); m++) {
		size_t max = maxes[m];

		segs[0] = (struct seg){ 0, n };
		all_orders(isn, segs, 1, n, max);
		for (size_t i = 1; i < n; i++) {
			segs[0] = (struct seg){ 0, i };
			segs[1] = (struct seg){ i, n };
			all_orders(isn, segs, 2, n, max);
			/* with a duplicate of each */
			segs[2] = segs[0];
			segs[3] = segs[1];
			all_orders(isn, segs, 4, n, max);
			for (size_t j = i + 1; j < n; j++) {
				segs[0] = (struct seg){ 0, i };
				segs[1] = (struct seg){ i, j };
				segs[2] = (struct seg){ j, n };
				all_orders(isn, segs, 3, n, max);
				/* a duplicate of the middle */
				segs[3] = segs[1];
				all_orders(isn, segs, 4, n, max);
				/* overlapping segments covering it all */
				segs[0] = (struct seg){ 0, j };
				segs[1] = (struct seg){ i, n };
				segs[2] = (struct seg){ i, j };
				all_orders(isn, segs, 3, n, max);
			}
		}
	}
}

static void
test_splits(void **state)
{
	(void)state;
	splits(1000);
}

static void
test_splits_wrap(void **state)
{
	(void)state;
	/* The isn a few bytes before 2^32: every split crosses the wrap. */
	for (uint32_t back = 0; back <= 14; back++)
		splits((uint32_t)0 - back);
}

static void
test_no_syn(void **state)
{
	struct stream s;
	size_t len;

	(void)state;
	stream_init(&s, 100);
	/* A pure ACK does not start the stream; the first data does. */
	assert_false(stream_add(&s, 500, TCPF_ACK, NULL, 0));
	assert_false(s.started);
	assert_true(stream_add(&s, 7000, TCPF_ACK, text + 4, 4));
	assert_true(s.started);
	assert_int_equal(s.isn, 7000);
	/* Data before the isn is dropped, the rest kept. */
	assert_true(stream_add(&s, 6996, TCPF_ACK, text, 10));
	stream_data(&s, &len);
	assert_int_equal(len, 6);
	assert_memory_equal(s.buf, text + 4, 6);
	assert_false(stream_add(&s, 6990, TCPF_ACK, text, 6));
	assert_false(s.fin);
	assert_false(stream_add(&s, 7006, TCPF_FIN | TCPF_ACK, NULL, 0));
	assert_true(s.fin);
	stream_free(&s);
	stream_init(&s, 100);
	assert_false(stream_add(&s, 1, TCPF_RST, NULL, 0));
	assert_true(s.fin);
	stream_free(&s);
	/* Data on a SYN (Fast Open) starts after the SYN. */
	stream_init(&s, 100);
	assert_true(stream_add(&s, 41, TCPF_SYN, text, 3));
	assert_int_equal(s.isn, 42);
	assert_true(stream_add(&s, 45, TCPF_ACK, text + 3, 3));
	stream_data(&s, &len);
	assert_int_equal(len, 6);
	assert_memory_equal(s.buf, text, 6);
	stream_free(&s);
}

static void
test_bound(void **state)
{
	struct stream s;
	size_t len;

	(void)state;
	/* Exactly max bytes: full; one past is not buffered. */
	stream_init(&s, 8);
	stream_add(&s, 0, TCPF_SYN, NULL, 0);
	assert_true(stream_add(&s, 1, 0, text, 8));
	assert_true(s.full);
	assert_false(stream_add(&s, 9, 0, text + 8, 1));
	stream_data(&s, &len);
	assert_int_equal(len, 8);
	stream_free(&s);
	/* Out-of-order data past max is dropped, below it kept. */
	stream_init(&s, 8);
	stream_add(&s, 0, TCPF_SYN, NULL, 0);
	assert_false(stream_add(&s, 9, 0, text + 8, 4));
	assert_null(s.ooo);
	assert_false(stream_add(&s, 5, 0, text + 4, 8));
	assert_int_equal(s.ooo_bytes, 4);
	assert_int_equal(s.gaps, 1);
	assert_true(stream_add(&s, 1, 0, text, 4));
	assert_true(s.full);
	assert_null(s.ooo);
	stream_data(&s, &len);
	assert_int_equal(len, 8);
	assert_memory_equal(s.buf, text, 8);
	/* stream_done frees and stops everything. */
	stream_done(&s);
	assert_null(s.buf);
	assert_false(stream_add(&s, 9, 0, text, 4));
	assert_null(stream_data(&s, &len));
	assert_int_equal(len, 0);
	stream_free(&s);
	/* A stream of max 0 never buffers. */
	stream_init(&s, 0);
	assert_false(stream_add(&s, 1, 0, text, 4));
	stream_free(&s);
}

static void
test_first_wins(void **state)
{
	struct stream s;
	size_t len;

	(void)state;
	stream_init(&s, 100);
	stream_add(&s, 99, TCPF_SYN, NULL, 0);
	/* Pending "BBBB" at 4, then "AAAAAAAAAA" at 0: the B's stay. */
	assert_false(stream_add(&s, 104, 0, (const uint8_t *)"BBBB", 4));
	assert_true(stream_add(&s, 100, 0, (const uint8_t *)"AAAAAAAAAA",
	    10));
	stream_data(&s, &len);
	assert_int_equal(len, 10);
	assert_memory_equal(s.buf, "AAAABBBBAA", 10);
	assert_int_equal(s.overlaps, 4);
	/* A retransmission with other bytes does not rewrite the prefix. */
	assert_false(stream_add(&s, 100, 0, (const uint8_t *)"CCCCCCCCCC",
	    10));
	assert_memory_equal(s.buf, "AAAABBBBAA", 10);
	assert_int_equal(s.overlaps, 14);
	stream_free(&s);
}

static uint32_t
rnd(uint32_t *seed)
{
	*seed = *seed * 1103515245u + 12345u;
	return (*seed >> 16) & 0x7fff;
}

/* Reference: each byte keeps its first copy; the prefix is contiguous. */
static void
test_random_model(void **state)
{
	enum { N = 64 };
	uint32_t seed = 12345;

	(void)state;
	for (int iter = 0; iter < 20000; iter++) {
		uint8_t model[N], have[N] = { 0 }, data[N];
		struct stream s;
		uint32_t isn;
		size_t max, len, want;
		int nseg;

#define RND() rnd(&seed)
		isn = (uint32_t)RND() << 17;
		isn ^= (uint32_t)RND();
		if (iter % 3 == 0)
			isn = (uint32_t)0 - (uint32_t)(RND() % 80);
		max = 1 + RND() % N;
		nseg = 1 + (int)(RND() % 12);
		stream_init(&s, max);
		stream_add(&s, isn - 1, TCPF_SYN, NULL, 0);
		for (int k = 0; k < nseg; k++) {
			/* Offsets from a little before the isn to past N. */
			int a = (int)(RND() % (N + 8)) - 4;
			size_t l = 1 + RND() % 24;

			for (size_t i = 0; i < l; i++)
				data[i % N] = (uint8_t)RND();
			if (l > N)
				l = N;
			for (size_t i = 0; i < l; i++) {
				int o = a + (int)i;

				if (o >= 0 && o < (int)max && !have[o]) {
					have[o] = 1;
					model[o] = data[i];
				}
			}
			stream_add(&s, isn + (uint32_t)a, TCPF_ACK, data, l);
		}
		for (want = 0; want < max && have[want]; want++)
			;
		stream_data(&s, &len);
		assert_int_equal(len, want);
		if (want > 0)
			assert_memory_equal(s.buf, model, want);
		assert_true(s.ooo_bytes <= max);
		stream_free(&s);
#undef RND
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_splits),
		cmocka_unit_test(test_splits_wrap),
		cmocka_unit_test(test_no_syn),
		cmocka_unit_test(test_bound),
		cmocka_unit_test(test_first_wins),
		cmocka_unit_test(test_random_model),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
