/*
 * test_tls.c - the ClientHello parser: real hellos from captures (Firefox,
 * Chrome with ECH, a hello with both SNI and the old ESNI), synthetic
 * hellos for every extension case (several SNI entries, missing SNI,
 * GREASE ECH beside a real SNI, inner ECH, over-long and odd names, ALPN
 * over its limit, no extensions), non-TLS and malformed input, and the
 * same answer for every way a hello can be split: every prefix, every
 * 2- and many 3-segment splits of a 1,800-byte post-quantum-sized hello,
 * and hellos spread over several records.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tls.h"

/* Firefox to www.ntop.org (443-firefox.pcap, nDPI test corpus). */
static const char firefox_hex[] =
	"1603010200010001fc0303946bf125d520b848e57d09c375afa7295beb220cd1470e0e81"
	"d09c77a6ebb61c20ee594a6f44641c6449c6cf9207b65d86e1cceefacb12202eaf7f1b92"
	"3823d9f50024130113031302c02bc02fcca9cca8c02cc030c00ac009c013c01400330039"
	"002f0035000a0100018f00000011000f00000c7777772e6e746f702e6f726700170000ff"
	"01000100000a000e000c001d00170018001901000101000b00020100002300000010000e"
	"000c02683208687474702f312e310005000501000000000033006b0069001d002011edef"
	"e3e699ce3aaf8ca89fc09be7532014ef953df40763060d940a582ea04b0017004104d38e"
	"567337fe58d6d51c550202a5902e4978e5397292d86223056995ff63f225b03f1204612f"
	"ebc65cee1e0ec5823870893ffe756ac9cba259bfbf1461b4ed73002b0009080304030303"
	"020301000d0018001604030503060308040805080604010501060102030201002d000201"
	"01001c000240010015009200000000000000000000000000000000000000000000000000"
	"000000000000000000000000000000000000000000000000000000000000000000000000"
	"000000000000000000000000000000000000000000000000000000000000000000000000"
	"000000000000000000000000000000000000000000000000000000000000000000000000"
	"00000000000000000000000000"	;

/* Chrome with ECH to performance.radar.cloudflare.com (tls_ech.pcapng). */
static const char ech_hex[] =
	"16030102430100023f03031d2866261a24cc0c15c6deba5b0e971a19a23b72524d3a1ca2"
	"acea56d01fdbbe20e09ca0ae22123a165f0100faf20dfb792cf518b9400a8bb52ef80b3c"
	"06059cd90020aaaa130113021303c02bc02fc02cc030cca9cca8c013c014009c009d002f"
	"0035010001d66a6a00000033002b00291a1a000100001d002074494288d7ffc1faa04696"
	"8556f646b024a855feed27c793e8085413aa74113600230000ff01000100002d00020101"
	"001b0003020002000a000a00081a1a001d00170018001700000005000501000000000012"
	"0000002b000706dada03040303000d001200100403080404010503080505010806060100"
	"10000e000c02683208687474702f312e31000000250023000020706572666f726d616e63"
	"652e72616461722e636c6f7564666c6172652e636f6dfe0d00fa0000010001d800209557"
	"c100c71bf776929056d021591f6515001dc1df1125b92408d98681a5a16700d00df0970d"
	"9f7cb426c059b1e0fe95fd7c22f8a5444d65321496fa85781e4c5e31465cc703e3368adc"
	"8b46a6aab2d9d2bdee3004e5d5c0898b0355317f3212d160e1e806aa45cc3e0a35150607"
	"18c976025afd3f04b96dbd039a99f4a7d98821a9adaa372829dab7bc9965959a5a8f4ee3"
	"6506cd1baba08bd2597f464403dcfeed9a3c49f2b82e53a5ca8d09ea43158b58c78786a7"
	"2c6cfabb9999fa31aaae2a2f54142f47befcf542c80530584e2583d678322700f69cb23b"
	"f6cca0810c3def3ca164d3dfeb617e7b64dbe76e6489c4da000b00020100446900050003"
	"026832fafa000100"	;

/* SNI beside the old ESNI extension 0xffce (tls_esni_sni_both.pcap). */
static const char esni_hex[] =
	"160301027501000271030306a564656b2876dad16d5c40339a325ebc316cd485aa0b8bb6"
	"6d76f1c0813af710b70b63dd114e5411e6452f0a0f975600000613031301130201000232"
	"00000033003100002e74686573652d6172652d6e6f742d7468652d64726f6964732d796f"
	"7572652d6c6f6f6b696e672d666f722e636f6dffce016e1301001d0020db3df8309b60ee"
	"5190359d24f44d36d9725df0f96fd4c4af8a78d4d0f17668580020bf707e086a555f3e66"
	"0ec52dac0bcbe8bb5c597b5c923f26d33c6e9125c6b9bc0124b8845d1a37225d055cb718"
	"7b6d7cbd852adfda5269097680cb388af4fc9f5c7bce03772d5259820afc2da5c949a663"
	"f997d270bbd2525d0d7c4d83e6fa9cfa038c1e78c2c847bb2033853998e7d391737c1cbb"
	"3796a9f7f24d5e88f6c5af94e95d93c2f8a168e73f18d090eab69d7c689afa7ad9bcaafe"
	"fcf496509dd4dfeb3e96ce334f2b00a6c03c1f9c1bf5040ba031e789d03185ddb6bd2d21"
	"05a91463519a23caae0295e3f068b701d99b1ab486583c7254dda07be99d50c23e4681cb"
	"62a5faa669adfef76693137788b3c0a5b0eec36e004f8a11e7b5b14dd37f50c1f6f20d68"
	"828620befb7460a5d6910255c126f921fe6b70f2e9c7299683fae6f9d068b139bad1ef70"
	"9da821642b00fa7fd1bba44ef6c3dac61043c434224f3e570f62daa4bf00050005010000"
	"0000000a000a0008001d001700180019000b00020100000d001800160804040104030805"
	"050105030806060106030201020300320012001004010403050105030601060302010203"
	"ff0100010000120000003300260024001d0020ac17ad824f38f7a764641fd5ad82cfc6ba"
	"50c2e705867dc469f26bf78cc27833002b0003020304"	;

static uint8_t *
unhex(const char *hex, size_t *len_r)
{
	size_t n = strlen(hex) / 2;
	uint8_t *p = malloc(n);

	assert_non_null(p);
	for (size_t i = 0; i < n; i++) {
		unsigned v;

		assert_int_equal(sscanf(hex + 2 * i, "%2x", &v), 1);
		p[i] = (uint8_t)v;
	}
	*len_r = n;
	return p;
}

/* A small byte builder with back-patched length prefixes. */
struct bb {
	uint8_t p[80000];
	size_t len;
};

static void
b8(struct bb *b, unsigned v)
{
	assert_true(b->len < sizeof(b->p));
	b->p[b->len++] = (uint8_t)v;
}

static void
b16(struct bb *b, unsigned v)
{
	b8(b, v >> 8);
	b8(b, v & 0xff);
}

static void
bbytes(struct bb *b, const void *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		b8(b, ((const uint8_t *)p)[i]);
}

/* Open a length field of n bytes; close() fills it. */
static size_t
bopen(struct bb *b, unsigned n)
{
	size_t at = b->len;

	for (unsigned i = 0; i < n; i++)
		b8(b, 0);
	return at;
}

static void
bclose(struct bb *b, size_t at, unsigned n)
{
	size_t v = b->len - at - n;

	for (unsigned i = 0; i < n; i++)
		b->p[at + i] = (uint8_t)(v >> (8 * (n - 1 - i)));
}

struct hello_opts {
	const char *sni[3];	/* host_name entries (NULL ends) */
	bool sni_other_first;	/* a name_type 1 entry before them */
	const char *alpn[12];
	int ech;		/* -1 none, else ECHClientHelloType */
	size_t keyshare;	/* bytes of key_share payload */
	bool no_extensions;
	bool tls13;
};

/* A ClientHello handshake message (type, u24 length, body). */
static void
build_hello(struct bb *b, const struct hello_opts *o)
{
	size_t hs, exts, e, l;

	b8(b, 1);
	hs = bopen(b, 3);
	b16(b, 0x0303);
	for (int i = 0; i < 32; i++)
		b8(b, i);
	b8(b, 32);
	for (int i = 0; i < 32; i++)
		b8(b, 0xa0 + i);
	b16(b, 4);
	b16(b, 0x1301);
	b16(b, 0xc02f);
	b8(b, 1);
	b8(b, 0);
	if (o->no_extensions) {
		bclose(b, hs, 3);
		return;
	}
	exts = bopen(b, 2);
	b16(b, 0x0a0a);		/* GREASE, empty */
	b16(b, 0);
	if (o->sni[0] != NULL || o->sni_other_first) {
		b16(b, 0);
		e = bopen(b, 2);
		l = bopen(b, 2);
		if (o->sni_other_first) {
			b8(b, 1);
			b16(b, 5);
			bbytes(b, "other", 5);
		}
		for (int i = 0; i < 3 && o->sni[i] != NULL; i++) {
			b8(b, 0);
			b16(b, (unsigned)strlen(o->sni[i]));
			bbytes(b, o->sni[i], strlen(o->sni[i]));
		}
		bclose(b, l, 2);
		bclose(b, e, 2);
	}
	if (o->alpn[0] != NULL) {
		b16(b, 16);
		e = bopen(b, 2);
		l = bopen(b, 2);
		for (int i = 0; i < 12 && o->alpn[i] != NULL; i++) {
			b8(b, (unsigned)strlen(o->alpn[i]));
			bbytes(b, o->alpn[i], strlen(o->alpn[i]));
		}
		bclose(b, l, 2);
		bclose(b, e, 2);
	}
	if (o->tls13) {
		b16(b, 43);
		b16(b, 5);
		b8(b, 4);
		b16(b, 0x0304);
		b16(b, 0x0303);
	}
	if (o->keyshare > 0) {
		b16(b, 51);
		e = bopen(b, 2);
		l = bopen(b, 2);
		b16(b, 0x11ec);	/* X25519MLKEM768 */
		b16(b, (unsigned)o->keyshare);
		for (size_t i = 0; i < o->keyshare; i++)
			b8(b, (unsigned)(i * 7));
		bclose(b, l, 2);
		bclose(b, e, 2);
	}
	if (o->ech >= 0) {
		b16(b, 0xfe0d);
		e = bopen(b, 2);
		b8(b, (unsigned)o->ech);
		for (int i = 0; i < 40; i++)
			b8(b, i);
		bclose(b, e, 2);
	}
	bclose(b, exts, 2);
	bclose(b, hs, 3);
}

/* Wrap handshake bytes in handshake records of at most recsize bytes. */
static void
wrap_records(struct bb *out, const uint8_t *hs, size_t n, size_t recsize)
{
	out->len = 0;
	for (size_t off = 0; off < n; off += recsize) {
		size_t k = n - off < recsize ? n - off : recsize;

		b8(out, 22);
		b16(out, off == 0 ? 0x0301 : 0x0303);
		b16(out, (unsigned)k);
		bbytes(out, hs + off, k);
	}
}

static void
same_hello(const struct tls_hello *a, const struct tls_hello *b)
{
	assert_memory_equal(a, b, sizeof(*a));
}

/*
 * Every proper prefix is 0 (more needed) and the whole input gives the
 * same hello.  Each call gets an exact-size heap copy so ASan sees any
 * read past the prefix.
 */
static void
check_prefixes(const uint8_t *p, size_t len, const struct tls_hello *want,
    int (*fn)(const uint8_t *, size_t, struct tls_hello *))
{
	struct tls_hello h;

	for (size_t i = 0; i < len; i++) {
		uint8_t *cp = malloc(i + 1);

		assert_non_null(cp);
		memcpy(cp, p, i);
		assert_int_equal(fn(cp, i, &h), 0);
		free(cp);
	}
	assert_int_equal(fn(p, len, &h), 1);
	same_hello(&h, want);
}

static void
real_hello(const char *hex, struct tls_hello *h, int want_rc)
{
	size_t len;
	uint8_t *p = unhex(hex, &len);

	assert_int_equal(tls_parse_records(p, len, h), want_rc);
	check_prefixes(p, len, h, tls_parse_records);
	{
		struct tls_hello h2;

		assert_int_equal(tls_parse_handshake(p + 5, len - 5, &h2), 1);
		same_hello(h, &h2);
	}
	free(p);
}

static void
test_real_firefox(void **state)
{
	struct tls_hello h;

	(void)state;
	real_hello(firefox_hex, &h, 1);
	assert_true(h.has_sni);
	assert_string_equal(h.sni, "www.ntop.org");
	assert_int_equal(h.nalpn, 2);
	assert_string_equal(h.alpn[0], "h2");
	assert_string_equal(h.alpn[1], "http/1.1");
	assert_false(h.has_ech);
	assert_true(h.has_supported_versions_13);
	assert_int_equal(h.legacy_version, 0x0303);
}

static void
test_real_chrome_ech(void **state)
{
	struct tls_hello h;

	(void)state;
	real_hello(ech_hex, &h, 1);
	assert_true(h.has_sni);
	assert_string_equal(h.sni, "performance.radar.cloudflare.com");
	assert_true(h.has_ech);
	assert_true(h.ech_outer);
	assert_int_equal(h.nalpn, 2);
	assert_int_equal(h.nextensions, 18);
}

static void
test_real_esni(void **state)
{
	struct tls_hello h;

	(void)state;
	real_hello(esni_hex, &h, 1);
	assert_string_equal(h.sni,
	    "these-are-not-the-droids-youre-looking-for.com");
	assert_false(h.has_ech);
	assert_int_equal(h.nalpn, 0);
}

static struct bb hsb, recb;

static const struct tls_hello *
parse_built(const struct hello_opts *o, int want_rc)
{
	static struct tls_hello h;

	hsb.len = 0;
	build_hello(&hsb, o);
	wrap_records(&recb, hsb.p, hsb.len, 16384);
	assert_int_equal(tls_parse_records(recb.p, recb.len, &h), want_rc);
	return &h;
}

static void
test_sni_cases(void **state)
{
	struct hello_opts o = { .ech = -1 };
	const struct tls_hello *h;

	(void)state;
	/* Missing SNI. */
	h = parse_built(&o, 1);
	assert_false(h->has_sni);
	assert_string_equal(h->sni, "");
	/* Several entries: the first host_name wins. */
	o.sni[0] = "Mail.Google.COM";
	o.sni[1] = "evil.example";
	o.sni_other_first = true;
	h = parse_built(&o, 1);
	assert_true(h->has_sni);
	assert_string_equal(h->sni, "mail.google.com");
	/* Odd bytes escaped. */
	o.sni[0] = "a b\\c\x7f.x";
	o.sni[1] = NULL;
	o.sni_other_first = false;
	h = parse_built(&o, 1);
	assert_string_equal(h->sni, "a\\032b\\092c\\127.x");
	/* Empty host_name: ignored. */
	o.sni[0] = "";
	h = parse_built(&o, 1);
	assert_false(h->has_sni);
}

static void
test_sni_long(void **state)
{
	struct hello_opts o = { .ech = -1 };
	const struct tls_hello *h;
	char name[400];

	(void)state;
	/* Exactly fits: 255 bytes. */
	memset(name, 'a', 255);
	name[255] = '\0';
	o.sni[0] = name;
	h = parse_built(&o, 1);
	assert_string_equal(h->sni, name);
	/* Over: cut, marked so it cannot end like a listed name. */
	memset(name, 'a', 300);
	memcpy(name + 290, ".gmail.com", 10);
	name[300] = '\0';
	h = parse_built(&o, 1);
	assert_int_equal(strlen(h->sni), TLS_SNI_MAX - 1);
	assert_string_equal(h->sni + strlen(h->sni) - 4, "\\...");
	/* Escapes near the cut are not split. */
	memset(name, '*', 300);
	name[300] = '\0';
	h = parse_built(&o, 1);
	assert_true(strlen(h->sni) < TLS_SNI_MAX);
	assert_string_equal(h->sni + strlen(h->sni) - 8, "\\042\\...");
}

static void
test_ech(void **state)
{
	struct hello_opts o = { .ech = 0, .sni = { "www.example.com" } };
	const struct tls_hello *h;

	(void)state;
	/* GREASE ECH looks like outer ECH beside a real SNI. */
	h = parse_built(&o, 1);
	assert_true(h->has_ech);
	assert_true(h->ech_outer);
	assert_string_equal(h->sni, "www.example.com");
	o.ech = 1;
	h = parse_built(&o, 1);
	assert_true(h->has_ech);
	assert_false(h->ech_outer);
}

static void
test_alpn(void **state)
{
	struct hello_opts o = { .ech = -1, .tls13 = true, .alpn = { "h2",
	    "http/1.1", "a", "b", "c", "d", "e", "f", "g", "h",
	    "a-very-long-protocol-identifier-over-32" } };
	const struct tls_hello *h;

	(void)state;
	h = parse_built(&o, 1);
	assert_int_equal(h->nalpn, TLS_ALPN_MAX);
	assert_string_equal(h->alpn[0], "h2");
	assert_string_equal(h->alpn[7], "f");
	assert_true(h->has_supported_versions_13);
	o.alpn[2] = "a-very-long-protocol-identifier-over-32";
	h = parse_built(&o, 1);
	assert_int_equal(strlen(h->alpn[2]), TLS_ALPN_LEN - 1);
	o.alpn[2] = "x\x01y";
	h = parse_built(&o, 1);
	assert_string_equal(h->alpn[2], "x\\001y");
}

static void
test_no_extensions(void **state)
{
	struct hello_opts o = { .ech = -1, .no_extensions = true };
	const struct tls_hello *h;

	(void)state;
	h = parse_built(&o, 1);
	assert_false(h->has_sni);
	assert_int_equal(h->nextensions, 0);
}

/* A ClientHello of the size post-quantum key shares give (~1,800 bytes). */
static void
big_hello(struct bb *rec, size_t recsize, struct tls_hello *want)
{
	struct hello_opts o = { .ech = 0, .sni = { "outlook.office365.com" },
	    .alpn = { "h2", "http/1.1" }, .keyshare = 1120 + 32,
	    .tls13 = true };

	hsb.len = 0;
	build_hello(&hsb, &o);
	wrap_records(rec, hsb.p, hsb.len, recsize);
	assert_int_equal(tls_parse_records(rec->p, rec->len, want), 1);
	assert_string_equal(want->sni, "outlook.office365.com");
}

static void
test_split_two_three(void **state)
{
	struct tls_hello want, h;
	size_t len;

	(void)state;
	big_hello(&recb, 16384, &want);
	len = recb.len;
	assert_true(len >= 1300 && len <= 1900);
	/* Two segments: every split point; growing prefixes as the engine
	 * feeds them. */
	check_prefixes(recb.p, len, &want, tls_parse_records);
	/* Three segments. */
	for (size_t i = 1; i < len; i++) {
		for (size_t j = i + 1; j < len; j += 53) {
			assert_int_equal(tls_parse_records(recb.p, i, &h), 0);
			assert_int_equal(tls_parse_records(recb.p, j, &h), 0);
			assert_int_equal(tls_parse_records(recb.p, len, &h), 1);
			same_hello(&h, &want);
		}
	}
	/* Another record type before the hello is whole: not a hello. */
	{
		static struct bb r3;
		size_t half = hsb.len / 2;

		wrap_records(&r3, hsb.p, half, 16384);
		memcpy(r3.p + r3.len, "\x15\x03\x03\x00\x02\x02\x28", 7);
		assert_int_equal(tls_parse_records(r3.p, r3.len, &h), 0);
		assert_int_equal(tls_parse_records(r3.p, r3.len + 1, &h), -1);
		assert_int_equal(tls_parse_records(r3.p, r3.len + 7, &h), -1);
	}
	/* Bytes after the hello (the next record) change nothing. */
	memset(recb.p + len, 0x17, 50);
	assert_int_equal(tls_parse_records(recb.p, len + 50, &h), 1);
	same_hello(&h, &want);
	/* The handshake alone, as QUIC gives it. */
	check_prefixes(hsb.p, hsb.len, &want, tls_parse_handshake);
}

static void
test_many_records(void **state)
{
	struct tls_hello want, h;
	static struct bb r2;
	size_t sizes[] = { 1, 2, 3, 4, 5, 7, 100, 512, 1000 };

	(void)state;
	big_hello(&recb, 16384, &want);
	for (size_t k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
		wrap_records(&r2, hsb.p, hsb.len, sizes[k]);
		assert_int_equal(tls_parse_records(r2.p, r2.len, &h), 1);
		same_hello(&h, &want);
		if (sizes[k] >= 100)
			check_prefixes(r2.p, r2.len, &want, tls_parse_records);
	}
}

static void
test_not_tls(void **state)
{
	struct tls_hello h;
	static const uint8_t sslv2[] = { 0x80, 0x2e, 0x01, 0x00, 0x02, 0x00,
		0x15, 0x00, 0x00, 0x00, 0x10 };
	static const uint8_t appdata[] = { 0x17, 0x03, 0x03, 0x00, 0x10 };
	static const uint8_t badver[] = { 0x16, 0x02, 0x00, 0x00, 0x10 };
	static const uint8_t badminor[] = { 0x16, 0x03, 0x09 };
	static const uint8_t server_hello[] = { 0x16, 0x03, 0x03, 0x00, 0x10,
		0x02 };
	static const uint8_t zero_rec[] = { 0x16, 0x03, 0x01, 0x00, 0x00 };
	static const uint8_t huge_rec[] = { 0x16, 0x03, 0x01, 0xff, 0xff };
	static const uint8_t huge_hs[] = { 0x16, 0x03, 0x01, 0x00, 0x10,
		0x01, 0x01, 0x00, 0x00 };
	static const uint8_t tiny_hs[] = { 0x16, 0x03, 0x01, 0x00, 0x08,
		0x01, 0x00, 0x00, 0x04, 0x03, 0x03, 0x00, 0x00 };

	(void)state;
	assert_int_equal(tls_parse_records((const uint8_t *)"GET / HTTP/1.1\r\n",
	    16, &h), -1);
	assert_int_equal(tls_parse_records(sslv2, sizeof(sslv2), &h), -1);
	assert_int_equal(tls_parse_records(appdata, sizeof(appdata), &h), -1);
	assert_int_equal(tls_parse_records(badver, sizeof(badver), &h), -1);
	assert_int_equal(tls_parse_records(badminor, 3, &h), -1);
	assert_int_equal(tls_parse_records(badminor, 2, &h), 0);
	assert_int_equal(tls_parse_records(server_hello, 6, &h), -1);
	assert_int_equal(tls_parse_records(server_hello, 5, &h), 0);
	assert_int_equal(tls_parse_records(zero_rec, 5, &h), -1);
	assert_int_equal(tls_parse_records(huge_rec, 5, &h), -1);
	assert_int_equal(tls_parse_records(huge_hs, sizeof(huge_hs), &h), -1);
	assert_int_equal(tls_parse_records(tiny_hs, sizeof(tiny_hs), &h), -1);
	assert_int_equal(tls_parse_records(NULL, 0, &h), 0);
	assert_int_equal(tls_parse_handshake(NULL, 0, &h), 0);
	assert_int_equal(tls_parse_handshake((const uint8_t *)"\x02", 1, &h),
	    -1);
}

/* Malformed vectors inside an otherwise whole hello. */
static void
test_malformed(void **state)
{
	struct hello_opts o = { .ech = -1, .sni = { "a.example" },
	    .alpn = { "h2" } };
	struct tls_hello h;
	size_t at;

	(void)state;
	hsb.len = 0;
	build_hello(&hsb, &o);
	/* SNI list length one more than the extension holds. */
	for (at = 0; at + 9 < hsb.len; at++)
		if (memcmp(hsb.p + at, "\x00\x00\x00\x0e\x00\x0c\x00\x00\x09",
		    9) == 0)
			break;
	assert_true(at + 9 < hsb.len);
	hsb.p[at + 5]++;
	assert_int_equal(tls_parse_handshake(hsb.p, hsb.len, &h), -1);
	hsb.p[at + 5]--;
	assert_int_equal(tls_parse_handshake(hsb.p, hsb.len, &h), 1);
	/* Extensions length past the body. */
	hsb.p[4 + 2 + 32 + 1 + 32 + 2 + 4 + 2]++;
	assert_int_equal(tls_parse_handshake(hsb.p, hsb.len, &h), -1);
	hsb.p[4 + 2 + 32 + 1 + 32 + 2 + 4 + 2]--;
	/* Session id over 32. */
	hsb.p[4 + 2 + 32] = 33;
	assert_int_equal(tls_parse_handshake(hsb.p, hsb.len, &h), -1);
	hsb.p[4 + 2 + 32] = 32;
	/* Odd cipher suite length. */
	hsb.p[4 + 2 + 32 + 1 + 32 + 1] = 3;
	assert_int_equal(tls_parse_handshake(hsb.p, hsb.len, &h), -1);
	hsb.p[4 + 2 + 32 + 1 + 32 + 1] = 4;
	assert_int_equal(tls_parse_handshake(hsb.p, hsb.len, &h), 1);
	/* Every single-byte corruption: no crash, and 1 or -1. */
	for (size_t i = 0; i < hsb.len; i++) {
		uint8_t save = hsb.p[i];

		hsb.p[i] ^= 0xff;
		assert_true(tls_parse_handshake(hsb.p, hsb.len, &h) != 2);
		hsb.p[i] = save;
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_real_firefox),
		cmocka_unit_test(test_real_chrome_ech),
		cmocka_unit_test(test_real_esni),
		cmocka_unit_test(test_sni_cases),
		cmocka_unit_test(test_sni_long),
		cmocka_unit_test(test_ech),
		cmocka_unit_test(test_alpn),
		cmocka_unit_test(test_no_extensions),
		cmocka_unit_test(test_split_two_three),
		cmocka_unit_test(test_many_records),
		cmocka_unit_test(test_not_tls),
		cmocka_unit_test(test_malformed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
