/*
 * fuzz_quic.c - QUIC Initial decryption and CRYPTO reassembly over a
 * sequence of datagrams fed to one flow state.
 *
 * Input: a mode byte, then records of a 2-byte big-endian length and
 * that many bytes (the last record takes what is left).
 *   mode bit 0 clear: each record is a raw UDP payload (headers, lengths,
 *     coalescing and tags are what is fuzzed);
 *   mode bit 0 set: each record is the plaintext frames of a client
 *     Initial, sealed here with the keys of a fixed DCID (v1, or v2 when
 *     bit 1 is set; packet number = record index, 1-4 bytes from bits
 *     2-3), so the frame parser and the reassembly see fuzzed frames.
 * Invariants: a complete flow yields a hello of 4..QUIC_CRYPTO_MAX bytes
 * whose length field matches (TLS) and which tls_parse_handshake reads
 * without fault; feeding after the end keeps the same answer.
 */
#include <assert.h>
#include <stdint.h>
#include <string.h>

#include <openssl/evp.h>

#include "quic.h"
#include "quic_crypto.h"
#include "tls.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint8_t dcid[8] = {0x83, 0x94, 0xc8, 0xf0, 0x3e, 0x51, 0x57,
    0x08};
static const uint8_t salt_v1[QUIC_SALT_LEN] = {0x38, 0x76, 0x2c, 0xf7, 0xf5,
    0x59, 0x34, 0xb3, 0x4d, 0x17, 0x9a, 0xe6, 0xa4, 0xc8, 0x0c, 0xad, 0xcc,
    0xbb, 0x7f, 0x0a};
static const uint8_t salt_v2[QUIC_SALT_LEN] = {0x0d, 0xed, 0xe3, 0xde, 0xf7,
    0x00, 0xa6, 0xdb, 0x81, 0x93, 0x81, 0xbe, 0x6e, 0x26, 0x9d, 0xcb, 0xf9,
    0xbd, 0x2e, 0xd9};

/* Seal frames fr[0..n) as an Initial into out; returns its length or 0. */
static size_t
seal(bool v2, unsigned pnlen, uint64_t pn, const uint8_t *fr, size_t n,
    uint8_t *out, size_t cap)
{
	struct quic_keys k;
	struct quic_cipher c;
	uint8_t nonce[QUIC_IV_LEN], mask[QUIC_MASK_LEN];
	uint32_t ver = v2 ? 0x6b3343cf : 1;
	size_t len = 0, pn_off, body;
	EVP_CIPHER_CTX *ctx;
	int m, ok;

	/* room for the 16-byte sample after a 4-byte packet number */
	body = n < 4 ? 4 : n;
	if (26 + pnlen + body + QUIC_TAG_LEN > cap || body > 16000)
		return 0;
	out[len++] = (uint8_t)(0xc0 | (v2 ? 1 : 0) << 4 | (pnlen - 1));
	for (int i = 3; i >= 0; i--)
		out[len++] = (uint8_t)(ver >> (8 * i));
	out[len++] = sizeof(dcid);
	memcpy(out + len, dcid, sizeof(dcid));
	len += sizeof(dcid);
	out[len++] = 0; /* SCID */
	out[len++] = 0; /* token */
	out[len++] = (uint8_t)(0x40 | (pnlen + body + QUIC_TAG_LEN) >> 8);
	out[len++] = (uint8_t)(pnlen + body + QUIC_TAG_LEN);
	pn_off = len;
	for (int i = (int)pnlen - 1; i >= 0; i--)
		out[len++] = (uint8_t)(pn >> (8 * i));
	if (quic_crypto_initial_keys(v2 ? salt_v2 : salt_v1,
		v2 ? QUIC_LABELS_V2 : QUIC_LABELS_V1, dcid, sizeof(dcid),
		&k) < 0)
		return 0;
	memcpy(nonce, k.iv, sizeof(nonce));
	for (unsigned i = 0; i < 8; i++)
		nonce[QUIC_IV_LEN - 1 - i] ^= (uint8_t)(pn >> (8 * i));
	memcpy(out + len, fr, n);
	memset(out + len + n, 0, body - n);
	ctx = EVP_CIPHER_CTX_new();
	if (ctx == NULL)
		return 0;
	ok = EVP_EncryptInit_ex(ctx, EVP_aes_128_gcm(), NULL, k.key, nonce) >
		0 &&
	    EVP_EncryptUpdate(ctx, NULL, &m, out, (int)len) > 0 &&
	    EVP_EncryptUpdate(ctx, out + len, &m, out + len, (int)body) > 0 &&
	    EVP_EncryptFinal_ex(ctx, out + len + body, &m) > 0 &&
	    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, QUIC_TAG_LEN,
		out + len + body) > 0;
	EVP_CIPHER_CTX_free(ctx);
	if (!ok || quic_cipher_init(&c, &k) < 0)
		return 0;
	ok = quic_cipher_hp_mask(&c, out + pn_off + 4, mask) == 0;
	quic_cipher_clear(&c);
	if (!ok)
		return 0;
	out[0] ^= mask[0] & 0x0f;
	for (unsigned i = 0; i < pnlen; i++)
		out[pn_off + i] ^= mask[1 + i];
	return len + body + QUIC_TAG_LEN;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t pkt[16384 + 64];
	struct quic_state *q;
	uint8_t mode;
	size_t off = 1;
	uint64_t pn = 0;
	int rc = 0;

	if (size < 1)
		return 0;
	mode = data[0];
	q = quic_state_new();
	while (off < size) {
		size_t n = size - off;
		const uint8_t *p;

		if (n >= 2) {
			size_t want = (size_t)data[off] << 8 | data[off + 1];

			off += 2;
			n = size - off;
			if (want < n)
				n = want;
		}
		p = data + off;
		off += n;
		(void)quic_is_initial(p, n);
		if (mode & 1) {
			size_t m = seal((mode & 2) != 0, 1 + (mode >> 2 & 3),
			    pn++, p, n, pkt, sizeof(pkt));

			if (m == 0)
				continue;
			p = pkt;
			n = m;
		}
		rc = quic_feed(q, p, n);
		assert(rc >= -1 && rc <= 1);
		if (rc != 0)
			break;
	}
	if (rc == 1) {
		size_t hl;
		const uint8_t *h = quic_client_hello(q, &hl);
		struct tls_hello th;

		assert(h != NULL && hl >= 4 && hl <= QUIC_CRYPTO_MAX);
		if (!quic_hello_is_chlo(q)) {
			assert(hl == 4 + ((size_t)h[1] << 16 |
					     (size_t)h[2] << 8 | h[3]));
			(void)tls_parse_handshake(h, hl, &th);
		}
		assert(quic_feed(q, data, size) == 1);
	} else if (rc == -1)
		assert(quic_feed(q, data, size) == -1);
	(void)quic_version(q);
	(void)quic_packets_failed(q);
	(void)quic_packets_opened(q);
	(void)quic_limit_hit(q);
	quic_state_free(&q);
	return 0;
}
