/*
 * test_cursor.c - policy/cursor.h, the one reader for untrusted bytes:
 * every read exactly at the end of its buffer and one byte past it (on
 * exact-size heap copies, so ASan sees any over-read), byte orders,
 * QUIC varints (RFC 9000 A.1), the sticky error with truncated kept apart
 * from invalid, sub-cursor bounds (an inner read cannot pass the declared
 * length, the parent goes on after it), and the text helpers (lines, peek,
 * take).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cursor.h"

static const uint8_t seq[] = { 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07,
	0x08, 0x09 };

/* An exact-size heap copy of the first n bytes of p. */
static uint8_t *
dup_n(const void *p, size_t n)
{
	uint8_t *d = malloc(n > 0 ? n : 1);

	assert_non_null(d);
	if (n > 0)
		memcpy(d, p, n);
	return d;
}

/* Every fixed-width read, behind one shape. */
struct reader {
	const char *name;
	size_t width;
	uint64_t value;		/* read from seq */
	bool (*read)(struct cursor *, uint64_t *);
};

/* rd_NAME: read a TYPE with FN and widen it. */
#define READ_AS(name, type, fn)						\
	static bool							\
	rd_##name(struct cursor *c, uint64_t *v)			\
	{								\
		type x;							\
		bool ok = fn(c, &x);					\
									\
		*v = x;							\
		return ok;						\
	}

READ_AS(u8, uint8_t, cur_u8)
READ_AS(u16, uint16_t, cur_u16)
READ_AS(u24, uint32_t, cur_u24)
READ_AS(u32, uint32_t, cur_u32)
READ_AS(le16, uint16_t, cur_le16)
READ_AS(le32, uint32_t, cur_le32)

static bool
rd_be5(struct cursor *c, uint64_t *v)
{
	return cur_be(c, 5, v);
}

static bool
rd_be8(struct cursor *c, uint64_t *v)
{
	return cur_be(c, 8, v);
}

static bool
rd_skip3(struct cursor *c, uint64_t *v)
{
	*v = 0;
	return cur_skip(c, 3);
}

static bool
rd_bytes4(struct cursor *c, uint64_t *v)
{
	const uint8_t *p;
	bool ok = cur_bytes(c, 4, &p);

	*v = 0;
	if (ok)
		for (unsigned i = 0; i < 4; i++)
			*v = *v << 8 | p[i];
	else
		assert_null(p);
	return ok;
}

static bool
rd_copy4(struct cursor *c, uint64_t *v)
{
	uint8_t b[4] = { 0, 0, 0, 0 };
	bool ok = cur_copy(c, b, 4);

	*v = (uint64_t)b[0] << 24 | (uint64_t)b[1] << 16 |
	    (uint64_t)b[2] << 8 | b[3];
	return ok;
}

static const struct reader readers[] = {
	{ "u8", 1, 0x01, rd_u8 },
	{ "u16", 2, 0x0102, rd_u16 },
	{ "u24", 3, 0x010203, rd_u24 },
	{ "u32", 4, 0x01020304, rd_u32 },
	{ "le16", 2, 0x0201, rd_le16 },
	{ "le32", 4, 0x04030201, rd_le32 },
	{ "be5", 5, 0x0102030405, rd_be5 },
	{ "be8", 8, 0x0102030405060708, rd_be8 },
	{ "skip3", 3, 0, rd_skip3 },
	{ "bytes4", 4, 0x01020304, rd_bytes4 },
	{ "copy4", 4, 0x01020304, rd_copy4 },
};

#define NREADERS (sizeof(readers) / sizeof(readers[0]))

/*
 * Every fixed-width read: exactly width bytes (it takes them all, and the
 * next byte is not there), one byte short (it fails as truncated, takes
 * nothing and says 0), and with bytes after it (it leaves exactly them).
 */
static void
test_fixed_reads(void **state)
{
	(void)state;
	for (size_t i = 0; i < NREADERS; i++) {
		const struct reader *r = &readers[i];
		uint8_t *end = dup_n(seq, r->width), *past = dup_n(seq,
		    r->width - 1);
		struct cursor c;
		uint64_t v = 99;
		uint8_t b = 99;

		cur_init(&c, end, r->width);
		assert_true(r->read(&c, &v));
		assert_true(cur_ok(&c));
		assert_int_equal(v, r->value);
		assert_int_equal(c.left, 0);
		assert_ptr_equal(c.p, end + r->width);
		assert_false(cur_u8(&c, &b));
		assert_int_equal(b, 0);
		assert_int_equal(c.err, CUR_TRUNCATED);

		cur_init(&c, past, r->width - 1);
		v = 99;
		assert_false(r->read(&c, &v));
		assert_int_equal(v, 0);
		assert_false(cur_ok(&c));
		assert_int_equal(c.err, CUR_TRUNCATED);
		assert_int_equal(c.left, 0);

		cur_init(&c, seq, sizeof(seq));
		assert_true(r->read(&c, &v));
		assert_int_equal(c.left, sizeof(seq) - r->width);
		assert_ptr_equal(c.p, seq + r->width);
		free(end);
		free(past);
	}
}

static void
test_init(void **state)
{
	struct cursor c;
	uint8_t b;

	(void)state;
	cur_init(&c, NULL, 10);	/* no bytes, whatever the length says */
	assert_int_equal(c.left, 0);
	assert_true(cur_ok(&c));
	assert_true(cur_skip(&c, 0));
	assert_true(cur_need(&c, 0));
	assert_false(cur_u8(&c, &b));
	assert_int_equal(c.err, CUR_TRUNCATED);

	cur_init(&c, seq, 0);
	assert_true(cur_ok(&c));
	assert_false(cur_need(&c, 1));
	assert_int_equal(c.err, CUR_TRUNCATED);
	/* Re-initialising clears the error. */
	cur_init(&c, seq, 1);
	assert_true(cur_ok(&c));
	assert_true(cur_u8(&c, &b));
	assert_int_equal(b, 1);
}

/* cur_be at every width from 0 to 8, at the end and one past it. */
static void
test_be_widths(void **state)
{
	(void)state;
	for (unsigned w = 0; w <= 8; w++) {
		uint8_t *buf = dup_n(seq, w);
		struct cursor c;
		uint64_t v = 99, want = 0;

		for (unsigned i = 0; i < w; i++)
			want = want << 8 | seq[i];
		cur_init(&c, buf, w);
		assert_true(cur_be(&c, w, &v));
		assert_int_equal(v, want);
		assert_int_equal(c.left, 0);
		if (w > 0) {
			cur_init(&c, buf, w - 1);
			assert_false(cur_be(&c, w, &v));
			assert_int_equal(v, 0);
			assert_int_equal(c.err, CUR_TRUNCATED);
		}
		free(buf);
	}
}

/* RFC 9000 A.1's examples, each at the end of its buffer and cut by one. */
static void
test_varint(void **state)
{
	static const struct {
		uint8_t b[8];
		size_t n;
		uint64_t v;
	} cases[] = {
		{ { 0xc2, 0x19, 0x7c, 0x5e, 0xff, 0x14, 0xe8, 0x8c }, 8,
		    151288809941952652u },
		{ { 0x9d, 0x7f, 0x3e, 0x7d }, 4, 494878333 },
		{ { 0x7b, 0xbd }, 2, 15293 },
		{ { 0x25 }, 1, 37 },
		{ { 0x40, 0x25 }, 2, 37 },
		{ { 0x3f }, 1, 63 },
		{ { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff }, 8,
		    0x3fffffffffffffffu },	/* the largest, 2^62 - 1 */
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint8_t *buf = dup_n(cases[i].b, cases[i].n);
		struct cursor c;
		uint64_t v = 99;

		cur_init(&c, buf, cases[i].n);
		assert_true(cur_varint(&c, &v));
		assert_int_equal(v, cases[i].v);
		assert_int_equal(c.left, 0);
		cur_init(&c, buf, cases[i].n - 1);
		v = 99;
		assert_false(cur_varint(&c, &v));
		assert_int_equal(v, 0);
		assert_int_equal(c.err, CUR_TRUNCATED);
		assert_int_equal(c.left, 0);
		free(buf);
	}
}

/* The first error stays; later reads that would fit fail too. */
static void
test_sticky(void **state)
{
	struct cursor c;
	uint16_t v16;
	uint8_t b;

	(void)state;
	cur_init(&c, seq, sizeof(seq));
	assert_false(cur_skip(&c, sizeof(seq) + 1));
	assert_int_equal(c.err, CUR_TRUNCATED);
	assert_int_equal(c.left, 0);
	assert_false(cur_u8(&c, &b));
	assert_false(cur_skip(&c, 0));
	/* cur_fail keeps the first error. */
	assert_false(cur_fail(&c, CUR_INVALID));
	assert_int_equal(c.err, CUR_TRUNCATED);

	/* Invalid first: a read past the end afterwards does not hide it. */
	cur_init(&c, seq, sizeof(seq));
	assert_true(cur_u16(&c, &v16));
	assert_false(cur_fail(&c, CUR_INVALID));
	assert_int_equal(c.err, CUR_INVALID);
	assert_int_equal(c.left, 0);
	assert_false(cur_u8(&c, &b));
	assert_false(cur_need(&c, 0));
	assert_int_equal(c.err, CUR_INVALID);
}

/*
 * Truncated is "the bytes ran out", invalid "the bytes say something
 * impossible": a length-prefixed value read the way parsers do, where a
 * zero length is invalid.
 */
static enum cur_err
read_value(const uint8_t *p, size_t n, uint8_t *first)
{
	struct cursor c, v;

	cur_init(&c, p, n);
	if (cur_sub_prefixed(&c, 1, &v) && v.left == 0)
		(void)cur_fail(&c, CUR_INVALID);
	(void)cur_u8(&v, first);
	return c.err != CUR_OK ? c.err : v.err;
}

static void
test_truncated_vs_invalid(void **state)
{
	static const uint8_t ok[] = { 2, 'a', 'b' }, cut[] = { 3, 'a', 'b' },
	    zero[] = { 0, 'a' };
	uint8_t first;

	(void)state;
	assert_int_equal(read_value(ok, sizeof(ok), &first), CUR_OK);
	assert_int_equal(first, 'a');
	assert_int_equal(read_value(cut, sizeof(cut), &first), CUR_TRUNCATED);
	assert_int_equal(read_value(ok, 0, &first), CUR_TRUNCATED);
	assert_int_equal(read_value(zero, sizeof(zero), &first), CUR_INVALID);
}

/* An inner read cannot pass the sub-cursor's length; the parent goes on. */
static void
test_sub_bounds(void **state)
{
	uint8_t *buf = dup_n(seq, sizeof(seq));
	struct cursor c, sub, sub2;
	uint32_t v32;
	uint16_t v16;
	uint8_t b;

	(void)state;
	cur_init(&c, buf, sizeof(seq));
	assert_true(cur_sub(&c, 3, &sub));
	assert_int_equal(sub.left, 3);
	assert_int_equal(c.left, sizeof(seq) - 3);
	/* Four bytes from a three-byte field: truncated, inside the field. */
	assert_false(cur_u32(&sub, &v32));
	assert_int_equal(sub.err, CUR_TRUNCATED);
	assert_true(cur_ok(&c));
	assert_true(cur_u8(&c, &b));
	assert_int_equal(b, 0x04);

	/* The field read whole, exactly to its end, then one past. */
	cur_init(&c, buf, sizeof(seq));
	assert_true(cur_sub(&c, 3, &sub));
	assert_true(cur_u24(&sub, &v32));
	assert_int_equal(v32, 0x010203);
	assert_false(cur_u8(&sub, &b));
	assert_int_equal(sub.err, CUR_TRUNCATED);
	assert_true(cur_ok(&c));

	/* A field as long as what is left, and one longer. */
	cur_init(&c, buf, sizeof(seq));
	assert_true(cur_sub(&c, sizeof(seq), &sub));
	assert_int_equal(c.left, 0);
	assert_true(cur_ok(&c));
	cur_init(&c, buf, sizeof(seq));
	assert_false(cur_sub(&c, sizeof(seq) + 1, &sub));
	assert_int_equal(c.err, CUR_TRUNCATED);
	assert_int_equal(sub.err, CUR_TRUNCATED);
	assert_int_equal(sub.left, 0);
	assert_null(sub.p);

	/* An empty field at the very end. */
	cur_init(&c, buf, sizeof(seq));
	assert_true(cur_skip(&c, sizeof(seq)));
	assert_true(cur_sub(&c, 0, &sub));
	assert_int_equal(sub.left, 0);
	assert_true(cur_ok(&sub));

	/* Nested: the inner field is bounded by the outer one. */
	cur_init(&c, buf, sizeof(seq));
	assert_true(cur_sub(&c, 4, &sub));
	assert_false(cur_sub(&sub, 5, &sub2));
	assert_int_equal(sub.err, CUR_TRUNCATED);
	assert_true(cur_ok(&c));
	assert_int_equal(c.left, sizeof(seq) - 4);

	/* A failed parent hands its own error on. */
	cur_init(&c, buf, sizeof(seq));
	(void)cur_fail(&c, CUR_INVALID);
	assert_false(cur_sub(&c, 0, &sub));
	assert_int_equal(sub.err, CUR_INVALID);
	assert_false(cur_u16(&sub, &v16));
	free(buf);
}

static void
test_sub_prefixed(void **state)
{
	static const uint8_t one[] = { 2, 0xaa, 0xbb, 0xcc },
	    two[] = { 0, 2, 0xaa, 0xbb },
	    three[] = { 0, 0, 2, 0xaa, 0xbb };
	struct cursor c, sub;
	uint8_t *buf;
	uint16_t v;

	(void)state;
	cur_init(&c, one, sizeof(one));
	assert_true(cur_sub_prefixed(&c, 1, &sub));
	assert_true(cur_u16(&sub, &v));
	assert_int_equal(v, 0xaabb);
	assert_int_equal(sub.left, 0);
	assert_int_equal(c.left, 1);

	/* 2- and 3-byte prefixes, the field ending the buffer exactly. */
	buf = dup_n(two, sizeof(two));
	cur_init(&c, buf, sizeof(two));
	assert_true(cur_sub_prefixed(&c, 2, &sub));
	assert_int_equal(sub.left, 2);
	assert_int_equal(c.left, 0);
	/* One byte of the field missing: both truncated. */
	cur_init(&c, buf, sizeof(two) - 1);
	assert_false(cur_sub_prefixed(&c, 2, &sub));
	assert_int_equal(c.err, CUR_TRUNCATED);
	assert_int_equal(sub.err, CUR_TRUNCATED);
	/* The prefix itself cut. */
	cur_init(&c, buf, 1);
	assert_false(cur_sub_prefixed(&c, 2, &sub));
	assert_int_equal(sub.err, CUR_TRUNCATED);
	assert_int_equal(sub.left, 0);
	free(buf);

	buf = dup_n(three, sizeof(three));
	cur_init(&c, buf, sizeof(three));
	assert_true(cur_sub_prefixed(&c, 3, &sub));
	assert_int_equal(sub.left, 2);
	assert_int_equal(sub.p[0], 0xaa);
	cur_init(&c, buf, sizeof(three) - 1);
	assert_false(cur_sub_prefixed(&c, 3, &sub));
	assert_int_equal(sub.err, CUR_TRUNCATED);
	free(buf);

	/* A zero length at the end is an empty field, not an error. */
	buf = dup_n(two, 2);
	buf[1] = 0;
	cur_init(&c, buf, 2);
	assert_true(cur_sub_prefixed(&c, 2, &sub));
	assert_int_equal(sub.left, 0);
	assert_true(cur_ok(&sub));
	free(buf);
}

/* Check the next line of c is s. */
static void
expect_line(struct cursor *c, const char *s)
{
	struct cursor l;

	assert_true(cur_line(c, &l));
	assert_true(cur_ok(&l));
	assert_int_equal(l.left, strlen(s));
	assert_memory_equal(l.p, s, l.left);
}

static void
test_line(void **state)
{
	static const char text[] = "GET / HTTP/1.1\r\nHost: a\n\r\n\r\r\nrest";
	uint8_t *buf = dup_n(text, sizeof(text) - 1);
	struct cursor c, save, l;

	(void)state;
	cur_init(&c, buf, sizeof(text) - 1);
	expect_line(&c, "GET / HTTP/1.1");
	expect_line(&c, "Host: a");
	expect_line(&c, "");		/* CRLF */
	expect_line(&c, "\r");		/* only one CR goes */
	/* No LF left: truncated, the partial line in the copy. */
	save = c;
	assert_false(cur_line(&c, &l));
	assert_int_equal(c.err, CUR_TRUNCATED);
	assert_int_equal(l.err, CUR_TRUNCATED);
	assert_int_equal(c.left, 0);
	assert_int_equal(l.left, 0);
	assert_int_equal(save.left, 4);
	assert_memory_equal(save.p, "rest", 4);
	free(buf);

	/* A line ending the buffer exactly, then nothing. */
	buf = dup_n("ab\n", 3);
	cur_init(&c, buf, 3);
	expect_line(&c, "ab");
	assert_int_equal(c.left, 0);
	assert_true(cur_ok(&c));
	assert_false(cur_line(&c, &l));
	assert_int_equal(c.err, CUR_TRUNCATED);
	/* The LF one past the end. */
	cur_init(&c, buf, 2);
	assert_false(cur_line(&c, &l));
	assert_int_equal(c.err, CUR_TRUNCATED);
	/* A bare LF, and a CR as the last byte before it. */
	cur_init(&c, buf + 2, 1);
	expect_line(&c, "");
	free(buf);
	buf = dup_n("\r\n", 2);
	cur_init(&c, buf, 2);
	expect_line(&c, "");
	/* Just a CR: no line yet. */
	cur_init(&c, buf, 1);
	assert_false(cur_line(&c, &l));
	free(buf);

	/* Empty input, and a failed parent. */
	cur_init(&c, NULL, 0);
	assert_false(cur_line(&c, &l));
	assert_int_equal(c.err, CUR_TRUNCATED);
	cur_init(&c, "a\n", 2);
	(void)cur_fail(&c, CUR_INVALID);
	assert_false(cur_line(&c, &l));
	assert_int_equal(c.err, CUR_INVALID);
	assert_int_equal(l.err, CUR_INVALID);
}

/* A NUL-ended name: the field, then the rest after the NUL. */
static void
test_until(void **state)
{
	static const uint8_t names[] = { 'a', 'b', 0, 0, 'c', 0 };
	uint8_t *buf = dup_n(names, sizeof(names));
	struct cursor c, f, save;

	(void)state;
	cur_init(&c, buf, sizeof(names));
	assert_true(cur_until(&c, 0, &f));
	assert_int_equal(f.left, 2);
	assert_memory_equal(f.p, "ab", 2);
	assert_true(cur_until(&c, 0, &f));	/* an empty field */
	assert_int_equal(f.left, 0);
	assert_true(cur_ok(&f));
	/* The delimiter is the last byte of the buffer. */
	assert_true(cur_until(&c, 0, &f));
	assert_int_equal(f.left, 1);
	assert_int_equal(f.p[0], 'c');
	assert_int_equal(c.left, 0);
	assert_true(cur_ok(&c));
	assert_false(cur_until(&c, 0, &f));
	assert_int_equal(c.err, CUR_TRUNCATED);
	/* The delimiter one past the end: truncated, the rest in a copy. */
	cur_init(&c, buf + 4, 1);
	save = c;
	assert_false(cur_until(&c, 0, &f));
	assert_int_equal(c.err, CUR_TRUNCATED);
	assert_int_equal(f.err, CUR_TRUNCATED);
	assert_null(f.p);
	assert_int_equal(save.left, 1);
	/* The field is a sub-cursor: it ends at the delimiter. */
	cur_init(&c, buf, sizeof(names));
	assert_true(cur_until(&c, 0, &f));
	assert_false(cur_skip(&f, 3));
	assert_int_equal(f.err, CUR_TRUNCATED);
	assert_true(cur_ok(&c));
	assert_int_equal(c.left, 3);
	free(buf);
}

/* Lines are sub-cursors: reads inside one stop at its end. */
static void
test_line_bounds(void **state)
{
	uint8_t *buf = dup_n("ab\ncd\n", 6);
	struct cursor c, l;
	uint32_t v;
	uint16_t v16;

	(void)state;
	cur_init(&c, buf, 6);
	assert_true(cur_line(&c, &l));
	assert_false(cur_u24(&l, &v));
	assert_int_equal(l.err, CUR_TRUNCATED);
	assert_true(cur_line(&c, &l));
	assert_true(cur_u16(&l, &v16));
	assert_int_equal(v16, 'c' << 8 | 'd');
	free(buf);
}

static void
test_peek_take(void **state)
{
	uint8_t *buf = dup_n("(x", 2);
	struct cursor c;
	uint8_t b = 99;

	(void)state;
	cur_init(&c, buf, 2);
	assert_true(cur_peek(&c, &b));
	assert_int_equal(b, '(');
	assert_int_equal(c.left, 2);	/* nothing taken */
	assert_false(cur_take(&c, ')'));
	assert_int_equal(c.left, 2);
	assert_true(cur_ok(&c));
	assert_true(cur_take(&c, '('));
	assert_true(cur_take(&c, 'x'));
	assert_int_equal(c.left, 0);
	/* At the end: false, and no error (looking is not reading). */
	b = 99;
	assert_false(cur_peek(&c, &b));
	assert_int_equal(b, 0);
	assert_false(cur_take(&c, 'x'));
	assert_true(cur_ok(&c));
	/* One before the end, the last byte can be taken. */
	cur_init(&c, buf + 1, 1);
	assert_true(cur_peek(&c, &b));
	assert_int_equal(b, 'x');
	assert_true(cur_take(&c, 'x'));
	assert_true(cur_ok(&c));
	/* A failed cursor shows nothing. */
	cur_init(&c, buf, 2);
	(void)cur_fail(&c, CUR_INVALID);
	assert_false(cur_peek(&c, &b));
	assert_false(cur_take(&c, '('));
	assert_int_equal(c.err, CUR_INVALID);
	free(buf);
}

/* A copy reads ahead or seeks without moving the original. */
static void
test_copy_seek(void **state)
{
	struct cursor c, at;
	uint16_t v;

	(void)state;
	cur_init(&c, seq, sizeof(seq));
	at = c;
	assert_true(cur_skip(&at, 7));
	assert_true(cur_le16(&at, &v));
	assert_int_equal(v, 0x0908);
	assert_int_equal(c.left, sizeof(seq));
	at = c;
	assert_false(cur_skip(&at, sizeof(seq) + 1));
	assert_true(cur_ok(&c));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixed_reads),
		cmocka_unit_test(test_init),
		cmocka_unit_test(test_be_widths),
		cmocka_unit_test(test_varint),
		cmocka_unit_test(test_sticky),
		cmocka_unit_test(test_truncated_vs_invalid),
		cmocka_unit_test(test_sub_bounds),
		cmocka_unit_test(test_sub_prefixed),
		cmocka_unit_test(test_until),
		cmocka_unit_test(test_line),
		cmocka_unit_test(test_line_bounds),
		cmocka_unit_test(test_peek_take),
		cmocka_unit_test(test_copy_seek),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
