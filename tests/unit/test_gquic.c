/*
 * test_gquic.c - Google QUIC CHLO parsing: real first packets of Q024,
 * Q039, Q043 and Q046 (nDPI test captures quic.pcap, quic_q39.pcap,
 * quic_q43.pcap, quic_q46.pcap; LGPL-3.0 test data, see
 * ../shared/corpus/ndpi-pcaps/README.md) and synthetic CHLOs: no SNI,
 * names to escape and to cut, tag offsets going backwards, too many tags,
 * every truncation of a real packet and of a CHLO, and packets that are
 * not gQUIC (IETF QUIC, reset, no version, later frames only).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "gquic.h"

static const char q024_hex[] =
	"0db2de5df14f5545eb51303234013b6e8986f83cf3b7a6ab5d0501a001000443484c4f18"
	"0000005041440087010000534e49009601000053544b00d001000056455200d401000043"
	"435300e40100004e4f4e43040200004d53504308020000414541440c0200005541494424"
	"0200005343494434020000544349443802000050444d443c020000535242464002000049"
	"43534c44020000505542536402000053434c53680200004b4558536c020000434f50546c"
	"02000043435254840200004347535488020000495254548c020000434554563003000043"
	"4643573403000053464357380300002d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d"
	"2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d"
	"2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d"
	"2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d"
	"2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d"
	"2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d"
	"2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d"
	"2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d"
	"2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d"
	"2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d"
	"2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d"
	"2d2d2d2d2d2d2d2d2d2d6d61696c2e676f6f676c652e636f6d3d3ebfa7b081c46fae50c5"
	"97822008a06d2d25d5c3bde492f6d20e6bdc98e7f64c1331ba5beb1b3f3219315d1798cb"
	"3447ebc5d0d8953e3ac15851303234399ff95340f7fec97b26e9e7e45c71ff554db350b5"
	"902b71af4095f543c82cda09eb0da178d3aed131d79999dba978df640000004145534762"
	"657461204368726f6d652f34332e302e323335372e343592805b8a4bd6ee4ade261cdcc5"
	"e545bc0000000058353039000004001e000000b522ba0c12e577ba955efedf94ab0e3850"
	"362d970cf30cfd201aebbe39abad310100000043323535b2ca6412d9a4f3c31247fd4d42"
	"91e508400b7b90a9ae79eb514249433860010025e68382969dad1307a79de61db488b540"
	"d734ded051833a9b7314a688955c2ff4ae8b37bb8c740e33c15648075881c979262033de"
	"6808d1f0a0c78845e22cc7658a59cd2315ebb1fdfafa74a6032c03f7d30c89ae504a88c3"
	"60f427931fe4a5cdbe5a480bb930fbc7a26e80a9ed549d0e7200516b765b79a5736c8cd7"
	"4fd0eeb6c2b4cdd9854e54fb3f317fd58d0aba961ff6e93892a9e51af40ba14bb2c8a6c5"
	"a2fbba0000a0000000a00000000000000000000000000000000000000000000000000000"
	"000000000000000000000000000000000000000000000000000000000000000000000000"
	"000000000000000000000000000000000000000000000000000000000000000000000000"
	"000000000000000000000000000000000000000000000000000000000000000000000000"
	"000000000000000000000000000000000000000000000000000000000000000000000000"
	"000000000000000000000000000000000000000000000000000000000000000000000000"
	"000000000000000000000000000000000000000000000000000000000000000000000000"
	"000000000000000000000000000000000000000000000000000000000000000000000000"
	"000000000000000000000000000000000000"
	;
static const char q039_hex[] =
	"0de71ad5d7756c4d4d5130333901699b9f009c99d068752a7e01a001040043484c4f1b00"
	"000050414400d4010000534e4900e101000053544b0017020000564552001b0200004343"
	"53002b0200004e4f4e434b0200004d5350434f0200004145414453020000554149448002"
	"00005343494490020000544349449402000050444d4498020000534d484c9c0200004943"
	"534ca00200004354494da80200004e4f4e50c802000050554253e80200004d494453ec02"
	"000053434c53f00200004b455853f4020000584c4354fc02000043534354fc020000434f"
	"5054fc02000043435254140300004952545418030000434643571c030000534643572003"
	"00002d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d"
	"2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d"
	"2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d"
	"2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d"
	"2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d"
	"2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d"
	"2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d"
	"2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d"
	"2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d"
	"2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d"
	"2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d"
	"2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d"
	"2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d"
	"2d2d732e796f75747562652e636f6d1e663d92ed4e638d30c4071fcb21c55800ae291bbd"
	"191e95db1749b3fd436560d18082dbbe2e983f299d3b2b3c2e645286f7449854d2513033"
	"3901e8816092921ae87eed8086a215829159f305f230303030303030304e1b0caafa72a5"
	"abfee0ca333d7cad477e67119b6400000041455347636f6d2e676f6f676c652e616e6472"
	"6f69642e796f75747562652043726f6e65742f36332e302e333232332e3711b52435c73a"
	"d4cb6a8ec26b94e520160000000058353039010000001e000000f205f359000000009485"
	"5eb98d0b35b65c2c0233a0db0b7d9cd987f110b3e38d2b4351b6aaef09874f26382d0042"
	"5bf88d26a525cf659de3ab44465873bdd102e35b9da1fee5371064000000010000004332"
	"353543c323138df881ef43c323138df881ef9a91ed6f1c00810e400b7b90a9ae79eb836a"
	"15000000f000000060000000000000000000000000000000000000000000000000000000"
	"000000000000000000000000000000000000000000000000000000000000000000000000"
	"000000000000000000000000000000000000000000000000000000000000000000000000"
	"000000000000000000000000000000000000000000000000000000000000000000000000"
	"000000000000000000000000000000000000000000000000000000000000000000000000"
	"000000000000000000000000000000000000000000000000000000000000000000000000"
	"000000000000000000000000000000000000000000000000000000000000000000000000"
	"000000000000000000000000000000000000000000000000000000000000000000000000"
	"000000000000000000000000000000000000"
	;
static const char q043_hex[] =
	"0de83c77bd8f8915f95130343301d4a6cc79cf5763921201d4caa001040043484c4f1800"
	"00005041440028020000534e49003602000053544b006c02000056455200700200004343"
	"5300800200004e4f4e43a002000041454144a402000053434944b402000054434944b802"
	"000050444d44bc020000534d484cc00200004943534cc40200004e4f4e50e40200005055"
	"4253040300004d4944530803000053434c530c0300004b45585310030000584c43541803"
	"00004353435418030000434f50541c030000434352542c03000049525454300300004346"
	"43573403000053464357380300002d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d"
	"2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d"
	"2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d"
	"2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d"
	"2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d"
	"2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d"
	"2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d"
	"2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d"
	"2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d"
	"2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d"
	"2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d"
	"2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d"
	"2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d"
	"2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d"
	"2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d"
	"2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d646e732e676f6f676c65"
	"2e636f6d1f3290420b723fed146adc9385df3f2209232d56a7610eca3f7a49bbf93b16d0"
	"ec6b7376a5d51ecb517af4eee63f6c38a2a85773046d5130343301e8816092921ae87eed"
	"8086a21582915ee8984c30303030303030302fcc38c673c189a85e344d7cc97fa2f69a11"
	"f7d8414553477e729f7c8c65f5a0ed021564ac1b5e600000000058353039010000001e00"
	"0000ecff4622d6632f27e31e14b54cd3ab05c533ed1bb89c8076c977a14f82ecd9e43b29"
	"480af5aa624e028806a9d7f23bd409d3916fb24d67e1983b402584d03922640000000100"
	"0000433235355bec77d2f64499534e5354505bec77d2f64499536032cb92a0414ddff980"
	"02000000f000000060000000000000000000000000000000000000000000000000000000"
	"000000000000000000000000000000000000000000000000000000000000000000000000"
	"000000000000000000000000000000000000000000000000000000000000000000000000"
	"000000000000000000000000000000000000000000000000000000000000000000000000"
	"000000000000000000000000000000000000000000000000000000000000000000000000"
	"000000000000000000000000000000000000000000000000000000000000000000000000"
	"000000000000000000000000000000000000000000000000000000000000000000000000"
	"000000000000000000000000000000000000000000000000000000000000000000000000"
	"000000000000000000000000000000000000"
	;
static const char q046_hex[] =
	"c35130343650eacfe6e706df272d0000000460da58929f6839d0860efc58a40104000400"
	"43484c4f1a00000050414400b6010000534e4900c501000053544b00fd010000534e4f00"
	"31020000564552003502000043435300450200004e4f4e43650200004145414469020000"
	"554149449402000053434944a402000054434944a802000050444d44ac020000534d484c"
	"b00200004943534cb40200004e4f4e50d402000050554253f40200004d494453f8020000"
	"53434c53fc0200004b45585300030000584c4354080300004353435408030000434f5054"
	"0c030000434352541c030000495254542003000043464357240300005346435728030000"
	"2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d"
	"2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d"
	"2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d"
	"2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d"
	"2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d"
	"2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d"
	"2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d"
	"2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d"
	"2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d"
	"2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d"
	"2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d"
	"2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d"
	"2d2d2d2d2d2d706c61792e676f6f676c652e636f6d4c5e5068944a6933684a92766f2570"
	"fe7da347f4978830146b14570b20e5687d77a18191be698b87951f9f057eaa43fcac12ea"
	"97a3f47158690860d7272a2eeea760f9d9c1c96240913498f82521f327d8398311748158"
	"21e3ba64a1101b3be1396c6c19d9246d09348e835d5130343601e8816092921ae87eed80"
	"86a21582915cf619d1303030303030303020d56a5d1448a1930b3a731a0987572712e76f"
	"e4414553474368726f6d652f37342e302e333732392e31353720416e64726f696420382e"
	"302e303b20424e442d4c3231a99d8b89310f3e52396ceb51976b16c30000000058353039"
	"010000001e0000003ee7e131018f4a678dd6022e606e840669dfd7658f4d82c0b2bc0be5"
	"7a7db88a6619ba2c6ec79409e3e783ea192948625f0e7f7e5c117227ad6b146d2dd8c92b"
	"64000000010000004332353533f8a7f05a47764a4e53545033f8a7f05a47764a67f8adc5"
	"8015e3ff7bb800000000f000000060000000000000000000000000000000000000000000"
	"000000000000000000000000000000000000000000000000000000000000000000000000"
	"000000000000000000000000000000000000000000000000000000000000000000000000"
	"000000000000000000000000000000000000000000000000000000000000000000000000"
	"000000000000000000000000000000000000000000000000000000000000000000000000"
	"000000000000000000000000000000000000000000000000000000000000000000000000"
	"000000000000000000000000000000000000000000000000000000000000000000000000"
	"000000000000000000000000000000000000000000000000000000000000000000000000"
	"000000000000000000000000000000000000"
	;

static size_t
unhex(const char *s, uint8_t *out, size_t cap)
{
	size_t n = strlen(s) / 2;

	assert_true(n <= cap);
	for (size_t i = 0; i < n; i++) {
		unsigned v;

		assert_int_equal(sscanf(s + 2 * i, "%2x", &v), 1);
		out[i] = (uint8_t)v;
	}
	return n;
}

static void
real_packet(const char *hex, uint32_t version, const char *want)
{
	uint8_t b[1500];
	size_t n = unhex(hex, b, sizeof(b));
	uint32_t v = 0;
	char sni[GQUIC_SNI_MAX];

	assert_true(gquic_is_client_packet(b, n, &v));
	assert_int_equal(v, version);
	v = 0;
	assert_int_equal(gquic_parse_packet(b, n, &v, sni, sizeof(sni)), 1);
	assert_int_equal(v, version);
	assert_string_equal(sni, want);
	/* Every truncation: never a CHLO with another name, never a fault. */
	for (size_t k = 0; k < n; k++) {
		int rc = gquic_parse_packet(b, k, &v, sni, sizeof(sni));

		assert_true(rc >= -1 && rc <= 1);
		if (rc == 1)
			assert_string_equal(sni, want);
		(void)gquic_is_client_packet(b, k, &v);
	}
}

static void
test_q024(void **state)
{
	(void)state;
	real_packet(q024_hex, 0x51303234, "mail.google.com");
}

static void
test_q039(void **state)
{
	(void)state;
	real_packet(q039_hex, 0x51303339, "s.youtube.com");
}

static void
test_q043(void **state)
{
	(void)state;
	real_packet(q043_hex, 0x51303433, "dns.google.com");
}

static void
test_q046(void **state)
{
	(void)state;
	real_packet(q046_hex, 0x51303436, "play.google.com");
}

struct chlo {
	uint8_t b[2048];
	size_t len;
};

static void
put(struct chlo *c, const void *p, size_t n)
{
	assert_true(n <= sizeof(c->b) - c->len);
	memcpy(c->b + c->len, p, n);
	c->len += n;
}

static void
put_le(struct chlo *c, uint32_t v, unsigned bytes)
{
	for (unsigned i = 0; i < bytes; i++) {
		uint8_t x = (uint8_t)(v >> 8 * i);

		put(c, &x, 1);
	}
}

/* A CHLO with the given tags and values. */
static void
make_chlo(struct chlo *c, unsigned n, const char *const *tags,
    const char *const *vals)
{
	uint32_t end = 0;

	memset(c, 0, sizeof(*c));
	put(c, "CHLO", 4);
	put_le(c, n, 2);
	put_le(c, 0, 2);
	for (unsigned i = 0; i < n; i++) {
		end += (uint32_t)strlen(vals[i]);
		put(c, tags[i], 4);
		put_le(c, end, 4);
	}
	for (unsigned i = 0; i < n; i++)
		put(c, vals[i], strlen(vals[i]));
}

static void
test_chlo(void **state)
{
	static const char *const tags[3] = {"PAD\0", "SNI\0", "VER\0"};
	const char *vals[3] = {"----", "Mail.Google.COM", "Q043"};
	struct chlo c;
	char sni[GQUIC_SNI_MAX], small[12];

	(void)state;
	make_chlo(&c, 3, tags, vals);
	assert_int_equal(gquic_parse_chlo(c.b, c.len, sni, sizeof(sni)), 1);
	assert_string_equal(sni, "mail.google.com");
	/* Every truncation: 0 until the SNI value is whole. */
	for (size_t k = 1; k < c.len; k++) {
		int rc = gquic_parse_chlo(c.b, k, sni, sizeof(sni));

		if (k < 8 + 24 + 4 + 15)
			assert_int_equal(rc, 0);
		else
			assert_int_equal(rc, 1);
	}
	/* Escaped and cut names. */
	vals[1] = "a b\x01.example";
	make_chlo(&c, 3, tags, vals);
	assert_int_equal(gquic_parse_chlo(c.b, c.len, sni, sizeof(sni)), 1);
	assert_string_equal(sni, "a\\032b\\001.example");
	vals[1] = "www.example.org";
	make_chlo(&c, 3, tags, vals);
	assert_int_equal(gquic_parse_chlo(c.b, c.len, small, sizeof(small)),
	    1);
	assert_string_equal(small, "www.exa\\...");
	assert_int_equal(gquic_parse_chlo(c.b, c.len, small, 4), -1);
	/* No SNI tag: a CHLO with an empty name. */
	make_chlo(&c, 1, tags, vals);
	assert_int_equal(gquic_parse_chlo(c.b, c.len, sni, sizeof(sni)), 1);
	assert_string_equal(sni, "");
	make_chlo(&c, 0, tags, vals);
	assert_int_equal(gquic_parse_chlo(c.b, c.len, sni, sizeof(sni)), 1);
}

static void
test_chlo_bad(void **state)
{
	static const char *const tags[2] = {"PAD\0", "SNI\0"};
	static const char *const vals[2] = {"xxxx", "host"};
	struct chlo c;
	char sni[GQUIC_SNI_MAX];

	(void)state;
	assert_int_equal(gquic_parse_chlo((const uint8_t *)"SHLO", 4, sni,
			     sizeof(sni)),
	    -1);
	assert_int_equal(gquic_parse_chlo((const uint8_t *)"CH", 2, sni,
			     sizeof(sni)),
	    0);
	assert_int_equal(gquic_parse_chlo(NULL, 0, sni, sizeof(sni)), -1);
	/* End offsets going backwards. */
	make_chlo(&c, 2, tags, vals);
	c.b[8 + 4] = 9;
	assert_int_equal(gquic_parse_chlo(c.b, c.len, sni, sizeof(sni)), -1);
	/* An SNI end offset past the message: truncated. */
	make_chlo(&c, 2, tags, vals);
	c.b[8 + 12] = 200;
	assert_int_equal(gquic_parse_chlo(c.b, c.len, sni, sizeof(sni)), 0);
	c.b[8 + 15] = 0xff;
	assert_int_equal(gquic_parse_chlo(c.b, c.len, sni, sizeof(sni)), 0);
	/* GQUIC_TAGS_MAX tags is the limit; one more is not a CHLO. */
	memset(&c, 0, sizeof(c));
	put(&c, "CHLO", 4);
	put_le(&c, GQUIC_TAGS_MAX, 2);
	put_le(&c, 0, 2);
	for (unsigned i = 0; i < GQUIC_TAGS_MAX; i++) {
		put(&c, "XXXX", 4);
		put_le(&c, 0, 4);
	}
	assert_int_equal(gquic_parse_chlo(c.b, c.len, sni, sizeof(sni)), 1);
	c.b[4] = GQUIC_TAGS_MAX + 1;
	assert_int_equal(gquic_parse_chlo(c.b, c.len, sni, sizeof(sni)), -1);
}

static void
test_not_gquic(void **state)
{
	uint8_t b[1500];
	size_t n;
	uint32_t v;
	char sni[GQUIC_SNI_MAX];

	(void)state;
	n = unhex(q043_hex, b, sizeof(b));
	/* Reset flag, no version flag, an unknown version, IETF QUIC v1. */
	b[0] = 0x0f;
	assert_false(gquic_is_client_packet(b, n, &v));
	assert_int_equal(gquic_parse_packet(b, n, &v, sni, sizeof(sni)), -1);
	b[0] = 0x0c;
	assert_false(gquic_is_client_packet(b, n, &v));
	b[0] = 0x0d;
	b[12] = '9';
	assert_false(gquic_is_client_packet(b, n, &v));
	b[12] = '3';
	b[11] = '5'; /* Q053: not a plaintext version */
	assert_false(gquic_is_client_packet(b, n, &v));
	b[11] = '4';
	assert_true(gquic_is_client_packet(b, n, &v));
	/* The Q046 long-header form with a short-header version. */
	n = unhex(q046_hex, b, sizeof(b));
	b[4] = '3';
	assert_false(gquic_is_client_packet(b, n, &v));
	memset(b, 0, sizeof(b));
	b[0] = 0xc3, b[4] = 1;
	assert_false(gquic_is_client_packet(b, 1200, &v));
	assert_false(gquic_is_client_packet(NULL, 0, &v));
	assert_int_equal(gquic_parse_packet(b, 0, &v, sni, sizeof(sni)), -1);
	/* A later packet: the STREAM frame is not the CHLO. */
	n = unhex(q043_hex, b, sizeof(b));
	b[14 + 12 + 4] = 'X';
	assert_int_equal(gquic_parse_packet(b, n, &v, sni, sizeof(sni)), 0);
	/* An unknown frame type before it. */
	n = unhex(q043_hex, b, sizeof(b));
	b[14 + 12] = 0x1f;
	assert_int_equal(gquic_parse_packet(b, n, &v, sni, sizeof(sni)), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_q024),
		cmocka_unit_test(test_q039),
		cmocka_unit_test(test_q043),
		cmocka_unit_test(test_q046),
		cmocka_unit_test(test_chlo),
		cmocka_unit_test(test_chlo_bad),
		cmocka_unit_test(test_not_gquic),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
