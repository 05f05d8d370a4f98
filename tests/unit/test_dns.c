/*
 * test_dns.c - DNS message parsing: real queries and responses from
 * captures (an A answer list, CNAME chains), compression pointers (loops,
 * forward and self pointers, the jump bound at and over), the 255-octet
 * name bound at and over, escaping and lowercasing, the name table limit,
 * non-DNS input, every truncation, and TCP framing with partial data.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "dns.h"

/* e7.whatsapp.net A query and its 8-address answer (dns.pcap). */
static const char wa_query_hex[] =
	"784301000001000000000000026537087768617473617070036e65740000010001";
static const char wa_resp_hex[] =
	"784381800001000800000000026537087768617473617070036e65740000010001"
	"c00c00010001000001eb0004a92ddbebc00c00010001000001eb0004a92f288e"
	"c00c00010001000001eb0004a92df879c00c00010001000001eb00046ca8b0ea"
	"c00c00010001000001eb0004a92df8bdc00c00010001000001eb0004a92df8b4"
	"c00c00010001000001eb0004a935514fc00c00010001000001eb0004a92ddbe8";
/* A CNAME chain with compressed targets (dns_ambiguous_names.pcap). */
static const char apple_resp_hex[] =
	"663181800001000a000000010a34312d636f75726965720470757368056170706c"
	"6503636f6d0000010001c00c00050001000024d7002602343112636f7572696572"
	"2d707573682d6170706c6503636f6d06616b61646e73036e657400c03700050001"
	"0000003b00201265752d6e6f7274682d636f75726965722d340a707573682d6170"
	"706c65c04dc069000100010000001100041139928bc06900010001000000110004"
	"1139928ac0690001000100000011000411399287c06900010001000000110004"
	"11399288c0690001000100000011000411399289c06900010001000000110004"
	"11399284c0690001000100000011000411399286c06900010001000000110004"
	"113992850000290200000000000000";
static const char teams_resp_hex[] =
	"c31981800001000200000001057465616d7305736b79706503636f6d0000010001"
	"c00c0005000100000803001506732d3030303108732d6d7365646765036e657400"
	"c02d00010001000000a800040d6b03800000290200000000000000";

static uint8_t *
unhex(const char *hex, size_t *len_r)
{
	size_t n = strlen(hex) / 2;
	uint8_t *p = malloc(n + 1);

	assert_non_null(p);
	for (size_t i = 0; i < n; i++) {
		unsigned v;

		assert_int_equal(sscanf(hex + 2 * i, "%2x", &v), 1);
		p[i] = (uint8_t)v;
	}
	*len_r = n;
	return p;
}

/* Every truncation: -1 below the header, else 0 or -1, never a crash. */
static void
check_truncations(const uint8_t *p, size_t len)
{
	struct dns_msg *m = malloc(sizeof(*m));

	assert_non_null(m);
	for (size_t i = 0; i < len; i++) {
		uint8_t *cp = malloc(i + 1);
		int rc;

		memcpy(cp, p, i);
		rc = dns_parse(cp, i, m);
		if (i < 12)
			assert_int_equal(rc, -1);
		assert_true(rc == 0 || rc == -1);
		free(cp);
	}
	free(m);
}

static struct dns_msg msg;

static void
test_real_whatsapp(void **state)
{
	size_t len;
	uint8_t *p = unhex(wa_query_hex, &len);

	(void)state;
	assert_int_equal(dns_parse(p, len, &msg), 0);
	assert_false(msg.response);
	assert_int_equal(msg.id, 0x7843);
	assert_int_equal(msg.qtype, 1);
	assert_int_equal(msg.nquestions, 1);
	assert_int_equal(msg.nnames, 1);
	assert_string_equal(msg.names[0], "e7.whatsapp.net");
	check_truncations(p, len);
	free(p);
	p = unhex(wa_resp_hex, &len);
	assert_int_equal(dns_parse(p, len, &msg), 0);
	assert_true(msg.response);
	assert_int_equal(msg.rcode, 0);
	assert_int_equal(msg.nnames, 1);	/* owners repeat the qname */
	check_truncations(p, len);
	free(p);
}

static void
test_real_cname_chain(void **state)
{
	size_t len;
	uint8_t *p = unhex(apple_resp_hex, &len);

	(void)state;
	assert_int_equal(dns_parse(p, len, &msg), 0);
	assert_int_equal(msg.nquestions, 1);
	assert_int_equal(msg.nnames, 3);
	assert_string_equal(msg.names[0], "41-courier.push.apple.com");
	assert_string_equal(msg.names[1],
	    "41.courier-push-apple.com.akadns.net");
	assert_string_equal(msg.names[2],
	    "eu-north-courier-4.push-apple.com.akadns.net");
	check_truncations(p, len);
	free(p);
	p = unhex(teams_resp_hex, &len);
	assert_int_equal(dns_parse(p, len, &msg), 0);
	assert_int_equal(msg.nnames, 2);
	assert_string_equal(msg.names[0], "teams.skype.com");
	assert_string_equal(msg.names[1], "s-0001.s-msedge.net");
	free(p);
}

/* A message builder. */
struct mb {
	uint8_t p[4096];
	size_t len;
};

static void
m8(struct mb *b, unsigned v)
{
	assert_true(b->len < sizeof(b->p));
	b->p[b->len++] = (uint8_t)v;
}

static void
m16(struct mb *b, unsigned v)
{
	m8(b, v >> 8);
	m8(b, v & 0xff);
}

static void
mhdr(struct mb *b, unsigned flags, unsigned qd, unsigned an)
{
	b->len = 0;
	m16(b, 0x1234);
	m16(b, flags);
	m16(b, qd);
	m16(b, an);
	m16(b, 0);
	m16(b, 0);
}

static void
mlabel(struct mb *b, const char *s)
{
	m8(b, (unsigned)strlen(s));
	for (size_t i = 0; s[i] != '\0'; i++)
		m8(b, (uint8_t)s[i]);
}

/* An answer header after its owner name: type, class IN, TTL, rdlen. */
static void
mrr(struct mb *b, unsigned type, unsigned rdlen)
{
	m16(b, type);
	m16(b, 1);
	m16(b, 0);
	m16(b, 60);
	m16(b, rdlen);
}

static void
test_escape_case(void **state)
{
	struct mb b;

	(void)state;
	mhdr(&b, 0x0100, 1, 0);
	mlabel(&b, "WWW");
	mlabel(&b, "Ex.ample");
	mlabel(&b, "a b_c-\x01\xff");
	m8(&b, 0);
	m16(&b, 28);
	m16(&b, 1);
	assert_int_equal(dns_parse(b.p, b.len, &msg), 0);
	assert_string_equal(msg.names[0],
	    "www.ex\\046ample.a\\032b_c-\\001\\255");
	assert_int_equal(msg.qtype, 28);
	/* The root name. */
	mhdr(&b, 0x0100, 1, 0);
	m8(&b, 0);
	m16(&b, 2);
	m16(&b, 1);
	assert_int_equal(dns_parse(b.p, b.len, &msg), 0);
	assert_string_equal(msg.names[0], "");
}

/* A name of exactly total wire octets (labels of 63 and a last one). */
static void
long_name(struct mb *b, size_t total, char first)
{
	size_t left = total - 1;	/* the root octet */

	while (left > 0) {
		size_t n = left > 64 ? 63 : left - 1;

		if (n == 0) {	/* a 1-octet remainder: shorten the last */
			b->p[b->len - 64] = 62;
			memmove(b->p + b->len - 63, b->p + b->len - 62, 62);
			b->len--;
			n = 1;
			left++;
		}
		m8(b, (unsigned)n);
		for (size_t i = 0; i < n; i++)
			m8(b, (unsigned)(i == 0 ? first : 'x'));
		left -= n + 1;
	}
	m8(b, 0);
}

static void
test_name_bound(void **state)
{
	struct mb b;

	(void)state;
	mhdr(&b, 0x0100, 1, 0);
	long_name(&b, 255, 'a');
	assert_int_equal(b.len - 12, 255);
	m16(&b, 1);
	m16(&b, 1);
	assert_int_equal(dns_parse(b.p, b.len, &msg), 0);
	assert_int_equal(strlen(msg.names[0]), 255 - 2);
	mhdr(&b, 0x0100, 1, 0);
	long_name(&b, 256, 'a');
	assert_int_equal(b.len - 12, 256);
	m16(&b, 1);
	m16(&b, 1);
	assert_int_equal(dns_parse(b.p, b.len, &msg), -1);
	/* Escaped: 255 octets of \DDD still fit the text buffer. */
	mhdr(&b, 0x0100, 1, 0);
	long_name(&b, 255, '\x7f');
	for (size_t i = 12; i < b.len; i++)
		if (b.p[i] == 'x')
			b.p[i] = 0x7f;
	m16(&b, 1);
	m16(&b, 1);
	assert_int_equal(dns_parse(b.p, b.len, &msg), 0);
	assert_true(strlen(msg.names[0]) < DNS_NAME_MAX);
	/* The bound counts octets reached through pointers too. */
	mhdr(&b, 0x8180, 1, 1);
	long_name(&b, 200, 'a');
	m16(&b, 1);
	m16(&b, 1);
	mlabel(&b, "0123456789012345678901234567890123456789012345678901234");
	m8(&b, 0xc0);
	m8(&b, 12);
	mrr(&b, 1, 0);
	assert_int_equal(dns_parse(b.p, b.len, &msg), -1);
}

static void
test_pointers(void **state)
{
	struct mb b;

	(void)state;
	/* Self pointer in the question. */
	mhdr(&b, 0x0100, 1, 0);
	m8(&b, 0xc0);
	m8(&b, 12);
	m16(&b, 1);
	m16(&b, 1);
	assert_int_equal(dns_parse(b.p, b.len, &msg), -1);
	/* Forward pointer. */
	mhdr(&b, 0x0100, 1, 0);
	m8(&b, 0xc0);
	m8(&b, 18);
	m16(&b, 1);
	m16(&b, 1);
	mlabel(&b, "a");
	m8(&b, 0);
	assert_int_equal(dns_parse(b.p, b.len, &msg), -1);
	/* Pointer past the end. */
	mhdr(&b, 0x0100, 1, 0);
	m8(&b, 0xff);
	m8(&b, 0xff);
	m16(&b, 1);
	m16(&b, 1);
	assert_int_equal(dns_parse(b.p, b.len, &msg), -1);
	/*
	 * A loop of backward pointers: the answer's owner at 19 is "a",
	 * a 5-octet label, then (at 27) a pointer back to 19.  "Before the
	 * pointer" alone would go round until a bound stops it; a pointer
	 * must go below everything read so far.
	 */
	mhdr(&b, 0x8180, 1, 1);
	mlabel(&b, "q");
	m8(&b, 0);
	m16(&b, 1);
	m16(&b, 1);
	assert_int_equal(b.len, 19);
	mlabel(&b, "a");
	mlabel(&b, "bcdef");
	m8(&b, 0xc0);
	m8(&b, 19);
	mrr(&b, 1, 0);
	assert_int_equal(dns_parse(b.p, b.len, &msg), -1);
	/* Two names pointing at each other's middles. */
	mhdr(&b, 0x8180, 1, 1);
	mlabel(&b, "q");
	m8(&b, 0xc0);
	m8(&b, 19);	/* forward: -1 already in the question */
	m16(&b, 1);
	m16(&b, 1);
	mlabel(&b, "r");
	m8(&b, 0xc0);
	m8(&b, 12);
	assert_int_equal(dns_parse(b.p, b.len, &msg), -1);
	/* Reserved label types 01 and 10. */
	mhdr(&b, 0x0100, 1, 0);
	m8(&b, 0x41);
	m8(&b, 0);
	m16(&b, 1);
	m16(&b, 1);
	assert_int_equal(dns_parse(b.p, b.len, &msg), -1);
	b.p[12] = 0x81;
	assert_int_equal(dns_parse(b.p, b.len, &msg), -1);
}

/* Answer k's owner points at answer k-1's: k jumps for answer k. */
static void
jump_chain(struct mb *b, unsigned an)
{
	size_t prev;

	mhdr(b, 0x8180, 1, an);
	mlabel(b, "chain");
	m8(b, 0);
	m16(b, 1);
	m16(b, 1);
	prev = 12;
	for (unsigned i = 0; i < an; i++) {
		size_t here = b->len;

		m8(b, 0xc0 | (unsigned)(prev >> 8));
		m8(b, prev & 0xff);
		mrr(b, 1, 0);
		prev = here;
	}
}

static void
test_jump_bound(void **state)
{
	struct mb b;

	(void)state;
	jump_chain(&b, DNS_MAX_JUMPS);
	assert_int_equal(dns_parse(b.p, b.len, &msg), 0);
	assert_int_equal(msg.nnames, 1);
	assert_string_equal(msg.names[0], "chain");
	jump_chain(&b, DNS_MAX_JUMPS + 1);
	assert_int_equal(dns_parse(b.p, b.len, &msg), -1);
}

static void
test_names_cap(void **state)
{
	struct mb b;
	char lab[8];

	(void)state;
	mhdr(&b, 0x8180, 1, 12);
	mlabel(&b, "q");
	m8(&b, 0);
	m16(&b, 1);
	m16(&b, 1);
	for (int i = 0; i < 12; i++) {
		snprintf(lab, sizeof(lab), "c%d", i);
		m8(&b, 0xc0);
		m8(&b, 12);
		mrr(&b, 5, (unsigned)strlen(lab) + 3);
		mlabel(&b, lab);
		m8(&b, 0xc0);
		m8(&b, 12);
	}
	assert_int_equal(dns_parse(b.p, b.len, &msg), 0);
	assert_int_equal(msg.nnames, DNS_MAX_NAMES);
	assert_string_equal(msg.names[1], "c0.q");
	assert_string_equal(msg.names[7], "c6.q");
	/* A CNAME whose rdata holds more than the name: -1. */
	b.p[12 + 7 + 11] += 1;
	assert_int_equal(dns_parse(b.p, b.len, &msg), -1);
	check_truncations(b.p, b.len);
}

/* Questions are all kept in order; answers are deduplicated. */
static void
test_question_boundary(void **state)
{
	struct mb b;

	(void)state;
	mhdr(&b, 0x8180, 2, 2);
	mlabel(&b, "same");
	m8(&b, 0);
	m16(&b, 1);
	m16(&b, 1);
	m8(&b, 0xc0);
	m8(&b, 12);
	m16(&b, 28);
	m16(&b, 1);
	/* Answer: owner "same" (already kept), CNAME to "mail.same". */
	m8(&b, 0xc0);
	m8(&b, 12);
	mrr(&b, 5, 7);
	mlabel(&b, "mail");
	m8(&b, 0xc0);
	m8(&b, 12);
	/* Answer: owner "mail.same" again (deduplicated). */
	m8(&b, 0xc0);
	m8(&b, (unsigned)(b.len - 1 - 7));
	mrr(&b, 1, 4);
	m16(&b, 0x0a00);
	m16(&b, 0x0001);
	assert_int_equal(dns_parse(b.p, b.len, &msg), 0);
	assert_int_equal(msg.nquestions, 2);
	assert_int_equal(msg.nnames, 3);
	assert_string_equal(msg.names[0], "same");
	assert_string_equal(msg.names[1], "same");
	assert_string_equal(msg.names[2], "mail.same");
	assert_int_equal(msg.qtype, 1);
	check_truncations(b.p, b.len);
}

static void
test_not_dns(void **state)
{
	static const char http[] = "GET / HTTP/1.1\r\nHost: example.com\r\n";
	struct mb b;

	(void)state;
	assert_int_equal(dns_parse((const uint8_t *)http, sizeof(http) - 1,
	    &msg), -1);
	assert_int_equal(dns_parse(NULL, 0, &msg), -1);
	/* Opcode 15. */
	mhdr(&b, 0x7800, 0, 0);
	assert_int_equal(dns_parse(b.p, b.len, &msg), -1);
	/* Too many questions. */
	mhdr(&b, 0x0100, 17, 0);
	assert_int_equal(dns_parse(b.p, b.len, &msg), -1);
	/* Header only, no questions: valid. */
	mhdr(&b, 0x0100, 0, 0);
	assert_int_equal(dns_parse(b.p, b.len, &msg), 0);
	/* A question cut short is -1, an answer cut short is 0. */
	mhdr(&b, 0x0100, 1, 0);
	mlabel(&b, "abc");
	assert_int_equal(dns_parse(b.p, b.len, &msg), -1);
}

static void
test_tcp(void **state)
{
	size_t len, used = 0;
	uint8_t *p = unhex(apple_resp_hex, &len);
	uint8_t *s = malloc(2 * (len + 2));

	(void)state;
	s[0] = (uint8_t)(len >> 8);
	s[1] = (uint8_t)len;
	memcpy(s + 2, p, len);
	for (size_t i = 0; i < len + 2; i++) {
		uint8_t *cp = malloc(i + 1);

		memcpy(cp, s, i);
		assert_int_equal(dns_parse_tcp(cp, i, &msg, NULL), 0);
		free(cp);
	}
	assert_int_equal(dns_parse_tcp(s, len + 2, &msg, NULL), 1);
	assert_int_equal(msg.nnames, 3);
	/* A second message behind the first changes nothing. */
	memcpy(s + len + 2, s, len + 2);
	assert_int_equal(dns_parse_tcp(s, 2 * (len + 2), &msg, &used), 1);
	assert_int_equal(used, len + 2);	/* where the next one starts */
	assert_string_equal(msg.names[2],
	    "eu-north-courier-4.push-apple.com.akadns.net");
	/* Framing that cannot hold a header. */
	s[0] = 0;
	s[1] = 5;
	assert_int_equal(dns_parse_tcp(s, 2, &msg, NULL), -1);
	assert_int_equal(dns_parse_tcp(s, 7, &msg, NULL), -1);
	assert_int_equal(dns_parse_tcp(s, 1, &msg, NULL), 0);
	/* Garbage inside a well-framed message. */
	s[1] = 20;
	memset(s + 2, 0xff, 20);
	assert_int_equal(dns_parse_tcp(s, 22, &msg, NULL), -1);
	free(s);
	free(p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_real_whatsapp),
		cmocka_unit_test(test_real_cname_chain),
		cmocka_unit_test(test_escape_case),
		cmocka_unit_test(test_name_bound),
		cmocka_unit_test(test_pointers),
		cmocka_unit_test(test_jump_bound),
		cmocka_unit_test(test_names_cap),
		cmocka_unit_test(test_question_boundary),
		cmocka_unit_test(test_not_dns),
		cmocka_unit_test(test_tcp),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
