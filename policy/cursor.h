/*
 * cursor.h - the bounds-checked reader for untrusted bytes (STYLE.md 3):
 * every parser of bytes from the network reads through it, the sensor's
 * packet parsers and the milter's binary decoders alike (tests/lint.sh
 * refuses integers assembled by hand and private readers elsewhere).
 *
 * A cursor is the next byte, the bytes left and a sticky error.  A failed
 * read returns false, sets the error and leaves the cursor empty, so a
 * parser reads a group of fields, checks cur_ok() once, then acts.
 * Length-prefixed fields become sub-cursors (cur_sub), so an inner parser
 * cannot run past its declared length.  CUR_TRUNCATED (the bytes ran out:
 * snaplen, a short capture, a segment still to come) is kept apart from
 * CUR_INVALID (the bytes say something impossible), which parsers set
 * themselves with cur_fail().  A copy of a cursor is a second reader over
 * the same bytes (look ahead, or seek to an offset with cur_skip).
 *
 * Header-only and self-contained (no other msgsec header): every function
 * is static inline.  No allocation; the bytes are never written, and
 * pointers handed out are valid as long as the input is.
 */
#ifndef MSGSEC_CURSOR_H
#define MSGSEC_CURSOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

enum cur_err {
	CUR_OK = 0,
	CUR_TRUNCATED = 1,
	CUR_INVALID = 2,
};

struct cursor {
	const uint8_t *p;
	size_t left;
	enum cur_err err;
};

static inline void
cur_init(struct cursor *c, const void *p, size_t len)
{
	c->p = p;
	c->left = p != NULL ? len : 0;
	c->err = CUR_OK;
}

static inline bool
cur_ok(const struct cursor *c)
{
	return c->err == CUR_OK;
}

/* Mark the cursor failed (first error wins) and empty it. */
static inline bool
cur_fail(struct cursor *c, enum cur_err e)
{
	if (c->err == CUR_OK)
		c->err = e;
	c->left = 0;
	return false;
}

static inline bool
cur_need(struct cursor *c, size_t n)
{
	if (c->err != CUR_OK)
		return false;
	if (c->left < n)
		return cur_fail(c, CUR_TRUNCATED);
	return true;
}

static inline bool
cur_skip(struct cursor *c, size_t n)
{
	if (!cur_need(c, n))
		return false;
	c->p += n;
	c->left -= n;
	return true;
}

/* Point *out at the next n bytes (valid as long as the input is). */
static inline bool
cur_bytes(struct cursor *c, size_t n, const uint8_t **out)
{
	*out = NULL;
	if (!cur_need(c, n))
		return false;
	*out = c->p;
	c->p += n;
	c->left -= n;
	return true;
}

/* Copy the next n bytes into out. */
static inline bool
cur_copy(struct cursor *c, void *out, size_t n)
{
	const uint8_t *p;

	if (!cur_bytes(c, n, &p))
		return false;
	for (size_t i = 0; i < n; i++)
		((uint8_t *)out)[i] = p[i];
	return true;
}

static inline bool
cur_u8(struct cursor *c, uint8_t *v)
{
	*v = 0;
	if (!cur_need(c, 1))
		return false;
	*v = c->p[0];
	c->p++;
	c->left--;
	return true;
}

/* Big-endian (network order) integers. */
static inline bool
cur_be(struct cursor *c, unsigned bytes, uint64_t *v)
{
	*v = 0;
	if (!cur_need(c, bytes))
		return false;
	for (unsigned i = 0; i < bytes; i++)
		*v = *v << 8 | c->p[i];
	c->p += bytes;
	c->left -= bytes;
	return true;
}

static inline bool
cur_u16(struct cursor *c, uint16_t *v)
{
	uint64_t x;
	bool ok = cur_be(c, 2, &x);

	*v = (uint16_t)x;
	return ok;
}

static inline bool
cur_u24(struct cursor *c, uint32_t *v)
{
	uint64_t x;
	bool ok = cur_be(c, 3, &x);

	*v = (uint32_t)x;
	return ok;
}

static inline bool
cur_u32(struct cursor *c, uint32_t *v)
{
	uint64_t x;
	bool ok = cur_be(c, 4, &x);

	*v = (uint32_t)x;
	return ok;
}

/* Little-endian 16 and 32 bits (DLT_NULL headers, gQUIC, TNEF, CAB). */
static inline bool
cur_le16(struct cursor *c, uint16_t *v)
{
	*v = 0;
	if (!cur_need(c, 2))
		return false;
	*v = (uint16_t)(c->p[0] | c->p[1] << 8);
	c->p += 2;
	c->left -= 2;
	return true;
}

static inline bool
cur_le32(struct cursor *c, uint32_t *v)
{
	*v = 0;
	if (!cur_need(c, 4))
		return false;
	*v = (uint32_t)c->p[0] | (uint32_t)c->p[1] << 8 |
	    (uint32_t)c->p[2] << 16 | (uint32_t)c->p[3] << 24;
	c->p += 4;
	c->left -= 4;
	return true;
}

/* QUIC variable-length integer (RFC 9000 section 16). */
static inline bool
cur_varint(struct cursor *c, uint64_t *v)
{
	unsigned n;
	uint64_t x;

	*v = 0;
	if (!cur_need(c, 1))
		return false;
	n = 1u << (c->p[0] >> 6);
	if (!cur_need(c, n))
		return false;
	x = c->p[0] & 0x3f;
	for (unsigned i = 1; i < n; i++)
		x = x << 8 | c->p[i];
	c->p += n;
	c->left -= n;
	*v = x;
	return true;
}

/*
 * Text.  The same cursor walks text protocols and text fields (an HTTP
 * head, IRC lines, an RFC 5322 date, the NUL-ended names of a binary
 * format): bytes are bytes, nothing is assumed NUL-terminated.
 */

/*
 * The next byte without taking it: false (the cursor unchanged, no error)
 * when none is left or the cursor has failed.  For scanners that decide
 * on the next byte whether a token goes on.
 */
static inline bool
cur_peek(const struct cursor *c, uint8_t *v)
{
	*v = 0;
	if (c->err != CUR_OK || c->left == 0)
		return false;
	*v = c->p[0];
	return true;
}

/* Take the next byte if it is ch; otherwise false and nothing changes. */
static inline bool
cur_take(struct cursor *c, uint8_t ch)
{
	uint8_t b;

	if (!cur_peek(c, &b) || b != ch)
		return false;
	c->p++;
	c->left--;
	return true;
}

/*
 * The bytes up to the next delim as a sub-cursor; the parent moves past
 * the delim.  When no delim is left both fail with CUR_TRUNCATED: the
 * rest of the field may still come (keep a copy of the parent to look at
 * what there is).
 */
static inline bool
cur_until(struct cursor *c, uint8_t delim, struct cursor *field)
{
	const uint8_t *end = NULL;
	size_t n;

	if (c->err == CUR_OK && c->left > 0)
		end = memchr(c->p, delim, c->left);
	if (end == NULL) {
		(void)cur_fail(c, CUR_TRUNCATED);
		cur_init(field, NULL, 0);
		field->err = c->err;
		return false;
	}
	n = (size_t)(end - c->p);
	cur_init(field, c->p, n);
	c->p += n + 1;
	c->left -= n + 1;
	return true;
}

/*
 * The next line as a sub-cursor, without its LF and one CR before it
 * (RFC 9112 2.2 and RFC 2812 2.3 read a bare LF as a line end); the parent
 * moves past the LF.  No LF left: as cur_until.
 */
static inline bool
cur_line(struct cursor *c, struct cursor *line)
{
	if (!cur_until(c, '\n', line))
		return false;
	if (line->left > 0 && line->p[line->left - 1] == '\r')
		line->left--;
	return true;
}

/*
 * A sub-cursor over the next n bytes; the parent moves past them.  When the
 * parent has fewer than n bytes both fail with CUR_TRUNCATED.
 */
static inline bool
cur_sub(struct cursor *c, size_t n, struct cursor *sub)
{
	const uint8_t *p;

	if (!cur_bytes(c, n, &p)) {
		cur_init(sub, NULL, 0);
		sub->err = c->err;
		return false;
	}
	cur_init(sub, p, n);
	return true;
}

/* Sub-cursor whose length is a big-endian prefix of 1, 2 or 3 bytes. */
static inline bool
cur_sub_prefixed(struct cursor *c, unsigned lenbytes, struct cursor *sub)
{
	uint64_t n;

	if (!cur_be(c, lenbytes, &n)) {
		cur_init(sub, NULL, 0);
		sub->err = c->err;
		return false;
	}
	return cur_sub(c, (size_t)n, sub);
}

#endif
