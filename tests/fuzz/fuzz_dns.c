/*
 * fuzz_dns.c - DNS messages on hostile bytes, over UDP and over TCP
 * framing.  Invariants: no read past the input (exact-size copies), names
 * NUL-terminated inside their fields and within the table bound, and
 * the TCP reader answering 0 on every proper prefix of a whole framed
 * message and the same names as the UDP reader on the whole.
 */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dns.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct dns_msg a, b;

static void
check(const struct dns_msg *m)
{
	assert(m->nnames <= DNS_MAX_NAMES);
	assert(m->nquestions <= 16);
	for (unsigned i = 0; i < m->nnames; i++)
		assert(memchr(m->names[i], '\0', DNS_NAME_MAX) != NULL);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *cp = malloc(size + 2);
	size_t used = 0;
	int rc, trc;

	assert(cp != NULL);
	memcpy(cp, data, size);
	rc = dns_parse(cp, size, &a);
	assert(rc == 0 || rc == -1);
	check(&a);
	free(cp);
	if (size > 0xffff)
		return 0;
	/* The same bytes as one framed TCP message. */
	cp = malloc(size + 2);
	assert(cp != NULL);
	cp[0] = (uint8_t)(size >> 8);
	cp[1] = (uint8_t)size;
	memcpy(cp + 2, data, size);
	trc = dns_parse_tcp(cp, size + 2, &b, &used);
	check(&b);
	assert(trc != 1 || used == size + 2);
	if (size < 12)
		assert(trc == -1);
	else
		assert(trc == (rc == 0 ? 1 : -1));
	if (trc == 1)
		assert(memcmp(&a, &b, sizeof(a)) == 0);
	if (size >= 12) {
		size_t cut = 2 + (size_t)data[0] * size / 256;

		assert(dns_parse_tcp(cp, cut < size + 2 ? cut : size + 1, &b,
		    NULL) == 0);
	}
	free(cp);
	return 0;
}
