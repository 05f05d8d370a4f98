/*
 * test_cidr.c - strict address and prefix parsing, formatting, sets.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "cidr.h"

static void
bad(const char *s, const char *why)
{
	struct cidr c;
	const char *w = NULL;

	assert_int_equal(cidr_parse(s, strlen(s), &c, &w), -1);
	assert_string_equal(w, why);
}

static void
roundtrip(const char *s, const char *want)
{
	struct cidr c;
	const char *w;
	char buf[64];

	assert_int_equal(cidr_parse(s, strlen(s), &c, &w), 0);
	cidr_format(&c, buf, sizeof(buf));
	assert_string_equal(buf, want);
}

static void
test_parse(void **state)
{
	struct ipaddr a;

	(void)state;
	roundtrip("192.0.2.0/24", "192.0.2.0/24");
	roundtrip("192.0.2.7", "192.0.2.7/32");
	roundtrip("0.0.0.0/0", "0.0.0.0/0");
	roundtrip("2001:DB8::/32", "2001:db8::/32");
	roundtrip("2001:db8:0:0:0:0:0:1/128", "2001:db8::1/128");
	roundtrip("::/0", "::/0");
	roundtrip("::ffff:192.0.2.0/120", "192.0.2.0/120");
	bad("192.0.2.1/24", "host bits set below the prefix");
	bad("2001:db8::1/32", "host bits set below the prefix");
	bad("10.0.0.0/33", "prefix longer than /32");
	bad("2001:db8::/129", "prefix longer than /128");
	bad("10.0.0.0/", "bad prefix length");
	bad("10.0.0.0/08", "bad prefix length");
	bad("10.0.0.0/x", "bad prefix length");
	bad("010.0.0.0/8", "not an IPv4 address");
	bad("256.0.0.0/8", "not an IPv4 address");
	bad("1.2.3/24", "not an IPv4 address");
	bad("1.2.3.4.5", "not an IPv4 address");
	bad(" 1.2.3.4", "not an IPv4 address");
	bad("fe80::1%eth0", "not an IPv6 address");
	bad("2001:db8:::1", "not an IPv6 address");
	bad("1:2:3:4:5:6:7:8:9", "not an IPv6 address");
	bad("12345::", "not an IPv6 address");
	bad("", "not an IPv4 address");
	assert_int_equal(ipaddr_parse("::1", 3, &a), 0);
	assert_false(ipaddr_is_v4(&a));
	assert_int_equal(ipaddr_parse("127.0.0.1", 9, &a), 0);
	assert_true(ipaddr_is_v4(&a));
	assert_int_equal(ipaddr_parse("127.0.0.1/8", 11, &a), -1);
}

static bool
in(const struct cidrset *s, const char *addr)
{
	struct ipaddr a;

	assert_int_equal(ipaddr_parse(addr, strlen(addr), &a), 0);
	return cidrset_match(s, &a);
}

static void
add(struct cidrset *s, const char *p)
{
	struct cidr c;
	const char *w;

	assert_int_equal(cidr_parse(p, strlen(p), &c, &w), 0);
	cidrset_add(s, &c);
}

static void
test_set(void **state)
{
	struct cidrset *s = cidrset_new();
	struct cidr c;
	const char *w;

	(void)state;
	add(s, "192.0.2.0/25");
	add(s, "192.0.2.128/25");	/* adjacent: merges */
	add(s, "10.0.0.0/8");
	add(s, "10.1.0.0/16");		/* inside: merges */
	add(s, "2001:db8::/32");
	add(s, "203.0.113.5");
	cidrset_build(s);
	assert_int_equal(cidrset_count(s), 6);
	assert_true(in(s, "192.0.2.0"));
	assert_true(in(s, "192.0.2.255"));
	assert_false(in(s, "192.0.3.0"));
	assert_false(in(s, "192.0.1.255"));
	assert_true(in(s, "10.255.255.255"));
	assert_false(in(s, "11.0.0.0"));
	assert_true(in(s, "203.0.113.5"));
	assert_false(in(s, "203.0.113.6"));
	assert_true(in(s, "2001:db8:ffff::1"));
	assert_false(in(s, "2001:db9::"));
	assert_false(in(s, "::ffff:0:0"));
	assert_true(in(s, "::ffff:10.0.0.1"));
	assert_int_equal(cidr_parse("10.0.0.0/8", 10, &c, &w), 0);
	assert_true(cidr_contains(&c, &(struct ipaddr){ .b = { 0, 0, 0, 0, 0,
	    0, 0, 0, 0, 0, 0xff, 0xff, 10, 9, 9, 9 } }));
	cidrset_free(&s);

	/* /0 covers every IPv4 address and nothing else */
	s = cidrset_new();
	add(s, "0.0.0.0/0");
	cidrset_build(s);
	assert_true(in(s, "255.255.255.255"));
	assert_false(in(s, "::1"));
	cidrset_free(&s);

	/* empty set */
	s = cidrset_new();
	cidrset_build(s);
	assert_false(in(s, "1.1.1.1"));
	cidrset_free(&s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_set),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
