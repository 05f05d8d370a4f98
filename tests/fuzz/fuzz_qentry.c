/*
 * fuzz_qentry.c - a quarantine entry's meta.json (qentry_parse), which a
 * person with access to the store may have edited: any bytes.
 *
 * Invariants: no crash or leak; on success the history offset, when set,
 * points at the history array's closing ']' inside the text (the place
 * `msgsec quarantine` appends to), and the text kept is the input; on
 * failure the entry is empty and a message says why.
 */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "qentry.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct qentry e;
	char *err = NULL;

	if (qentry_parse(&e, (const char *)data, size, &err) < 0) {
		assert(err != NULL && err[0] != '\0');
		assert(e.meta == NULL && e.nhistory == 0 && e.nrcpts == 0);
		free(err);
		return 0;
	}
	assert(e.meta_len == size && memcmp(e.meta, data, size) == 0);
	if (e.history_end != SIZE_MAX) {
		assert(e.history_end < size);
		assert(e.meta[e.history_end] == ']');
	}
	for (size_t i = 0; i < e.nrcpts; i++)
		assert(e.rcpts[i] != NULL);
	qentry_free(&e);
	return 0;
}
