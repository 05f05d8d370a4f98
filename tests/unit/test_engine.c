/*
 * test_engine.c - the per-packet path fed hand-built Ethernet frames:
 * a ClientHello split over two TCP segments that arrive out of order (and
 * retransmitted) gives one alert; HTTP Host; DNS over UDP deduplicated per
 * client and name across flows; the upload threshold once per flow; an
 * exception lowering the action; agency attribution; QUIC garbage and
 * non-protocol streams give nothing; the flow log line.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "engine.h"
#include "flowlog.h"
#include "sensor_policy.h"

#define LINKTYPE_ETHERNET 1

struct fixture {
	struct policy *p;
	struct alert_log *log;
	struct flowlog *fl;
	struct engine *e;
	char flows[160];
	struct timeval ts;
};

static const char *conf;

static int
group_setup(void **state)
{
	(void)state;
	conf = sp_setup();
	return 0;
}

static int
group_teardown(void **state)
{
	(void)state;
	sp_teardown();
	return 0;
}

static int
fix_setup(void **state)
{
	struct fixture *x = calloc(1, sizeof(*x));
	struct engine_settings s;
	char *err = NULL;

	assert_non_null(x);
	x->p = sp_load(conf);
	assert_non_null(x->p);
	sp_clear_alerts();
	x->log = alert_log_open(ALERT_OUT_FILE, sp_alerts, NULL, 0, &err);
	assert_non_null(x->log);
	snprintf(x->flows, sizeof(x->flows), "%s/flows.json", sp_dir);
	unlink(x->flows);
	x->fl = flowlog_open(x->flows, &err);
	assert_non_null(x->fl);
	engine_settings_from_policy(&s, x->p);
	s.judge.now = sp_day("2026-07-01");
	x->e = engine_new(&s, x->p, x->log, x->fl);
	x->ts.tv_sec = 1729504800;
	x->ts.tv_usec = 0;
	*state = x;
	return 0;
}

static int
fix_teardown(void **state)
{
	struct fixture *x = *state;

	engine_free(&x->e);
	flowlog_close(&x->fl);
	alert_log_close(&x->log);
	policy_unref(&x->p);
	free(x);
	return 0;
}

/* ------------------------------------------------------------ frames */

struct ep {
	uint8_t ip[4];
	uint16_t port;
};

static size_t
put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
	return 2;
}

static void
put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* Ethernet + IPv4 + TCP or UDP; returns the frame length. */
static size_t
frame(uint8_t *f, uint8_t proto, const struct ep *src, const struct ep *dst,
    uint32_t seq, uint8_t flags, const void *data, size_t len)
{
	size_t l4 = proto == 6 ? 20 : 8, n;
	uint32_t sum = 0;

	memset(f, 0, 14 + 20 + l4);
	f[5] = 1;
	f[11] = 2;
	put16(f + 12, 0x0800);
	n = 14;
	f[n] = 0x45;
	put16(f + n + 2, (uint16_t)(20 + l4 + len));
	f[n + 8] = 64;
	f[n + 9] = proto;
	memcpy(f + n + 12, src->ip, 4);
	memcpy(f + n + 16, dst->ip, 4);
	for (size_t i = 0; i < 20; i += 2)
		sum += (uint32_t)(f[n + i] << 8 | f[n + i + 1]);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	put16(f + n + 10, (uint16_t)~sum);
	n += 20;
	put16(f + n, src->port);
	put16(f + n + 2, dst->port);
	if (proto == 6) {
		put32(f + n + 4, seq);
		f[n + 12] = 0x50;
		f[n + 13] = flags;
		put16(f + n + 14, 65535);
	} else {
		put16(f + n + 4, (uint16_t)(8 + len));
	}
	n += l4;
	if (len > 0)
		memcpy(f + n, data, len);
	return n + len;
}

static void
feed(struct fixture *x, uint8_t proto, const struct ep *src,
    const struct ep *dst, uint32_t seq, uint8_t flags, const void *data,
    size_t len)
{
	static uint8_t f[70000];
	size_t n = frame(f, proto, src, dst, seq, flags, data, len);

	x->ts.tv_usec += 1000;
	engine_packet(x->e, LINKTYPE_ETHERNET, &x->ts, f, n, n);
}

/* A TLS 1.2-style record holding a ClientHello with this SNI, padded by
 * an extension of pad bytes (a large post-quantum key share's stand-in). */
static size_t
client_hello(uint8_t *out, const char *sni, size_t pad)
{
	uint8_t *p = out + 9;
	size_t sl = strlen(sni), ext, body;

	put16(p, 0x0303);
	p += 2;
	memset(p, 0x11, 32);
	p += 32;
	*p++ = 0;		/* session id */
	p += put16(p, 2);
	p += put16(p, 0x1301);
	*p++ = 1;
	*p++ = 0;
	ext = 4 + 2 + 3 + sl + 4 + pad;
	p += put16(p, (uint16_t)ext);
	p += put16(p, 0x0000);	/* server_name */
	p += put16(p, (uint16_t)(2 + 3 + sl));
	p += put16(p, (uint16_t)(3 + sl));
	*p++ = 0;
	p += put16(p, (uint16_t)sl);
	memcpy(p, sni, sl);
	p += sl;
	p += put16(p, 0x0015);	/* padding */
	p += put16(p, (uint16_t)pad);
	memset(p, 0, pad);
	p += pad;
	body = (size_t)(p - (out + 9));
	out[0] = 0x16;
	put16(out + 1, 0x0301);
	put16(out + 3, (uint16_t)(body + 4));
	out[5] = 1;
	out[6] = (uint8_t)(body >> 16);
	out[7] = (uint8_t)(body >> 8);
	out[8] = (uint8_t)body;
	return body + 9;
}

/* A DNS query for name (type A). */
static size_t
dns_query(uint8_t *out, uint16_t id, const char *name)
{
	uint8_t *p = out;
	const char *s = name;

	p += put16(p, id);
	p += put16(p, 0x0100);
	p += put16(p, 1);
	p += put16(p, 0);
	p += put16(p, 0);
	p += put16(p, 0);
	while (*s != '\0') {
		const char *dot = strchr(s, '.');
		size_t l = dot != NULL ? (size_t)(dot - s) : strlen(s);

		*p++ = (uint8_t)l;
		memcpy(p, s, l);
		p += l;
		s += l;
		if (*s == '.')
			s++;
	}
	*p++ = 0;
	p += put16(p, 1);
	p += put16(p, 1);
	return (size_t)(p - out);
}

static const struct ep cli = { { 10, 9, 8, 7 }, 51514 };
static const struct ep srv = { { 142, 250, 1, 1 }, 443 };

static void
handshake(struct fixture *x, const struct ep *c, const struct ep *s,
    uint32_t isn)
{
	feed(x, 6, c, s, isn, 0x02, NULL, 0);
	feed(x, 6, s, c, 9000, 0x12, NULL, 0);
	feed(x, 6, c, s, isn + 1, 0x10, NULL, 0);
}

static char *
flush_and_read(struct fixture *x)
{
	engine_flush(x->e);
	return sp_read_alerts();
}

/* ------------------------------------------------------------ cases */

static void
test_hello_split_out_of_order(void **state)
{
	struct fixture *x = *state;
	static uint8_t hello[4096];
	size_t n = client_hello(hello, "mail.google.com.gmail.com", 1800);
	size_t cut = 1400;
	char *a;

	assert_true(n > cut);
	handshake(x, &cli, &srv, 1000);
	/* The second segment first, then the first, then both again. */
	feed(x, 6, &cli, &srv, 1001 + (uint32_t)cut, 0x18, hello + cut,
	    n - cut);
	feed(x, 6, &cli, &srv, 1001, 0x10, hello, cut);
	feed(x, 6, &cli, &srv, 1001, 0x10, hello, cut);
	feed(x, 6, &cli, &srv, 1001 + (uint32_t)cut, 0x18, hello + cut,
	    n - cut);
	a = flush_and_read(x);
	/* One per rule: webmail, and upload (the test threshold is 1000
	 * bytes, the retransmitted hello is more). */
	assert_int_equal(sp_count(a, "\n"), 2);
	assert_int_equal(sp_count(a, "\"event_type\":\"webmail\""), 1);
	assert_int_equal(sp_count(a, "\"event_type\":\"upload\""), 1);
	assert_non_null(strstr(a, "\"app_proto\":\"tls\""));
	assert_non_null(strstr(a, "\"hostname\":\"mail.google.com.gmail.com\""
	    ",\"name_source\":\"tls.sni\""));
	assert_non_null(strstr(a, "\"src_ip\":\"10.9.8.7\",\"src_port\":51514,"
	    "\"dest_ip\":\"142.250.1.1\",\"dest_port\":443,\"proto\":\"TCP\""));
	free(a);
	assert_int_equal(engine_stats(x->e)->tls_hellos, 1);
}

static void
test_hello_every_split(void **state)
{
	struct fixture *x = *state;
	static uint8_t hello[4096];
	size_t n = client_hello(hello, "gmail.com", 600);
	struct ep c = cli;
	char *a;

	/* Every cut point, in order and reversed: one alert per flow. */
	for (size_t cut = 1; cut < n; cut += 37) {
		c.port++;
		handshake(x, &c, &srv, 5000);
		if (cut % 2 == 0) {
			feed(x, 6, &c, &srv, 5001, 0x10, hello, cut);
			feed(x, 6, &c, &srv, 5001 + (uint32_t)cut, 0x18,
			    hello + cut, n - cut);
		} else {
			feed(x, 6, &c, &srv, 5001 + (uint32_t)cut, 0x18,
			    hello + cut, n - cut);
			feed(x, 6, &c, &srv, 5001, 0x10, hello, cut);
		}
	}
	a = flush_and_read(x);
	assert_int_equal(sp_count(a, "\"event_type\":\"webmail\""),
	    (n - 1 + 36) / 37);
	free(a);
}

static void
test_http_host(void **state)
{
	struct fixture *x = *state;
	static const char req[] = "GET /mail HTTP/1.1\r\nHost: Mail.Yahoo.com:80"
	    "\r\nUser-Agent: t\r\n\r\n";
	struct ep s = { { 98, 136, 1, 1 }, 80 };
	char *a;

	handshake(x, &cli, &s, 77);
	feed(x, 6, &cli, &s, 78, 0x18, req, 20);
	feed(x, 6, &cli, &s, 98, 0x18, req + 20, sizeof(req) - 1 - 20);
	a = flush_and_read(x);
	assert_int_equal(sp_count(a, "\n"), 1);
	assert_non_null(strstr(a, "\"app_proto\":\"http\""));
	assert_non_null(strstr(a, "\"service\":\"mail.yahoo.com\",\"list\":"
	    "\"webmail_domains\",\"hostname\":"
	    "\"mail.yahoo.com\",\"name_source\":\"http.host\""));
	free(a);
	a = NULL;
}

static void
test_dns_dedup(void **state)
{
	struct fixture *x = *state;
	uint8_t q[512];
	struct ep c = { { 10, 1, 1, 1 }, 40000 }, c2 = { { 10, 1, 1, 2 },
		40000 };
	struct ep r = { { 10, 0, 0, 53 }, 53 };
	size_t n = dns_query(q, 7, "mail.google.com.gmail.com");
	char *a;

	/* Three flows from one client (new source ports), one from another,
	 * a query for an unlisted name, and the answers. */
	for (int i = 0; i < 3; i++) {
		c.port++;
		feed(x, 17, &c, &r, 0, 0, q, n);
		q[2] |= 0x80;
		feed(x, 17, &r, &c, 0, 0, q, n);
		q[2] &= 0x7f;
	}
	feed(x, 17, &c2, &r, 0, 0, q, n);
	n = dns_query(q, 8, "www.example.org");
	feed(x, 17, &c, &r, 0, 0, q, n);
	a = flush_and_read(x);
	assert_int_equal(sp_count(a, "\n"), 2);
	assert_int_equal(sp_count(a, "\"src_ip\":\"10.1.1.1\""), 1);
	assert_int_equal(sp_count(a, "\"src_ip\":\"10.1.1.2\""), 1);
	assert_int_equal(sp_count(a, "\"app_proto\":\"dns\""), 2);
	assert_int_equal(sp_count(a, "\"name_source\":\"dns.query\""), 2);
	free(a);
	assert_int_equal(engine_stats(x->e)->dns_messages, 8);
	assert_int_equal(engine_judge_stats(x->e)->dns_deduped, 5);
}

static void
test_upload_once(void **state)
{
	struct fixture *x = *state;
	static uint8_t hello[2048], data[600];
	size_t n = client_hello(hello, "gmail.com", 100);
	uint32_t seq = 2001;
	char *a;

	handshake(x, &cli, &srv, 2000);
	feed(x, 6, &cli, &srv, seq, 0x18, hello, n);
	seq += (uint32_t)n;
	memset(data, 0x17, sizeof(data));
	/* 20 x 600 bytes up: the 1000-byte threshold is crossed once. */
	for (int i = 0; i < 20; i++) {
		feed(x, 6, &cli, &srv, seq, 0x18, data, sizeof(data));
		seq += sizeof(data);
		feed(x, 6, &srv, &cli, 9001, 0x10, NULL, 0);
	}
	a = flush_and_read(x);
	assert_int_equal(sp_count(a, "\n"), 2);
	assert_int_equal(sp_count(a, "\"event_type\":\"upload\""), 1);
	assert_non_null(strstr(a, "\"rule\":\"network.webmail.upload\""));
	/* Judged when the threshold was crossed: hello + 2 segments. */
	{
		char want[64];

		snprintf(want, sizeof(want), "\"bytes_toserver\":%zu,",
		    n + 2 * sizeof(data));
		assert_non_null(strstr(a, want));
	}
	free(a);
}

static void
test_exception_and_agency(void **state)
{
	struct fixture *x = *state;
	static uint8_t hello[2048];
	size_t n = client_hello(hello, "gmail.com", 10);
	struct ep c17 = { { 192, 0, 2, 17 }, 50000 };
	struct ep c5 = { { 192, 0, 2, 5 }, 50000 };
	struct ep c200 = { { 192, 0, 2, 200 }, 50000 };
	char *a;

	handshake(x, &c17, &srv, 1);
	feed(x, 6, &c17, &srv, 2, 0x18, hello, n);
	handshake(x, &c5, &srv, 1);
	feed(x, 6, &c5, &srv, 2, 0x18, hello, n);
	handshake(x, &c200, &srv, 1);
	feed(x, 6, &c200, &srv, 2, 0x18, hello, n);
	a = flush_and_read(x);
	assert_int_equal(sp_count(a, "\n"), 3);
	assert_int_equal(sp_count(a, "\"src_ip\":\"192.0.2.17\""), 1);
	assert_non_null(strstr(a, "\"agency\":\"DEP\",\"exception\":"
	    "\"EX-2026-0001\"}"));
	assert_int_equal(sp_count(a, "\"exception\""), 1);
	assert_int_equal(sp_count(a, "\"agency\":\"DEP\""), 2);
	assert_int_equal(sp_count(a, "\"agency\":\"DOR\""), 1);
	free(a);
}

static void
test_nothing_to_see(void **state)
{
	struct fixture *x = *state;
	static uint8_t junk[3000];
	struct ep u = { { 10, 2, 2, 2 }, 4433 };
	char *a;

	/* A binary stream, a QUIC-looking datagram that does not decrypt,
	 * a truncated hello, garbage on port 53. */
	for (size_t i = 0; i < sizeof(junk); i++)
		junk[i] = (uint8_t)(i * 7 + 3);
	handshake(x, &cli, &srv, 10);
	feed(x, 6, &cli, &srv, 11, 0x18, junk, 1400);
	junk[0] = 0xc3;
	put32(junk + 1, 1);
	junk[5] = 8;
	feed(x, 17, &cli, &u, 0, 0, junk, 1200);
	{
		static uint8_t hello[2048];
		size_t n = client_hello(hello, "gmail.com", 10);
		struct ep c = { { 10, 3, 3, 3 }, 1 };

		handshake(x, &c, &srv, 1);
		feed(x, 6, &c, &srv, 2, 0x18, hello, n / 2);
		feed(x, 6, &c, &srv, 2 + (uint32_t)(n / 2), 0x11, NULL, 0);
	}
	{
		struct ep d = { { 10, 0, 0, 53 }, 53 };

		feed(x, 17, &cli, &d, 0, 0, junk + 100, 3);
		feed(x, 17, &cli, &d, 0, 0, junk + 100, 300);
	}
	a = flush_and_read(x);
	assert_string_equal(a, "");
	free(a);
}

static void
test_dns_tcp_pipelined(void **state)
{
	struct fixture *x = *state;
	uint8_t buf[1024], q[512];
	struct ep r = { { 10, 0, 0, 53 }, 53 };
	size_t n = 0, m;
	char *a;

	/* Three queries pipelined (RFC 7766), the last one split. */
	m = dns_query(q, 1, "www.example.org");
	n += put16(buf + n, (uint16_t)m);
	memcpy(buf + n, q, m);
	n += m;
	m = dns_query(q, 2, "mail.google.com.gmail.com");
	n += put16(buf + n, (uint16_t)m);
	memcpy(buf + n, q, m);
	n += m;
	m = dns_query(q, 3, "jabber.org");
	n += put16(buf + n, (uint16_t)m);
	memcpy(buf + n, q, m);
	n += m;
	handshake(x, &cli, &r, 500);
	feed(x, 6, &cli, &r, 501, 0x18, buf, n - 5);
	feed(x, 6, &cli, &r, 501 + (uint32_t)(n - 5), 0x18, buf + n - 5, 5);
	a = flush_and_read(x);
	assert_int_equal(sp_count(a, "\n"), 2);
	assert_int_equal(sp_count(a, "\"proto\":\"TCP\",\"app_proto\":\"dns\""),
	    2);
	assert_non_null(strstr(a, "\"hostname\":\"mail.google.com.gmail.com\""));
	assert_non_null(strstr(a, "\"hostname\":\"jabber.org\""));
	free(a);
	assert_int_equal(engine_stats(x->e)->dns_tcp_messages, 3);
}

static void
test_answer_first(void **state)
{
	struct fixture *x = *state;
	uint8_t q[512];
	struct ep c = { { 10, 1, 1, 9 }, 40001 };
	struct ep r = { { 10, 0, 0, 53 }, 53 };
	size_t n = dns_query(q, 9, "gmail.com");
	char *a;

	/* Only the answer was captured: the querier is still the client. */
	q[2] |= 0x80;
	feed(x, 17, &r, &c, 0, 0, q, n);
	a = flush_and_read(x);
	assert_int_equal(sp_count(a, "\n"), 1);
	assert_non_null(strstr(a, "\"src_ip\":\"10.1.1.9\",\"src_port\":40001,"
	    "\"dest_ip\":\"10.0.0.53\",\"dest_port\":53,"));
	free(a);
}

static void
test_port_rule_names_protocol(void **state)
{
	struct fixture *x = *state;
	static const char irc[] = "NICK alice\r\nUSER alice 0 * :Alice\r\n";
	struct ep s = { { 198, 51, 100, 7 }, 6667 };
	struct ep tg = { { 91, 108, 9, 1 }, 0 };
	uint8_t icmp[16] = { 8, 0 };
	char *a;

	/* The port rule waits for the parsers: the alert says irc. */
	handshake(x, &cli, &s, 100);
	feed(x, 6, &cli, &s, 101, 0x18, irc, sizeof(irc) - 1);
	/* ICMP to a listed address: a flow, no alert. */
	{
		static uint8_t f[128];
		size_t len = frame(f, 17, &cli, &tg, 0, 0, icmp, sizeof(icmp));

		f[14 + 9] = 1;	/* protocol ICMP (checksum not checked) */
		engine_packet(x->e, LINKTYPE_ETHERNET, &x->ts, f, len, len);
	}
	a = flush_and_read(x);
	assert_int_equal(sp_count(a, "\n"), 2);
	assert_non_null(strstr(a, "\"app_proto\":\"irc\",\"rule\":"
	    "\"network.im.port\""));
	assert_non_null(strstr(a, "\"service\":\"tcp/6660-6669\""));
	/* The protocol rule: its list entry is the protocol. */
	assert_non_null(strstr(a, "\"rule\":\"network.im.protocol\",\"policy\":"
	    "\"3.1\",\"category\":\"im\",\"action\":\"log\",\"service\":"
	    "\"irc\",\"app_detail\":\"registration\",\"bytes_toserver\""));
	free(a);
}

static void
test_stream_memory(void **state)
{
	struct fixture *x = *state;
	struct engine_settings es;
	static char head[1500];
	struct ep c = cli;
	char *a;

	/* A bound of 4000 bytes for all streams being parsed: HTTP heads
	 * that never end hold 1500 bytes each; the third goes over. */
	engine_free(&x->e);
	engine_settings_from_policy(&es, x->p);
	es.judge.now = sp_day("2026-07-01");
	es.stream_memory = 4000;
	x->e = engine_new(&es, x->p, x->log, x->fl);
	memset(head, 'a', sizeof(head));
	memcpy(head, "GET / HTTP/1.1\r\nX-Long: ", 25);
	for (int i = 0; i < 3; i++) {
		c.port++;
		handshake(x, &c, &srv, 1);
		feed(x, 6, &c, &srv, 2, 0x18, head, sizeof(head));
	}
	assert_int_equal(engine_stats(x->e)->streams_over_memory, 1);
	assert_int_equal(engine_stats(x->e)->stream_held, 3000);
	a = flush_and_read(x);
	assert_int_equal(engine_stats(x->e)->stream_held, 0);
	assert_int_equal(sp_count(a, "\n"), 1);
	assert_non_null(strstr(a, "\"rule\":\"limit.reassembly\""));
	assert_non_null(strstr(a, "\"src_port\":51517,"));
	free(a);
}

static void
test_flow_log(void **state)
{
	struct fixture *x = *state;
	static uint8_t hello[2048];
	size_t n = client_hello(hello, "www.example.com", 10);
	FILE *f;
	char line[4096];

	handshake(x, &cli, &srv, 1);
	feed(x, 6, &cli, &srv, 2, 0x18, hello, n);
	feed(x, 6, &srv, &cli, 9001, 0x18, "abcd", 4);
	engine_flush(x->e);
	f = fopen(x->flows, "r");
	assert_non_null(f);
	assert_non_null(fgets(line, sizeof(line), f));
	fclose(f);
	assert_non_null(strstr(line, "\"event_type\":\"flow\","));
	assert_non_null(strstr(line, "\"src_ip\":\"10.9.8.7\",\"src_port\":"
	    "51514,\"dest_ip\":\"142.250.1.1\",\"dest_port\":443,\"proto\":"
	    "\"TCP\",\"app_proto\":\"tls\",\"pkts_toserver\":3,"
	    "\"pkts_toclient\":2,"));
	assert_non_null(strstr(line, "\"bytes_toclient\":4,"));
	assert_non_null(strstr(line, "\"tls\":{\"sni\":\"www.example.com\"}}"));
	assert_int_equal(engine_stats(x->e)->flows_logged, 1);
}

/* Capture workers: the totals divided (never under the floors), ids
 * interleaved, and counters added up field by field. */
static void
test_workers_share_and_totals(void **state)
{
	struct engine_settings s;
	struct engine_totals a, b;

	(void)state;
	memset(&s, 0, sizeof(s));
	s.flow.max_flows = 262144;
	s.stream_memory = 256u << 20;
	s.pkt.frag_memory = 16u << 20;
	s.pkt.frag_max_datagrams = 1024;
	engine_settings_share(&s, 1, 4);
	assert_int_equal(s.flow.max_flows, 65536);
	assert_int_equal(s.stream_memory, 64u << 20);
	assert_int_equal(s.pkt.frag_memory, 4u << 20);
	assert_int_equal(s.pkt.frag_max_datagrams, 256);
	assert_int_equal(s.flow.id_first, 1);
	assert_int_equal(s.flow.id_step, 4);
	memset(&s, 0, sizeof(s));
	s.flow.max_flows = 20;
	s.stream_memory = 100000;
	s.pkt.frag_memory = 65536;
	s.pkt.frag_max_datagrams = 1;
	engine_settings_share(&s, 0, 3);
	assert_int_equal(s.flow.max_flows, 16);
	assert_int_equal(s.stream_memory, 65536);
	assert_int_equal(s.pkt.frag_memory, 65536);
	assert_int_equal(s.pkt.frag_max_datagrams, 1);
	memset(&s, 0, sizeof(s));
	s.flow.max_flows = 100;
	engine_settings_share(&s, 0, 1);	/* one worker: unchanged */
	assert_int_equal(s.flow.max_flows, 100);
	assert_int_equal(s.flow.id_step, 0);

	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	a.eng.frames = 10;
	a.judge.by_event[7] = 1;
	a.flow.active = 3;
	b.eng.frames = 5;
	b.judge.by_event[7] = 2;
	b.pkt.frags = 4;
	engine_totals_add(&a, &b);
	assert_int_equal(a.eng.frames, 15);
	assert_int_equal(a.judge.by_event[7], 3);
	assert_int_equal(a.flow.active, 3);
	assert_int_equal(a.pkt.frags, 4);
}

#define T(f) cmocka_unit_test_setup_teardown(f, fix_setup, fix_teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_hello_split_out_of_order),
		T(test_hello_every_split),
		T(test_http_host),
		T(test_dns_dedup),
		T(test_upload_once),
		T(test_exception_and_agency),
		T(test_nothing_to_see),
		T(test_dns_tcp_pipelined),
		T(test_answer_first),
		T(test_stream_memory),
		T(test_port_rule_names_protocol),
		T(test_flow_log),
		cmocka_unit_test(test_workers_share_and_totals),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
