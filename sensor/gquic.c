/*
 * gquic.c - the server name of Google QUIC client hellos (CHLO), for the
 * plaintext versions Q024-Q046 and for the CHLO quic.c decrypts from Q050.
 * Formats are drawn in gquic.h.
 *
 * Trusted: nothing; every read goes through a cursor, every length and
 * offset is checked against what is left.  Limits: GQUIC_TAGS_MAX tags
 * per CHLO (more is not a CHLO), names escaped into the caller's buffer
 * and cut with a "\..." marker.  No allocation, no state.
 */
#include <string.h>

#include "cursor.h"
#include "hostname.h"
#include "gquic.h"

enum {
	GQUIC_HASH_LEN = 12,	/* FNV-1a-128, truncated */
	GQUIC_CID_LEN = 8,
};

/* "Q0dd" as a number, or -1 for anything else. */
static int
gquic_number(uint32_t v)
{
	int a = (int)(v >> 8 & 0xff) - '0', b = (int)(v & 0xff) - '0';
	int z = (int)(v >> 16 & 0xff);

	if ((v >> 24) != 'Q' || z != '0' || a < 0 || a > 9 || b < 0 || b > 9)
		return -1;
	return a * 10 + b;
}

/* The plaintext versions read here. */
static bool
gquic_plain(uint32_t v)
{
	int n = gquic_number(v);

	return n >= 24 && n <= 46;
}

/*
 * Read the header up to the frames: *version_r, and whether multi-byte
 * fields are big-endian (Q039 and later).  False when it is not a
 * plaintext gQUIC client packet stating its version.
 */
static bool
read_header(struct cursor *c, uint32_t *version_r, bool *be_r)
{
	uint8_t flags, lens, dummy;
	unsigned pnlen, dcil, scil;
	int n;

	*version_r = 0;
	if (!cur_u8(c, &flags))
		return false;
	if (flags & 0x80) {
		/* Q046 long header */
		if (!cur_u32(c, version_r) || !cur_u8(c, &lens))
			return false;
		dcil = lens >> 4 ? (lens >> 4) + 3u : 0;
		scil = lens & 0x0f ? (lens & 0x0fu) + 3 : 0;
		pnlen = (flags & 3u) + 1;
		if (!cur_skip(c, dcil + scil) || !cur_skip(c, pnlen))
			return false;
	} else {
		static const unsigned pnlens[4] = {1, 2, 4, 6};

		/* version present; no reset; the 0x40 bit was multipath */
		if ((flags & 0x01) == 0 || (flags & 0x02) != 0)
			return false;
		if ((flags & 0x08) && !cur_skip(c, GQUIC_CID_LEN))
			return false;
		if (!cur_u32(c, version_r))
			return false;
		pnlen = pnlens[flags >> 4 & 3];
		if (!cur_skip(c, pnlen))
			return false;
	}
	n = gquic_number(*version_r);
	if (!gquic_plain(*version_r) || ((flags & 0x80) != 0) != (n >= 46))
		return false;
	if (!cur_skip(c, GQUIC_HASH_LEN))
		return false;
	/* A private-flags byte (entropy, FEC) up to Q033. */
	if (n <= 33 && !cur_u8(c, &dummy))
		return false;
	*be_r = n >= 39;
	return true;
}

bool
gquic_is_client_packet(const uint8_t *p, size_t len, uint32_t *version_r)
{
	struct cursor c;
	bool be;

	cur_init(&c, p, len);
	return read_header(&c, version_r, &be);
}

int
gquic_parse_chlo(const uint8_t *p, size_t len, char *sni, size_t snilen)
{
	struct cursor c, idx;
	const uint8_t *tag;
	uint16_t ntags, pad;
	uint32_t prev = 0;
	size_t vstart;

	if (snilen < 5)
		return -1;
	sni[0] = '\0';
	if (len < 4)
		return len == 0 || memcmp(p, "CHLO", len) != 0 ? -1 : 0;
	if (memcmp(p, "CHLO", 4) != 0)
		return -1;
	cur_init(&c, p + 4, len - 4);
	if (!cur_le16(&c, &ntags) || !cur_le16(&c, &pad))
		return 0;
	if (ntags > GQUIC_TAGS_MAX)
		return -1;
	if (!cur_sub(&c, (size_t)ntags * 8, &idx))
		return 0;
	vstart = 8 + (size_t)ntags * 8;
	for (unsigned i = 0; i < ntags; i++) {
		uint32_t end;

		cur_bytes(&idx, 4, &tag);
		cur_le32(&idx, &end);
		if (!cur_ok(&idx))
			return -1;
		/* values are back to back: end offsets never decrease */
		if (end < prev)
			return -1;
		if (memcmp(tag, "SNI\0", 4) == 0) {
			if (end > len - vstart)
				return 0;
			hostname_escape(sni, snilen, p + vstart + prev,
			    end - prev);
			return 1;
		}
		prev = end;
	}
	return 1;
}

/* Skip a frame other than the CHLO's STREAM; false ends the packet. */
static bool
skip_frame(struct cursor *c, uint8_t type)
{
	/* PADDING (the rest) and PING; and, as nDPI does, an ACK of the
	   common short shapes in a retransmitted first flight. */
	if (type == 0x00) {
		while (c->left > 0 && c->p[0] == 0)
			cur_skip(c, 1);
		return true;
	}
	if (type == 0x07)
		return true;
	if (type == 0x40)
		return cur_skip(c, 5);
	if (type == 0x60)
		return cur_skip(c, 8);
	return false;
}

int
gquic_parse_packet(const uint8_t *p, size_t len, uint32_t *version_r,
    char *sni, size_t snilen)
{
	struct cursor c;
	bool be;

	if (snilen < 5)
		return -1;
	sni[0] = '\0';
	cur_init(&c, p, len);
	if (!read_header(&c, version_r, &be))
		return -1;
	while (c.left > 0) {
		uint8_t type, sid8;
		uint64_t sid = 0;
		uint16_t dlen = 0;
		unsigned ooo, ss;
		const uint8_t *d;
		size_t n;

		cur_u8(&c, &type);
		if ((type & 0x80) == 0) {
			if (!skip_frame(&c, type))
				return 0;
			continue;
		}
		/* STREAM: 1 f d ooo ss */
		ss = (type & 3u) + 1;
		ooo = type >> 2 & 7;
		for (unsigned i = 0; i < ss; i++) {
			cur_u8(&c, &sid8);
			sid = be ? sid << 8 | sid8 : sid | (uint64_t)sid8 << 8 * i;
		}
		if (ooo != 0)
			cur_skip(&c, ooo + 1u);
		if (type & 0x20) {
			if (be)
				cur_u16(&c, &dlen);
			else
				cur_le16(&c, &dlen);
			n = dlen;
		} else
			n = c.left;
		if (!cur_ok(&c) || n > c.left)
			return 0;
		cur_bytes(&c, n, &d);
		if (sid == 1 && n >= 4 && memcmp(d, "CHLO", 4) == 0)
			return gquic_parse_chlo(d, n, sni, snilen) == 1 ? 1 : 0;
	}
	return 0;
}
