/*
 * tls.h - the TLS ClientHello (RFC 8446 4.1.2; TLS 1.0-1.2 hellos share
 * the layout), read for its server_name (RFC 6066 3), ALPN (RFC 7301) and
 * the encrypted_client_hello extension (0xfe0d, RFC 9849 / draft-ietf-tls-
 * esni).  Records (RFC 8446 5.1) may split the handshake message, and the
 * message may span records: tls_parse_records reassembles up to the
 * handshake's declared length (bounded by TLS_HELLO_MAX).
 *
 * Also used on the ClientHello that QUIC carries in CRYPTO frames
 * (RFC 9001 4), through tls_parse_handshake.
 */
#ifndef MSGSEC_TLS_H
#define MSGSEC_TLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
	TLS_SNI_MAX = 256,	/* escaped text of a host_name (wire max 255) */
	TLS_ALPN_MAX = 8,	/* protocols kept */
	TLS_ALPN_LEN = 32,
	TLS_HELLO_MAX = 65536,	/* reassembly bound for one ClientHello */
};

struct tls_hello {
	uint16_t legacy_version;	/* 0x0303 ... */
	bool has_sni;
	char sni[TLS_SNI_MAX];		/* lowercased; non-name bytes escaped */
	unsigned nalpn;
	char alpn[TLS_ALPN_MAX][TLS_ALPN_LEN];
	bool has_ech;			/* extension 0xfe0d present */
	bool ech_outer;			/* ... as an outer ECH (type 0), which
					   GREASE ECH also looks like: policy
					   decides with the ECH-front list */
	bool has_supported_versions_13;
	unsigned nextensions;
};

/*
 * From the start of a TCP stream (TLS records).  Returns 1 with *out
 * filled, 0 when more bytes are needed (the hello is incomplete), -1 when
 * the bytes are not a TLS ClientHello.
 */
int tls_parse_records(const uint8_t *p, size_t len, struct tls_hello *out);

/*
 * From handshake bytes (type 1, u24 length, body), as QUIC CRYPTO frames
 * carry them.  Same returns.
 */
int tls_parse_handshake(const uint8_t *p, size_t len, struct tls_hello *out);

#endif
