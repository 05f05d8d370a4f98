/*
 * fuzz_header.c - header-value parsers: RFC 2047 words, RFC 2045/2231
 * parameters, RFC 5322 address lists and dates.  Each must accept any
 * bytes, never overrun, and give bounded output.
 */
#include <assert.h>
#include <stdint.h>
#include <string.h>

#include "address.h"
#include "mimeparam.h"
#include "rfc2047.h"
#include "rfcdate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct span s = { (const char *)data, size };
	struct address_list al;
	struct mimeparam mp;
	struct buf b;
	const char *why;
	time_t t;

	buf_init(&b, 65536);
	(void)rfc2047_decode(s, &b);
	assert(b.len <= 65536);
	buf_free(&b);

	mimeparam_init(&mp, 16);
	if (mimeparam_parse(&mp, s) == 0) {
		assert(mp.n <= 16);
		(void)mimeparam_get(&mp, "filename");
	}
	mimeparam_free(&mp);

	address_parse(s, &al);
	assert(al.kept <= ADDRESS_MAX && al.kept <= al.count);
	for (size_t i = 0; i < al.kept; i++)
		assert(strchr(al.spec[i], '@') != NULL);

	(void)rfcdate_parse(s, &t, &why);
	return 0;
}
