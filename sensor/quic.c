/*
 * quic.c - the client's QUIC Initial packets, decrypted, and the CRYPTO
 * stream they carry reassembled into the ClientHello.
 *
 * RFC 9000 17.2 (long header), 17.2.2 (Initial), 12.2 (coalesced
 * packets), 19 (frames), A.3 (packet number decoding); RFC 9001 5 (Initial
 * protection); RFC 9369 (QUIC v2: its salt, labels and packet types).
 *
 *   Long header:  1|1|T T|R R|P P   byte 0 (T = type, P = pn length - 1,
 *                 version (32)        R and P under header protection)
 *                 DCID len (8) DCID (0..160)  SCID len (8) SCID (0..160)
 *   Initial:      token length (i) token  Length (i)  pn (8..32)  payload
 *   0-RTT, Handshake: Length (i) pn payload (skipped whole)
 *   Retry, Version Negotiation: end the walk.
 *
 * Trusted: nothing in the datagram.  Every read goes through a cursor;
 * connection ID lengths are capped at 20 (QUIC_CID_MAX), the Length and
 * token length fields must fit the datagram, and a packet that does not
 * open (bad tag, too short for the 16-byte sample) is counted and skipped.
 *
 * Limits, per state (quic_state_new_bounded: sensor.quic_crypto_bytes and
 * sensor.quic_initials; QUIC_CRYPTO_MAX and QUIC_MAX_PACKETS by default):
 * bytes of CRYPTO stream (offsets past it give up the flow) and Initial
 * packets tried per flow.  Memory per flow: the state, two EVP contexts,
 * the CRYPTO buffer (grown in 2 KiB steps to what the frames need, at
 * most the CRYPTO bound plus a 1/8
 * bitmap) and one scratch buffer the size of the largest Initial.
 * Owned by the caller through quic_state_new/quic_state_free.
 */
#include <stdlib.h>
#include <string.h>

#include "cursor.h"
#include "mem.h"
#include "quic.h"
#include "quic_crypto.h"

enum {
	QUIC_CRYPTO_STEP = 2048,
	QUIC_SCRATCH_MAX = 65536,	/* a UDP payload is smaller */
};

/* Versions (RFC 9000 15, RFC 9369 3.1, the drafts, vendors). */
enum {
	QV_1 = 0x00000001,
	QV_2 = 0x6b3343cf,
	QV_MVFST_22 = 0xfaceb001,
	QV_MVFST_27 = 0xfaceb002,
	QV_MVFST_EXP = 0xfaceb00e,
	QV_Q050 = 0x51303530,
	QV_T050 = 0x54303530,
	QV_T051 = 0x54303531,
};

/* How the CRYPTO stream is framed and what it carries. */
enum quic_kind {
	QK_IETF,	/* RFC 9000 frames, TLS ClientHello */
	QK_GOOGLE_TLS,	/* gQUIC frames (CRYPTO = 0x08), TLS ClientHello */
	QK_GOOGLE_CHLO,	/* gQUIC frames, gQUIC CHLO */
};

struct quic_version_info {
	uint32_t version;
	const uint8_t *salt;
	enum quic_labels labels;
	enum quic_kind kind;
	unsigned initial_type;	/* long-header type bits of an Initial */
	unsigned retry_type;
};

/* RFC 9001 5.2 */
static const uint8_t salt_v1[QUIC_SALT_LEN] = {0x38, 0x76, 0x2c, 0xf7, 0xf5,
    0x59, 0x34, 0xb3, 0x4d, 0x17, 0x9a, 0xe6, 0xa4, 0xc8, 0x0c, 0xad, 0xcc,
    0xbb, 0x7f, 0x0a};
/* RFC 9369 3.3.1 */
static const uint8_t salt_v2[QUIC_SALT_LEN] = {0x0d, 0xed, 0xe3, 0xde, 0xf7,
    0x00, 0xa6, 0xdb, 0x81, 0x93, 0x81, 0xbe, 0x6e, 0x26, 0x9d, 0xcb, 0xf9,
    0xbd, 0x2e, 0xd9};
/* draft-ietf-quic-tls-29 5.2 (drafts 29-32) */
static const uint8_t salt_d29[QUIC_SALT_LEN] = {0xaf, 0xbf, 0xec, 0x28,
    0x99, 0x93, 0xd2, 0x4c, 0x9e, 0x97, 0x86, 0xf1, 0x9c, 0x61, 0x11, 0xe0,
    0x43, 0x90, 0xa8, 0x99};
/* draft-ietf-quic-tls-23 5.2 (drafts 23-28) */
static const uint8_t salt_d23[QUIC_SALT_LEN] = {0xc3, 0xee, 0xf7, 0x12,
    0xc7, 0x2e, 0xbb, 0x5a, 0x11, 0xa7, 0xd2, 0x43, 0x2b, 0xb4, 0x63, 0x65,
    0xbe, 0xf9, 0xf5, 0x02};
/* draft-ietf-quic-tls-22 5.2 (drafts 21-22; mvfst's draft-22 build) */
static const uint8_t salt_d22[QUIC_SALT_LEN] = {0x7f, 0xbc, 0xdb, 0x0e,
    0x7c, 0x66, 0xbb, 0xe9, 0x19, 0x3a, 0x96, 0xcd, 0x21, 0x51, 0x9e, 0xbd,
    0x7a, 0x02, 0x64, 0x4a};
/* Google QUIC with IETF invariant headers (Chromium quic_versions) */
static const uint8_t salt_q050[QUIC_SALT_LEN] = {0x50, 0x45, 0x74, 0xef,
    0xd0, 0x66, 0xfe, 0x2f, 0x9d, 0x94, 0x5c, 0xfc, 0xdb, 0xd3, 0xa7, 0xf0,
    0xd3, 0xb5, 0x6b, 0x45};
static const uint8_t salt_t050[QUIC_SALT_LEN] = {0x7f, 0xf5, 0x79, 0xe5,
    0xac, 0xd0, 0x72, 0x91, 0x55, 0x80, 0x30, 0x4c, 0x43, 0xa2, 0x36, 0x7c,
    0x60, 0x48, 0x83, 0x10};
static const uint8_t salt_t051[QUIC_SALT_LEN] = {0x7a, 0x4e, 0xde, 0xf4,
    0xe7, 0xcc, 0xee, 0x5f, 0xa4, 0x50, 0x6c, 0x19, 0x12, 0x4f, 0xc8, 0xcc,
    0xda, 0x6e, 0x03, 0x3d};

struct quic_state {
	size_t crypto_max;	/* bound on the CRYPTO stream, a multiple of 8 */
	unsigned max_packets;	/* Initials tried */
	int status;		/* 0 running, 1 complete, -1 given up */
	bool limit;		/* given up on a bound */
	uint32_t version;
	struct quic_version_info vi;
	uint8_t dcid[QUIC_CID_MAX];
	size_t dcid_len;
	struct quic_cipher cipher;
	int64_t largest_pn;	/* -1 before the first opened packet */
	unsigned ninitials;	/* Initial packets tried */
	unsigned nopened;
	unsigned nfailed;

	uint8_t *crypto;	/* CRYPTO stream bytes [0, cap) */
	uint8_t *have;		/* bitmap: which of them arrived */
	size_t cap;
	size_t contig;		/* bytes [0, contig) all present */
	size_t hello_len;	/* 0 until the message length is known */

	uint8_t *scratch;	/* unprotected header + plaintext */
	size_t scratch_cap;
};

static bool
is_reserved(uint32_t v)
{
	return (v & 0x0f0f0f0f) == 0x0a0a0a0a;
}

static bool
version_info(uint32_t v, struct quic_version_info *vi)
{
	memset(vi, 0, sizeof(*vi));
	vi->version = v;
	vi->labels = QUIC_LABELS_V1;
	vi->kind = QK_IETF;
	vi->initial_type = 0;
	vi->retry_type = 3;
	if (v == QV_1)
		vi->salt = salt_v1;
	else if (v == QV_2) {
		/* RFC 9369 3.2: Initial 0b01, 0-RTT 0b10, Handshake 0b11,
		   Retry 0b00. */
		vi->salt = salt_v2;
		vi->labels = QUIC_LABELS_V2;
		vi->initial_type = 1;
		vi->retry_type = 0;
	} else if (v >= 0xff000021 && v <= 0xff000022)
		vi->salt = salt_v1;	/* draft-33 introduced the v1 salt */
	else if (v >= 0xff00001d && v <= 0xff000020)
		vi->salt = salt_d29;
	else if (v >= 0xff000017 && v <= 0xff00001c)
		vi->salt = salt_d23;
	else if (v >= 0xff000015 && v <= 0xff000016)
		vi->salt = salt_d22;
	else if (v == QV_MVFST_22)
		vi->salt = salt_d22;
	else if (is_reserved(v))
		/* RFC 9000 15: 0x?a?a?a?a forces version negotiation; the
		   clients of the interop era sealed those Initials with the
		   draft-29 salt (Wireshark and nDPI assume the same). */
		vi->salt = salt_d29;
	else if (v == QV_MVFST_27 || v == QV_MVFST_EXP)
		vi->salt = salt_d23;
	else if (v == QV_T051) {
		vi->salt = salt_t051;
		vi->kind = QK_GOOGLE_TLS;
	} else if (v == QV_T050) {
		vi->salt = salt_t050;
		vi->kind = QK_GOOGLE_TLS;
	} else if (v == QV_Q050) {
		vi->salt = salt_q050;
		vi->kind = QK_GOOGLE_CHLO;
	} else
		return false;
	return true;
}

/*
 * The fixed part of a long header: first byte, version, both connection
 * IDs (each at most QUIC_CID_MAX).  Returns false when the bytes are not
 * a long header of a known version.
 */
struct long_hdr {
	uint8_t first;
	uint32_t version;
	const uint8_t *dcid;
	uint8_t dcid_len;
	uint8_t scid_len;
	unsigned type;
};

static bool
read_long_hdr(struct cursor *c, struct long_hdr *h)
{
	const uint8_t *scid;

	memset(h, 0, sizeof(*h));
	if (!cur_u8(c, &h->first) || (h->first & 0x80) == 0 ||
	    !cur_u32(c, &h->version) || !cur_u8(c, &h->dcid_len) ||
	    h->dcid_len > QUIC_CID_MAX ||
	    !cur_bytes(c, h->dcid_len, &h->dcid) ||
	    !cur_u8(c, &h->scid_len) || h->scid_len > QUIC_CID_MAX ||
	    !cur_bytes(c, h->scid_len, &scid))
		return false;
	h->type = (h->first >> 4) & 3;
	return true;
}

bool
quic_is_initial(const uint8_t *p, size_t len)
{
	struct cursor c;
	struct long_hdr h;
	struct quic_version_info vi;
	uint64_t toklen, length;

	cur_init(&c, p, len);
	if (!read_long_hdr(&c, &h) || !version_info(h.version, &vi) ||
	    h.type != vi.initial_type || h.dcid_len == 0)
		return false;
	if (!cur_varint(&c, &toklen) || toklen > c.left ||
	    !cur_skip(&c, (size_t)toklen) || !cur_varint(&c, &length))
		return false;
	/* At least a packet number, a 16-byte sample and the tag. */
	return length >= 4 + QUIC_SAMPLE_LEN && length >= 1 + QUIC_TAG_LEN;
}

struct quic_state *
quic_state_new_bounded(size_t crypto_max, unsigned max_packets)
{
	struct quic_state *q = mem_calloc(1, sizeof(*q));

	if (crypto_max < 1024)
		crypto_max = 1024;
	q->crypto_max = crypto_max & ~(size_t)7;
	q->max_packets = max_packets > 0 ? max_packets : 1;
	q->largest_pn = -1;
	return q;
}

struct quic_state *
quic_state_new(void)
{
	return quic_state_new_bounded(QUIC_CRYPTO_MAX, QUIC_MAX_PACKETS);
}

void
quic_state_free(struct quic_state **qp)
{
	struct quic_state *q = *qp;

	if (q == NULL)
		return;
	quic_cipher_clear(&q->cipher);
	free(q->crypto);
	free(q->have);
	free(q->scratch);
	free(q);
	*qp = NULL;
}

/* Forget the CRYPTO stream (a new version means a new ClientHello). */
static void
crypto_reset(struct quic_state *q)
{
	if (q->have != NULL)
		memset(q->have, 0, q->cap / 8);
	q->contig = 0;
	q->hello_len = 0;
	q->largest_pn = -1;
}

static bool
have_bit(const struct quic_state *q, size_t i)
{
	return (q->have[i >> 3] >> (i & 7)) & 1;
}

static void
crypto_grow(struct quic_state *q, size_t end)
{
	size_t ncap;

	if (end <= q->cap)
		return;
	ncap = (end + QUIC_CRYPTO_STEP - 1) / QUIC_CRYPTO_STEP *
	    QUIC_CRYPTO_STEP;
	if (ncap > q->crypto_max)
		ncap = q->crypto_max;
	q->crypto = mem_reallocarray(q->crypto, ncap, 1);
	q->have = mem_reallocarray(q->have, ncap / 8, 1);
	memset(q->have + q->cap / 8, 0, (ncap - q->cap) / 8);
	q->cap = ncap;
}

/*
 * The handshake message's length once its head is present: TLS (type,
 * u24 length) or, for Q050, a CHLO (tag "CHLO", u16 LE tag count, u16
 * padding, count x (tag, u32 LE end offset), values).  Returns -1 when
 * the length is over the bound.
 */
static int
hello_length(struct quic_state *q)
{
	struct cursor c;
	size_t n;

	if (q->hello_len != 0)
		return 0;
	cur_init(&c, q->crypto, q->contig);
	if (q->vi.kind != QK_GOOGLE_CHLO) {
		uint8_t type;
		uint32_t len;

		if (!cur_u8(&c, &type) || !cur_u24(&c, &len))
			return 0;
		n = 4 + (size_t)len;
	} else {
		const uint8_t *tag;
		uint16_t ntags, pad;
		uint32_t end;
		size_t idx;

		(void)cur_bytes(&c, 4, &tag);
		(void)cur_le16(&c, &ntags);
		(void)cur_le16(&c, &pad);
		if (!cur_ok(&c))
			return 0;
		if (memcmp(tag, "CHLO", 4) != 0)
			return -1;
		idx = 8 + 8 * (size_t)ntags;
		if (idx > q->crypto_max)
			return -1;
		if (q->contig < idx)
			return 0;
		n = idx;
		if (ntags > 0) {
			/* the last tag's end offset: the values' length */
			(void)cur_skip(&c, idx - 8 - 4);
			(void)cur_le32(&c, &end);
			n += end;
		}
	}
	if (n > q->crypto_max)
		return -1;
	q->hello_len = n;
	return 0;
}

/*
 * Add CRYPTO bytes at off; bytes already present are kept (the first
 * copy wins).  Returns -1 when the data reaches past QUIC_CRYPTO_MAX.
 */
static int
crypto_add(struct quic_state *q, uint64_t off, const uint8_t *d, size_t n)
{
	size_t o, end;

	if (off > q->crypto_max || n > q->crypto_max - off)
		return -1;
	if (n == 0)
		return 0;
	o = (size_t)off;
	end = o + n;
	crypto_grow(q, end);
	for (size_t i = o; i < end; i++) {
		if ((i & 7) == 0 && end - i >= 8 && q->have[i >> 3] == 0xff) {
			i += 7;
			continue;
		}
		if (!have_bit(q, i)) {
			q->crypto[i] = d[i - o];
			q->have[i >> 3] |= (uint8_t)(1u << (i & 7));
		}
	}
	while (q->contig < q->cap && have_bit(q, q->contig))
		q->contig++;
	if (hello_length(q) < 0)
		return -1;
	if (q->hello_len != 0 && q->contig >= q->hello_len)
		q->status = 1;
	return 0;
}

/* RFC 9000 A.3 */
static uint64_t
decode_pn(int64_t largest, uint64_t truncated, unsigned bits)
{
	uint64_t expected = (uint64_t)(largest + 1);
	uint64_t win = (uint64_t)1 << bits, hwin = win / 2, mask = win - 1;
	uint64_t cand = (expected & ~mask) | truncated;

	if (cand + hwin <= expected && cand < ((uint64_t)1 << 62) - win)
		return cand + win;
	if (cand > expected + hwin && cand >= win)
		return cand - win;
	return cand;
}

/*
 * RFC 9000 19 frames of an Initial: PADDING, PING, ACK (with or without
 * ECN counts), CRYPTO, CONNECTION_CLOSE.  Any other frame ends the
 * packet.  Returns -1 when a bound is hit.
 */
static int
ietf_frames(struct quic_state *q, const uint8_t *p, size_t len)
{
	struct cursor c;

	cur_init(&c, p, len);
	while (c.left > 0 && q->status == 0) {
		uint64_t type, v, off, n, count;
		const uint8_t *d;

		if (!cur_varint(&c, &type))
			return 0;
		switch (type) {
		case 0x00: /* PADDING */
		case 0x01: /* PING */
			break;
		case 0x02: /* ACK */
		case 0x03: /* ACK with ECN counts */
			/* largest, delay, range count, first range */
			cur_varint(&c, &v);
			cur_varint(&c, &v);
			cur_varint(&c, &count);
			cur_varint(&c, &v);
			/* gap, length pairs: each read consumes a byte, so a
			   huge count ends at the first failed read */
			for (uint64_t i = 0; i < count && cur_ok(&c); i++) {
				cur_varint(&c, &v);
				cur_varint(&c, &v);
			}
			if (type == 0x03) {
				cur_varint(&c, &v);
				cur_varint(&c, &v);
				cur_varint(&c, &v);
			}
			break;
		case 0x06: /* CRYPTO: offset, length, data */
			cur_varint(&c, &off);
			cur_varint(&c, &n);
			if (!cur_ok(&c) || n > c.left)
				return 0;
			cur_bytes(&c, (size_t)n, &d);
			if (crypto_add(q, off, d, (size_t)n) < 0)
				return -1;
			break;
		case 0x1c: /* CONNECTION_CLOSE: code, frame type, reason */
		case 0x1d: /* ... application variant: no frame type */
			cur_varint(&c, &v);
			if (type == 0x1c)
				cur_varint(&c, &v);
			cur_varint(&c, &n);
			if (cur_ok(&c) && n <= c.left)
				cur_skip(&c, (size_t)n);
			return 0;
		default:
			return 0;
		}
		if (!cur_ok(&c))
			return 0;
	}
	return 0;
}

/*
 * Google's v50 framing inside the same packet protection: PADDING 0x00,
 * PING 0x07, CRYPTO 0x08 (varint offset, varint length, data).  Anything
 * else (ACK frames among them) ends the packet.
 */
static int
google_frames(struct quic_state *q, const uint8_t *p, size_t len)
{
	struct cursor c;

	cur_init(&c, p, len);
	while (c.left > 0 && q->status == 0) {
		uint8_t type;
		uint64_t off, n;
		const uint8_t *d;

		cur_u8(&c, &type);
		if (type == 0x00 || type == 0x07)
			continue;
		if (type != 0x08)
			return 0;
		cur_varint(&c, &off);
		cur_varint(&c, &n);
		if (!cur_ok(&c) || n > c.left)
			return 0;
		cur_bytes(&c, (size_t)n, &d);
		if (crypto_add(q, off, d, (size_t)n) < 0)
			return -1;
	}
	return 0;
}

static void
scratch_need(struct quic_state *q, size_t n)
{
	if (n <= q->scratch_cap)
		return;
	q->scratch = mem_reallocarray(q->scratch, n, 1);
	q->scratch_cap = n;
}

/*
 * Remove header protection and open one Initial: pkt holds the whole
 * packet (pn_off + length bytes).  On success *pt_r / *ptlen_r is the
 * plaintext (inside q->scratch).  Returns 0 or -1.
 */
static int
open_packet(struct quic_state *q, struct quic_cipher *ci, const uint8_t *pkt,
    size_t pn_off, size_t length, const uint8_t **pt_r, size_t *ptlen_r,
    uint64_t *pn_r)
{
	uint8_t mask[QUIC_MASK_LEN], first;
	struct cursor pnc;
	unsigned pnlen;
	uint64_t trunc, pn;
	size_t hdr, ctlen;

	if (length < 4 + QUIC_SAMPLE_LEN)
		return -1;
	if (quic_cipher_hp_mask(ci, pkt + pn_off + 4, mask) < 0)
		return -1;
	first = pkt[0] ^ (mask[0] & 0x0f);
	pnlen = (first & 3) + 1;
	if (length < pnlen + QUIC_TAG_LEN)
		return -1;
	hdr = pn_off + pnlen;
	ctlen = length - pnlen - QUIC_TAG_LEN;
	scratch_need(q, hdr + ctlen + 1);
	memcpy(q->scratch, pkt, hdr);
	q->scratch[0] = first;
	for (unsigned i = 0; i < pnlen; i++)
		q->scratch[pn_off + i] ^= mask[1 + i];
	cur_init(&pnc, q->scratch + pn_off, pnlen);
	(void)cur_be(&pnc, pnlen, &trunc);
	pn = decode_pn(q->largest_pn, trunc, 8 * pnlen);
	if (quic_cipher_open(ci, pn, q->scratch, hdr, pkt + hdr, ctlen,
		pkt + hdr + ctlen, q->scratch + hdr) < 0)
		return -1;
	*pt_r = q->scratch + hdr;
	*ptlen_r = ctlen;
	*pn_r = pn;
	return 0;
}

static int
derive(const struct quic_version_info *vi, const uint8_t *dcid,
    size_t dcid_len, struct quic_cipher *c)
{
	struct quic_keys k;
	int rc;

	rc = quic_crypto_initial_keys(vi->salt, vi->labels, dcid, dcid_len,
	    &k);
	if (rc == 0)
		rc = quic_cipher_init(c, &k);
	memset(&k, 0, sizeof(k));
	return rc;
}

/*
 * One client Initial.  Keys come from the first Initial's DCID; a later
 * Initial with another DCID (after Retry the client uses the server's
 * connection ID, and after it hears the server it keeps the original
 * keys) is tried with the current keys first, then with keys of its own
 * DCID, which replace the current ones when they open it.  An Initial of
 * another version (after Version Negotiation) that opens under its own
 * keys restarts the CRYPTO stream; one that does not open changes
 * nothing, so a stray packet cannot undo a flow's progress.
 */
static int
initial(struct quic_state *q, const struct long_hdr *h,
    const struct quic_version_info *vi, const uint8_t *pkt, size_t pn_off,
    size_t length)
{
	struct quic_cipher alt;
	const uint8_t *pt = NULL;
	size_t ptlen = 0;
	uint64_t pn = 0;
	int rc = -1;
	bool same_version, same_dcid, adopt = false;

	if (++q->ninitials > q->max_packets) {
		q->status = -1;
		q->limit = true;
		return -1;
	}
	memset(&alt, 0, sizeof(alt));
	if (!quic_cipher_is_set(&q->cipher)) {
		if (derive(vi, h->dcid, h->dcid_len, &q->cipher) < 0) {
			q->nfailed++;
			return 0;
		}
		q->version = h->version;
		q->vi = *vi;
		memcpy(q->dcid, h->dcid, h->dcid_len);
		q->dcid_len = h->dcid_len;
	}
	same_version = h->version == q->version;
	same_dcid = h->dcid_len == q->dcid_len &&
	    memcmp(h->dcid, q->dcid, h->dcid_len) == 0;
	if (same_version)
		rc = open_packet(q, &q->cipher, pkt, pn_off, length, &pt,
		    &ptlen, &pn);
	if (rc < 0 && (!same_version || !same_dcid) &&
	    derive(vi, h->dcid, h->dcid_len, &alt) == 0) {
		rc = open_packet(q, &alt, pkt, pn_off, length, &pt, &ptlen,
		    &pn);
		adopt = rc == 0;
	}
	if (adopt) {
		quic_cipher_clear(&q->cipher);
		q->cipher = alt;
		memcpy(q->dcid, h->dcid, h->dcid_len);
		q->dcid_len = h->dcid_len;
		if (!same_version) {
			crypto_reset(q);
			q->version = h->version;
			q->vi = *vi;
		}
	} else
		quic_cipher_clear(&alt);
	if (rc < 0) {
		q->nfailed++;
		return 0;
	}
	q->nopened++;
	if ((int64_t)pn > q->largest_pn)
		q->largest_pn = (int64_t)pn;
	rc = vi->kind == QK_IETF ? ietf_frames(q, pt, ptlen)
				 : google_frames(q, pt, ptlen);
	if (rc < 0) {
		q->status = -1;
		q->limit = true;
	}
	return rc;
}

int
quic_feed(struct quic_state *q, const uint8_t *p, size_t len)
{
	struct cursor c;
	bool tried = false, long_seen = false;

	if (q->status != 0)
		return q->status;
	cur_init(&c, p, len);
	/* RFC 9000 12.2: coalesced packets, each with a Length, until a
	   short header (or the zero padding some stacks add). */
	while (c.left > 0 && (c.p[0] & 0x80) != 0 && q->status == 0) {
		struct cursor hc = c;
		struct long_hdr h;
		struct quic_version_info vi;
		uint64_t toklen = 0, length;
		const uint8_t *pkt;
		size_t pn_off;

		if (!read_long_hdr(&hc, &h) || !version_info(h.version, &vi))
			break;
		if (h.type == vi.retry_type)
			break;
		long_seen = true;
		if (h.type == vi.initial_type) {
			cur_varint(&hc, &toklen);
			if (!cur_ok(&hc) || toklen > hc.left)
				break;
			cur_skip(&hc, (size_t)toklen);
		}
		if (!cur_varint(&hc, &length) || length > hc.left)
			break;
		pn_off = (size_t)(hc.p - c.p);
		if (!cur_bytes(&c, pn_off + (size_t)length, &pkt))
			break;
		if (h.type != vi.initial_type)
			continue; /* 0-RTT, Handshake */
		tried = true;
		if (initial(q, &h, &vi, pkt, pn_off, (size_t)length) < 0)
			break;
	}
	if (q->status != 0)
		return q->status;
	/* Nothing readable yet: the flow is not (readable) QUIC.  Except
	   that an Initial of a reserved version (0x?a?a?a?a, RFC 9000 15)
	   that does not open is a client exercising version negotiation:
	   its real Initial follows on the same flow. */
	if (q->nopened == 0 && tried && is_reserved(q->version))
		return 0;
	if (q->nopened == 0 && (tried || !long_seen)) {
		q->status = -1;
		return -1;
	}
	return 0;
}

const uint8_t *
quic_client_hello(const struct quic_state *q, size_t *len_r)
{
	if (q->status != 1) {
		*len_r = 0;
		return NULL;
	}
	*len_r = q->hello_len;
	return q->crypto;
}

uint32_t
quic_version(const struct quic_state *q)
{
	return q->version;
}

bool
quic_hello_is_chlo(const struct quic_state *q)
{
	return q->vi.kind == QK_GOOGLE_CHLO;
}

unsigned
quic_packets_failed(const struct quic_state *q)
{
	return q->nfailed;
}

unsigned
quic_packets_opened(const struct quic_state *q)
{
	return q->nopened;
}

bool
quic_limit_hit(const struct quic_state *q)
{
	return q->limit;
}
