/*
 * test_im.c - IM signatures: real first client bytes from captures (XMPP
 * from jabber.pcap, IRC from irc.pcap, WhatsApp old and Noise framings),
 * every prefix of each (0 until the signature is complete, then the same
 * match), the variants each protocol allows, look-alikes that must not
 * match (SMTP, POP3, FTP, HTTP, TLS, other XML), and the limits.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "im.h"

/* jabber.pcap, stream 1. */
static const char xmpp_real[] =
	"<?xml version='1.0' ?><stream:stream to='cs-xmpp.lan' "
	"xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' "
	"version='1.0'>";
/* irc.pcap: USER before NICK. */
static const char irc_real[] =
	"USER xxxxx +iw xxxxx :Xxxxxx Xxxx\r\nNICK molochtest\r\n";
/* whatsapp.pcap (ED prologue, routing, WA 5.2), first 32 bytes. */
static const char wa_noise_hex[] =
	"45440001000004080908025741050200010e128b020a2038fbfa95e5bc082656";
/* whatsapp_login_chat.pcap (WA 1.5, FunXMPP frame), first 32 bytes. */
static const char wa_old_hex[] =
	"5741010500001af80501a59189fc126950686f6e652d322e31322e322d353232";
/* MQTT 3.1.1 CONNECT, clean session, keepalive 60, id "paho-1234". */
static const char mqtt311_hex[] =
	"101500044d5154540402003c00097061686f2d31323334";
/* MQTT 5.0 CONNECT with a session-expiry property, id "Dev_7". */
static const char mqtt5_hex[] =
	"101700044d5154540502003c05110000012c00054465765f37";
/* MQTT 3.1 (MQIsdp level 3) with will, username, password. */
static const char mqtt31_hex[] =
	"102300064d514973647003ce003c0003616263000177000178000475736572"
	"000470617373";

static uint8_t *
unhex(const char *hex, size_t *len_r)
{
	size_t n = 0;
	uint8_t *p = malloc(strlen(hex) / 2 + 1);

	assert_non_null(p);
	for (size_t i = 0; hex[i] != '\0';) {
		unsigned v;

		if (hex[i] == ' ') {
			i++;
			continue;
		}
		assert_int_equal(sscanf(hex + i, "%2x", &v), 1);
		p[n++] = (uint8_t)v;
		i += 2;
	}
	*len_r = n;
	return p;
}

static struct im_match m;

static int
det(const void *p, size_t len)
{
	return im_detect(p, len, &m);
}

static int
dets(const char *s)
{
	return det(s, strlen(s));
}

/*
 * Every prefix shorter than ready is 0, every longer one is 1 with the
 * whole input's match.  Exact-size copies so ASan sees over-reads.
 */
static void
check_prefixes(const uint8_t *p, size_t len, size_t ready)
{
	struct im_match whole, h;

	assert_int_equal(im_detect(p, len, &whole), 1);
	for (size_t i = 0; i <= len; i++) {
		uint8_t *cp = malloc(i + 1);

		memcpy(cp, p, i);
		if (i < ready) {
			assert_int_equal(im_detect(cp, i, &h), 0);
		} else {
			assert_int_equal(im_detect(cp, i, &h), 1);
			assert_memory_equal(&h, &whole, sizeof(h));
		}
		free(cp);
	}
}

static void
test_xmpp_real(void **state)
{
	(void)state;
	assert_int_equal(dets(xmpp_real), 1);
	assert_int_equal(m.proto, IM_XMPP);
	assert_string_equal(m.name, "cs-xmpp.lan");
	assert_string_equal(im_proto_name(m.proto), "xmpp");
	check_prefixes((const uint8_t *)xmpp_real, strlen(xmpp_real),
	    strlen(xmpp_real));
}

static void
test_xmpp_variants(void **state)
{
	static const char ns[] =
	    " xmlns:stream=\"http://etherx.jabber.org/streams\"";
	char buf[512];

	(void)state;
	snprintf(buf, sizeof(buf), "<stream:stream to=\"Jabber.CCC.de\"%s "
	    "version=\"1.0\">", ns);
	assert_int_equal(dets(buf), 1);
	assert_string_equal(m.name, "jabber.ccc.de");
	snprintf(buf, sizeof(buf), "\xef\xbb\xbf<?xml version=\"1.0\" "
	    "encoding=\"UTF-8\"?>\r\n  <stream:stream xmlns=\"jabber:client\" "
	    "version='1.0' xml:lang='en'\n\tto = 'im.example' %s>", ns);
	assert_int_equal(dets(buf), 1);
	assert_string_equal(m.name, "im.example");
	/* Another prefix, and none (default namespace). */
	assert_int_equal(dets("<s:stream xmlns:s='http://etherx.jabber.org/"
	    "streams' to='a.example'>"), 1);
	assert_string_equal(m.name, "a.example");
	assert_int_equal(dets("<stream xmlns='http://etherx.jabber.org/"
	    "streams' to='b.example'>"), 1);
	/* No to=: still XMPP, no name. */
	snprintf(buf, sizeof(buf), "<stream:stream%s>", ns);
	assert_int_equal(dets(buf), 1);
	assert_string_equal(m.name, "");
	/* "from" and "xto" are not "to"; odd bytes escaped. */
	snprintf(buf, sizeof(buf), "<stream:stream from='x.example' "
	    "xto='y.example' to='a b\\'%s>", ns);
	assert_int_equal(dets(buf), 1);
	assert_string_equal(m.name, "a\\032b\\092");
}

static void
test_xmpp_negative(void **state)
{
	char *big;

	(void)state;
	/* No streams namespace, other elements, other XML. */
	assert_int_equal(dets("<stream:stream to='a.example'>"), -1);
	assert_int_equal(dets("<stream:features/>"), -1);
	assert_int_equal(dets("<xstream xmlns='http://etherx.jabber.org/"
	    "streams'>"), -1);
	assert_int_equal(dets("<?xml version='1.0'?><svg xmlns='http://www."
	    "w3.org/2000/svg'>"), -1);
	assert_int_equal(dets("<html><body>"), -1);
	/* Partial openings wait. */
	assert_int_equal(dets("<?xml version="), 0);
	assert_int_equal(dets("<stream:str"), 0);
	assert_int_equal(dets("<stream:stream to='a'"), 0);
	/* The bound: an opening that never closes. */
	big = malloc(4096);
	memcpy(big, "<stream:stream to='a' ", 22);
	memset(big + 22, ' ', 4096 - 22);
	assert_int_equal(det(big, 2047), 0);
	assert_int_equal(det(big, 2048), -1);
	assert_int_equal(det(big, 4096), -1);
	free(big);
}

static void
test_irc_real(void **state)
{
	(void)state;
	assert_int_equal(dets(irc_real), 1);
	assert_int_equal(m.proto, IM_IRC);
	assert_string_equal(m.name, "molochtest");
	check_prefixes((const uint8_t *)irc_real, strlen(irc_real),
	    strlen(irc_real));
}

static void
test_irc_variants(void **state)
{
	(void)state;
	assert_int_equal(dets("CAP LS 302\r\nNICK alice\r\n"), 1);
	assert_string_equal(m.name, "alice");
	assert_int_equal(dets("CAP LS 302\r\nPASS s3cret\r\nNICK [bob]\r\nUSER "
	    "bob 0 * :Bob B\r\n"), 1);
	assert_string_equal(m.name, "\\091bob\\093");
	assert_int_equal(dets("PASS x\nNICK carol\nUSER c 8 * :C\n"), 1);
	assert_string_equal(m.name, "carol");
	assert_int_equal(dets("nick dave\r\nuser d 0 * dave\r\n"), 1);
	/* Still waiting. */
	assert_int_equal(dets("NICK alice\r\n"), 0);
	assert_int_equal(dets("CAP LS 302\r\n"), 0);
	assert_int_equal(dets("NICK alice\r\nUSER a 0 *"), 0);
	assert_int_equal(dets("NI"), 0);
	/* An empty line is skipped, even cut after its CR. */
	assert_int_equal(dets("CAP LS 302\r\n\r"), 0);
	assert_int_equal(dets("CAP LS 302\r\n\r\nNICK a\r\n"), 1);
	assert_int_equal(dets("CAP REQ :sasl\r\nCAP END\r\nNICK e\r\n"), 0);
}

static void
test_irc_negative(void **state)
{
	char line[700];

	(void)state;
	assert_int_equal(dets("EHLO mail.example\r\n"), -1);
	assert_int_equal(dets("HELO mail.example\r\n"), -1);
	assert_int_equal(dets("USER bob\r\n"), -1);		/* POP3, FTP */
	assert_int_equal(dets("USER anonymous\r\nPASS x@y\r\n"), -1);
	assert_int_equal(dets("USER a b\r\n"), -1);
	assert_int_equal(dets("AUTH TLS\r\n"), -1);
	assert_int_equal(dets("GET / HTTP/1.1\r\n"), -1);
	assert_int_equal(dets("NICK 1abc\r\nUSER a 0 * :A\r\n"), -1);
	assert_int_equal(dets("NICK\r\nUSER a 0 * :A\r\n"), -1);
	assert_int_equal(dets("NICK a\r\nJOIN #x\r\n"), -1);
	assert_int_equal(dets("NICKNAME a\r\n"), -1);
	assert_int_equal(dets(":prefix NICK a\r\n"), -1);
	assert_int_equal(dets("   \r\n"), 0);	/* XML may start so */
	assert_int_equal(dets("  x\r\n"), -1);
	assert_int_equal(dets(" USER x +iw x x\r\n"), -1);
	assert_int_equal(dets(" USER x"), -1);
	/* Line length bound. */
	memset(line, 'a', sizeof(line));
	memcpy(line, "PASS ", 5);
	assert_int_equal(det(line, 511), 0);
	assert_int_equal(det(line, 512), -1);
	/* Nine harmless lines: past the lines looked at. */
	assert_int_equal(dets("PASS a\r\nPASS a\r\nPASS a\r\nPASS a\r\n"
	    "PASS a\r\nPASS a\r\nPASS a\r\nPASS a\r\nNICK a\r\n"), -1);
}

static void
test_mqtt(void **state)
{
	size_t len;
	uint8_t *p;

	(void)state;
	p = unhex(mqtt311_hex, &len);
	assert_int_equal(det(p, len), 1);
	assert_int_equal(m.proto, IM_MQTT);
	assert_string_equal(m.name, "paho-1234");
	assert_string_equal(im_proto_name(m.proto), "mqtt");
	check_prefixes(p, len, len);
	/* Bad level, reserved flag, will QoS 3, QoS without will. */
	p[8] = 3;
	assert_int_equal(det(p, len), -1);
	p[8] = 4;
	p[9] = 0x03;
	assert_int_equal(det(p, len), -1);
	p[9] = 0x1e;
	assert_int_equal(det(p, len), -1);
	p[9] = 0x0a;
	assert_int_equal(det(p, len), -1);
	p[9] = 0x02;
	/* A remaining length too short for the fields. */
	p[1] = 8;
	assert_int_equal(det(p, len), -1);
	p[1] = 0x15;
	/* Not CONNECT, or flags set in the fixed header. */
	p[0] = 0x20;
	assert_int_equal(det(p, len), -1);
	p[0] = 0x12;
	assert_int_equal(det(p, len), -1);
	free(p);
	p = unhex(mqtt5_hex, &len);
	assert_int_equal(det(p, len), 1);
	assert_string_equal(m.name, "Dev_7");
	check_prefixes(p, len, len);
	free(p);
	p = unhex(mqtt31_hex, &len);
	assert_int_equal(det(p, len), 1);
	assert_string_equal(m.name, "abc");
	/* The client id is all that is needed. */
	check_prefixes(p, len, 19);
	free(p);
	/* A five-byte remaining length. */
	assert_int_equal(det("\x10\xff\xff\xff\xff\x01", 6), -1);
	assert_int_equal(det("\x10\xff\xff", 3), 0);
	/* "MQTT" with the wrong length prefix. */
	assert_int_equal(det("\x10\x0e\x00\x05MQTTT\x04\x02\x00\x3c\x00\x01x",
	    16), -1);
}

static void
test_whatsapp(void **state)
{
	size_t len;
	uint8_t *p;

	(void)state;
	p = unhex(wa_noise_hex, &len);
	assert_int_equal(det(p, len), 1);
	assert_int_equal(m.proto, IM_WHATSAPP);
	assert_string_equal(m.name, "");
	assert_string_equal(im_proto_name(m.proto), "whatsapp");
	/* The 4-byte first segment of whatsapp.pcap is a valid prefix. */
	check_prefixes(p, len, 4 + 3 + 4 + 4);
	free(p);
	p = unhex(wa_old_hex, &len);
	assert_int_equal(det(p, len), 1);
	check_prefixes(p, len, 7);
	free(p);
	/* Look-alikes. */
	assert_int_equal(dets("WAIT"), -1);
	assert_int_equal(dets("EDIT"), -1);
	assert_int_equal(det("WA\x00\x05\x00\x00\x10", 7), -1);
	assert_int_equal(det("WA\x01\x05\x00\x00\x00", 7), -1);
	assert_int_equal(det("WA\x01\x05\x20\x00\x00", 7), -1);
	assert_int_equal(det("ED\x00\x01\x00\x00\x00WA\x05\x02", 11), -1);
	assert_int_equal(det("ED\x00\x01\x00\x10\x00", 7), -1);
	assert_int_equal(det("ED\x00\x01\x00\x00\x01\x08XA\x05\x02", 12), -1);
	assert_int_equal(det("ED\x00\x02", 4), -1);
}

/*
 * Bounds read through the cursor: an IRC line of exactly IM_IRC_LINE_MAX
 * bytes (CRLF included) and one byte more; a WhatsApp routing block of
 * exactly its maximum and one more, whole and cut.
 */
static void
test_bounds(void **state)
{
	static const char reg[] = "NICK a\r\nUSER a 0 * :A\r\n";
	uint8_t buf[600];
	size_t n;

	(void)state;
	for (size_t line = 511; line <= 514; line++) {
		memset(buf, 'a', line);
		memcpy(buf, "PASS ", 5);
		memcpy(buf + line - 2, "\r\n", 2);
		memcpy(buf + line, reg, sizeof(reg) - 1);
		n = line + sizeof(reg) - 1;
		assert_int_equal(det(buf, n), line <= 512 ? 1 : -1);
		assert_int_equal(det(buf, line), line <= 512 ? 0 : -1);
	}

	for (size_t routing = 255; routing <= 257; routing++) {
		memcpy(buf, "ED\x00\x01", 4);
		buf[4] = 0;
		buf[5] = (uint8_t)(routing >> 8);
		buf[6] = (uint8_t)routing;
		memset(buf + 7, 0x08, routing);
		memcpy(buf + 7 + routing, "WA\x05\x02", 4);
		n = 7 + routing + 4;
		assert_int_equal(det(buf, n), routing <= 256 ? 1 : -1);
		/* The block cut: wait while it can still be one. */
		assert_int_equal(det(buf, 7 + routing - 1),
		    routing <= 256 ? 0 : -1);
		assert_int_equal(det(buf, 8), routing <= 256 ? 0 : -1);
	}
	/* An empty routing block, and its length cut. */
	assert_int_equal(det("ED\x00\x01\x00\x00\x00WA\x05\x02", 11), -1);
	assert_int_equal(det("ED\x00\x01\x00\x01", 6), 0);
}

static void
test_other(void **state)
{
	static const uint8_t tls[] = { 0x16, 0x03, 0x01, 0x02, 0x00, 0x01 };

	(void)state;
	assert_int_equal(det(tls, sizeof(tls)), -1);
	assert_int_equal(det("", 0), 0);
	assert_int_equal(det(NULL, 0), 0);
	assert_int_equal(dets("SSH-2.0-OpenSSH_9.2\r\n"), -1);
	assert_int_equal(dets("+OK POP3\r\n"), -1);
	assert_string_equal(im_proto_name(IM_NONE), "");
	assert_string_equal(im_proto_name(IM_IRC), "irc");
}

/* One datagram through im_detect_udp: the protocol, or IM_NONE. */
static enum im_proto
udp(const uint8_t *p, size_t len, bool toserver, const char **what)
{
	struct im_match mt;
	int rc = im_detect_udp(p, len, toserver, &mt);

	assert_true(rc == 1 || rc == -1);
	assert_true(rc == 1 || (mt.proto == IM_NONE && mt.what == NULL));
	assert_string_equal(mt.name, "");
	if (what != NULL)
		*what = mt.what;
	return mt.proto;
}

static void
test_udp_discord(void **state)
{
	uint8_t ipd[74] = { 0x00, 0x01, 0x00, 0x46, 0x00, 0x00, 0xac, 0xe3 };
	static const uint8_t ka[8] = { 0x13, 0x37, 0xca, 0xfe, 1, 0, 0, 0 };
	const char *what = NULL;

	(void)state;
	/* Its IP discovery is a call: stun.c's (test_stun), not ours. */
	assert_int_equal(udp(ipd, sizeof(ipd), true, NULL), IM_NONE);
	assert_int_equal(udp(ka, sizeof(ka), true, &what), IM_DISCORD);
	assert_string_equal(what, "keepalive");
	assert_int_equal(udp(ka, sizeof(ka), false, NULL), IM_DISCORD);
	assert_int_equal(udp(ka, 7, true, NULL), IM_NONE);
	assert_int_equal(udp(NULL, 0, true, NULL), IM_NONE);
}

static void
test_udp_oicq(void **state)
{
	/* oicq.pcap: flag, version 0x3b0b, log out (1), seq, QQ number. */
	uint8_t p[44] = { 0x02, 0x3b, 0x0b, 0x00, 0x01, 0x00, 0x17, 0x56,
		0x1f, 0x0c, 0x7b };

	(void)state;
	p[sizeof(p) - 1] = 0x03;
	assert_int_equal(udp(p, sizeof(p), true, NULL), IM_OICQ);
	assert_int_equal(udp(p, 12, true, NULL), IM_NONE);	/* no end */
	p[11] = 0x03;
	assert_int_equal(udp(p, 12, true, NULL), IM_OICQ);	/* shortest */
	assert_int_equal(udp(p, 11, true, NULL), IM_NONE);
	p[4] = 0xb6;			/* command 0x00b6: unknown */
	assert_int_equal(udp(p, sizeof(p), true, NULL), IM_NONE);
	p[3] = 0x03;
	p[4] = 0xf7;			/* 0x03f7 is known */
	assert_int_equal(udp(p, sizeof(p), true, NULL), IM_OICQ);
	p[3] = 0x01;
	p[4] = 0x00;			/* 0x0100: a DNS query's flags */
	assert_int_equal(udp(p, sizeof(p), true, NULL), IM_NONE);
	p[3] = 0x00;
	p[4] = 0x01;
	p[1] = p[2] = 0;		/* version 0 */
	assert_int_equal(udp(p, sizeof(p), true, NULL), IM_NONE);
	p[1] = 0x3b;
	memset(p + 7, 0, 4);		/* no QQ number */
	assert_int_equal(udp(p, sizeof(p), true, NULL), IM_NONE);
}

static void
test_udp_imo(void **state)
{
	uint8_t ping[10] = { 0x09, 0x02, 0xdc, 0x9a, 0x02, 0x00 };
	uint8_t relay[11] = { 0x00, 0x09, 0x03, 0x21, 0x9a, 0x02, 0x00 };
	const char *what = NULL;

	(void)state;
	assert_int_equal(udp(ping, sizeof(ping), true, &what), IM_IMO);
	assert_string_equal(what, "ping");
	ping[1] = 0x03;
	assert_int_equal(udp(ping, sizeof(ping), false, &what), IM_IMO);
	assert_string_equal(what, "pong");
	ping[1] = 0x04;
	assert_int_equal(udp(ping, sizeof(ping), true, NULL), IM_NONE);
	ping[1] = 0x02;
	ping[9] = 1;			/* the tail must be zero */
	assert_int_equal(udp(ping, sizeof(ping), true, NULL), IM_NONE);
	assert_int_equal(udp(relay, sizeof(relay), false, &what), IM_IMO);
	assert_string_equal(what, "relay-pong");
	relay[2] = 0x02;
	assert_int_equal(udp(relay, sizeof(relay), false, NULL), IM_NONE);
	relay[2] = 0x03;
	relay[0] = 0x01;
	assert_int_equal(udp(relay, sizeof(relay), false, NULL), IM_NONE);
}

static void
test_dingtalk(void **state)
{
	static const uint8_t hello[] = { 0x10, 0x64, 0x87, 0x80, 0x01, 0x00,
		0x01, 0x00, 0x02, 0x00, 0x02, 0x64, 0x6b, 0x03, 0x00, 0x20, 0x16 };
	uint8_t bad[104] = { 0 };	/* the whole of an MQTT-looking length */
	struct im_match mt;

	(void)state;
	for (size_t n = 0; n < 16; n++)
		assert_int_equal(im_detect(hello, n, &mt), 0);
	assert_int_equal(im_detect(hello, sizeof(hello), &mt), 1);
	assert_int_equal(mt.proto, IM_DINGTALK);
	assert_string_equal(mt.what, "handshake");
	assert_string_equal(im_proto_name(IM_DINGTALK), "dingtalk");
	memcpy(bad, hello, sizeof(hello));
	bad[12] = 0x6c;
	assert_int_equal(im_detect(bad, sizeof(bad), &mt), -1);
}

static void
test_name_cut(void **state)
{
	char buf[1200];
	char dom[600];

	(void)state;
	memset(dom, 'a', sizeof(dom));
	dom[sizeof(dom) - 1] = '\0';
	snprintf(buf, sizeof(buf), "<stream:stream to='%s' xmlns:stream="
	    "'http://etherx.jabber.org/streams'>", dom);
	assert_int_equal(dets(buf), 1);
	assert_int_equal(strlen(m.name), IM_NAME_MAX - 1);
	assert_string_equal(m.name + IM_NAME_MAX - 5, "\\...");
	dom[IM_NAME_MAX - 1] = '\0';
	snprintf(buf, sizeof(buf), "<stream:stream to='%s' xmlns:stream="
	    "'http://etherx.jabber.org/streams'>", dom);
	assert_int_equal(dets(buf), 1);
	assert_string_equal(m.name, dom);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_xmpp_real),
		cmocka_unit_test(test_xmpp_variants),
		cmocka_unit_test(test_xmpp_negative),
		cmocka_unit_test(test_irc_real),
		cmocka_unit_test(test_irc_variants),
		cmocka_unit_test(test_irc_negative),
		cmocka_unit_test(test_mqtt),
		cmocka_unit_test(test_udp_discord),
		cmocka_unit_test(test_udp_oicq),
		cmocka_unit_test(test_udp_imo),
		cmocka_unit_test(test_dingtalk),
		cmocka_unit_test(test_whatsapp),
		cmocka_unit_test(test_bounds),
		cmocka_unit_test(test_other),
		cmocka_unit_test(test_name_cut),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
