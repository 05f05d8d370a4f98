/*
 * test_http.c - the HTTP/1.x request head: real requests from captures,
 * every prefix (0 until the Host line or the blank line, then always the
 * same answer), Host forms (port, IPv6 literal, case, odd bytes, empty,
 * duplicate, folded, space before the colon), CONNECT and absolute-form
 * targets, request-target cutting, look-alike methods and other line
 * protocols, and the head bound at and over its limit.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "http.h"

/* waze.pcap and anyconnect-vpn.pcap (nDPI test corpus). */
static const char waze_req[] =
	"GET /xtra2.bin HTTP/1.1\r\n"
	"Accept: */*, application/vnd.wap.mms-message, "
	"application/vnd.wap.sic\r\n"
	"x-wap-profile: http://www.openmobilealliance.org/tech/profiles/"
	"UAPROF/ccppschema-20021212#\r\n"
	"Host: xtra1.gpsonextra.net\r\n"
	"Connection: Keep-Alive\r\n"
	"User-Agent: Android\r\n\r\n";
static const char firefox_req[] =
	"GET /success.txt?ipv4 HTTP/1.1\r\n"
	"Host: detectportal.firefox.com\r\n"
	"User-Agent: Mozilla/5.0 (Macintosh; Intel Mac OS X 10.13; rv:69.0) "
	"Gecko/20100101 Firefox/69.0\r\n"
	"Accept: */*\r\n\r\n";

static struct http_req req;

static int
parse(const char *s)
{
	return http_parse_request(s, strlen(s), &req);
}

/*
 * Every prefix of s: 0 before `ready` bytes, then 1 with the same answer
 * as the whole.  Exact-size heap copies so ASan catches over-reads.
 */
static void
check_prefixes(const char *s, size_t ready)
{
	size_t len = strlen(s);
	struct http_req whole, h;

	assert_int_equal(http_parse_request(s, len, &whole), 1);
	for (size_t i = 0; i <= len; i++) {
		char *cp = malloc(i + 1);

		memcpy(cp, s, i);
		if (i < ready) {
			assert_int_equal(http_parse_request(cp, i, &h), 0);
		} else {
			assert_int_equal(http_parse_request(cp, i, &h), 1);
			assert_memory_equal(&h, &whole, sizeof(h));
		}
		free(cp);
	}
}

static void
test_real(void **state)
{
	(void)state;
	assert_int_equal(parse(waze_req), 1);
	assert_string_equal(req.method, "GET");
	assert_string_equal(req.uri, "/xtra2.bin");
	assert_int_equal(req.version, 11);
	assert_true(req.has_host);
	assert_string_equal(req.host, "xtra1.gpsonextra.net");
	assert_false(req.connect);
	check_prefixes(waze_req, (size_t)(strstr(waze_req, ".net\r\n") -
	    waze_req) + 6);
	assert_int_equal(parse(firefox_req), 1);
	assert_string_equal(req.uri, "/success.txt?ipv4");
	assert_string_equal(req.host, "detectportal.firefox.com");
	check_prefixes(firefox_req, (size_t)(strstr(firefox_req, ".com\r\n") -
	    firefox_req) + 6);
}

static void
test_host_forms(void **state)
{
	(void)state;
	assert_int_equal(parse("GET / HTTP/1.1\r\nHOST:   Mail.Example.COM:8080 "
	    "\r\n"), 1);
	assert_string_equal(req.host, "mail.example.com");
	assert_int_equal(parse("GET / HTTP/1.1\r\nHost: [2001:db8::1]:443\r\n"),
	    1);
	assert_string_equal(req.host, "2001:db8::1");
	assert_int_equal(parse("GET / HTTP/1.1\r\nHost: [::1]\r\n"), 1);
	assert_string_equal(req.host, "::1");
	/* A non-numeric port is not a port: it stays and shows. */
	assert_int_equal(parse("GET / HTTP/1.1\r\nHost: a.example:x\r\n"), 1);
	assert_string_equal(req.host, "a.example:x");
	assert_int_equal(parse("GET / HTTP/1.1\r\nHost: a b\x01\r\n"), 1);
	assert_string_equal(req.host, "a\\032b\\001");
	assert_int_equal(parse("GET / HTTP/1.1\r\nHost:\r\n"), 1);
	assert_true(req.has_host);
	assert_string_equal(req.host, "");
	/* Bare LF line ends. */
	assert_int_equal(parse("GET / HTTP/1.0\nHost: lf.example\n"), 1);
	assert_string_equal(req.host, "lf.example");
	assert_int_equal(req.version, 10);
	/* The first Host wins. */
	assert_int_equal(parse("GET / HTTP/1.1\r\nHost: one.example\r\n"
	    "Host: two.example\r\n\r\n"), 1);
	assert_string_equal(req.host, "one.example");
	/* Folded lines and "Host :" are not a Host. */
	assert_int_equal(parse("GET / HTTP/1.1\r\nX-A: b\r\n Host: fold.example"
	    "\r\nHost : sp.example\r\nXHost: x.example\r\n\r\n"), 1);
	assert_false(req.has_host);
	/* No Host at all: complete at the blank line. */
	assert_int_equal(parse("GET / HTTP/1.0\r\nAccept: */*\r\n"), 0);
	assert_int_equal(parse("GET / HTTP/1.0\r\nAccept: */*\r\n\r\n"), 1);
	assert_false(req.has_host);
	check_prefixes("GET / HTTP/1.0\r\nAccept: */*\r\n\r\n", 31);
}

static void
test_host_long(void **state)
{
	char buf[1024];
	char name[600];

	(void)state;
	memset(name, 'a', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	snprintf(buf, sizeof(buf), "GET / HTTP/1.1\r\nHost: %s\r\n", name);
	assert_int_equal(parse(buf), 1);
	assert_int_equal(strlen(req.host), HTTP_HOST_MAX - 1);
	assert_string_equal(req.host + HTTP_HOST_MAX - 5, "\\...");
	/* Exactly fits. */
	name[HTTP_HOST_MAX - 1] = '\0';
	snprintf(buf, sizeof(buf), "GET / HTTP/1.1\r\nHost: %s\r\n", name);
	assert_int_equal(parse(buf), 1);
	assert_string_equal(req.host, name);
}

static void
test_connect_absolute(void **state)
{
	(void)state;
	assert_int_equal(parse("CONNECT Web.WhatsApp.com:443 HTTP/1.1\r\n"), 1);
	assert_true(req.connect);
	assert_true(req.has_host);
	assert_string_equal(req.host, "web.whatsapp.com");
	assert_string_equal(req.uri, "Web.WhatsApp.com:443");
	assert_int_equal(parse("CONNECT [2001:db8::2]:5222 HTTP/1.1\r\n"), 1);
	assert_string_equal(req.host, "2001:db8::2");
	check_prefixes("CONNECT a.example:443 HTTP/1.1\r\nHost: b\r\n", 32);
	/* Absolute form overrides Host (RFC 9112 3.2.2). */
	assert_int_equal(parse("GET http://user@Mail.example:80/x?y HTTP/1.1\r\n"
	    "Host: other.example\r\n"), 1);
	assert_string_equal(req.host, "mail.example");
	assert_false(req.connect);
	assert_int_equal(parse("GET HTTPS://a.example HTTP/1.1\r\n"), 1);
	assert_string_equal(req.host, "a.example");
}

static void
test_uri_cut(void **state)
{
	char buf[2048];
	char path[1000];

	(void)state;
	memset(path, 'p', sizeof(path) - 1);
	path[0] = '/';
	path[sizeof(path) - 1] = '\0';
	snprintf(buf, sizeof(buf), "POST %s HTTP/1.1\r\nHost: h\r\n", path);
	assert_int_equal(parse(buf), 1);
	assert_string_equal(req.method, "POST");
	assert_true(strlen(req.uri) <= HTTP_URI_MAX - 1);
	assert_string_equal(req.uri + strlen(req.uri) - 3, "...");
	/* Exactly fits. */
	path[HTTP_URI_MAX - 1] = '\0';
	snprintf(buf, sizeof(buf), "POST %s HTTP/1.1\r\nHost: h\r\n", path);
	assert_int_equal(parse(buf), 1);
	assert_string_equal(req.uri, path);
	assert_int_equal(parse("GET /\x7f\x80 HTTP/1.1\r\nHost: h\r\n"), 1);
	assert_string_equal(req.uri, "/%7F%80");
}

static void
test_not_http(void **state)
{
	static const char *const no[] = {
		"get / HTTP/1.1\r\n",		/* methods are case-sensitive */
		"GET / HTTP/2.0\r\n",
		"GET / HTTP/1.1 \r\n",
		"GET /  HTTP/1.1\r\n",
		"GET  / HTTP/1.1\r\n",
		"GET /\r\n",			/* HTTP/0.9 */
		"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n",
		"EHLO mail.example\r\n",
		"NICK alice\r\nUSER a 0 * :A\r\n",
		"USER anonymous\r\n",
		"+OK POP3 ready\r\n",
		"SSH-2.0-OpenSSH_9.2\r\n",
		"\x16\x03\x01\x02\x00\x01",
		"GETT",				/* fine so far: see below */
		" GET / HTTP/1.1\r\n",
		"\r\nGET / HTTP/1.1\r\n",
		"ABCDEFGHIJKLMNOP / HTTP/1.1\r\n",	/* method over 15 */
	};

	(void)state;
	for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++) {
		int rc = parse(no[i]);

		if (strcmp(no[i], "GETT") == 0)
			assert_int_equal(rc, 0);
		else
			assert_int_equal(rc, -1);
	}
	/* Prefixes that can still be a request. */
	assert_int_equal(parse(""), 0);
	assert_int_equal(parse("G"), 0);
	assert_int_equal(parse("GET"), 0);
	assert_int_equal(parse("GET "), 0);
	assert_int_equal(parse("GET /index.html HTTP/1."), 0);
	assert_int_equal(parse("ABCDEFGHIJKLMNO"), 0);
	assert_int_equal(parse("ABCDEFGHIJKLMNOP"), -1);
	assert_int_equal(parse("GE\x01"), -1);
	/* An extension method is HTTP once the line is complete. */
	assert_int_equal(parse("FOO-BAR / HTTP/1.1\r\nHost: x\r\n"), 1);
	assert_string_equal(req.method, "FOO-BAR");
	assert_int_equal(http_parse_request(NULL, 0, &req), 0);
}

/* A head whose "Host: h" line ends `over` bytes after `end`. */
static void
pad_head(char *buf, size_t end, size_t over)
{
	static const char host[] = "Host: h\r\n";
	size_t n = 0, stop = end + over - (sizeof(host) - 1);

	memcpy(buf, "GET / HTTP/1.1\r\n", 16);
	n = 16;
	while (stop - n > 40) {
		memcpy(buf + n, "X-Pad: 1234567\r\n", 16);
		n += 16;
	}
	memcpy(buf + n, "X-Last: ", 8);
	n += 8;
	while (n < stop - 2)
		buf[n++] = 'z';
	buf[n++] = '\r';
	buf[n++] = '\n';
	memcpy(buf + n, host, sizeof(host) - 1);
}

static void
test_head_bound(void **state)
{
	char *buf = malloc(HTTP_HEAD_MAX + 100);

	(void)state;
	/* A Host line ending exactly at the bound is seen. */
	pad_head(buf, HTTP_HEAD_MAX, 0);
	assert_int_equal(http_parse_request(buf, HTTP_HEAD_MAX, &req), 1);
	assert_string_equal(req.host, "h");
	assert_int_equal(http_parse_request(buf, HTTP_HEAD_MAX - 1, &req), 0);
	/* One byte more: not a request this sensor can read. */
	pad_head(buf, HTTP_HEAD_MAX, 1);
	assert_int_equal(http_parse_request(buf, HTTP_HEAD_MAX - 1, &req), 0);
	assert_int_equal(http_parse_request(buf, HTTP_HEAD_MAX, &req), -1);
	assert_int_equal(http_parse_request(buf, HTTP_HEAD_MAX + 1, &req), -1);
	/* A request line that never ends. */
	memset(buf + 4, 'a', HTTP_HEAD_MAX + 10);
	assert_int_equal(http_parse_request(buf, HTTP_HEAD_MAX - 1, &req), 0);
	assert_int_equal(http_parse_request(buf, HTTP_HEAD_MAX, &req), -1);
	free(buf);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_real),
		cmocka_unit_test(test_host_forms),
		cmocka_unit_test(test_host_long),
		cmocka_unit_test(test_connect_absolute),
		cmocka_unit_test(test_uri_cut),
		cmocka_unit_test(test_not_http),
		cmocka_unit_test(test_head_bound),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
