/*
 * test_id.c - the one id syntax: every id the shipped rules, the tests and
 * the docs use passes; each fault is found, in order, at its byte; the
 * length exactly at ID_MAX and one over; every byte value once.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "id.h"
#include "qentry.h"

static enum id_fault
fault_of(const char *s, size_t *at_r)
{
	*at_r = SIZE_MAX;
	return id_check(s, strlen(s), at_r);
}

/* Ids in use: rules/ (rules, agencies, exceptions), tests, docs, store. */
static void
test_ids_in_use(void **state)
{
	static const char *const ids[] = { "DEP", "DOR", "EOHHS", "MASSIT",
		"MassDOT", "EX-2025-0004", "EX-2026-0001", "EX-2026-0007",
		"ex-2026-0007", "attach.dangerous-extension",
		"network.webmail.upload", "limit.mime-depth",
		"syntax.mime-ambiguous", "dangerous_extensions", "lab_hosts",
		"20261121T000000Z-B", "20260315T100000Z-3F2A1B7C",
		"20260315T100000Z-3F2A1B7C.1", "x", "_x", "-x", "x." };
	size_t at;

	(void)state;
	for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		if (fault_of(ids[i], &at) != ID_OK)
			fail_msg("'%s' refused", ids[i]);
		assert_true(id_is_valid(ids[i]));
		assert_true(qentry_id_is_valid(ids[i]));
	}
}

static void
test_faults(void **state)
{
	static const struct {
		const char *s;
		enum id_fault f;
		size_t at;
	} cases[] = {
		{ "", ID_EMPTY, SIZE_MAX },
		{ "A B", ID_BAD_CHAR, 1 },
		{ "../evil", ID_BAD_CHAR, 2 },	/* the '/', not the dots */
		{ "a/b", ID_BAD_CHAR, 1 },
		{ "EX\xc3\xa9", ID_BAD_CHAR, 2 },
		{ "x*", ID_BAD_CHAR, 1 },
		{ "x\n", ID_BAD_CHAR, 1 },
		{ ".x", ID_LEADING_DOT, SIZE_MAX },
		{ ".", ID_LEADING_DOT, SIZE_MAX },
		{ "..", ID_LEADING_DOT, SIZE_MAX },
		{ ".tmp-20261121T000000Z-B", ID_LEADING_DOT, SIZE_MAX },
	};
	size_t at;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(fault_of(cases[i].s, &at), cases[i].f);
		assert_int_equal(at, cases[i].at);
		assert_false(id_is_valid(cases[i].s));
	}
	assert_false(id_is_valid(NULL));
	assert_false(qentry_id_is_valid(NULL));
	/* A NUL byte is outside the alphabet (length-carrying input). */
	assert_int_equal(id_check("a\0b", 3, &at), ID_BAD_CHAR);
	assert_int_equal(at, 1);
}

/* ID_MAX bytes pass, one more does not; a bad byte is reported first. */
static void
test_length(void **state)
{
	char s[ID_MAX + 2];
	size_t at;

	(void)state;
	memset(s, 'a', sizeof(s));
	assert_int_equal(id_check(s, ID_MAX, &at), ID_OK);
	assert_int_equal(id_check(s, ID_MAX + 1, &at), ID_TOO_LONG);
	s[ID_MAX] = '/';
	assert_int_equal(id_check(s, ID_MAX + 1, &at), ID_BAD_CHAR);
	assert_int_equal(at, ID_MAX);
	s[ID_MAX] = 'a';
	s[0] = '.';
	assert_int_equal(id_check(s, ID_MAX + 1, &at), ID_LEADING_DOT);
}

/* Letters, digits, '.', '-' and '_': 65 of the 256 byte values. */
static void
test_alphabet(void **state)
{
	size_t n = 0;

	(void)state;
	for (unsigned c = 0; c < 256; c++) {
		bool want = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_';

		assert_int_equal(id_is_char((unsigned char)c), want);
		n += want;
	}
	assert_int_equal(n, 65);
}

static void
test_texts(void **state)
{
	(void)state;
	assert_string_equal(id_fault_text(ID_LEADING_DOT),
	    "must not start with '.'");
	assert_string_equal(id_fault_text(ID_TOO_LONG),
	    "is longer than 200 bytes");
	assert_string_equal(id_fault_text(ID_EMPTY), "must not be empty");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ids_in_use),
		cmocka_unit_test(test_faults),
		cmocka_unit_test(test_length),
		cmocka_unit_test(test_alphabet),
		cmocka_unit_test(test_texts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
