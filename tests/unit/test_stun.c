/*
 * test_stun.c - the STUN/TURN parser and service classification: RFC
 * 5769's test vectors (FINGERPRINT, XOR-MAPPED-ADDRESS), every prefix of
 * them (0: more bytes, never a message), one bit flipped anywhere (never
 * a crash; a flip under FINGERPRINT's cover is refused), classic RFC 3489,
 * ChannelData, Discord IP discovery, each service's signal, and hostile
 * messages (attribute lengths past the body, body past the input, a
 * message of 16,000 attributes).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "stun.h"

/* RFC 5769 2.1: sample request (SOFTWARE, PRIORITY, ICE-CONTROLLED,
 * USERNAME "evtj:h6vY", MESSAGE-INTEGRITY, FINGERPRINT). */
static const char rfc5769_req[] =
	"000100582112a442b7e7a701bc34d686fa87dfae802200105354554e2074657374"
	"20636c69656e74002400046e0001ff80290008932ff9b151263b36000600096576"
	"746a3a68367659202020000800149aeaa70cbfd8cb56781ef2b5b2d3f249c1b5"
	"71a280280004e57a3bcf";
/* RFC 5769 2.2: sample IPv4 response (XOR-MAPPED-ADDRESS 192.0.2.1
 * port 32853). */
static const char rfc5769_resp[] =
	"0101003c2112a442b7e7a701bc34d686fa87dfae8022000b7465737420766563"
	"746f7220002000080001a147e112a643000800142b91f599fd9e90c38c7489f9"
	"2af9ba53f06be7d780280004c07d4c96";

static uint8_t buf[70000];

static size_t
unhex(const char *hex, uint8_t *out)
{
	size_t n = 0;

	for (size_t i = 0; hex[i] != '\0';) {
		unsigned v;

		if (hex[i] == ' ') {
			i++;
			continue;
		}
		assert_int_equal(sscanf(hex + i, "%2x", &v), 1);
		out[n++] = (uint8_t)v;
		i += 2;
	}
	return n;
}

/* A message of type t with attrs appended by put_attr. */
static size_t
msg_begin(uint16_t t)
{
	static const uint8_t hdr[20] = { 0, 0, 0, 0, 0x21, 0x12, 0xa4, 0x42,
		1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 };

	memcpy(buf, hdr, sizeof(hdr));
	buf[0] = (uint8_t)(t >> 8);
	buf[1] = (uint8_t)t;
	return sizeof(hdr);
}

static size_t
put_attr(size_t off, uint16_t t, const void *v, size_t n)
{
	buf[off] = (uint8_t)(t >> 8);
	buf[off + 1] = (uint8_t)t;
	buf[off + 2] = (uint8_t)(n >> 8);
	buf[off + 3] = (uint8_t)n;
	memcpy(buf + off + 4, v, n);
	memset(buf + off + 4 + n, 0, (4 - n % 4) % 4);
	return off + 4 + n + (4 - n % 4) % 4;
}

static size_t
msg_end(size_t off)
{
	buf[2] = (uint8_t)((off - 20) >> 8);
	buf[3] = (uint8_t)(off - 20);
	return off;
}

static enum stun_service
classify(size_t n)
{
	struct stun_flow sf;
	struct stun_msg m;
	size_t used;

	memset(&sf, 0, sizeof(sf));
	assert_int_equal(stun_parse(buf, n, &m, &used), 1);
	assert_int_equal(used, n);
	stun_flow_add(&sf, &m);
	return (enum stun_service)sf.service;
}

static void
test_rfc5769_request(void **state)
{
	struct stun_msg m;
	struct stun_flow sf;
	size_t n = unhex(rfc5769_req, buf), used;

	(void)state;
	assert_int_equal(n, 108);
	assert_int_equal(stun_parse(buf, n, &m, &used), 1);
	assert_int_equal(used, 108);
	assert_int_equal(m.method, 1);
	assert_int_equal(m.cls, STUN_REQUEST);
	assert_false(m.classic);
	assert_int_equal(m.nattrs, 6);
	assert_true(m.has_integrity);
	assert_true(m.fingerprint_ok);
	assert_int_equal(m.software_len, 16);
	assert_memory_equal(m.software, "STUN test client", 16);
	assert_int_equal(m.username_len, 9);
	memset(&sf, 0, sizeof(sf));
	stun_flow_add(&sf, &m);
	assert_int_equal(sf.service, STUN_SVC_NONE);
	assert_int_equal(sf.uname, STUN_UNAME_ICE);
	assert_string_equal(sf.software, "stun\\032test\\032client");
	/* every prefix: more bytes needed, never a message */
	for (size_t k = 0; k < n; k++)
		assert_int_equal(stun_parse(buf, k, &m, &used), 0);
	/* a flipped bit covered by FINGERPRINT is refused */
	for (size_t k = 20; k < n - 8; k++) {
		buf[k] ^= 0x04;
		assert_int_equal(stun_parse(buf, n, &m, &used), -1);
		buf[k] ^= 0x04;
	}
}

static void
test_rfc5769_response(void **state)
{
	struct stun_msg m;
	size_t n = unhex(rfc5769_resp, buf), used;
	const uint8_t want[16] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff,
		192, 0, 2, 1 };

	(void)state;
	assert_int_equal(stun_parse(buf, n, &m, &used), 1);
	assert_int_equal(m.cls, STUN_SUCCESS);
	assert_true(m.has_mapped);
	assert_memory_equal(m.mapped.b, want, 16);
	assert_true(m.fingerprint_ok);
}

static void
test_bitflips(void **state)
{
	struct stun_msg m;
	size_t n = unhex(rfc5769_req, buf), used;

	(void)state;
	for (size_t k = 0; k < n * 8; k++) {
		buf[k / 8] ^= (uint8_t)(1u << (k % 8));
		(void)stun_parse(buf, n, &m, &used);
		assert_true(used <= n);
		buf[k / 8] ^= (uint8_t)(1u << (k % 8));
	}
}

static void
test_classic(void **state)
{
	struct stun_msg m;
	size_t used;
	uint8_t req[28] = { 0x00, 0x01, 0x00, 0x08 };
	uint8_t other[28] = { 0x00, 0x03, 0x00, 0x08 };

	(void)state;
	memset(req + 4, 0x42, 16);
	req[20] = 0x00;		/* CHANGE-REQUEST */
	req[21] = 0x03;
	req[23] = 0x04;
	assert_int_equal(stun_parse(req, sizeof(req), &m, &used), 1);
	assert_true(m.classic);
	/* no cookie and not a classic type: not STUN */
	memset(other + 4, 0x42, 16);
	assert_int_equal(stun_parse(other, sizeof(other), &m, &used), -1);
	/* a classic message with an attribute outside RFC 3489 */
	req[21] = 0x20;
	assert_int_equal(stun_parse(req, sizeof(req), &m, &used), -1);
}

static void
test_channel_data(void **state)
{
	const uint8_t cd[] = { 0x40, 0x01, 0x00, 0x05, 'h', 'e', 'l', 'l',
		'o', 0, 0, 0 };
	size_t used;

	(void)state;
	assert_int_equal(stun_channel_data(cd, sizeof(cd), true, &used), 1);
	assert_int_equal(used, 12);
	assert_int_equal(stun_channel_data(cd, 9, false, &used), 1);
	assert_int_equal(used, 9);
	assert_int_equal(stun_channel_data(cd, 8, false, &used), 0);
	assert_int_equal(stun_channel_data((const uint8_t *)"\x50\0\0\0", 4,
	    true, &used), -1);
}

static void
test_discord(void **state)
{
	uint8_t d[74];
	struct stun_msg m;
	size_t used;

	(void)state;
	memset(d, 0, sizeof(d));
	d[1] = 1;
	d[3] = 70;
	d[7] = 9;
	assert_int_equal(stun_parse(d, sizeof(d), &m, &used), 1);
	assert_true(m.discord);
	d[2 + 8 + 10] = 1;	/* a byte in the zero address */
	assert_int_equal(stun_parse(d, sizeof(d), &m, &used), -1);
	d[2 + 8 + 10] = 0;
	assert_int_equal(stun_parse(d, 73, &m, &used), -1);
	d[1] = 2;		/* an answer needs an address */
	assert_int_equal(stun_parse(d, sizeof(d), &m, &used), -1);
	memcpy(d + 8, "203.0.113.9", 11);
	assert_int_equal(stun_parse(d, sizeof(d), &m, &used), 1);
	d[8] = 'Z';
	assert_int_equal(stun_parse(d, sizeof(d), &m, &used), -1);
}

static void
test_services(void **state)
{
	static const uint8_t wa[16];
	static const uint8_t ms[4] = { 0, 0, 0, 3 };
	static const char *const realms[] = { "signal.org", "turn.signal.org",
		"telegram.org", "turner.facebook", "turn.l.google.com",
		"viber.com", "notsignal.org", "signal.org.example" };
	static const enum stun_service want[] = { STUN_SVC_SIGNAL,
		STUN_SVC_SIGNAL, STUN_SVC_TELEGRAM, STUN_SVC_MESSENGER,
		STUN_SVC_GOOGLE_MEET, STUN_SVC_VIBER, STUN_SVC_NONE,
		STUN_SVC_NONE };
	size_t off;

	(void)state;
	off = put_attr(msg_begin(0x0003), 0x4000, wa, sizeof(wa));
	assert_int_equal(classify(msg_end(off)), STUN_SVC_WHATSAPP);
	off = put_attr(msg_begin(0x0001), 0x8070, ms, sizeof(ms));
	assert_int_equal(classify(msg_end(off)), STUN_SVC_TEAMS);
	/* the right attribute with the wrong length names nobody */
	off = put_attr(msg_begin(0x0001), 0x8070, wa, sizeof(wa));
	assert_int_equal(classify(msg_end(off)), STUN_SVC_NONE);
	/* WebRTC's own attribute names nobody */
	off = put_attr(msg_begin(0x0001), 0xc057, ms, sizeof(ms));
	assert_int_equal(classify(msg_end(off)), STUN_SVC_NONE);
	for (size_t i = 0; i < sizeof(realms) / sizeof(realms[0]); i++) {
		off = put_attr(msg_begin(0x0113), 0x0014, realms[i],
		    strlen(realms[i]));
		assert_int_equal(classify(msg_end(off)), want[i]);
	}
	off = put_attr(msg_begin(0x0001), 0x0006,
	    "EDGERAY_DEFAULT_USERNAME:EDGERAY_DEFAULT_USERNAME", 49);
	assert_int_equal(classify(msg_end(off)), STUN_SVC_META);
	assert_string_equal(stun_service_name(STUN_SVC_GOOGLE_MEET),
	    "google-meet");
	assert_string_equal(stun_service_domain(STUN_SVC_TEAMS),
	    "teams.microsoft.com");
}

static void
test_meta_refined(void **state)
{
	static const uint8_t wa[8];
	struct stun_flow sf;
	struct stun_msg m;
	size_t n, used;

	(void)state;
	memset(&sf, 0, sizeof(sf));
	n = msg_end(put_attr(msg_begin(0x0001), 0x0006,
	    "EDGERAY_DEFAULT_USERNAME", 24));
	assert_int_equal(stun_parse(buf, n, &m, &used), 1);
	stun_flow_add(&sf, &m);
	assert_int_equal(sf.service, STUN_SVC_META);
	assert_false(stun_flow_final(&sf));
	n = msg_end(put_attr(msg_begin(0x0103), 0x4002, wa, sizeof(wa)));
	assert_int_equal(stun_parse(buf, n, &m, &used), 1);
	stun_flow_add(&sf, &m);
	assert_int_equal(sf.service, STUN_SVC_WHATSAPP);
	assert_true(stun_flow_final(&sf));
	assert_int_equal(sf.msgs, 2);
}

static void
test_usernames(void **state)
{
	static const struct {
		const char *u;
		enum stun_uname want;
	} cases[] = {
		{ "1636988356:1124063000", STUN_UNAME_TURN_REST },
		{ "evtj:h6vY", STUN_UNAME_ICE },
		{ "Mf2h9Hi5aPMRplF1", STUN_UNAME_OTHER },
		{ "a:b", STUN_UNAME_OTHER },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct stun_flow sf;
		struct stun_msg m;
		size_t n = msg_end(put_attr(msg_begin(0x0001), 0x0006,
		    cases[i].u, strlen(cases[i].u))), used;

		memset(&sf, 0, sizeof(sf));
		assert_int_equal(stun_parse(buf, n, &m, &used), 1);
		stun_flow_add(&sf, &m);
		assert_int_equal(sf.uname, cases[i].want);
	}
}

static void
test_hostile(void **state)
{
	static const uint8_t wa[16];
	struct stun_msg m;
	size_t off, n, used;

	(void)state;
	/* attribute length past the body */
	off = put_attr(msg_begin(0x0003), 0x4000, wa, sizeof(wa));
	n = msg_end(off);
	buf[22] = 0;
	buf[23] = 200;
	assert_int_equal(stun_parse(buf, n, &m, &used), -1);
	assert_int_equal(m.vendor, 0);
	/* body past the input: more bytes, never a message */
	buf[23] = 16;
	assert_int_equal(stun_parse(buf, n - 4, &m, &used), 0);
	/* a truncated attribute header */
	n = msg_end(msg_begin(0x0003) + 4);
	buf[20] = 0x40;
	buf[21] = 0;
	buf[22] = 0;
	buf[23] = 0;
	assert_int_equal(stun_parse(buf, n, &m, &used), 1);
	buf[3] = 2;
	assert_int_equal(stun_parse(buf, 22, &m, &used), -1);
	/* 16,000 attributes inside the message: walked, bounded */
	off = msg_begin(0x0001);
	for (int i = 0; i < 16000; i++)
		off = put_attr(off, 0x8001, "", 0);
	n = msg_end(off);
	assert_int_equal(stun_parse(buf, n, &m, &used), 1);
	assert_int_equal(m.nattrs, 16000);
	/* a FINGERPRINT not last */
	off = put_attr(msg_begin(0x0001), 0x8028, "\0\0\0\0", 4);
	off = put_attr(off, 0x0014, "signal.org", 10);
	assert_int_equal(stun_parse(buf, msg_end(off), &m, &used), -1);
	/* the first two bits set: not STUN */
	buf[0] = 0x80;
	assert_int_equal(stun_parse(buf, 20, &m, &used), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc5769_request),
		cmocka_unit_test(test_rfc5769_response),
		cmocka_unit_test(test_bitflips),
		cmocka_unit_test(test_classic),
		cmocka_unit_test(test_channel_data),
		cmocka_unit_test(test_discord),
		cmocka_unit_test(test_services),
		cmocka_unit_test(test_meta_refined),
		cmocka_unit_test(test_usernames),
		cmocka_unit_test(test_hostile),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
