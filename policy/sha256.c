/*
 * sha256.c - SHA-256 through libcrypto's EVP interface (sha256.h).
 */
#include "sha256.h"

#include <stdio.h>
#include <stdlib.h>

#include <openssl/evp.h>

void
sha256_init(struct sha256 *s)
{
	EVP_MD_CTX *x = EVP_MD_CTX_new();

	if (x == NULL || EVP_DigestInit_ex(x, EVP_sha256(), NULL) != 1) {
		/* Out of memory: as mem_malloc(), never half a result. */
		fprintf(stderr, "msgsec: fatal: out of memory (EVP_MD_CTX)\n");
		abort();
	}
	s->ctx = x;
}

void
sha256_update(struct sha256 *s, const void *data, size_t len)
{
	(void)EVP_DigestUpdate(s->ctx, data, len);
}

void
sha256_final_hex(struct sha256 *s, char out[SHA256_HEX_LEN + 1])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned n = 0;

	(void)EVP_DigestFinal_ex(s->ctx, md, &n);
	EVP_MD_CTX_free(s->ctx);
	s->ctx = NULL;
	for (unsigned i = 0; i < 32; i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 15];
	}
	out[SHA256_HEX_LEN] = '\0';
}

void
sha256_hex(const void *data, size_t len, char out[SHA256_HEX_LEN + 1])
{
	struct sha256 s;

	sha256_init(&s);
	sha256_update(&s, data, len);
	sha256_final_hex(&s, out);
}
