/*
 * fuzz_http.c - the HTTP/1.x request head on hostile bytes.  Invariants:
 * no read past the input (exact-size copies), strings NUL-terminated in
 * their fields, and prefix consistency (the engine re-calls on a growing
 * prefix): a prefix answering 1 gives the same request as the whole, a
 * prefix answering -1 means the whole is -1, and a whole answering 0
 * means every prefix is 0.
 */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check(const struct http_req *r)
{
	assert(memchr(r->method, '\0', sizeof(r->method)) != NULL);
	assert(memchr(r->uri, '\0', sizeof(r->uri)) != NULL);
	assert(memchr(r->host, '\0', sizeof(r->host)) != NULL);
	assert(r->has_host || r->host[0] == '\0');
}

static void
prefix(const uint8_t *data, size_t size, size_t cut, int whole_rc,
    const struct http_req *whole)
{
	struct http_req r;
	char *cp;
	int rc;

	if (cut > size)
		return;
	cp = malloc(cut + 1);
	assert(cp != NULL);
	memcpy(cp, data, cut);
	rc = http_parse_request(cp, cut, &r);
	free(cp);
	check(&r);
	if (rc == 1)
		assert(whole_rc == 1 && memcmp(&r, whole, sizeof(r)) == 0);
	if (rc == -1)
		assert(whole_rc == -1);
	if (whole_rc == 0)
		assert(rc == 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct http_req whole;
	char *cp = malloc(size + 1);
	int rc;

	assert(cp != NULL);
	memcpy(cp, data, size);
	rc = http_parse_request(cp, size, &whole);
	free(cp);
	assert(rc >= -1 && rc <= 1);
	check(&whole);
	if (size == 0)
		return 0;
	prefix(data, size, size - 1, rc, &whole);
	prefix(data, size, size / 2, rc, &whole);
	prefix(data, size, (size_t)data[size - 1] * (size / 256 + 1), rc,
	    &whole);
	return 0;
}
