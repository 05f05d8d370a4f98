/*
 * fuzz_im.c - IM signatures on hostile bytes.  Invariants: no read past
 * the input (exact-size copies), the name NUL-terminated inside its field
 * and empty when nothing matched, and prefix consistency (the engine
 * re-calls on a growing prefix): a prefix answering 1 gives the same
 * match as the whole, -1 on a prefix means -1 on the whole, and 0 on the
 * whole means 0 on every prefix.  The same bytes as one UDP datagram,
 * either way (im_detect_udp): 1 or -1, a UDP protocol and what matched
 * on 1, nothing on -1.
 */
#include <assert.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "im.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check(int rc, const struct im_match *m)
{
	assert(rc >= -1 && rc <= 1);
	assert(memchr(m->name, '\0', sizeof(m->name)) != NULL);
	if (rc != 1)
		assert(m->proto == IM_NONE && m->name[0] == '\0');
	else
		assert(m->proto != IM_NONE && im_proto_name(m->proto)[0] != '\0');
}

static void
prefix(const uint8_t *data, size_t size, size_t cut, int whole_rc,
    const struct im_match *whole)
{
	struct im_match m;
	uint8_t *cp;
	int rc;

	if (cut > size)
		return;
	cp = malloc(cut + 1);
	assert(cp != NULL);
	memcpy(cp, data, cut);
	rc = im_detect(cp, cut, &m);
	free(cp);
	check(rc, &m);
	if (rc == 1)
		assert(whole_rc == 1 && memcmp(&m, whole, sizeof(m)) == 0);
	if (rc == -1)
		assert(whole_rc == -1);
	if (whole_rc == 0)
		assert(rc == 0);
}

static void
udp(const uint8_t *data, size_t size, bool toserver)
{
	struct im_match m;
	uint8_t *cp = malloc(size + 1);
	int rc;

	assert(cp != NULL);
	memcpy(cp, data, size);
	rc = im_detect_udp(cp, size, toserver, &m);
	free(cp);
	assert(rc == 1 || rc == -1);
	assert(m.name[0] == '\0');
	if (rc == 1)
		assert((m.proto == IM_DISCORD || m.proto == IM_OICQ ||
		    m.proto == IM_IMO) && m.what != NULL);
	else
		assert(m.proto == IM_NONE && m.what == NULL);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct im_match whole;
	uint8_t *cp = malloc(size + 1);
	int rc;

	assert(cp != NULL);
	memcpy(cp, data, size);
	rc = im_detect(cp, size, &whole);
	free(cp);
	check(rc, &whole);
	udp(data, size, true);
	udp(data, size, false);
	if (size == 0)
		return 0;
	prefix(data, size, size - 1, rc, &whole);
	prefix(data, size, size / 2, rc, &whole);
	prefix(data, size, (size_t)data[size - 1] * (size / 256 + 1), rc,
	    &whole);
	return 0;
}
