/*
 * tls.c - the TLS ClientHello: server_name, ALPN, supported_versions and
 * the encrypted_client_hello marker, from the first bytes of a TCP stream
 * (records) or from QUIC CRYPTO data (bare handshake bytes).
 *
 * Trust: every byte is hostile.  All reads go through policy/cursor.h and
 * every length-prefixed vector becomes a sub-cursor, so a field cannot run
 * past the vector, the extension, the hello or the input that holds it.
 *
 * Limits: one ClientHello of at most TLS_HELLO_MAX bytes (handshake header
 * included); records of at most 2^14 + 2048 bytes (RFC 8446 5.2's bound
 * for ciphertext, looser than the 2^14 of plaintext so old stacks pass);
 * the first host_name kept, escaped into TLS_SNI_MAX; TLS_ALPN_MAX
 * protocols of TLS_ALPN_LEN - 1 escaped bytes each.  Each call is linear
 * in its input; a hello spread over several records is copied once into a
 * heap buffer freed before returning.  No state is kept between calls, so
 * the engine can call again with a longer prefix.
 *
 * Record layer (RFC 8446 5.1, the same in TLS 1.0-1.2):
 *
 *	+------+---------+---------+----------------------+
 *	| 0x16 | 03 0x   | length  | fragment ...         |   type 22 =
 *	| u8   | u16     | u16     | (part of a handshake)|   handshake
 *	+------+---------+---------+----------------------+
 *
 * Handshake (RFC 8446 4), possibly cut across records:
 *
 *	+------+-----------+------------------------------+
 *	| 0x01 | length    | ClientHello body             |   type 1 =
 *	| u8   | u24       |                              |   client_hello
 *	+------+-----------+------------------------------+
 *
 * ClientHello (RFC 8446 4.1.2; extensions optional before TLS 1.3):
 *
 *	u16 legacy_version | 32 random | u8<0..32> session_id |
 *	u16<2..2^16-2> cipher_suites | u8<1..255> compression_methods |
 *	[ u16 extensions length | { u16 type | u16 length | data }* ]
 *
 * server_name (type 0, RFC 6066 3):
 *	u16 list length | { u8 name_type (0 = host_name) | u16 len | name }*
 * application_layer_protocol_negotiation (type 16, RFC 7301 3.1):
 *	u16 list length | { u8 len | protocol }*
 * supported_versions (type 43, RFC 8446 4.2.1): u8 length | u16*
 * encrypted_client_hello (type 0xfe0d, RFC 9849 5):
 *	u8 ECHClientHelloType (0 = outer, 1 = inner) | ...
 *
 * A malformed server_name or ALPN extension makes the whole hello -1, as
 * a server would refuse it; the other extensions are only counted.
 */
#include <stdlib.h>
#include <string.h>

#include "cursor.h"
#include "hostname.h"
#include "mem.h"
#include "tls.h"

enum {
	TLS_CT_HANDSHAKE = 22,
	TLS_HS_CLIENT_HELLO = 1,
	TLS_RECORD_MAX = 16384 + 2048,
	TLS_EXT_SERVER_NAME = 0,
	TLS_EXT_ALPN = 16,
	TLS_EXT_SUPPORTED_VERSIONS = 43,
	TLS_EXT_ECH = 0xfe0d,
	TLS_SNI_HOST_NAME = 0,
};

/* ALPN protocol ids are opaque bytes: printable ASCII kept, else \DDD. */
static void
escape_alpn(char *out, size_t outsize, const uint8_t *p, size_t n)
{
	size_t pos = 0;

	for (size_t i = 0; i < n; i++) {
		uint8_t b = p[i];

		if (b > 0x20 && b < 0x7f && b != '\\') {
			if (outsize - pos < 2)
				break;
			out[pos++] = (char)b;
		} else {
			if (outsize - pos < 5)
				break;
			out[pos++] = '\\';
			out[pos++] = (char)('0' + b / 100);
			out[pos++] = (char)('0' + b / 10 % 10);
			out[pos++] = (char)('0' + b % 10);
		}
	}
	out[pos] = '\0';
}

/* server_name: keep the first host_name entry; later entries are checked. */
static bool
parse_sni(struct cursor *ext, struct tls_hello *out)
{
	struct cursor list, name;
	uint8_t type;

	if (!cur_sub_prefixed(ext, 2, &list) || ext->left != 0)
		return cur_fail(ext, CUR_INVALID);
	if (list.left == 0)
		return false;
	while (list.left > 0) {
		if (!cur_u8(&list, &type) || !cur_sub_prefixed(&list, 2, &name))
			return false;
		if (type != TLS_SNI_HOST_NAME || out->has_sni ||
		    name.left == 0)
			continue;
		out->has_sni = true;
		hostname_escape(out->sni, sizeof(out->sni), name.p, name.left);
	}
	return cur_ok(&list);
}

static bool
parse_alpn(struct cursor *ext, struct tls_hello *out)
{
	struct cursor list, proto;

	if (!cur_sub_prefixed(ext, 2, &list) || ext->left != 0)
		return false;
	if (list.left == 0)
		return false;
	while (list.left > 0) {
		if (!cur_sub_prefixed(&list, 1, &proto) || proto.left == 0)
			return false;
		if (out->nalpn < TLS_ALPN_MAX) {
			escape_alpn(out->alpn[out->nalpn],
			    sizeof(out->alpn[0]), proto.p, proto.left);
			out->nalpn++;
		}
	}
	return cur_ok(&list);
}

static void
parse_versions(struct cursor *ext, struct tls_hello *out)
{
	struct cursor list;
	uint16_t v;

	if (!cur_sub_prefixed(ext, 1, &list))
		return;
	while (list.left >= 2 && cur_u16(&list, &v))
		if (v == 0x0304)
			out->has_supported_versions_13 = true;
}

/* The ClientHello body (after the 4-byte handshake header). */
static int
parse_hello_body(struct cursor *c, struct tls_hello *out)
{
	struct cursor sid, suites, comp, exts, ext;
	uint16_t version, type;

	if (!cur_u16(c, &version) || !cur_skip(c, 32) ||
	    !cur_sub_prefixed(c, 1, &sid) || !cur_sub_prefixed(c, 2, &suites) ||
	    !cur_sub_prefixed(c, 1, &comp))
		return -1;
	out->legacy_version = version;
	if (version >> 8 != 3 || sid.left > 32 || suites.left < 2 ||
	    suites.left % 2 != 0 || comp.left < 1)
		return -1;
	if (c->left == 0)
		return 1;	/* no extensions: allowed before TLS 1.3 */
	if (!cur_sub_prefixed(c, 2, &exts))
		return -1;
	while (exts.left > 0) {
		if (!cur_u16(&exts, &type) || !cur_sub_prefixed(&exts, 2, &ext))
			return -1;
		out->nextensions++;
		switch (type) {
		case TLS_EXT_SERVER_NAME:
			if (!parse_sni(&ext, out))
				return -1;
			break;
		case TLS_EXT_ALPN:
			if (!parse_alpn(&ext, out))
				return -1;
			break;
		case TLS_EXT_SUPPORTED_VERSIONS:
			parse_versions(&ext, out);
			break;
		case TLS_EXT_ECH:
			out->has_ech = true;
			if (ext.left > 0 && ext.p[0] == 0)
				out->ech_outer = true;
			break;
		default:
			break;
		}
	}
	return 1;
}

int
tls_parse_handshake(const uint8_t *p, size_t len, struct tls_hello *out)
{
	struct cursor c, body;
	uint8_t type;
	uint32_t hlen;

	memset(out, 0, sizeof(*out));
	cur_init(&c, p, len);
	if (!cur_u8(&c, &type))
		return 0;
	if (type != TLS_HS_CLIENT_HELLO)
		return -1;
	if (!cur_u24(&c, &hlen))
		return 0;
	/* The smallest body: version, random, three short vectors. */
	if (hlen > TLS_HELLO_MAX - 4 || hlen < 2 + 32 + 1 + 4 + 2)
		return -1;
	if (!cur_sub(&c, hlen, &body))
		return 0;
	return parse_hello_body(&body, out);
}

/*
 * Record header check on a copy of the cursor: false when the bytes so far
 * (the header may be cut) cannot be a handshake record.
 */
static bool
record_header_ok(struct cursor h)
{
	uint8_t type, major, minor;
	uint16_t rlen;

	if (cur_u8(&h, &type) && type != TLS_CT_HANDSHAKE)
		return false;
	if (cur_u8(&h, &major) && major != 3)
		return false;
	if (cur_u8(&h, &minor) && minor > 4)
		return false;
	if (cur_u16(&h, &rlen) && (rlen == 0 || rlen > TLS_RECORD_MAX))
		return false;
	return true;
}

int
tls_parse_records(const uint8_t *p, size_t len, struct tls_hello *out)
{
	struct cursor c, frag;
	uint8_t hs[4];
	size_t have = 0, need = 0, nrec = 0;
	uint8_t *buf;
	int rc;

	memset(out, 0, sizeof(*out));
	cur_init(&c, p, len);
	/*
	 * First pass: check every record header and count the handshake
	 * bytes present, taking the message length from its first 4 bytes
	 * (which may themselves be split across records).
	 */
	while (need == 0 || have < need) {
		uint16_t rlen;
		size_t n;

		if (!record_header_ok(c))
			return -1;
		if (!cur_skip(&c, 3) || !cur_u16(&c, &rlen))
			return 0;
		/* A cut record: use what it holds so far. */
		n = rlen < c.left ? rlen : c.left;
		(void)cur_sub(&c, n, &frag);
		nrec++;
		for (; have < 4 && frag.left > 0; have++)
			(void)cur_u8(&frag, &hs[have]);
		if (have >= 4 && need == 0) {
			struct cursor head;
			uint8_t type;
			uint32_t hlen;

			cur_init(&head, hs, sizeof(hs));
			(void)cur_u8(&head, &type);
			(void)cur_u24(&head, &hlen);
			if (type != TLS_HS_CLIENT_HELLO ||
			    hlen > TLS_HELLO_MAX - 4)
				return -1;
			need = 4 + (size_t)hlen;
		} else if (have >= 1 && hs[0] != TLS_HS_CLIENT_HELLO)
			return -1;
		have += frag.left;
		if (need != 0 && have >= need)
			break;
		if (n < rlen || c.left == 0)
			return 0;
	}
	/* The common case: the whole hello sits in the first record. */
	if (nrec == 1)
		return tls_parse_handshake(p + 5, need, out);
	buf = mem_malloc(need);
	have = 0;
	cur_init(&c, p, len);
	while (have < need) {
		uint16_t rlen;
		size_t n;

		(void)cur_skip(&c, 3);
		(void)cur_u16(&c, &rlen);
		n = rlen < c.left ? rlen : c.left;
		if (n > need - have)
			n = need - have;
		if (!cur_copy(&c, buf + have, n)) {
			free(buf);
			return -1;	/* cannot happen: the first pass saw it */
		}
		(void)cur_skip(&c, rlen - n);
		have += n;
	}
	rc = tls_parse_handshake(buf, need, out);
	free(buf);
	return rc;
}
