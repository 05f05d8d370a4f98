/*
 * test_cidr.c - strict address and prefix parsing with a reason for each
 * error, RFC 5952 output, mapped IPv4, merged sets and their edges.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cidr.h"

static void
bad(const char *s, const char *why)
{
	struct cidr c;
	const char *w = NULL;

	if (cidr_parse(s, strlen(s), &c, &w) != -1)
		fail_msg("'%s' parsed", s);
	if (w == NULL || strcmp(w, why) != 0)
		fail_msg("'%s': got '%s', want '%s'", s, w ? w : "(null)", why);
}

static struct cidr
good(const char *s)
{
	struct cidr c;
	const char *w = "";

	if (cidr_parse(s, strlen(s), &c, &w) != 0)
		fail_msg("'%s': %s", s, w);
	return c;
}

static void
roundtrip(const char *s, const char *want)
{
	struct cidr c = good(s), c2;
	const char *w;
	char buf[64];

	cidr_format(&c, buf, sizeof(buf));
	assert_string_equal(buf, want);
	/* the output parses back to the very same prefix */
	assert_int_equal(cidr_parse(buf, strlen(buf), &c2, &w), 0);
	assert_memory_equal(c.addr.b, c2.addr.b, 16);
	assert_int_equal(c.prefix, c2.prefix);
	assert_int_equal(c.v4, c2.v4);
}

static void
test_v4_parse(void **state)
{
	struct cidr c;

	(void)state;
	roundtrip("192.0.2.0/24", "192.0.2.0/24");
	roundtrip("192.0.2.7", "192.0.2.7/32");
	roundtrip("192.0.2.7/32", "192.0.2.7/32");
	roundtrip("0.0.0.0/0", "0.0.0.0/0");
	roundtrip("255.255.255.255", "255.255.255.255/32");
	roundtrip("10.0.0.0/8", "10.0.0.0/8");
	roundtrip("128.0.0.0/1", "128.0.0.0/1");
	c = good("10.0.0.0/8");
	assert_true(c.v4);
	assert_int_equal(c.prefix, 96 + 8);
	c = good("0.0.0.0/0");
	assert_int_equal(c.prefix, 96);
	c = good("1.2.3.4");
	assert_int_equal(c.prefix, 128);

	bad("", "empty address");
	bad("/24", "empty address");
	bad("1.2.3", "IPv4 address needs four octets");
	bad("1.2.3/24", "IPv4 address needs four octets");
	bad("1.2.3.4.5", "IPv4 address has more than four octets");
	bad("1.2.3.", "empty octet in IPv4 address");
	bad("1..3.4", "empty octet in IPv4 address");
	bad(".1.2.3", "empty octet in IPv4 address");
	bad("010.0.0.0/8", "leading zero in IPv4 octet");
	bad("10.00.0.0/16", "leading zero in IPv4 octet");
	bad("1.2.3.04", "leading zero in IPv4 octet");
	bad("256.0.0.0/8", "IPv4 octet over 255");
	bad("1.2.3.1000", "IPv4 octet over 255");
	bad("1.2.3.99999999999999999999", "IPv4 octet over 255");
	bad(" 1.2.3.4", "bad character in IPv4 address");
	bad("1.2.3.4 ", "bad character in IPv4 address");
	bad("1.2.3.4%eth0", "bad character in IPv4 address");
	bad("0x1.2.3.4", "bad character in IPv4 address");
	bad("-1.2.3.4", "bad character in IPv4 address");
	bad("1.2.3.4/", "missing prefix length after '/'");
	bad("10.0.0.0/08", "leading zero in prefix length");
	bad("10.0.0.0/00", "leading zero in prefix length");
	bad("10.0.0.0/x", "bad character in prefix length");
	bad("10.0.0.0/-8", "bad character in prefix length");
	bad("10.0.0.0/8 ", "bad character in prefix length");
	bad("10.0.0.0/8/8", "bad character in prefix length");
	bad("10.0.0.0/33", "prefix longer than /32");
	bad("10.0.0.0/99999999999999999999", "prefix longer than /32");
	/* the golden tests depend on this exact text */
	bad("192.0.2.1/24", "host bits set below the prefix");
	bad("10.0.0.1/31", "host bits set below the prefix");
	bad("0.0.0.1/0", "host bits set below the prefix");
	good("10.0.0.2/31");
}

static void
test_v6_parse(void **state)
{
	struct cidr c;

	(void)state;
	roundtrip("2001:DB8::/32", "2001:db8::/32");
	roundtrip("2001:db8:0:0:0:0:0:1/128", "2001:db8::1/128");
	roundtrip("2001:0db8::0001", "2001:db8::1/128");
	roundtrip("::/0", "::/0");
	roundtrip("::", "::/128");
	roundtrip("::1", "::1/128");
	roundtrip("1::", "1::/128");
	roundtrip("fe80::/10", "fe80::/10");
	roundtrip("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
	    "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128");
	/* "::" for one zero group in the input is allowed */
	roundtrip("1:2:3:4:5:6::8", "1:2:3:4:5:6:0:8/128");
	roundtrip("::2:3:4:5:6:7:8", "0:2:3:4:5:6:7:8/128");
	/* RFC 5952 4.2.3: the longest run, the first on a tie */
	roundtrip("2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1/128");
	roundtrip("2001:0:0:1:0:0:0:1", "2001:0:0:1::1/128");
	roundtrip("1:0:2:0:3:0:4:0", "1:0:2:0:3:0:4:0/128");
	/* a dotted tail is the last two groups */
	roundtrip("64:ff9b::192.0.2.33", "64:ff9b::c000:221/128");
	roundtrip("::1.2.3.4", "::102:304/128");
	roundtrip("1:2:3:4:5:6:1.2.3.4", "1:2:3:4:5:6:102:304/128");
	c = good("2001:db8::/32");
	assert_false(c.v4);
	assert_int_equal(c.prefix, 32);

	bad("fe80::1%eth0", "zone ids are not allowed");
	bad("fe80::%1", "zone ids are not allowed");
	bad("2001:db8:::1", "too many ':' in IPv6 address");
	bad(":::", "too many ':' in IPv6 address");
	bad("1::2::3", "more than one '::' in IPv6 address");
	bad("::1::", "more than one '::' in IPv6 address");
	bad("1:2:3:4:5:6:7:8:9", "too many groups in IPv6 address");
	bad("1:2:3:4:5:6:7:1.2.3.4", "too many groups in IPv6 address");
	bad("1:2:3:4:5:6:7", "too few groups in IPv6 address");
	bad("1:2:3:4:5:6:7:8::", "'::' stands for no group in IPv6 address");
	bad("::1:2:3:4:5:6:7:8", "'::' stands for no group in IPv6 address");
	bad("1:2:3:4:5:6::1.2.3.4",
	    "'::' stands for no group in IPv6 address");
	bad("12345::", "IPv6 group longer than 4 hex digits");
	bad("::00001", "IPv6 group longer than 4 hex digits");
	bad(":1::", "IPv6 address starts with a single ':'");
	bad("1::2:", "IPv6 address ends with a single ':'");
	bad("1:", "IPv6 address ends with a single ':'");
	bad("g::", "bad character in IPv6 address");
	bad("::g", "bad character in IPv6 address");
	bad("[::1]", "bad character in IPv6 address");
	bad(":: 1", "bad character in IPv6 address");
	bad("::ffff:1.2.3", "IPv4 address needs four octets");
	bad("::ffff:01.2.3.4", "leading zero in IPv4 octet");
	bad("::ffff:1.2.3.256", "IPv4 octet over 255");
	bad("::1.2.3.4:5", "bad character in IPv4 address");
	bad("::/", "missing prefix length after '/'");
	bad("::/129", "prefix longer than /128");
	bad("2001:db8::/0129", "leading zero in prefix length");
	bad("2001:db8::1/32", "host bits set below the prefix");
	bad("2001:db8::/16", "host bits set below the prefix");
	good("::/128");
	good("::1/128");
}

static void
test_mapped_v4(void **state)
{
	struct cidr c, c4;
	struct ipaddr a;
	char buf[64];
	static const uint8_t raw4[4] = { 192, 0, 2, 1 };
	static const uint8_t raw6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0,
		0, 0, 0, 0, 0, 0, 0, 1 };

	(void)state;
	/* an IPv6 prefix over ::ffff:0:0/96 is that IPv4 prefix */
	c = good("::ffff:192.0.2.0/120");
	c4 = good("192.0.2.0/24");
	assert_true(c.v4);
	assert_int_equal(c.prefix, c4.prefix);
	assert_memory_equal(c.addr.b, c4.addr.b, 16);
	roundtrip("::ffff:192.0.2.0/120", "192.0.2.0/24");
	roundtrip("::FFFF:c000:0201", "192.0.2.1/32");
	roundtrip("::ffff:0:0/96", "0.0.0.0/0");
	/* below 96 the ffff is host bits */
	bad("::ffff:0:0/95", "host bits set below the prefix");
	bad("::ffff:192.0.2.0/24", "host bits set below the prefix");
	/* plain addresses */
	assert_int_equal(ipaddr_parse("::ffff:1.2.3.4", 14, &a), 0);
	assert_true(ipaddr_is_v4(&a));
	ipaddr_format(&a, buf, sizeof(buf));
	assert_string_equal(buf, "1.2.3.4");
	assert_int_equal(ipaddr_parse("::fffe:1.2.3.4", 14, &a), 0);
	assert_false(ipaddr_is_v4(&a));
	ipaddr_format(&a, buf, sizeof(buf));
	assert_string_equal(buf, "::fffe:102:304");
	ipaddr_from_v4(&a, raw4);
	assert_true(ipaddr_is_v4(&a));
	ipaddr_format(&a, buf, sizeof(buf));
	assert_string_equal(buf, "192.0.2.1");
	ipaddr_from_v6(&a, raw6);
	assert_false(ipaddr_is_v4(&a));
	ipaddr_format(&a, buf, sizeof(buf));
	assert_string_equal(buf, "2001:db8::1");
}

static void
test_ipaddr(void **state)
{
	struct ipaddr a;
	char buf[64], small[8];

	(void)state;
	assert_int_equal(ipaddr_parse("::1", 3, &a), 0);
	assert_false(ipaddr_is_v4(&a));
	assert_int_equal(ipaddr_parse("127.0.0.1", 9, &a), 0);
	assert_true(ipaddr_is_v4(&a));
	assert_int_equal(ipaddr_parse("127.0.0.1/8", 11, &a), -1);
	assert_int_equal(ipaddr_parse("::1/128", 7, &a), -1);
	assert_int_equal(ipaddr_parse("", 0, &a), -1);
	assert_int_equal(ipaddr_parse("1.2.3.4\0", 8, &a), -1);
	/* only len bytes are read: the text need not end with NUL */
	assert_int_equal(ipaddr_parse("10.0.0.1999", 8, &a), 0);
	ipaddr_format(&a, buf, sizeof(buf));
	assert_string_equal(buf, "10.0.0.1");
	/* the longest output fits the documented 46 bytes */
	assert_int_equal(ipaddr_parse("1111:2222:3333:4444:5555:6666:7777:8888",
	    39, &a), 0);
	ipaddr_format(&a, buf, 46);
	assert_string_equal(buf, "1111:2222:3333:4444:5555:6666:7777:8888");
	/* a buffer too small gets "", never a cut address */
	ipaddr_format(&a, small, sizeof(small));
	assert_string_equal(small, "");
	ipaddr_format(&a, small, 0);
}

static bool
in(const struct cidrset *s, const char *addr)
{
	struct ipaddr a;

	if (ipaddr_parse(addr, strlen(addr), &a) != 0)
		fail_msg("bad test address '%s'", addr);
	return cidrset_match(s, &a);
}

static void
add(struct cidrset *s, const char *p)
{
	struct cidr c = good(p);

	cidrset_add(s, &c);
}

static void
test_contains(void **state)
{
	struct cidr c;
	struct ipaddr a;

	(void)state;
	c = good("10.0.0.0/8");
	assert_true(cidr_contains(&c, &(struct ipaddr){ .b = { 0, 0, 0, 0, 0,
	    0, 0, 0, 0, 0, 0xff, 0xff, 10, 9, 9, 9 } }));
	assert_int_equal(ipaddr_parse("9.255.255.255", 13, &a), 0);
	assert_false(cidr_contains(&c, &a));
	assert_int_equal(ipaddr_parse("10.255.255.255", 14, &a), 0);
	assert_true(cidr_contains(&c, &a));
	c = good("0.0.0.0/0");
	assert_true(cidr_contains(&c, &a));
	assert_int_equal(ipaddr_parse("::1", 3, &a), 0);
	assert_false(cidr_contains(&c, &a));	/* IPv4 /0 is not all of v6 */
	c = good("::/0");
	assert_true(cidr_contains(&c, &a));
	c = good("2001:db8::1/128");
	assert_int_equal(ipaddr_parse("2001:db8::1", 11, &a), 0);
	assert_true(cidr_contains(&c, &a));
	assert_int_equal(ipaddr_parse("2001:db8::", 10, &a), 0);
	assert_false(cidr_contains(&c, &a));
}

static void
test_set(void **state)
{
	struct cidrset *s = cidrset_new();

	(void)state;
	add(s, "192.0.2.0/25");
	add(s, "192.0.2.128/25");	/* adjacent: merges */
	add(s, "10.0.0.0/8");
	add(s, "10.1.0.0/16");		/* inside, sorts after: merges */
	add(s, "198.51.100.0/24");
	add(s, "198.51.100.0/24");	/* duplicate */
	add(s, "2001:db8::/32");
	add(s, "203.0.113.5");
	cidrset_build(s);
	assert_int_equal(cidrset_count(s), 8);
	/* edges of each range, and one past */
	assert_false(in(s, "192.0.1.255"));
	assert_true(in(s, "192.0.2.0"));
	assert_true(in(s, "192.0.2.127"));
	assert_true(in(s, "192.0.2.128"));
	assert_true(in(s, "192.0.2.255"));
	assert_false(in(s, "192.0.3.0"));
	assert_false(in(s, "9.255.255.255"));
	assert_true(in(s, "10.0.0.0"));
	assert_true(in(s, "10.2.0.0"));		/* past the inner /16 */
	assert_true(in(s, "10.255.255.255"));
	assert_false(in(s, "11.0.0.0"));
	assert_true(in(s, "198.51.100.255"));
	assert_false(in(s, "198.51.101.0"));
	assert_false(in(s, "203.0.113.4"));
	assert_true(in(s, "203.0.113.5"));
	assert_false(in(s, "203.0.113.6"));
	assert_false(in(s, "2001:db7:ffff:ffff:ffff:ffff:ffff:ffff"));
	assert_true(in(s, "2001:db8::"));
	assert_true(in(s, "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff"));
	assert_false(in(s, "2001:db9::"));
	assert_false(in(s, "::ffff:0:0"));
	assert_true(in(s, "::ffff:10.0.0.1"));
	assert_false(in(s, "::"));
	assert_false(in(s, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"));
	/* adding after a build needs a new build */
	add(s, "11.0.0.0/8");
	cidrset_build(s);
	assert_true(in(s, "11.0.0.0"));
	assert_true(in(s, "10.255.255.255"));
	assert_false(in(s, "12.0.0.0"));
	cidrset_free(&s);
	assert_null(s);
	cidrset_free(&s);
}

static void
test_set_extremes(void **state)
{
	struct cidrset *s;

	(void)state;
	/* /0 covers every IPv4 address and nothing else */
	s = cidrset_new();
	add(s, "0.0.0.0/0");
	cidrset_build(s);
	assert_true(in(s, "0.0.0.0"));
	assert_true(in(s, "255.255.255.255"));
	assert_false(in(s, "::1"));
	assert_false(in(s, "::fffe:ffff:ffff"));
	assert_false(in(s, "::1:0:0:0"));
	cidrset_free(&s);

	/* ::/0 covers everything; merging with the top of the space */
	s = cidrset_new();
	add(s, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
	add(s, "::/0");
	add(s, "::");
	cidrset_build(s);
	assert_true(in(s, "::"));
	assert_true(in(s, "1.2.3.4"));
	assert_true(in(s, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"));
	cidrset_free(&s);

	/* /32 and /128 are single addresses; ranges touching at the top */
	s = cidrset_new();
	add(s, "255.255.255.255/32");
	add(s, "255.255.255.254/32");
	add(s, "::1/128");
	add(s, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe/127");
	cidrset_build(s);
	assert_true(in(s, "255.255.255.255"));
	assert_true(in(s, "255.255.255.254"));
	assert_false(in(s, "255.255.255.253"));
	assert_true(in(s, "::1"));
	assert_false(in(s, "::"));
	assert_false(in(s, "::2"));
	assert_true(in(s, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"));
	assert_false(in(s, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffd"));
	cidrset_free(&s);

	/* empty set, built or not */
	s = cidrset_new();
	assert_false(in(s, "1.1.1.1"));
	cidrset_build(s);
	assert_false(in(s, "1.1.1.1"));
	assert_int_equal(cidrset_count(s), 0);
	cidrset_free(&s);
}

/* A small deterministic generator, so the test is the same every run. */
static uint32_t
next(uint32_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 17;
	*x ^= *x << 5;
	return *x;
}

/* Merged set and binary search agree with a linear scan. */
static void
test_set_against_scan(void **state)
{
	uint32_t x = 2463534242u;

	(void)state;
	for (int round = 0; round < 50; round++) {
		struct cidrset *s = cidrset_new();
		struct cidr list[40];
		int n = 1 + (int)(next(&x) % 40);

		for (int i = 0; i < n; i++) {
			uint8_t v4[4] = { 10, (uint8_t)(next(&x) % 4),
				(uint8_t)next(&x), (uint8_t)next(&x) };
			struct cidr *c = &list[i];

			ipaddr_from_v4(&c->addr, v4);
			c->prefix = 96 + 14 + next(&x) % 19;	/* /14../32 */
			c->v4 = true;
			for (unsigned b = c->prefix; b < 128; b++) {
				unsigned bit = 0x80u >> (b % 8);

				c->addr.b[b / 8] &= (uint8_t)~bit;
			}
			cidrset_add(s, c);
		}
		cidrset_build(s);
		for (int k = 0; k < 2000; k++) {
			uint8_t v4[4] = { 10, (uint8_t)(next(&x) % 4),
				(uint8_t)next(&x), (uint8_t)next(&x) };
			struct ipaddr a;
			bool want = false;

			ipaddr_from_v4(&a, v4);
			for (int i = 0; i < n; i++)
				want = want || cidr_contains(&list[i], &a);
			assert_int_equal(cidrset_match(s, &a), want);
		}
		cidrset_free(&s);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_v4_parse),
		cmocka_unit_test(test_v6_parse),
		cmocka_unit_test(test_mapped_v4),
		cmocka_unit_test(test_ipaddr),
		cmocka_unit_test(test_contains),
		cmocka_unit_test(test_set),
		cmocka_unit_test(test_set_extremes),
		cmocka_unit_test(test_set_against_scan),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
