/*
 * quic_crypto.c - QUIC Initial packet protection on libcrypto (RFC 9001
 * 5.1-5.4, RFC 9369 3.3.1-3.3.2).
 *
 *   initial_secret = HKDF-Extract(salt, client_dcid)
 *   client_secret  = HKDF-Expand-Label(initial_secret, "client in", "", 32)
 *   key = HKDF-Expand-Label(client_secret, "quic key", "", 16)
 *   iv  = HKDF-Expand-Label(client_secret, "quic iv", "", 12)
 *   hp  = HKDF-Expand-Label(client_secret, "quic hp", "", 16)
 *   (QUIC v2: "quicv2 key", "quicv2 iv", "quicv2 hp")
 *
 * Inputs are lengths and bytes the caller has bounds-checked; nothing
 * here reads a packet.  EVP contexts are owned by a struct quic_cipher and
 * freed by quic_cipher_clear.  Not thread-safe per cipher.
 */
#include <string.h>

#include <openssl/kdf.h>

#include "quic_crypto.h"

/* HKDF with SHA-256 in one of EXTRACT_ONLY / EXPAND_ONLY modes. */
static int
hkdf(int mode, const uint8_t *key, size_t key_len, const uint8_t *salt,
    size_t salt_len, const uint8_t *info, size_t info_len, uint8_t *out,
    size_t out_len)
{
	EVP_PKEY_CTX *pc;
	size_t n = out_len;
	int ok;

	if (key_len > 1024 || salt_len > 1024 || info_len > 1024)
		return -1;
	pc = EVP_PKEY_CTX_new_id(EVP_PKEY_HKDF, NULL);
	if (pc == NULL)
		return -1;
	ok = EVP_PKEY_derive_init(pc) > 0 &&
	    EVP_PKEY_CTX_set_hkdf_mode(pc, mode) > 0 &&
	    EVP_PKEY_CTX_set_hkdf_md(pc, EVP_sha256()) > 0 &&
	    EVP_PKEY_CTX_set1_hkdf_key(pc, key, (int)key_len) > 0;
	if (ok && salt != NULL)
		ok = EVP_PKEY_CTX_set1_hkdf_salt(pc, salt, (int)salt_len) > 0;
	if (ok && info != NULL)
		ok = EVP_PKEY_CTX_add1_hkdf_info(pc, info, (int)info_len) > 0;
	if (ok)
		ok = EVP_PKEY_derive(pc, out, &n) > 0 && n == out_len;
	EVP_PKEY_CTX_free(pc);
	return ok ? 0 : -1;
}

int
quic_crypto_expand_label(const uint8_t *secret, size_t secret_len,
    const char *label, uint8_t *out, size_t out_len)
{
	static const char prefix[] = "tls13 ";
	uint8_t info[2 + 1 + 255 + 1];
	size_t plen = sizeof(prefix) - 1, llen = strlen(label), n = 0;

	if (llen > 255 - plen || out_len > 255 * 32)
		return -1;
	/* struct HkdfLabel { uint16 length; opaque label<7..255>;
	   opaque context<0..255>; } */
	info[n++] = (uint8_t)(out_len >> 8);
	info[n++] = (uint8_t)out_len;
	info[n++] = (uint8_t)(plen + llen);
	memcpy(info + n, prefix, plen);
	n += plen;
	memcpy(info + n, label, llen);
	n += llen;
	info[n++] = 0;
	return hkdf(EVP_PKEY_HKDEF_MODE_EXPAND_ONLY, secret, secret_len, NULL,
	    0, info, n, out, out_len);
}

int
quic_crypto_initial_keys(const uint8_t salt[QUIC_SALT_LEN],
    enum quic_labels labels, const uint8_t *dcid, size_t dcid_len,
    struct quic_keys *keys_r)
{
	static const uint8_t empty[1];
	uint8_t initial[QUIC_SECRET_LEN];
	bool v2 = labels == QUIC_LABELS_V2;
	int rc;

	memset(keys_r, 0, sizeof(*keys_r));
	/* An empty DCID is legal input keying material: HMAC accepts it, but
	   EVP wants a non-NULL pointer. */
	if (dcid_len == 0)
		dcid = empty;
	rc = hkdf(EVP_PKEY_HKDEF_MODE_EXTRACT_ONLY, dcid, dcid_len, salt,
	    QUIC_SALT_LEN, NULL, 0, initial, sizeof(initial));
	if (rc == 0)
		rc = quic_crypto_expand_label(initial, sizeof(initial),
		    "client in", keys_r->secret, QUIC_SECRET_LEN);
	if (rc == 0)
		rc = quic_crypto_expand_label(keys_r->secret, QUIC_SECRET_LEN,
		    v2 ? "quicv2 key" : "quic key", keys_r->key, QUIC_KEY_LEN);
	if (rc == 0)
		rc = quic_crypto_expand_label(keys_r->secret, QUIC_SECRET_LEN,
		    v2 ? "quicv2 iv" : "quic iv", keys_r->iv, QUIC_IV_LEN);
	if (rc == 0)
		rc = quic_crypto_expand_label(keys_r->secret, QUIC_SECRET_LEN,
		    v2 ? "quicv2 hp" : "quic hp", keys_r->hp, QUIC_HP_LEN);
	return rc;
}

int
quic_cipher_init(struct quic_cipher *c, const struct quic_keys *k)
{
	memset(c, 0, sizeof(*c));
	c->hp = EVP_CIPHER_CTX_new();
	c->aead = EVP_CIPHER_CTX_new();
	if (c->hp == NULL || c->aead == NULL)
		goto fail;
	if (EVP_EncryptInit_ex(c->hp, EVP_aes_128_ecb(), NULL, k->hp, NULL) <=
		0 ||
	    EVP_CIPHER_CTX_set_padding(c->hp, 0) <= 0)
		goto fail;
	/* Key once; the nonce is set per packet. */
	if (EVP_DecryptInit_ex(c->aead, EVP_aes_128_gcm(), NULL, k->key,
		NULL) <= 0)
		goto fail;
	memcpy(c->iv, k->iv, QUIC_IV_LEN);
	return 0;
fail:
	quic_cipher_clear(c);
	return -1;
}

void
quic_cipher_clear(struct quic_cipher *c)
{
	EVP_CIPHER_CTX_free(c->hp);
	EVP_CIPHER_CTX_free(c->aead);
	memset(c, 0, sizeof(*c));
}

bool
quic_cipher_is_set(const struct quic_cipher *c)
{
	return c->hp != NULL && c->aead != NULL;
}

int
quic_cipher_hp_mask(struct quic_cipher *c,
    const uint8_t sample[QUIC_SAMPLE_LEN], uint8_t mask_r[QUIC_MASK_LEN])
{
	uint8_t block[QUIC_SAMPLE_LEN + 16];
	int n = 0;

	if (!quic_cipher_is_set(c) ||
	    EVP_EncryptUpdate(c->hp, block, &n, sample, QUIC_SAMPLE_LEN) <=
		0 ||
	    n != QUIC_SAMPLE_LEN)
		return -1;
	memcpy(mask_r, block, QUIC_MASK_LEN);
	return 0;
}

int
quic_cipher_open(struct quic_cipher *c, uint64_t pn, const uint8_t *aad,
    size_t aad_len, const uint8_t *ct, size_t ct_len,
    const uint8_t tag[QUIC_TAG_LEN], uint8_t *out)
{
	uint8_t nonce[QUIC_IV_LEN], tagcopy[QUIC_TAG_LEN];
	int n = 0, fin = 0;

	if (!quic_cipher_is_set(c) || aad_len > INT32_MAX ||
	    ct_len > INT32_MAX)
		return -1;
	memcpy(nonce, c->iv, QUIC_IV_LEN);
	for (unsigned i = 0; i < 8; i++)
		nonce[QUIC_IV_LEN - 1 - i] ^= (uint8_t)(pn >> (8 * i));
	memcpy(tagcopy, tag, QUIC_TAG_LEN);
	if (EVP_DecryptInit_ex(c->aead, NULL, NULL, NULL, nonce) <= 0 ||
	    EVP_DecryptUpdate(c->aead, NULL, &n, aad, (int)aad_len) <= 0)
		return -1;
	if (ct_len > 0 &&
	    (EVP_DecryptUpdate(c->aead, out, &n, ct, (int)ct_len) <= 0 ||
		(size_t)n != ct_len))
		return -1;
	if (EVP_CIPHER_CTX_ctrl(c->aead, EVP_CTRL_GCM_SET_TAG, QUIC_TAG_LEN,
		tagcopy) <= 0)
		return -1;
	if (EVP_DecryptFinal_ex(c->aead, out + ct_len, &fin) <= 0)
		return -1;
	return 0;
}
