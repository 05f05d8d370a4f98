/*
 * quic.h - QUIC Initial packets: the client's ClientHello, decrypted.
 *
 * Versions: 1 (RFC 9000/9001), 2 (RFC 9369), drafts 29-34
 * (0xff00001d-0xff000022: drafts 29-32 use the draft-29 salt, 33-34
 * already the v1 salt), drafts 23-28 (the draft-23 salt), draft 22 and
 * older, Facebook mvfst (0xfaceb001, 0xfaceb002, 0xfaceb00e) and Google's
 * T050/T051 (TLS in gQUIC frames) and Q050 (a gQUIC CHLO instead of a TLS
 * ClientHello: see quic_hello_is_chlo).  For each client Initial:
 * the Initial secrets are derived from the Destination Connection ID of
 * the client's first Initial (HKDF-Extract with the version's salt, then
 * HKDF-Expand-Label "client in", "quic key"/"quic iv"/"quic hp", or the
 * "quicv2 ..." labels for v2); header protection is removed (AES-128-ECB
 * mask, RFC 9001 5.4); the payload is opened with AEAD_AES_128_GCM (RFC
 * 9001 5.3).  All cryptography is OpenSSL libcrypto (EVP).
 *
 * A UDP datagram may hold several coalesced QUIC packets (RFC 9000 12.2);
 * CRYPTO frames (RFC 9000 19.6) may arrive out of order, split across
 * packets and datagrams, and overlap (Chrome shuffles and splits its
 * ClientHello on purpose).  The ClientHello is complete when the bytes from
 * offset 0 to 4 + its u24 length are all present.  Bounded: at most
 * QUIC_CRYPTO_MAX bytes of CRYPTO data and QUIC_MAX_PACKETS Initials per
 * flow; anything past is ignored and the flow is given up.
 *
 * Trusts nothing: every read through a cursor; a packet that does not
 * decrypt is counted and skipped.  Not thread-safe (state per flow).
 */
#ifndef MSGSEC_QUIC_H
#define MSGSEC_QUIC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
	QUIC_CRYPTO_MAX = 65536,
	QUIC_MAX_PACKETS = 16,
	QUIC_CID_MAX = 20,
};

struct quic_state;	/* per-flow, private */

/* Is this UDP payload plausibly a QUIC long-header Initial (cheap test)? */
bool quic_is_initial(const uint8_t *p, size_t len);

/* A state with the default bounds (QUIC_CRYPTO_MAX, QUIC_MAX_PACKETS). */
struct quic_state *quic_state_new(void);
/*
 * A state with the given bounds (sensor.quic_crypto_bytes, rounded down
 * to a multiple of 8, at least 1024; sensor.quic_initials, at least 1).
 */
struct quic_state *quic_state_new_bounded(size_t crypto_max,
    unsigned max_packets);
void quic_state_free(struct quic_state **q);

/*
 * Feed one client-to-server UDP payload.  Returns 1 when the ClientHello
 * is complete (quic_client_hello then gives its bytes), 0 when more
 * packets are needed, -1 when this flow is not QUIC or cannot be read
 * (unknown version, failed decryption of the first packet, bound hit).
 * An Initial of a reserved version (0x?a?a?a?a, RFC 9000 15) that does
 * not open returns 0: the real Initial follows version negotiation.
 * Later Initials that do not open are counted and skipped.  Once 1 or -1,
 * every later call returns the same without reading.
 */
int quic_feed(struct quic_state *q, const uint8_t *p, size_t len);

/*
 * The reassembled ClientHello handshake message (type, u24 length, body),
 * or NULL with *len_r = 0 until quic_feed returned 1.  Valid until
 * quic_state_free.
 */
const uint8_t *quic_client_hello(const struct quic_state *q, size_t *len_r);

/* The version of the first Initial (0 until one was seen). */
uint32_t quic_version(const struct quic_state *q);

/*
 * True when the reassembled handshake is a gQUIC CHLO tag-value map
 * (version Q050) rather than a TLS ClientHello: hand its bytes to
 * gquic_parse_chlo (gquic.h) instead of tls_parse_handshake.
 */
bool quic_hello_is_chlo(const struct quic_state *q);

/*
 * Counters for parser events: Initial packets that did not open (bad
 * tag, truncated, unknown frames are not counted) and Initial packets
 * opened.
 */
unsigned quic_packets_failed(const struct quic_state *q);
unsigned quic_packets_opened(const struct quic_state *q);

/*
 * True when quic_feed gave the flow up on a bound (QUIC_CRYPTO_MAX bytes
 * of CRYPTO stream or QUIC_MAX_PACKETS Initials), for the limit counter.
 */
bool quic_limit_hit(const struct quic_state *q);

#endif
