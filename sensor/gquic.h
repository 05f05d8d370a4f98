/*
 * gquic.h - Google QUIC client hellos in the clear: the CHLO handshake
 * message (a tag-value map with the server name under tag "SNI\0") that
 * versions Q024-Q046 send unencrypted in a STREAM frame on stream 1.
 * Version Q050 carries the same CHLO inside encrypted Initials: quic.c
 * opens and reassembles those (quic_hello_is_chlo) and gquic_parse_chlo
 * reads the result.  T050/T051 carry TLS and are quic.c's alone.
 *
 * Wire formats (Chromium's QUIC wire specification and crypto handshake
 * documents; there is no RFC):
 *   Q024-Q043 public header: flags (0x01 version present, 0x08 8-byte
 *     connection ID, 0x30 packet number length 1/2/4/6), connection ID,
 *     version "Q0xx", packet number; then a 12-byte message
 *     authentication hash, a private-flags byte up to Q033, the frames.
 *   Q046: IETF-invariant long header (0x80 set), version "Q046", one byte
 *     of connection ID lengths (high nibble DCID - 3, low SCID - 3), the
 *     IDs, a 1-4 byte packet number (first byte & 3), the hash, frames.
 *   STREAM frame: 1fdooo ss, stream ID (ss + 1 bytes), offset (ooo ? ooo
 *     + 1 : 0 bytes), data length (2 bytes if d), data; little-endian up
 *     to Q038, big-endian from Q039.
 *   CHLO: "CHLO", u16 LE tag count, u16 padding, count x (tag, u32 LE
 *     end offset of its value), then the values back to back.
 *
 * Trusts nothing: every read through a cursor.  Stateless (a client's
 * CHLO fits in one packet in these versions); thread-safe.
 */
#ifndef MSGSEC_GQUIC_H
#define MSGSEC_GQUIC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
	GQUIC_SNI_MAX = 256,	/* escaped name, as tls.h's TLS_SNI_MAX */
	GQUIC_TAGS_MAX = 128,	/* tags read from one CHLO */
};

/*
 * Cheap test: a client packet of a plaintext gQUIC version (Q024-Q046)
 * that states its version.  *version_r gets it ("Q043" = 0x51303433).
 */
bool gquic_is_client_packet(const uint8_t *p, size_t len,
    uint32_t *version_r);

/*
 * A CHLO message (from a STREAM frame, or from quic_client_hello when
 * quic_hello_is_chlo).  Returns 1 when it is a CHLO: sni gets the
 * escaped server name (lowercased; bytes other than letters, digits, '-',
 * '_', '.' as \DDD; cut names end in "\..."), or "" when the CHLO has no
 * SNI tag.  Returns 0 when the bytes are a CHLO prefix too short to hold
 * its index or the SNI value, -1 when they are not a CHLO.  snilen >= 5.
 */
int gquic_parse_chlo(const uint8_t *p, size_t len, char *sni, size_t snilen);

/*
 * One client UDP payload of a plaintext gQUIC version.  Returns 1 when it
 * carries a CHLO (sni as for gquic_parse_chlo, *version_r set), 0 when it
 * is such a packet without a CHLO (a later packet: keep looking if the
 * flow has not given one yet), -1 when it is not one.
 */
int gquic_parse_packet(const uint8_t *p, size_t len, uint32_t *version_r,
    char *sni, size_t snilen);

#endif
