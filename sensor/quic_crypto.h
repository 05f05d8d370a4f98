/*
 * quic_crypto.h - the cryptography of QUIC Initial packets (RFC 9001 5),
 * on OpenSSL libcrypto (EVP): Initial secrets, header protection masks
 * and AEAD_AES_128_GCM opening.  Used by quic.c; separate so the RFC 9001
 * Appendix A key vectors can be tested on their own.
 *
 * Trusts its callers for lengths (every buffer length is a parameter); no
 * packet parsing here.  Not thread-safe per cipher (one per flow).
 */
#ifndef MSGSEC_QUIC_CRYPTO_H
#define MSGSEC_QUIC_CRYPTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

enum {
	QUIC_SALT_LEN = 20,
	QUIC_SECRET_LEN = 32,	/* SHA-256 */
	QUIC_KEY_LEN = 16,	/* AES-128 */
	QUIC_IV_LEN = 12,
	QUIC_HP_LEN = 16,
	QUIC_TAG_LEN = 16,
	QUIC_SAMPLE_LEN = 16,
	QUIC_MASK_LEN = 5,
};

/* Which HKDF labels a version uses: "quic key" ... or "quicv2 key" ... */
enum quic_labels {
	QUIC_LABELS_V1 = 0,
	QUIC_LABELS_V2 = 1,
};

/* The client's Initial packet protection keys (RFC 9001 5.1, 5.2). */
struct quic_keys {
	uint8_t secret[QUIC_SECRET_LEN];	/* client_initial_secret */
	uint8_t key[QUIC_KEY_LEN];
	uint8_t iv[QUIC_IV_LEN];
	uint8_t hp[QUIC_HP_LEN];
};

/* Keyed EVP contexts for one set of keys. */
struct quic_cipher {
	EVP_CIPHER_CTX *hp;	/* AES-128-ECB, header protection key */
	EVP_CIPHER_CTX *aead;	/* AES-128-GCM, packet key */
	uint8_t iv[QUIC_IV_LEN];
};

/*
 * HKDF-Expand-Label (RFC 8446 7.1) with an empty context: out_len bytes
 * of HKDF-Expand(secret, {u16 out_len, "tls13 " + label, ""}).  label is
 * NUL-terminated, at most 249 bytes.  Returns 0, or -1 when libcrypto
 * fails or the label is too long.
 */
int quic_crypto_expand_label(const uint8_t *secret, size_t secret_len,
    const char *label, uint8_t *out, size_t out_len);

/*
 * The client Initial keys for a version's salt and labels and the
 * Destination Connection ID of the client's first Initial (dcid_len may
 * be 0..255; QUIC v1 caps it at 20 but drafts differ).  Returns 0 or -1.
 */
int quic_crypto_initial_keys(const uint8_t salt[QUIC_SALT_LEN],
    enum quic_labels labels, const uint8_t *dcid, size_t dcid_len,
    struct quic_keys *keys_r);

/*
 * Key *c from *k (EVP contexts created here).  Returns 0, or -1 with *c
 * left empty.  Release with quic_cipher_clear, which also accepts a
 * zeroed or already cleared cipher.
 */
int quic_cipher_init(struct quic_cipher *c, const struct quic_keys *k);
void quic_cipher_clear(struct quic_cipher *c);
bool quic_cipher_is_set(const struct quic_cipher *c);

/* The header protection mask: AES-ECB(hp, sample), first 5 bytes. */
int quic_cipher_hp_mask(struct quic_cipher *c,
    const uint8_t sample[QUIC_SAMPLE_LEN], uint8_t mask_r[QUIC_MASK_LEN]);

/*
 * Open an AEAD_AES_128_GCM payload: nonce = iv XOR packet number
 * (RFC 9001 5.3), aad = the unprotected header.  ct_len bytes of
 * plaintext go to out (which may not overlap ct).  Returns 0 when the tag
 * verifies, -1 otherwise (out is then garbage).
 */
int quic_cipher_open(struct quic_cipher *c, uint64_t pn, const uint8_t *aad,
    size_t aad_len, const uint8_t *ct, size_t ct_len,
    const uint8_t tag[QUIC_TAG_LEN], uint8_t *out);

#endif
