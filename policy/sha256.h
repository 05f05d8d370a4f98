/*
 * sha256.h - SHA-256 (libcrypto's), for the content hash of the policy a
 * program runs (policy_load(): every file it read) and the like.
 */
#ifndef MSGSEC_SHA256_H
#define MSGSEC_SHA256_H

#include <stddef.h>

#define SHA256_HEX_LEN 64

struct sha256 {
	void *ctx;		/* EVP_MD_CTX */
};

void sha256_init(struct sha256 *s);
void sha256_update(struct sha256 *s, const void *data, size_t len);
/* The digest as lowercase hex; the context is freed. */
void sha256_final_hex(struct sha256 *s, char out[SHA256_HEX_LEN + 1]);
/* One call: the hex digest of len bytes at data. */
void sha256_hex(const void *data, size_t len, char out[SHA256_HEX_LEN + 1]);

#endif
