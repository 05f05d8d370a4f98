/*
 * test_pkt.c - the packet decoder on hand-built frames: every link type,
 * VLAN/QinQ, LLC/SNAP, PPPoE, MPLS, IPv4 options, IPv6 extension chains,
 * fragment reassembly (in order, out of order, overlapping, duplicate,
 * timeout, each limit at and over), GRE/VXLAN/IP-in-IP/6in4/4in6, too many
 * layers, truncated (snaplen) against malformed, TCP and UDP length rules.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <unistd.h>

#include "cidr.h"
#include "ipfrag.h"
#include "pkt.h"

/* A frame built from the inside out: each add_* prepends a header. */
struct fb {
	uint8_t b[8192];
	size_t start;
};

static void
fb_init(struct fb *f)
{
	f->start = sizeof(f->b);
}

static size_t
fb_len(const struct fb *f)
{
	return sizeof(f->b) - f->start;
}

static const uint8_t *
fb_data(const struct fb *f)
{
	return f->b + f->start;
}

static void
pre(struct fb *f, const void *p, size_t n)
{
	assert_true(n <= f->start);
	f->start -= n;
	memcpy(f->b + f->start, p, n);
}

static void
put16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void
put32(uint8_t *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p + 2, v & 0xffff);
}

/* A string literal, NULs included. */
#define add_bytes(f, lit) pre((f), (lit), sizeof(lit) - 1)

static void
add_tcp(struct fb *f, unsigned sport, unsigned dport, uint32_t seq,
    uint8_t flags, unsigned optlen)
{
	uint8_t h[60] = { 0 };

	put16(h, sport);
	put16(h + 2, dport);
	put32(h + 4, seq);
	put32(h + 8, 777);
	h[12] = (uint8_t)(((20 + optlen) / 4) << 4);
	h[13] = flags;
	memset(h + 20, 1, optlen);	/* NOPs */
	pre(f, h, 20 + optlen);
}

static void
add_udp(struct fb *f, unsigned sport, unsigned dport)
{
	uint8_t h[8] = { 0 };

	put16(h, sport);
	put16(h + 2, dport);
	put16(h + 4, (unsigned)fb_len(f) + 8);
	pre(f, h, 8);
}

/* IPv4 with src 10.0.0.s, dst 10.0.0.t. */
static void
add_ip4x(struct fb *f, uint8_t proto, uint8_t s, uint8_t t, uint16_t id,
    uint16_t frag, unsigned optlen)
{
	uint8_t h[60] = { 0 };

	h[0] = (uint8_t)(0x40 | (20 + optlen) / 4);
	put16(h + 2, (unsigned)fb_len(f) + 20 + optlen);
	put16(h + 4, id);
	put16(h + 6, frag);
	h[8] = 64;
	h[9] = proto;
	h[12] = 10;
	h[15] = s;
	h[16] = 10;
	h[19] = t;
	pre(f, h, 20 + optlen);
}

static void
add_ip4(struct fb *f, uint8_t proto)
{
	add_ip4x(f, proto, 1, 2, 1, 0, 0);
}

/* IPv6 from 2001:db8::s to 2001:db8::t. */
static void
add_ip6x(struct fb *f, uint8_t nh, uint8_t s, uint8_t t)
{
	uint8_t h[40] = { 0 };

	h[0] = 0x60;
	put16(h + 4, (unsigned)fb_len(f));
	h[6] = nh;
	h[7] = 64;
	h[8] = 0x20;
	h[9] = 0x01;
	h[10] = 0x0d;
	h[11] = 0xb8;
	h[23] = s;
	h[24] = 0x20;
	h[25] = 0x01;
	h[26] = 0x0d;
	h[27] = 0xb8;
	h[39] = t;
	pre(f, h, 40);
}

static void
add_ip6(struct fb *f, uint8_t nh)
{
	add_ip6x(f, nh, 1, 2);
}

/* A generic extension header of (len + 1) * 8 bytes. */
static void
add_ext6(struct fb *f, uint8_t nh, uint8_t len)
{
	uint8_t h[2048] = { 0 };

	h[0] = nh;
	h[1] = len;
	pre(f, h, ((size_t)len + 1) * 8);
}

static void
add_eth(struct fb *f, unsigned type)
{
	uint8_t h[14] = { 2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2 };

	put16(h + 12, type);
	pre(f, h, 14);
}

/* A tag: prepend TCI and the inner type; the caller adds the TPID. */
static void
add_vlan(struct fb *f, unsigned tci, unsigned inner)
{
	uint8_t h[4];

	put16(h, tci);
	put16(h + 2, inner);
	pre(f, h, 4);
}

static struct pkt_decoder *dec;
static struct timeval ts0 = { 1000, 0 };

static enum pkt_result
decode(int lt, const struct fb *f, struct pkt *p)
{
	return pkt_decode(dec, lt, &ts0, fb_data(f), fb_len(f), fb_len(f), p);
}

static int
setup(void **state)
{
	(void)state;
	dec = pkt_decoder_new(NULL);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	pkt_decoder_free(&dec);
	assert_null(dec);
	return 0;
}

static const struct pkt_stats *
st(void)
{
	return pkt_decoder_stats(dec);
}

static void
check_v4_tcp(const struct pkt *p)
{
	static const uint8_t src[16] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff,
		0xff, 10, 0, 0, 1 };

	assert_int_equal(p->ipver, 4);
	assert_int_equal(p->proto, 6);
	assert_memory_equal(p->src.b, src, 16);
	assert_int_equal(p->dst.b[15], 2);
	assert_int_equal(p->sport, 1234);
	assert_int_equal(p->dport, 443);
	assert_int_equal(p->seq, 5000);
	assert_int_equal(p->ack, 777);
	assert_int_equal(p->tcp_flags, TCPF_ACK | TCPF_PSH);
	assert_int_equal(p->paylen, 5);
	assert_int_equal(p->l4len, 5);
	assert_memory_equal(p->payload, "hello", 5);
	assert_false(p->truncated);
}

static void
tcp4(struct fb *f)
{
	fb_init(f);
	add_bytes(f, "hello");
	add_tcp(f, 1234, 443, 5000, TCPF_ACK | TCPF_PSH, 0);
	add_ip4(f, 6);
}

static void
test_ethernet(void **state)
{
	struct fb f;
	struct pkt p;

	(void)state;
	tcp4(&f);
	add_eth(&f, 0x0800);
	assert_int_equal(decode(1, &f, &p), PKT_OK);
	check_v4_tcp(&p);
	assert_int_equal(p.nvlan, 0);
	assert_int_equal(p.layers, 0);
	assert_int_equal(p.wirelen, fb_len(&f));
	assert_int_equal(p.ts.tv_sec, 1000);
	assert_int_equal(st()->tcp, 1);
	assert_int_equal(st()->ip4, 1);
}

static void
test_linktypes(void **state)
{
	static const int raw[] = { 101, 12, 14, 228 };
	struct fb f, g;
	struct pkt p;
	uint8_t h[20];

	(void)state;
	tcp4(&f);
	for (size_t i = 0; i < sizeof(raw) / sizeof(raw[0]); i++) {
		assert_int_equal(decode(raw[i], &f, &p), PKT_OK);
		check_v4_tcp(&p);
	}
	/* NULL: family 2 little-endian; LOOP: big-endian; either for both. */
	for (int lt = 0; lt <= 108; lt += 108) {
		static const uint8_t le[4] = { 2, 0, 0, 0 };
		static const uint8_t be[4] = { 0, 0, 0, 2 };

		g = f;
		pre(&g, le, 4);
		assert_int_equal(decode(lt, &g, &p), PKT_OK);
		check_v4_tcp(&p);
		g = f;
		pre(&g, be, 4);
		assert_int_equal(decode(lt, &g, &p), PKT_OK);
		check_v4_tcp(&p);
		g = f;
		pre(&g, "\x07\0\0\0", 4);
		assert_int_equal(decode(lt, &g, &p), PKT_SKIP);
	}
	/* Linux cooked v1 and v2. */
	g = f;
	memset(h, 0, sizeof(h));
	put16(h + 14, 0x0800);
	pre(&g, h, 16);
	assert_int_equal(decode(113, &g, &p), PKT_OK);
	check_v4_tcp(&p);
	g = f;
	memset(h, 0, sizeof(h));
	put16(h, 0x0800);
	pre(&g, h, 20);
	assert_int_equal(decode(276, &g, &p), PKT_OK);
	check_v4_tcp(&p);
	g = f;
	memset(h, 0, sizeof(h));
	put16(h, 0x0806);
	pre(&g, h, 20);
	assert_int_equal(decode(276, &g, &p), PKT_SKIP);
	/* IPv6 on RAW, IPV6 and NULL with each BSD AF_INET6. */
	fb_init(&f);
	add_bytes(&f, "hello");
	add_tcp(&f, 1234, 443, 5000, TCPF_ACK | TCPF_PSH, 0);
	add_ip6(&f, 6);
	assert_int_equal(decode(101, &f, &p), PKT_OK);
	assert_int_equal(p.ipver, 6);
	assert_int_equal(p.src.b[15], 1);
	assert_int_equal(p.src.b[0], 0x20);
	assert_int_equal(decode(229, &f, &p), PKT_OK);
	assert_int_equal(decode(228, &f, &p), PKT_ERROR);
	for (uint8_t fam = 24; fam <= 30; fam += 2) {
		uint8_t b[4] = { fam, 0, 0, 0 };

		g = f;
		pre(&g, b, 4);
		assert_int_equal(decode(0, &g, &p), fam == 26 ? PKT_SKIP :
		    PKT_OK);
	}
	/* Unknown link type. */
	assert_false(pkt_linktype_is_supported(9999));
	assert_true(pkt_linktype_is_supported(276));
	assert_int_equal(decode(9999, &f, &p), PKT_ERROR);
	assert_int_equal(st()->bad_linktype, 1);
}

static void
test_vlan(void **state)
{
	struct fb f, base;
	struct pkt p;

	(void)state;
	tcp4(&base);
	f = base;
	add_vlan(&f, 0x2000 | 100, 0x0800);
	add_eth(&f, 0x8100);
	assert_int_equal(decode(1, &f, &p), PKT_OK);
	check_v4_tcp(&p);
	assert_int_equal(p.nvlan, 1);
	assert_int_equal(p.vlan[0], 100);
	/* QinQ: 802.1ad outer, 802.1Q inner; and old 0x8100 in 0x8100. */
	f = base;
	add_vlan(&f, 200, 0x0800);
	add_vlan(&f, 300, 0x8100);
	add_eth(&f, 0x88a8);
	assert_int_equal(decode(1, &f, &p), PKT_OK);
	check_v4_tcp(&p);
	assert_int_equal(p.nvlan, 2);
	assert_int_equal(p.vlan[0], 300);
	assert_int_equal(p.vlan[1], 200);
	/* Six tags: the last slot holds the innermost. */
	f = base;
	add_vlan(&f, 6, 0x0800);
	for (unsigned i = 5; i >= 2; i--)
		add_vlan(&f, i, 0x8100);
	add_vlan(&f, 1, 0x8100);
	add_eth(&f, 0x8100);
	assert_int_equal(decode(1, &f, &p), PKT_OK);
	assert_int_equal(p.nvlan, PKT_MAX_VLANS);
	assert_int_equal(p.vlan[0], 1);
	assert_int_equal(p.vlan[PKT_MAX_VLANS - 1], 6);
	/* A tag cut short. */
	fb_init(&f);
	add_bytes(&f, "\x00");
	add_eth(&f, 0x8100);
	assert_int_equal(decode(1, &f, &p), PKT_ERROR);
	/* ARP is not IP. */
	fb_init(&f);
	add_bytes(&f, "0123456789012345678901234567");
	add_eth(&f, 0x0806);
	assert_int_equal(decode(1, &f, &p), PKT_SKIP);
	assert_int_equal(st()->non_ip, 1);
}

static void
test_llc_pppoe_mpls(void **state)
{
	static const uint8_t snap[8] = { 0xaa, 0xaa, 0x03, 0, 0, 0, 0x08,
		0x00 };
	static const uint8_t stp[3] = { 0x42, 0x42, 0x03 };
	static const uint8_t pppoe[8] = { 0x11, 0, 0, 1, 0, 0, 0, 0x21 };
	static const uint8_t mpls[8] = { 0, 1, 0, 64, 0, 2, 1, 64 };
	struct fb f, base;
	struct pkt p;

	(void)state;
	tcp4(&base);
	f = base;
	pre(&f, snap, 8);
	add_eth(&f, (unsigned)fb_len(&f));
	assert_int_equal(decode(1, &f, &p), PKT_OK);
	check_v4_tcp(&p);
	f = base;
	pre(&f, stp, 3);
	add_eth(&f, (unsigned)fb_len(&f));
	assert_int_equal(decode(1, &f, &p), PKT_SKIP);
	f = base;
	pre(&f, pppoe, 8);
	add_eth(&f, 0x8864);
	assert_int_equal(decode(1, &f, &p), PKT_OK);
	check_v4_tcp(&p);
	f = base;
	pre(&f, mpls, 8);
	add_eth(&f, 0x8847);
	assert_int_equal(decode(1, &f, &p), PKT_OK);
	check_v4_tcp(&p);
}

static void
test_ipv4_options(void **state)
{
	struct fb f;
	struct pkt p;

	(void)state;
	for (unsigned opt = 0; opt <= 40; opt += 4) {
		fb_init(&f);
		add_bytes(&f, "hello");
		add_tcp(&f, 1234, 443, 5000, TCPF_ACK | TCPF_PSH, opt);
		add_ip4x(&f, 6, 1, 2, 1, 0, opt);
		assert_int_equal(decode(101, &f, &p), PKT_OK);
		check_v4_tcp(&p);
	}
	/* IHL 4 is impossible. */
	tcp4(&f);
	f.b[f.start] = 0x44;
	assert_int_equal(decode(101, &f, &p), PKT_ERROR);
	assert_int_equal(st()->malformed, 1);
	/* Version 5 on an IPv4-only link. */
	tcp4(&f);
	f.b[f.start] = 0x55;
	assert_int_equal(decode(228, &f, &p), PKT_ERROR);
	/* IHL 15 in a 45-byte datagram: total length below the header. */
	tcp4(&f);
	f.b[f.start] = 0x4f;
	assert_int_equal(decode(101, &f, &p), PKT_ERROR);
	assert_int_equal(st()->malformed, 3);
	assert_int_equal(st()->truncated, 0);
}

static void
test_truncated_vs_malformed(void **state)
{
	struct fb f;
	struct pkt p;

	(void)state;
	tcp4(&f);
	/* Snaplen cut the payload: decoded, marked truncated. */
	assert_int_equal(pkt_decode(dec, 101, &ts0, fb_data(&f), 42,
	    fb_len(&f), &p), PKT_OK);
	assert_true(p.truncated);
	assert_int_equal(p.paylen, 2);
	assert_int_equal(p.l4len, 5);
	assert_int_equal(p.wirelen, 45);
	/* Snaplen cut the TCP header: truncated. */
	assert_int_equal(pkt_decode(dec, 101, &ts0, fb_data(&f), 30,
	    fb_len(&f), &p), PKT_ERROR);
	assert_int_equal(st()->truncated, 1);
	assert_int_equal(st()->malformed, 0);
	/* The same bytes, but the frame was whole: malformed. */
	assert_int_equal(pkt_decode(dec, 101, &ts0, fb_data(&f), 30, 30, &p),
	    PKT_ERROR);
	assert_int_equal(st()->malformed, 1);
	/* Total length beyond an uncut frame: malformed. */
	assert_int_equal(pkt_decode(dec, 101, &ts0, fb_data(&f), 42, 42, &p),
	    PKT_ERROR);
	assert_int_equal(st()->malformed, 2);
	/* Link padding after the datagram is trimmed. */
	tcp4(&f);
	memmove(f.b + f.start - 10, f.b + f.start, fb_len(&f));
	f.start -= 10;
	memset(f.b + sizeof(f.b) - 10, 0xee, 10);
	assert_int_equal(decode(101, &f, &p), PKT_OK);
	check_v4_tcp(&p);
	/* Ethernet header cut by snaplen. */
	add_eth(&f, 0x0800);
	assert_int_equal(pkt_decode(dec, 1, &ts0, fb_data(&f), 10, 100, &p),
	    PKT_ERROR);
	assert_int_equal(st()->truncated, 2);
	/* Total length 0 (segmentation offload): the frame's length. */
	tcp4(&f);
	f.b[f.start + 2] = 0;
	f.b[f.start + 3] = 0;
	assert_int_equal(decode(101, &f, &p), PKT_OK);
	check_v4_tcp(&p);
}

static void
test_tcp_udp_lengths(void **state)
{
	struct fb f;
	struct pkt p;

	(void)state;
	/* Data offset 4: malformed; 15 in a short segment: malformed. */
	tcp4(&f);
	f.b[f.start + 20 + 12] = 0x40;
	assert_int_equal(decode(101, &f, &p), PKT_ERROR);
	f.b[f.start + 20 + 12] = 0xf0;
	assert_int_equal(decode(101, &f, &p), PKT_ERROR);
	assert_int_equal(st()->malformed, 2);
	/* UDP: length exact, shorter than the datagram, under 8, over. */
	fb_init(&f);
	add_bytes(&f, "dnsquery");
	add_udp(&f, 5353, 53);
	add_ip4(&f, 17);
	assert_int_equal(decode(101, &f, &p), PKT_OK);
	assert_int_equal(p.proto, 17);
	assert_int_equal(p.sport, 5353);
	assert_int_equal(p.dport, 53);
	assert_int_equal(p.paylen, 8);
	assert_int_equal(p.l4len, 8);
	f.b[f.start + 25] = 12;
	assert_int_equal(decode(101, &f, &p), PKT_OK);
	assert_int_equal(p.paylen, 4);
	assert_int_equal(p.l4len, 4);
	f.b[f.start + 25] = 7;
	assert_int_equal(decode(101, &f, &p), PKT_ERROR);
	f.b[f.start + 25] = 17;
	assert_int_equal(decode(101, &f, &p), PKT_ERROR);
	assert_int_equal(st()->malformed, 4);
	/* UDP payload cut by snaplen. */
	f.b[f.start + 25] = 16;
	assert_int_equal(pkt_decode(dec, 101, &ts0, fb_data(&f), 30,
	    fb_len(&f), &p), PKT_OK);
	assert_true(p.truncated);
	assert_int_equal(p.paylen, 2);
	assert_int_equal(p.l4len, 8);
	/* Other protocols: the payload after the IP header. */
	fb_init(&f);
	add_bytes(&f, "icmp");
	add_ip4(&f, 1);
	assert_int_equal(decode(101, &f, &p), PKT_OK);
	assert_int_equal(p.proto, 1);
	assert_int_equal(p.paylen, 4);
	assert_int_equal(p.sport, 0);
	assert_int_equal(st()->other_l4, 1);
}

static void
test_ipv6_ext(void **state)
{
	struct fb f;
	struct pkt p;

	(void)state;
	fb_init(&f);
	add_bytes(&f, "hello");
	add_tcp(&f, 1234, 443, 5000, TCPF_ACK | TCPF_PSH, 8);
	add_ext6(&f, 6, 0);		/* destination options */
	add_bytes(&f, "\x3c\x01" "0123456789");	/* AH: 12 bytes */
	add_ext6(&f, 51, 2);		/* routing */
	add_ext6(&f, 43, 1);		/* hop-by-hop */
	add_ip6(&f, 0);
	assert_int_equal(decode(229, &f, &p), PKT_OK);
	assert_int_equal(p.proto, 6);
	assert_int_equal(p.sport, 1234);
	assert_int_equal(p.paylen, 5);
	assert_memory_equal(p.payload, "hello", 5);
	/* An atomic fragment header (offset 0, M 0) is walked through. */
	fb_init(&f);
	add_bytes(&f, "hello");
	add_udp(&f, 1, 2);
	add_bytes(&f, "\x11\0\0\0\0\0\0\x01");
	add_ip6(&f, 44);
	assert_int_equal(decode(229, &f, &p), PKT_OK);
	assert_int_equal(p.proto, 17);
	assert_int_equal(p.paylen, 5);
	/* ESP stops the walk; no next header too. */
	fb_init(&f);
	add_bytes(&f, "\0\0\0\1\0\0\0\1ciphertext");
	add_ip6(&f, 50);
	assert_int_equal(decode(229, &f, &p), PKT_OK);
	assert_int_equal(p.proto, 50);
	assert_int_equal(p.paylen, 18);
	fb_init(&f);
	add_ip6(&f, 59);
	assert_int_equal(decode(229, &f, &p), PKT_OK);
	assert_int_equal(p.proto, 59);
	assert_int_equal(p.paylen, 0);
	/* An extension header longer than the payload. */
	fb_init(&f);
	add_bytes(&f, "\x06\x05" "012345");
	add_ip6(&f, 60);
	assert_int_equal(decode(229, &f, &p), PKT_ERROR);
	assert_int_equal(st()->malformed, 1);
	/* Payload length beyond an uncut frame. */
	fb_init(&f);
	add_bytes(&f, "hello");
	add_ip6(&f, 59);
	f.b[f.start + 5] = 6;
	assert_int_equal(decode(229, &f, &p), PKT_ERROR);
	/* Version 4 on an IPv6-only link. */
	f.b[f.start] = 0x40;
	assert_int_equal(decode(229, &f, &p), PKT_ERROR);
	assert_int_equal(st()->malformed, 3);
	/* 64 extension headers are too many, 63 are not. */
	for (unsigned n = 63; n <= 64; n++) {
		fb_init(&f);
		add_bytes(&f, "x");
		add_ext6(&f, 59, 0);
		for (unsigned i = 1; i < n; i++)
			add_ext6(&f, 60, 0);
		add_ip6(&f, 60);
		assert_int_equal(decode(229, &f, &p), n == 63 ? PKT_OK :
		    PKT_ERROR);
	}
}

/* ---------------------------------------------------------- fragments */

/* A UDP datagram of n payload bytes (pattern i*7), as the IP payload. */
static void
udp_payload(uint8_t *out, size_t n)
{
	put16(out, 1000);
	put16(out + 2, 2000);
	put16(out + 4, (unsigned)n + 8);
	put16(out + 6, 0);
	for (size_t i = 0; i < n; i++)
		out[8 + i] = (uint8_t)(i * 7);
}

/* Fragment [off, off+len) of an IPv4 payload `whole`; last when !more. */
static enum pkt_result
frag4(const uint8_t *whole, size_t off, size_t len, bool more, uint16_t id,
    struct pkt *p)
{
	struct fb f;

	fb_init(&f);
	pre(&f, whole + off, len);
	add_ip4x(&f, 17, 1, 2, id, (uint16_t)((more ? 0x2000 : 0) | off / 8),
	    0);
	return decode(101, &f, p);
}

static enum pkt_result
frag6(const uint8_t *whole, size_t off, size_t len, bool more, uint32_t id,
    struct pkt *p)
{
	struct fb f;
	uint8_t h[8] = { 17, 0 };

	fb_init(&f);
	pre(&f, whole + off, len);
	put16(h + 2, (unsigned)(off | (more ? 1 : 0)));
	put32(h + 4, id);
	pre(&f, h, 8);
	add_ip6(&f, 44);
	return decode(229, &f, p);
}

static void
check_udp_whole(const struct pkt *p, size_t n)
{
	assert_int_equal(p->proto, 17);
	assert_int_equal(p->sport, 1000);
	assert_int_equal(p->dport, 2000);
	assert_int_equal(p->paylen, n);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(p->payload[i], (uint8_t)(i * 7));
}

static void
test_frag_orders(void **state)
{
	uint8_t w[8 + 3000];
	struct pkt p;

	(void)state;
	udp_payload(w, 3000);
	/* In order: 3 fragments of 1024, 1024, 960 bytes. */
	assert_int_equal(frag4(w, 0, 1024, true, 1, &p), PKT_HELD);
	assert_int_equal(frag4(w, 1024, 1024, true, 1, &p), PKT_HELD);
	assert_int_equal(frag4(w, 2048, 960, false, 1, &p), PKT_OK);
	check_udp_whole(&p, 3000);
	/* Reversed. */
	assert_int_equal(frag4(w, 2048, 960, false, 2, &p), PKT_HELD);
	assert_int_equal(frag4(w, 1024, 1024, true, 2, &p), PKT_HELD);
	assert_int_equal(frag4(w, 0, 1024, true, 2, &p), PKT_OK);
	check_udp_whole(&p, 3000);
	/* Middle first, duplicate of the first. */
	assert_int_equal(frag4(w, 1024, 1024, true, 3, &p), PKT_HELD);
	assert_int_equal(frag4(w, 0, 1024, true, 3, &p), PKT_HELD);
	assert_int_equal(frag4(w, 0, 1024, true, 3, &p), PKT_HELD);
	assert_int_equal(frag4(w, 2048, 960, false, 3, &p), PKT_OK);
	check_udp_whole(&p, 3000);
	assert_int_equal(st()->frag_overlaps, 1);
	/* Interleaved datagrams (ids 4 and 5). */
	assert_int_equal(frag4(w, 0, 2048, true, 4, &p), PKT_HELD);
	assert_int_equal(frag4(w, 0, 2048, true, 5, &p), PKT_HELD);
	assert_int_equal(frag4(w, 2048, 960, false, 5, &p), PKT_OK);
	check_udp_whole(&p, 3000);
	assert_int_equal(frag4(w, 2048, 960, false, 4, &p), PKT_OK);
	check_udp_whole(&p, 3000);
	assert_int_equal(st()->frags, 14);
	assert_int_equal(st()->frags_reassembled, 5);
	assert_int_equal(st()->frags_dropped, 0);
	/* IPv6, out of order. */
	assert_int_equal(frag6(w, 1496, 1512, false, 77, &p), PKT_HELD);
	assert_int_equal(frag6(w, 0, 1496, true, 77, &p), PKT_OK);
	assert_int_equal(p.ipver, 6);
	check_udp_whole(&p, 3000);
}

static void
test_frag_overlap(void **state)
{
	uint8_t w[8 + 128], evil[8 + 64];
	struct pkt p;

	(void)state;
	udp_payload(w, 64);
	memcpy(evil, w, sizeof(evil));
	memset(evil + 16, 'X', sizeof(evil) - 16);
	/* First copy wins, whichever is the attacker's. */
	assert_int_equal(frag4(w, 0, 32, true, 9, &p), PKT_HELD);
	assert_int_equal(frag4(evil, 16, 16, true, 9, &p), PKT_HELD);
	assert_int_equal(frag4(w, 16, 56, false, 9, &p), PKT_OK);
	check_udp_whole(&p, 64);
	assert_int_equal(st()->frag_overlaps, 2);
	assert_int_equal(frag4(evil, 16, 56, false, 10, &p), PKT_HELD);
	assert_int_equal(frag4(w, 0, 40, true, 10, &p), PKT_OK);
	assert_int_equal(p.paylen, 64);
	assert_memory_equal(p.payload + 8, evil + 16, 56);
	/* A non-last fragment of 12 bytes is invalid. */
	assert_int_equal(frag4(w, 0, 12, true, 11, &p), PKT_ERROR);
	/* A last fragment shorter than data already held: dropped. */
	assert_int_equal(frag4(w, 0, 48, true, 12, &p), PKT_HELD);
	assert_int_equal(frag4(w, 16, 12, false, 12, &p), PKT_ERROR);
	/* A middle fragment past the known end: dropped. */
	assert_int_equal(frag4(w, 32, 40, false, 13, &p), PKT_HELD);
	assert_int_equal(frag4(w, 64, 16, true, 13, &p), PKT_ERROR);
	assert_int_equal(frag4(w, 0, 32, true, 13, &p), PKT_OK);
	check_udp_whole(&p, 64);
	/* A fragment cut by snaplen cannot be reassembled. */
	{
		struct fb f;

		fb_init(&f);
		pre(&f, w, 32);
		add_ip4x(&f, 17, 1, 2, 14, 0x2000, 0);
		assert_int_equal(pkt_decode(dec, 101, &ts0, fb_data(&f), 40,
		    fb_len(&f), &p), PKT_ERROR);
		assert_int_equal(st()->truncated, 1);
	}
}

static void
test_frag_timeout(void **state)
{
	uint8_t w[8 + 64];
	struct pkt p;
	struct timeval t = ts0;

	(void)state;
	udp_payload(w, 64);
	assert_int_equal(frag4(w, 0, 32, true, 1, &p), PKT_HELD);
	t.tv_sec += 29;
	pkt_expire(dec, &t);
	assert_int_equal(st()->frags_dropped, 0);
	t.tv_sec += 1;
	pkt_expire(dec, &t);
	assert_int_equal(st()->frags_dropped, 1);
	/* The rest alone cannot complete it. */
	assert_int_equal(frag4(w, 32, 40, false, 1, &p), PKT_HELD);
	/* A fragment arriving after the timeout expires the old ones too. */
	{
		struct fb f;

		fb_init(&f);
		pre(&f, w, 32);
		add_ip4x(&f, 17, 1, 2, 1, 0x2000, 0);
		assert_int_equal(pkt_decode(dec, 101, &t, fb_data(&f),
		    fb_len(&f), fb_len(&f), &p), PKT_HELD);
		assert_int_equal(st()->frags_dropped, 2);
	}
}

static void
test_frag_limits(void **state)
{
	struct pkt_limits l;
	uint8_t w[8 + 4096];
	struct pkt p;

	(void)state;
	udp_payload(w, 4096);
	pkt_decoder_free(&dec);
	pkt_limits_default(&l);
	l.frag_max_datagrams = 4;
	l.frag_max_bytes = 1024;
	dec = pkt_decoder_new(&l);
	/* Bytes per datagram: 1024 at the limit, 1032 over. */
	put16(w + 4, 1024);
	assert_int_equal(frag4(w, 0, 512, true, 1, &p), PKT_HELD);
	assert_int_equal(frag4(w, 512, 512, false, 1, &p), PKT_OK);
	assert_int_equal(p.paylen, 1016);
	assert_int_equal(frag4(w, 0, 512, true, 2, &p), PKT_HELD);
	assert_int_equal(frag4(w, 512, 520, false, 2, &p), PKT_ERROR);
	assert_int_equal(st()->frags_dropped, 2);
	/* Datagrams pending: 4 at the limit, a 5th drops the oldest. */
	put16(w + 4, 16);
	for (uint16_t id = 10; id < 14; id++)
		assert_int_equal(frag4(w, 0, 8, true, id, &p), PKT_HELD);
	assert_int_equal(st()->frags_dropped, 2);
	assert_int_equal(frag4(w, 0, 8, true, 14, &p), PKT_HELD);
	assert_int_equal(st()->frags_dropped, 3);
	assert_int_equal(frag4(w, 8, 8, false, 11, &p), PKT_OK);
	assert_int_equal(frag4(w, 8, 8, false, 10, &p), PKT_HELD);

	/* Memory: room for about two datagrams of 1 KiB. */
	pkt_decoder_free(&dec);
	pkt_limits_default(&l);
	l.frag_memory = 5000;
	dec = pkt_decoder_new(&l);
	put16(w + 4, 1032);
	assert_int_equal(frag4(w, 0, 1024, true, 1, &p), PKT_HELD);
	assert_int_equal(frag4(w, 0, 1024, true, 2, &p), PKT_HELD);
	assert_int_equal(st()->frags_dropped, 0);
	assert_int_equal(frag4(w, 0, 1024, true, 3, &p), PKT_HELD);
	assert_int_equal(st()->frags_dropped, 1);	/* id 1 went */
	assert_int_equal(frag4(w, 1024, 8, false, 3, &p), PKT_OK);
	assert_int_equal(frag4(w, 1024, 8, false, 1, &p), PKT_HELD);
	/* One datagram larger than all the memory. */
	assert_int_equal(frag4(w, 0, 4096, true, 4, &p), PKT_ERROR);
}

/* Every order of four fragments, each also sent twice: one datagram. */
static void
test_frag_every_order(void **state)
{
	static const size_t cut[5] = { 0, 64, 128, 136, 8 + 200 };
	uint8_t w[8 + 200];
	struct pkt p;
	size_t perm[4] = { 0, 1, 2, 3 }, c[4] = { 0 }, i = 1, n = 0;
	uint32_t id = 100;

	(void)state;
	udp_payload(w, 200);
	for (;;) {
		for (int v = 4; v <= 6; v += 2) {
			for (int dup = 0; dup <= 1; dup++) {
				enum pkt_result r = PKT_HELD;

				id++;
				for (size_t k = 0; k < 4; k++) {
					size_t j = perm[k];
					bool more = j < 3;

					for (int t = 0; t <= dup; t++) {
						assert_int_equal(r, PKT_HELD);
						r = v == 4 ? frag4(w, cut[j],
						    cut[j + 1] - cut[j], more,
						    (uint16_t)id, &p) : frag6(w,
						    cut[j], cut[j + 1] - cut[j],
						    more, id, &p);
						if (r == PKT_OK)
							break;
					}
				}
				assert_int_equal(r, PKT_OK);
				assert_int_equal(p.ipver, v);
				check_udp_whole(&p, 200);
				n++;
			}
		}
		/* Heap's algorithm: the next permutation. */
		while (i < 4 && c[i] >= i) {
			c[i] = 0;
			i++;
		}
		if (i >= 4)
			break;
		{
			size_t j = i % 2 == 0 ? 0 : c[i], t = perm[j];

			perm[j] = perm[i];
			perm[i] = t;
		}
		c[i]++;
		i = 1;
	}
	assert_int_equal(n, 24 * 4);
	assert_int_equal(st()->frags_dropped, 0);
	assert_int_equal(st()->frags_reassembled, 24 * 4);
}

/* The memory bound exactly at, and one byte under, two datagrams. */
static void
test_frag_memory_at_limit(void **state)
{
	struct pkt_limits l;
	struct pkt_stats s;
	struct ipfrag *f;
	struct ipfrag_key k;
	struct timeval t = { 1, 0 };
	uint8_t data[512] = { 0 }, *buf, nh;
	size_t two, len;

	(void)state;
	pkt_limits_default(&l);
	memset(&k, 0, sizeof(k));
	k.ver = 4;
	k.proto = 17;
	memset(&s, 0, sizeof(s));
	f = ipfrag_new(&l, &s);
	for (k.id = 1; k.id <= 2; k.id++)
		assert_int_equal(ipfrag_add(f, &k, &t, 0, true, 17, data, 504,
		    &buf, &len, &nh), 0);
	two = ipfrag_memory(f);
	ipfrag_free(&f);
	for (int over = 0; over <= 1; over++) {
		l.frag_memory = two - (size_t)over;
		memset(&s, 0, sizeof(s));
		f = ipfrag_new(&l, &s);
		for (k.id = 1; k.id <= 2; k.id++)
			assert_int_equal(ipfrag_add(f, &k, &t, 0, true, 17,
			    data, 504, &buf, &len, &nh), 0);
		assert_int_equal(ipfrag_pending(f), over ? 1 : 2);
		assert_int_equal(s.frags_dropped, (uint64_t)over);
		assert_true(ipfrag_memory(f) <= l.frag_memory);
		/* Completing the survivor (no growth) hands its buffer over. */
		k.id = 2;
		assert_int_equal(ipfrag_add(f, &k, &t, 504, false, 17, data, 8,
		    &buf, &len, &nh), 1);
		assert_int_equal(len, 512);
		assert_int_equal(nh, 17);
		free(buf);
		assert_int_equal(ipfrag_pending(f), over ? 0 : 1);
		ipfrag_free(&f);
		assert_null(f);
	}
}

/* ------------------------------------------------------------ tunnels */

static void
test_tunnels(void **state)
{
	struct fb f, base;
	struct pkt p;
	uint8_t gre[16];

	(void)state;
	tcp4(&base);
	/* 4in4, then in Ethernet. */
	f = base;
	add_ip4x(&f, 4, 100, 200, 1, 0, 0);
	add_eth(&f, 0x0800);
	assert_int_equal(decode(1, &f, &p), PKT_OK);
	check_v4_tcp(&p);
	assert_int_equal(p.layers, 1);
	/* 4in6 */
	f = base;
	add_ip6(&f, 4);
	assert_int_equal(decode(101, &f, &p), PKT_OK);
	check_v4_tcp(&p);
	/* 6in4 and 6in6 */
	fb_init(&f);
	add_bytes(&f, "hello");
	add_tcp(&f, 1234, 443, 5000, TCPF_ACK | TCPF_PSH, 0);
	add_ip6x(&f, 6, 7, 8);
	add_ip4(&f, 41);
	assert_int_equal(decode(101, &f, &p), PKT_OK);
	assert_int_equal(p.ipver, 6);
	assert_int_equal(p.src.b[15], 7);
	assert_int_equal(p.sport, 1234);
	add_ip6(&f, 4);		/* wrong: says IPv4 inside, holds IPv4 */
	assert_int_equal(decode(101, &f, &p), PKT_OK);
	f.b[f.start + 6] = 41;	/* 4in6 header claiming IPv6 */
	assert_int_equal(decode(101, &f, &p), PKT_ERROR);
	/* GRE with checksum, key and sequence. */
	f = base;
	memset(gre, 0, sizeof(gre));
	put16(gre, 0xb000);
	put16(gre + 2, 0x0800);
	pre(&f, gre, 16);
	add_ip4x(&f, 47, 100, 200, 1, 0, 0);
	assert_int_equal(decode(101, &f, &p), PKT_OK);
	check_v4_tcp(&p);
	assert_int_equal(p.layers, 1);
	/* GRE, transparent Ethernet bridging, with a VLAN inside. */
	f = base;
	add_vlan(&f, 42, 0x0800);
	add_eth(&f, 0x8100);
	memset(gre, 0, sizeof(gre));
	put16(gre, 0x2000);
	put16(gre + 2, 0x6558);
	pre(&f, gre, 8);
	add_ip6(&f, 47);
	assert_int_equal(decode(229, &f, &p), PKT_OK);
	check_v4_tcp(&p);
	assert_int_equal(p.vlan[0], 42);
	/* PPTP: enhanced GRE (version 1, K S A) with PPP, compressed too. */
	for (int comp = 0; comp <= 1; comp++) {
		static const uint8_t pptp[16] = { 0x30, 0x81, 0x88, 0x0b, 0, 45,
			0, 1, 0, 0, 0, 7, 0, 0, 0, 6 };

		f = base;
		if (comp)
			add_bytes(&f, "\x21");
		else
			add_bytes(&f, "\xff\x03\x00\x21");
		pre(&f, pptp, 16);
		add_ip4(&f, 47);
		assert_int_equal(decode(101, &f, &p), PKT_OK);
		check_v4_tcp(&p);
		assert_int_equal(p.layers, 1);
	}
	/* PPP carrying LCP: reported as GRE. */
	fb_init(&f);
	add_bytes(&f, "\xff\x03\xc0\x21" "lcp");
	memset(gre, 0, sizeof(gre));
	put16(gre, 0x2001);
	put16(gre + 2, 0x880b);
	pre(&f, gre, 8);
	add_ip4(&f, 47);
	assert_int_equal(decode(101, &f, &p), PKT_OK);
	assert_int_equal(p.proto, 47);
	/* GRE carrying something else is reported as GRE. */
	fb_init(&f);
	add_bytes(&f, "payload");
	put16(gre, 0);
	put16(gre + 2, 0x880b);
	pre(&f, gre, 4);
	add_ip4(&f, 47);
	assert_int_equal(decode(101, &f, &p), PKT_OK);
	assert_int_equal(p.proto, 47);
	assert_int_equal(p.paylen, 11);
	/* VXLAN: outer Ethernet/IPv4/UDP 4789, inner Ethernet. */
	f = base;
	add_eth(&f, 0x0800);
	add_bytes(&f, "\x08\0\0\0\0\0\x2a\0");
	add_udp(&f, 55555, 4789);
	add_ip4x(&f, 17, 100, 200, 1, 0, 0);
	add_eth(&f, 0x0800);
	assert_int_equal(decode(1, &f, &p), PKT_OK);
	check_v4_tcp(&p);
	assert_int_equal(p.layers, 1);
	/* Without the I flag it is plain UDP. */
	f.b[f.start + 14 + 20 + 8] = 0;
	assert_int_equal(decode(1, &f, &p), PKT_OK);
	assert_int_equal(p.proto, 17);
	assert_int_equal(p.dport, 4789);
	assert_int_equal(st()->tunnels, 11);
}

static void
test_too_many_layers(void **state)
{
	struct pkt_limits l;
	struct fb f;
	struct pkt p;

	(void)state;
	pkt_decoder_free(&dec);
	pkt_limits_default(&l);
	l.max_layers = 3;
	dec = pkt_decoder_new(&l);
	tcp4(&f);
	for (int i = 0; i < 3; i++)
		add_ip4(&f, 4);
	assert_int_equal(decode(101, &f, &p), PKT_OK);
	assert_int_equal(p.layers, 3);
	check_v4_tcp(&p);
	add_ip4(&f, 4);
	assert_int_equal(decode(101, &f, &p), PKT_ERROR);
	assert_int_equal(st()->too_many_layers, 1);
	/* Default 16: 16 pass, 17 do not. */
	pkt_decoder_free(&dec);
	dec = pkt_decoder_new(NULL);
	tcp4(&f);
	for (int i = 0; i < 16; i++)
		add_ip4(&f, 4);
	assert_int_equal(decode(101, &f, &p), PKT_OK);
	add_ip4(&f, 4);
	assert_int_equal(decode(101, &f, &p), PKT_ERROR);
}

/* A fragmented tunnel: the outer datagram reassembled, then decoded. */
static void
test_frag_tunnel(void **state)
{
	struct fb inner;
	struct pkt p;
	uint8_t w[256];
	size_t n;

	(void)state;
	tcp4(&inner);
	n = fb_len(&inner);
	memcpy(w, fb_data(&inner), n);
	{
		struct fb f;
		uint8_t h[8] = { 4, 0 };

		fb_init(&f);
		pre(&f, w, 24);
		put16(h + 2, 1);
		put32(h + 4, 5);
		pre(&f, h, 8);
		add_ip6(&f, 44);
		assert_int_equal(decode(229, &f, &p), PKT_HELD);
	}
	/* The later fragment's next header (17) does not count. */
	assert_int_equal(frag6(w, 24, n - 24, false, 5, &p), PKT_OK);
	check_v4_tcp(&p);
	assert_int_equal(p.layers, 1);
}


/* ------------------------------------------- tshark as an oracle */

static const char *corpus_dir = "../shared/corpus/ndpi-pcaps";

/* Everything a command writes on stdout, or NULL. */
static uint8_t *
slurp_cmd(const char *cmd, size_t *len_r)
{
	FILE *f = popen(cmd, "r");
	uint8_t *buf = NULL;
	size_t len = 0, cap = 0, n;

	if (f == NULL)
		return NULL;
	for (;;) {
		if (cap - len < 65536) {
			cap = cap * 2 + 65536;
			buf = realloc(buf, cap);
			assert_non_null(buf);
		}
		if ((n = fread(buf + len, 1, cap - len, f)) == 0)
			break;
		len += n;
	}
	pclose(f);
	*len_r = len;
	return buf;
}

static uint32_t
rd32(const uint8_t *p, bool swap)
{
	return swap ? (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3] : (uint32_t)p[3] << 24 |
	    (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

/* The n-th tab-separated field of line (copied into out). */
static void
field(const char *line, int n, char *out, size_t outlen)
{
	const char *p = line, *e;

	for (int i = 0; i < n && p != NULL; i++)
		if ((p = strchr(p, '\t')) != NULL)
			p++;
	out[0] = '\0';
	if (p == NULL)
		return;
	e = p + strcspn(p, "\t\n");
	if ((size_t)(e - p) >= outlen)
		return;
	memcpy(out, p, (size_t)(e - p));
	out[e - p] = '\0';
}

/*
 * Decode every frame of one capture (converted to pcap by tshark) and
 * compare the innermost addresses and ports with what tshark shows.
 */
static void
tshark_compare(const char *name, size_t *compared_r)
{
	char cmd[512], path[256], a[64], want[64], lines_f[8][64];
	uint8_t *pcap, *txt;
	size_t plen, tlen, off = 24, frame = 0, compared = 0;
	char *line, *save;
	char **lines;
	size_t nlines = 0;
	bool swap;
	int lt;
	struct pkt p;

	snprintf(path, sizeof(path), "%s/%s", corpus_dir, name);
	snprintf(cmd, sizeof(cmd), "tshark -r '%s' -F pcap -w - 2>/dev/null",
	    path);
	pcap = slurp_cmd(cmd, &plen);
	assert_non_null(pcap);
	assert_true(plen >= 24);
	swap = pcap[0] == 0xa1 || pcap[0] == 0xa1;
	lt = (int)rd32(pcap + 20, swap);
	snprintf(cmd, sizeof(cmd), "tshark -r '%s' -n -T fields -E "
	    "occurrence=l -e frame.number -e ip.src -e ip.dst -e ipv6.src "
	    "-e ipv6.dst -e tcp.srcport -e tcp.dstport -e udp.srcport "
	    "-e udp.dstport -e icmp.type -e icmpv6.type 2>/dev/null", path);
	txt = slurp_cmd(cmd, &tlen);
	assert_non_null(txt);
	txt = realloc(txt, tlen + 1);
	assert_non_null(txt);
	txt[tlen] = '\0';
	lines = calloc(tlen + 1, sizeof(*lines));
	assert_non_null(lines);
	for (line = (char *)txt; *line != '\0'; line = save + 1) {
		lines[nlines++] = line;
		if ((save = strchr(line, '\n')) == NULL)
			break;
		*save = '\0';
	}
	while (plen - off >= 16) {
		uint32_t cap = rd32(pcap + off + 8, swap);
		uint32_t wire = rd32(pcap + off + 12, swap);
		struct timeval ts = { (time_t)rd32(pcap + off, swap), 0 };
		enum pkt_result r;

		off += 16;
		assert_true(cap <= plen - off);
		r = pkt_decode(dec, lt, &ts, pcap + off, cap, wire, &p);
		off += cap;
		if (frame >= nlines)
			break;
		line = lines[frame++];
		for (int i = 0; i < 8; i++)
			field(line, i + 1, lines_f[i], sizeof(lines_f[i]));
		field(line, 9, a, sizeof(a));
		field(line, 10, want, sizeof(want));
		if (a[0] != '\0' || want[0] != '\0')
			continue;	/* ICMP quotes headers: skip */
		if ((r == PKT_SKIP || r == PKT_ERROR) &&
		    (lines_f[0][0] != '\0' || lines_f[2][0] != '\0'))
			fail_msg("%s frame %zu: result %d, tshark sees IP",
			    name, frame, (int)r);
		if (r != PKT_OK)
			continue;
		compared++;
		ipaddr_format(&p.src, a, sizeof(a));
		if (strcmp(a, lines_f[p.ipver == 4 ? 0 : 2]) != 0)
			fail_msg("%s frame %zu: src %s, tshark %s", name, frame,
			    a, lines_f[p.ipver == 4 ? 0 : 2]);
		ipaddr_format(&p.dst, a, sizeof(a));
		if (strcmp(a, lines_f[p.ipver == 4 ? 1 : 3]) != 0)
			fail_msg("%s frame %zu: dst %s, tshark %s", name, frame,
			    a, lines_f[p.ipver == 4 ? 1 : 3]);
		if (p.proto == 6 || p.proto == 17) {
			int k = p.proto == 6 ? 4 : 6;

			snprintf(a, sizeof(a), "%u", p.sport);
			snprintf(want, sizeof(want), "%u", p.dport);
			if (strcmp(a, lines_f[k]) != 0 ||
			    strcmp(want, lines_f[k + 1]) != 0)
				fail_msg("%s frame %zu: ports %s %s, tshark %s "
				    "%s", name, frame, a, want, lines_f[k],
				    lines_f[k + 1]);
		}
	}
	free(lines);
	free(txt);
	free(pcap);
	*compared_r = compared;
}

static void
test_tshark_corpus(void **state)
{
	static const char *files[] = { "4in4tunnel.pcap", "4in6tunnel.pcap",
		"6in4tunnel.pcap", "6in6tunnel.pcap", "vxlan.pcap",
		"gre.pcapng", "dns.pcap", "discord_mid_flow.pcap",
		"dns_fragmented.pcap", "KakaoTalk_chat.pcap", "stun.pcap" };
	size_t n;

	(void)state;
	if (access(corpus_dir, R_OK) != 0 ||
	    system("tshark -v >/dev/null 2>&1") != 0) {
		skip();
		return;
	}
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		tshark_compare(files[i], &n);
		print_message("%s: %zu packets agree with tshark\n", files[i],
		    n);
		assert_true(n > 0);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_ethernet, setup, teardown),
		cmocka_unit_test_setup_teardown(test_linktypes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vlan, setup, teardown),
		cmocka_unit_test_setup_teardown(test_llc_pppoe_mpls, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_ipv4_options, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_truncated_vs_malformed,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_tcp_udp_lengths, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_ipv6_ext, setup, teardown),
		cmocka_unit_test_setup_teardown(test_frag_orders, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_frag_overlap, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_frag_timeout, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_frag_limits, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_frag_every_order, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_frag_memory_at_limit, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_tunnels, setup, teardown),
		cmocka_unit_test_setup_teardown(test_too_many_layers, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_frag_tunnel, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_tshark_corpus, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
