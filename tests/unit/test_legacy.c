/*
 * test_legacy.c - the binary readers in milter/legacy.c, which go through
 * policy/cursor.h: TNEF attributes (an attachment's name and data, a value
 * ending exactly at the end of the stream and one byte past it, a cut
 * attribute header, the signature alone and cut, the output bound) and the
 * BinHex header (exactly as long as it must be, one byte short, a data
 * fork longer than the bytes there).  Inputs are exact-size heap copies,
 * so ASan sees any over-read.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "legacy.h"

#define MAX_FILES 8

struct seen {
	size_t n;
	char kind[MAX_FILES][16];
	char name[MAX_FILES][64];
	unsigned char data[MAX_FILES][64];
	size_t len[MAX_FILES];
	bool truncated[MAX_FILES];
};

static bool
keep(void *ctx, const char *kind, const char *name, const void *data,
    size_t len, bool truncated)
{
	struct seen *s = ctx;

	assert_true(s->n < MAX_FILES);
	assert_true(len <= sizeof(s->data[0]));
	assert_true((size_t)snprintf(s->kind[s->n], sizeof(s->kind[0]), "%s",
	    kind) < sizeof(s->kind[0]));
	assert_true((size_t)snprintf(s->name[s->n], sizeof(s->name[0]), "%s",
	    name) < sizeof(s->name[0]));
	memcpy(s->data[s->n], data, len);
	s->len[s->n] = len;
	s->truncated[s->n] = truncated;
	s->n++;
	return true;
}

/* Exactly one file came, whole: kind, name and bytes. */
static void
expect_one(const struct seen *s, const char *kind, const char *name,
    const void *data, size_t len)
{
	assert_int_equal(s->n, 1);
	assert_string_equal(s->kind[0], kind);
	assert_string_equal(s->name[0], name);
	assert_int_equal(s->len[0], len);
	assert_memory_equal(s->data[0], data, len);
	assert_false(s->truncated[0]);
}

/* ------------------------------------------------------------ TNEF */

struct tnef {
	unsigned char b[512];
	size_t len;
};

static void
put_le32(struct tnef *t, uint32_t v)
{
	for (unsigned i = 0; i < 4; i++)
		t->b[t->len++] = (unsigned char)(v >> (8 * i));
}

static void
tnef_start(struct tnef *t)
{
	t->len = 0;
	put_le32(t, 0x223e9f78u);
	t->b[t->len++] = 0x01;	/* legacy key */
	t->b[t->len++] = 0x00;
}

static void tnef_attr(struct tnef *t, uint32_t id, const void *v, size_t n,
    bool checksum);

#define REND 0x00069002u
#define TITLE 0x00018010u
#define DATA 0x0006800fu

/* The signature, the key and an attachment's start (REND_DATA). */
static void
tnef_start_attachment(struct tnef *t)
{
	tnef_start(t);
	tnef_attr(t, REND, "\x01\x00", 2, true);
}

/* One attribute: level, id, length, value, checksum (checksum: false
 * leaves it off, as at the end of a cut stream). */
static void
tnef_attr(struct tnef *t, uint32_t id, const void *v, size_t n, bool checksum)
{
	t->b[t->len++] = 2;	/* attachment level */
	put_le32(t, id);
	put_le32(t, (uint32_t)n);
	memcpy(t->b + t->len, v, n);
	t->len += n;
	if (checksum) {
		t->b[t->len++] = 0;
		t->b[t->len++] = 0;
	}
}

static int
run_tnef(const struct tnef *t, size_t len, size_t max_out, struct seen *s)
{
	unsigned char *cp = malloc(len > 0 ? len : 1);
	int rc;

	assert_non_null(cp);
	memcpy(cp, t->b, len);
	memset(s, 0, sizeof(*s));
	rc = legacy_tnef(cp, len, max_out, keep, s);
	free(cp);
	return rc;
}

static void
test_tnef_attachment(void **state)
{
	struct tnef t;
	struct seen s;

	(void)state;
	tnef_start_attachment(&t);
	tnef_attr(&t, TITLE, "evil.exe\0\0", 10, true);
	tnef_attr(&t, DATA, "MZ\x90", 3, true);
	assert_int_equal(run_tnef(&t, t.len, 4096, &s), 1);
	expect_one(&s, "tnef", "evil.exe", "MZ\x90", 3);

	/* Two attachments: the second REND_DATA hands out the first. */
	tnef_attr(&t, REND, "\x01\x00", 2, true);
	tnef_attr(&t, TITLE, "b.txt", 5, true);
	assert_int_equal(run_tnef(&t, t.len, 4096, &s), 2);
	assert_string_equal(s.name[0], "evil.exe");
	assert_string_equal(s.name[1], "b.txt");
	assert_int_equal(s.len[1], 0);

	/* The output bound cuts the data and says so. */
	tnef_start_attachment(&t);
	tnef_attr(&t, DATA, "abcdef", 6, true);
	assert_int_equal(run_tnef(&t, t.len, 4, &s), 1);
	assert_string_equal(s.name[0], "attachment");
	assert_int_equal(s.len[0], 4);
	assert_true(s.truncated[0]);
}

/*
 * A value that ends exactly at the end of the stream (its checksum cut
 * off) is still read, and the walk ends there; one byte short, the value
 * is not read at all.
 */
static void
test_tnef_value_at_end(void **state)
{
	struct tnef t;
	struct seen s;

	(void)state;
	tnef_start_attachment(&t);
	tnef_attr(&t, TITLE, "a.exe", 5, false);
	assert_int_equal(run_tnef(&t, t.len, 4096, &s), 1);
	assert_string_equal(s.name[0], "a.exe");
	/* One checksum byte there: the same. */
	t.b[t.len++] = 0;
	assert_int_equal(run_tnef(&t, t.len, 4096, &s), 1);
	assert_string_equal(s.name[0], "a.exe");
	/* The value one byte past the end: only the attachment start. */
	t.len -= 2;
	assert_int_equal(run_tnef(&t, t.len, 4096, &s), 0);
	assert_int_equal(s.n, 0);

	/* The data value at the very end, then one past. */
	tnef_start_attachment(&t);
	tnef_attr(&t, DATA, "xyz", 3, false);
	assert_int_equal(run_tnef(&t, t.len, 4096, &s), 1);
	assert_int_equal(s.len[0], 3);
	assert_int_equal(run_tnef(&t, t.len - 1, 4096, &s), 0);
}

/* An attribute header cut anywhere: the files before it, nothing more. */
static void
test_tnef_cut_header(void **state)
{
	struct tnef t;
	struct seen s;
	size_t whole;

	(void)state;
	tnef_start_attachment(&t);
	tnef_attr(&t, TITLE, "first.doc", 9, true);
	whole = t.len;
	tnef_attr(&t, REND, "\x01\x00", 2, true);
	for (size_t cut = whole + 1; cut < whole + 9; cut++) {
		assert_int_equal(run_tnef(&t, cut, 4096, &s), 1);
		assert_int_equal(s.n, 1);
		assert_string_equal(s.name[0], "first.doc");
	}
}

static void
test_tnef_signature(void **state)
{
	struct tnef t;
	struct seen s;

	(void)state;
	tnef_start(&t);
	assert_int_equal(run_tnef(&t, 6, 4096, &s), 0);	/* key too */
	assert_int_equal(run_tnef(&t, 4, 4096, &s), 0);	/* exactly it */
	assert_int_equal(run_tnef(&t, 3, 4096, &s), -1);	/* one short */
	assert_int_equal(run_tnef(&t, 0, 4096, &s), -1);
	t.b[3] ^= 1;
	assert_int_equal(run_tnef(&t, 6, 4096, &s), -1);
}

/* ------------------------------------------------------------ BinHex */

static const char hqx[] =
    "!\"#$%&'()*+,-012345689@ABCDEFGHIJKLMNPQRSTUVXYZ[`abcdefhijklmpqr";

/* BinHex text ":...:" for the decoded bytes b[0..n) (no 0x90 in them). */
static char *
binhex_text(const unsigned char *b, size_t n, size_t *len_r)
{
	char *t = malloc(n * 2 + 8);
	uint32_t acc = 0;
	unsigned bits = 0;
	size_t o = 0;

	assert_non_null(t);
	t[o++] = ':';
	for (size_t i = 0; i < n; i++) {
		assert_int_not_equal(b[i], 0x90);
		acc = acc << 8 | b[i];
		bits += 8;
		while (bits >= 6) {
			bits -= 6;
			t[o++] = hqx[(acc >> bits) & 63];
		}
	}
	if (bits > 0)
		t[o++] = hqx[(acc << (6 - bits)) & 63];
	t[o++] = ':';
	*len_r = o;
	return t;
}

/* len(1) name 0 type(4) creator(4) flags(2) dlen(4) rlen(4) crc(2) data */
static size_t
binhex_file(unsigned char *b, const char *name, uint32_t dlen,
    const char *data)
{
	size_t n = 0, nl = strlen(name);

	b[n++] = (unsigned char)nl;
	memcpy(b + n, name, nl);
	n += nl;
	memset(b + n, 'x', 1 + 4 + 4 + 2);
	b[n] = 0;
	n += 11;
	for (int i = 3; i >= 0; i--)
		b[n++] = (unsigned char)(dlen >> (8 * i));
	memset(b + n, 0, 6);
	n += 6;
	memcpy(b + n, data, strlen(data));
	return n + strlen(data);
}

static int
run_binhex(const unsigned char *b, size_t n, struct seen *s)
{
	size_t len;
	char *t = binhex_text(b, n, &len);
	int rc;

	memset(s, 0, sizeof(*s));
	rc = legacy_binhex(t, len, 4096, keep, s);
	free(t);
	return rc;
}

static void
test_binhex_header(void **state)
{
	unsigned char b[128];
	struct seen s;
	size_t n;

	(void)state;
	n = binhex_file(b, "f.exe", 3, "abc");
	assert_int_equal(run_binhex(b, n, &s), 0);
	expect_one(&s, "binhex", "f.exe", "abc", 3);

	/* The header exactly, no data: an empty fork said to be 3 long. */
	n = binhex_file(b, "f.exe", 3, "");
	assert_int_equal(n, 1 + 5 + 21);
	assert_int_equal(run_binhex(b, n, &s), 0);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.len[0], 0);
	assert_true(s.truncated[0]);
	/* One byte short of a header: no file. */
	assert_int_equal(run_binhex(b, n - 1, &s), -1);
	assert_int_equal(s.n, 0);

	/* A fork longer than the bytes there: what there is, cut. */
	n = binhex_file(b, "g", 100, "xy");
	assert_int_equal(run_binhex(b, n, &s), 0);
	assert_int_equal(s.len[0], 2);
	assert_true(s.truncated[0]);

	/* No name: not a file. */
	n = binhex_file(b, "", 1, "a");
	assert_int_equal(run_binhex(b, n, &s), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tnef_attachment),
		cmocka_unit_test(test_tnef_value_at_end),
		cmocka_unit_test(test_tnef_cut_header),
		cmocka_unit_test(test_tnef_signature),
		cmocka_unit_test(test_binhex_header),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
