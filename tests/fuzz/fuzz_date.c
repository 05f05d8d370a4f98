/*
 * fuzz_date.c - strict dates and RFC 3339 times.  Invariant: a date that
 * parses formats back to the same text.
 */
#include <assert.h>
#include <stdint.h>
#include <string.h>

#include "date.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	const char *why;
	int32_t day;
	time_t t;
	char buf[16];

	if (date_parse(s, size, &day, &why) == 0) {
		date_format(day, buf, sizeof(buf));
		assert(size == 10 && memcmp(buf, s, 10) == 0);
	}
	(void)date_parse_time(s, size, &t, &why);
	return 0;
}
