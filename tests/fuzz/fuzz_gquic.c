/*
 * fuzz_gquic.c - gQUIC client packets and CHLO messages.  The first byte
 * picks the entry point (even: a whole UDP payload through
 * gquic_is_client_packet and gquic_parse_packet; odd: a CHLO through
 * gquic_parse_chlo); the second, the size of the name buffer (5..260).
 * Invariants: the name is NUL-terminated inside its buffer, a packet that
 * parses is one gquic_is_client_packet accepts, and a CHLO that parses
 * still parses with one more byte after it.
 */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gquic.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char sni[GQUIC_SNI_MAX + 8];
	size_t snilen;
	uint32_t v = 0, v2 = 0;
	int rc;

	if (size < 2)
		return 0;
	snilen = 5 + data[1] % (GQUIC_SNI_MAX + 1);
	memset(sni, 'Z', sizeof(sni));
	if ((data[0] & 1) == 0) {
		bool is = gquic_is_client_packet(data + 2, size - 2, &v2);

		rc = gquic_parse_packet(data + 2, size - 2, &v, sni, snilen);
		assert(rc >= -1 && rc <= 1);
		assert((rc >= 0) == is);
		if (rc >= 0)
			assert(v == v2);
	} else {
		rc = gquic_parse_chlo(data + 2, size - 2, sni, snilen);
		assert(rc >= -1 && rc <= 1);
		if (rc == 1) {
			uint8_t *copy = malloc(size - 1);
			char again[GQUIC_SNI_MAX + 8];

			assert(copy != NULL);
			memcpy(copy, data + 2, size - 2);
			copy[size - 2] = 0;
			assert(gquic_parse_chlo(copy, size - 1, again,
				   snilen) == 1);
			assert(strcmp(again, sni) == 0);
			free(copy);
		}
	}
	assert(memchr(sni, '\0', snilen) != NULL);
	return 0;
}
