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
#include <pthread.h>
#include <string.h>

#include "quic_crypto.h"

/*
 * The algorithms, fetched once: OpenSSL 3 would otherwise look each one up
 * in its provider store on every init, and HKDF through EVP_PKEY costs
 * some 20 us a call, which made a new QUIC flow cost over 100 us.
 */
static pthread_once_t algs_once = PTHREAD_ONCE_INIT;
static const EVP_MD *alg_sha256;
static const EVP_CIPHER *alg_ecb, *alg_gcm;

static void
algs_fetch(void)
{
#if OPENSSL_VERSION_NUMBER >= 0x30000000L
	alg_sha256 = EVP_MD_fetch(NULL, "SHA256", NULL);
	alg_ecb = EVP_CIPHER_fetch(NULL, "AES-128-ECB", NULL);
	alg_gcm = EVP_CIPHER_fetch(NULL, "AES-128-GCM", NULL);
#endif
	if (alg_sha256 == NULL)
		alg_sha256 = EVP_sha256();
	if (alg_ecb == NULL)
		alg_ecb = EVP_aes_128_ecb();
	if (alg_gcm == NULL)
		alg_gcm = EVP_aes_128_gcm();
}

static void
algs(void)
{
	(void)pthread_once(&algs_once, algs_fetch);
}

/*
 * HMAC-SHA256 (RFC 2104) of a || b under key, written by hand over one
 * digest context: HKDF-Extract is one HMAC and HKDF-Expand of at most 32
 * bytes is one more (RFC 5869 2.2, 2.3).
 */
static int
hmac_sha256(EVP_MD_CTX *md, const uint8_t *key, size_t key_len,
    const uint8_t *a, size_t a_len, const uint8_t *b, size_t b_len,
    uint8_t out[32])
{
	uint8_t k0[64], pad[64], inner[32];
	unsigned n = 0;
	int ok;

	memset(k0, 0, sizeof(k0));
	if (key_len > sizeof(k0)) {
		if (EVP_DigestInit_ex(md, alg_sha256, NULL) <= 0 ||
		    EVP_DigestUpdate(md, key, key_len) <= 0 ||
		    EVP_DigestFinal_ex(md, k0, &n) <= 0)
			return -1;
	} else if (key_len > 0)
		memcpy(k0, key, key_len);
	for (size_t i = 0; i < sizeof(pad); i++)
		pad[i] = k0[i] ^ 0x36;
	ok = EVP_DigestInit_ex(md, alg_sha256, NULL) > 0 &&
	    EVP_DigestUpdate(md, pad, sizeof(pad)) > 0 &&
	    (a_len == 0 || EVP_DigestUpdate(md, a, a_len) > 0) &&
	    (b_len == 0 || EVP_DigestUpdate(md, b, b_len) > 0) &&
	    EVP_DigestFinal_ex(md, inner, &n) > 0 && n == 32;
	for (size_t i = 0; i < sizeof(pad); i++)
		pad[i] = k0[i] ^ 0x5c;
	ok = ok && EVP_DigestInit_ex(md, alg_sha256, NULL) > 0 &&
	    EVP_DigestUpdate(md, pad, sizeof(pad)) > 0 &&
	    EVP_DigestUpdate(md, inner, sizeof(inner)) > 0 &&
	    EVP_DigestFinal_ex(md, out, &n) > 0 && n == 32;
	return ok ? 0 : -1;
}

static int
expand_label(EVP_MD_CTX *md, const uint8_t *secret, size_t secret_len,
    const char *label, uint8_t *out, size_t out_len)
{
	static const char prefix[] = "tls13 ";
	uint8_t info[2 + 1 + 255 + 1];
	size_t plen = sizeof(prefix) - 1, llen = strlen(label), n = 0;

	if (llen > 255 - plen)
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
	uint8_t t[32];
	static const uint8_t one = 1;

	info[n++] = 0;
	/* HKDF-Expand: T(1) = HMAC(secret, info || 0x01) is all we need. */
	if (out_len > sizeof(t) ||
	    hmac_sha256(md, secret, secret_len, info, n, &one, 1, t) < 0)
		return -1;
	memcpy(out, t, out_len);
	return 0;
}

int
quic_crypto_expand_label(const uint8_t *secret, size_t secret_len,
    const char *label, uint8_t *out, size_t out_len)
{
	EVP_MD_CTX *md;
	int rc;

	algs();
	if ((md = EVP_MD_CTX_new()) == NULL)
		return -1;
	rc = expand_label(md, secret, secret_len, label, out, out_len);
	EVP_MD_CTX_free(md);
	return rc;
}

int
quic_crypto_initial_keys(const uint8_t salt[QUIC_SALT_LEN],
    enum quic_labels labels, const uint8_t *dcid, size_t dcid_len,
    struct quic_keys *keys_r)
{
	uint8_t initial[QUIC_SECRET_LEN];
	bool v2 = labels == QUIC_LABELS_V2;
	EVP_MD_CTX *md;
	int rc;

	memset(keys_r, 0, sizeof(*keys_r));
	algs();
	if ((md = EVP_MD_CTX_new()) == NULL)
		return -1;
	/* HKDF-Extract: PRK = HMAC(salt, IKM) */
	rc = hmac_sha256(md, salt, QUIC_SALT_LEN, dcid, dcid_len, NULL, 0,
	    initial);
	if (rc == 0)
		rc = expand_label(md, initial, sizeof(initial), "client in",
		    keys_r->secret, QUIC_SECRET_LEN);
	if (rc == 0)
		rc = expand_label(md, keys_r->secret, QUIC_SECRET_LEN,
		    v2 ? "quicv2 key" : "quic key", keys_r->key, QUIC_KEY_LEN);
	if (rc == 0)
		rc = expand_label(md, keys_r->secret, QUIC_SECRET_LEN,
		    v2 ? "quicv2 iv" : "quic iv", keys_r->iv, QUIC_IV_LEN);
	if (rc == 0)
		rc = expand_label(md, keys_r->secret, QUIC_SECRET_LEN,
		    v2 ? "quicv2 hp" : "quic hp", keys_r->hp, QUIC_HP_LEN);
	EVP_MD_CTX_free(md);
	memset(initial, 0, sizeof(initial));
	return rc;
}

int
quic_cipher_init(struct quic_cipher *c, const struct quic_keys *k)
{
	algs();
	memset(c, 0, sizeof(*c));
	c->hp = EVP_CIPHER_CTX_new();
	c->aead = EVP_CIPHER_CTX_new();
	if (c->hp == NULL || c->aead == NULL)
		goto fail;
	if (EVP_EncryptInit_ex(c->hp, alg_ecb, NULL, k->hp, NULL) <=
		0 ||
	    EVP_CIPHER_CTX_set_padding(c->hp, 0) <= 0)
		goto fail;
	/* Key once; the nonce is set per packet. */
	if (EVP_DecryptInit_ex(c->aead, alg_gcm, NULL, k->key,
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
