/*
 * engine.c - the per-packet path of msgsec-sensor.
 *
 *   frame --pkt_decode--> struct pkt --flow_get--> struct flow (+ struct app)
 *     new flow: turned when the "client" holds a well-known server port and
 *       the other side does not (an answer captured first; orient()).
 *     TCP client->server: stream_add; when the in-order prefix grew, offer
 *       it to TLS, HTTP, IM, DNS-over-TCP (port 53; every pipelined query)
 *       until one says 1 or all say -1, then stream_done; at most
 *       ENGINE_MAX_SEGS data segments, sensor.stream_bytes bytes per stream
 *       and sensor.stream_memory bytes for all streams are looked at.
 *     UDP: DNS (either port 53, every message, question names judged one
 *       by one); gQUIC Q024-Q046 CHLOs in the clear; QUIC Initials
 *       client->server until the ClientHello (or Q050 CHLO) is whole
 *       (quic.c), then read with tls_parse_handshake / gquic_parse_chlo;
 *       the UDP IM signatures (im_detect_udp: Discord's keepalive, OICQ,
 *       IMO) on the first ENGINE_IM_UDP_PKTS datagrams either way;
 *       STUN/TURN (and Discord's IP discovery) both ways (stun.c), first,
 *       until the calling service is known or sensor.stun_messages
 *       messages were read (limit.stun when still unknown), the relay
 *       lists looked up by address.
 *     TCP: STUN/TURN on the client stream too (messages back to back,
 *       RFC 4571 framing, ChannelData), after TLS, HTTP and IM.
 *     A flow whose first packet came from an address on a dest.ip list
 *       of the policy (judge_is_service_addr) and went to one that is not
 *       is turned too: the server's half of a flow joined mid-way.
 *     judge_flow when a fact changes (a name, the protocol, a check), once
 *       the parsers have looked (address and port rules then know the
 *       protocol), when the flow's bytes reach a pending threshold
 *       (judge_bytes_due), and at flow end if never before.
 *   flow end (timeout, eviction, flush) -> flow log line (flowlog.c),
 *     state recycled.
 *
 * Trusts nothing in the packets: decoding and parsing are the modules'
 * (bounded cursors); here only their results are used.  Limits: per-flow
 * state is one struct app from a free list (bounded by the flow table);
 * names are copied once per flow; the flow log keeps at most
 * ENGINE_LOG_DNS question names and TLS_ALPN_MAX protocols per flow.
 * Parser scratch (a ClientHello, a DNS message, an HTTP head) lives in the
 * engine, never per flow.
 */
#include "engine.h"

#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cursor.h"
#include "dns.h"
#include "flowlog.h"
#include "gquic.h"
#include "http.h"
#include "im.h"
#include "mem.h"
#include "policy.h"
#include "quic.h"
#include "str.h"
#include "stun.h"
#include "tls.h"

enum {
	ENGINE_MAX_SEGS = 64,	/* client data segments looked at */
	ENGINE_DNS_MISSES = 4,	/* non-DNS datagrams before giving up */
	ENGINE_GQUIC_PKTS = 8,	/* gQUIC client packets without a CHLO */
	ENGINE_QUIC_MISSES = 4,	/* client datagrams before an Initial */
	ENGINE_IM_UDP_PKTS = 8,	/* datagrams offered to the UDP IM signatures */
	ENGINE_STUN_MISSES = 4,	/* datagrams before the first STUN one */
	ENGINE_LOG_DNS = 16,	/* question names kept for the flow log */
	ENGINE_LOG_DNS_BYTES = 4096,
	ENGINE_LIMIT_FLOWS_EVERY = 60,	/* seconds between limit.flows */
};

/* Parsers still interested in a flow. */
enum {
	P_TLS = 1 << 0,
	P_HTTP = 1 << 1,
	P_IM = 1 << 2,
	P_DNS_TCP = 1 << 3,
	P_DNS_UDP = 1 << 4,
	P_QUIC = 1 << 5,
	P_GQUIC = 1 << 6,
	P_IM_UDP = 1 << 7,
	P_STUN = 1 << 8,	/* STUN/TURN, UDP (both ways) or TCP */
	P_TCP = P_TLS | P_HTTP | P_IM | P_DNS_TCP | P_STUN,
};

struct app {
	struct judge_flow jf;
	struct app *next_free;
	struct quic_state *quic;
	struct stun_flow *stun;	/* once a STUN message was seen */
	char *name[NAME_COUNT_];	/* the DNS slot stays NULL */
	char *im_name;		/* flow log: IRC nick, MQTT client id, ... */
	const char *app_detail;	/* what an IM signature matched (static) */
	struct buf alpn;	/* flow log: protocols, NUL-separated */
	struct buf dnsq;	/* flow log: question names, NUL-separated */
	uint32_t quic_version;
	uint16_t segs;		/* client data segments seen */
	uint8_t proto;		/* enum app_proto */
	uint16_t pend;		/* P_* */
	uint8_t checks;		/* JUDGE_CHECK_* */
	uint8_t dns_misses;
	uint8_t gquic_pkts;
	uint8_t quic_misses;
	uint8_t im_udp_pkts;
	uint8_t stun_misses;
	size_t dns_off;		/* DNS over TCP: where the next message is */
	uint8_t ndnsq;
	bool judged;		/* judge_flow ran at least once */
	bool ech;		/* outer ECH (judged) */
	bool has_ech;		/* the extension at all (flow log) */
	char http_method[HTTP_METHOD_MAX];
};

struct engine {
	struct engine_settings set;
	struct pkt_decoder *dec;
	struct flow_table *ft;
	struct judge *judge;
	struct flowlog *flowlog;
	struct app *free_apps;
	int64_t clock;		/* newest capture second seen */
	bool clock_set;
	uint64_t evicted_seen;
	int64_t limit_flows_at;	/* capture second of the last limit.flows */
	bool limit_flows_once;
	struct pkt pkt;
	struct tls_hello hello;
	struct http_req http;
	struct im_match im;
	struct dns_msg *dns;
	struct engine_stats st;
};

static void on_flow_end(void *ctx, struct flow *f);

/* ------------------------------------------------------------ setup */

void
engine_settings_from_policy(struct engine_settings *s, const struct policy *p)
{
	const struct sensor_config *c = &p->config.sensor;

	memset(s, 0, sizeof(*s));
	pkt_limits_default(&s->pkt);
	flow_limits_default(&s->flow);
	s->pkt.max_layers = (unsigned)c->max_layers;
	s->pkt.frag_max_datagrams = (size_t)c->frag_datagrams;
	s->pkt.frag_memory = (size_t)c->frag_memory;
	s->pkt.frag_timeout = (unsigned)c->frag_timeout;
	s->flow.max_flows = (size_t)c->max_flows;
	s->flow.stream_max = (size_t)c->stream_bytes;
	s->flow.tcp_timeout = (unsigned)c->tcp_timeout;
	s->flow.tcp_closed_timeout = (unsigned)c->tcp_closed_timeout;
	s->flow.tcp_new_timeout = (unsigned)c->tcp_new_timeout;
	s->flow.udp_timeout = (unsigned)c->udp_timeout;
	s->stream_memory = (size_t)c->stream_memory;
	s->quic_crypto_max = (size_t)c->quic_crypto_bytes;
	s->quic_initials = (unsigned)c->quic_initials;
	s->stun_messages = (unsigned)c->stun_messages;
	s->judge.dns_dedup_seconds = c->dns_dedup_seconds;
	s->judge.ech_fronts_list = c->ech_fronts_list;
}

static size_t
share(size_t total, unsigned n, size_t floor)
{
	size_t v = total / n;

	return v > floor ? v : floor;
}

void
engine_settings_share(struct engine_settings *s, unsigned i, unsigned n)
{
	if (n <= 1)
		return;
	s->flow.max_flows = share(s->flow.max_flows, n, 16);
	s->stream_memory = share(s->stream_memory, n, 64 * 1024);
	s->pkt.frag_memory = share(s->pkt.frag_memory, n, 65536);
	s->pkt.frag_max_datagrams = share(s->pkt.frag_max_datagrams, n, 1);
	s->flow.id_first = i;
	s->flow.id_step = n;
}

struct engine *
engine_new(const struct engine_settings *s, struct policy *p,
    struct alert_log *log, struct flowlog *flowlog)
{
	struct engine *e = mem_calloc(1, sizeof(*e));

	e->set = *s;
	e->dec = pkt_decoder_new(&s->pkt);
	e->judge = judge_new(p, log, &s->judge);
	e->ft = flow_table_new(&s->flow, on_flow_end, e);
	e->flowlog = flowlog;
	e->dns = mem_calloc(1, sizeof(*e->dns));
	return e;
}

void
engine_free(struct engine **ep)
{
	struct engine *e = *ep;

	if (e == NULL)
		return;
	/* Flows end first: their log lines need the judge's policy. */
	flow_table_free(&e->ft);
	judge_free(&e->judge);
	pkt_decoder_free(&e->dec);
	while (e->free_apps != NULL) {
		struct app *a = e->free_apps;

		e->free_apps = a->next_free;
		free(a);
	}
	free(e->dns);
	free(e);
	*ep = NULL;
}

void
engine_set_policy(struct engine *e, struct policy *p)
{
	judge_set_policy(e->judge, p);
}

void
engine_totals(const struct engine *e, struct engine_totals *t)
{
	t->eng = e->st;
	t->pkt = *pkt_decoder_stats(e->dec);
	t->flow = *flow_table_stats(e->ft);
	t->judge = *judge_stats(e->judge);
}

_Static_assert(sizeof(struct engine_totals) % sizeof(uint64_t) == 0,
    "engine_totals: uint64_t counters only");

void
engine_totals_add(struct engine_totals *sum, const struct engine_totals *t)
{
	uint64_t a[sizeof(*sum) / sizeof(uint64_t)];
	uint64_t b[sizeof(*sum) / sizeof(uint64_t)];

	memcpy(a, sum, sizeof(a));
	memcpy(b, t, sizeof(b));
	for (size_t i = 0; i < sizeof(a) / sizeof(a[0]); i++)
		a[i] += b[i];
	memcpy(sum, a, sizeof(a));
}

const struct engine_stats *
engine_stats(const struct engine *e)
{
	return &e->st;
}

const struct pkt_stats *
engine_pkt_stats(const struct engine *e)
{
	return pkt_decoder_stats(e->dec);
}

const struct flow_stats *
engine_flow_stats(const struct engine *e)
{
	return flow_table_stats(e->ft);
}

const struct judge_stats *
engine_judge_stats(const struct engine *e)
{
	return judge_stats(e->judge);
}

/* ------------------------------------------------------------ per flow */

static struct app *
app_get(struct engine *e)
{
	struct app *a = e->free_apps;

	if (a != NULL) {
		e->free_apps = a->next_free;
		memset(a, 0, sizeof(*a));
	} else {
		a = mem_calloc(1, sizeof(*a));
	}
	buf_init(&a->alpn, TLS_ALPN_MAX * TLS_ALPN_LEN);
	buf_init(&a->dnsq, ENGINE_LOG_DNS_BYTES);
	return a;
}

static void
app_put(struct engine *e, struct app *a)
{
	for (unsigned i = 0; i < NAME_COUNT_; i++)
		free(a->name[i]);
	free(a->im_name);
	buf_free(&a->alpn);
	buf_free(&a->dnsq);
	quic_state_free(&a->quic);
	free(a->stun);
	judge_flow_clear(&a->jf);
	a->next_free = e->free_apps;
	e->free_apps = a;
}

static void
view_of(const struct flow *f, const struct app *a, struct judge_view *v)
{
	v->flow = f;
	v->app = (enum app_proto)a->proto;
	v->app_detail = a->app_detail;
	for (unsigned i = 0; i < NAME_COUNT_; i++)
		v->names[i] = a->name[i];
	v->ech = a->ech;
	v->checks = a->checks;
	v->stun = a->stun;
}

static void
judge_now(struct engine *e, struct flow *f, struct app *a,
    const struct timeval *ts)
{
	struct judge_view v;

	a->judged = true;
	/* Rules speak of TCP and UDP (ports, names): ICMP, ESP, GRE ... to
	 * a listed address are logged as flows, not alerted. */
	if (f->proto != IPPROTO_TCP && f->proto != IPPROTO_UDP) {
		a->jf.next_bytes[0] = a->jf.next_bytes[1] = UINT64_MAX;
		return;
	}
	view_of(f, a, &v);
	judge_flow(e->judge, &a->jf, &v, ts);
}

static bool
is_server_port(uint16_t port)
{
	switch (port) {
	case 53:	/* DNS */
	case 80:	/* HTTP */
	case 443:	/* HTTPS, QUIC */
	case 853:	/* DNS over TLS / QUIC */
	case 5222:	/* XMPP */
		return true;
	default:
		return false;
	}
}

/*
 * The flow table takes the first sender as the client.  When the capture
 * starts with the answer (a DNS response, the server's half of a TCP
 * connection joined late), a well-known server port on the "client" side
 * and none on the other says who the client really is.  A SYN without ACK
 * is authoritative and never turned.
 */
static void
orient(struct engine *e, struct flow *f, const struct pkt *p,
    enum flow_dir *dir)
{
	if (p->proto == IPPROTO_TCP && (p->tcp_flags & (TCPF_SYN |
	    TCPF_ACK)) == TCPF_SYN)
		return;
	if (is_server_port(f->sport))
		return;
	if (!is_server_port(f->cport) &&
	    (!judge_is_service_addr(e->judge, &f->cli) ||
	    judge_is_service_addr(e->judge, &f->srv)))
		return;
	flow_reverse(f);
	*dir = *dir == FLOW_TOSERVER ? FLOW_TOCLIENT : FLOW_TOSERVER;
}

static void
flow_start(struct engine *e, struct flow *f, const struct timeval *ts)
{
	struct app *a = app_get(e);
	const struct flow_stats *fs = flow_table_stats(e->ft);

	f->app = a;
	judge_flow_init(e->judge, &a->jf);
	if (f->proto == IPPROTO_TCP) {
		a->pend = P_TLS | P_HTTP | P_IM | P_STUN;
		if (f->sport == 53)
			a->pend = (a->pend | P_DNS_TCP) & (uint16_t)~P_STUN;
	} else if (f->proto == IPPROTO_UDP) {
		a->pend = P_QUIC | P_GQUIC | P_IM_UDP | P_STUN;
		if (f->sport == 53 || f->cport == 53)
			a->pend |= P_DNS_UDP;
	}
	/* The table was full and a flow made room: say so, now and then. */
	if (fs->evicted > e->evicted_seen) {
		e->evicted_seen = fs->evicted;
		if (!e->limit_flows_once || ts->tv_sec - e->limit_flows_at >=
		    ENGINE_LIMIT_FLOWS_EVERY || ts->tv_sec < e->limit_flows_at) {
			e->limit_flows_once = true;
			e->limit_flows_at = ts->tv_sec;
			a->checks |= JUDGE_CHECK_LIMIT_FLOWS;
		}
	}
	/* Address and port rules wait until the parsers have had a look
	 * (the alert then names the protocol), or the flow ends. */
	if ((a->pend & ~P_DNS_UDP) == 0)
		judge_now(e, f, a, ts);
}

static void
set_name(struct app *a, enum name_source s, const char *name)
{
	if (a->name[s] == NULL && name[0] != '\0')
		a->name[s] = mem_strdup(name);
}

static void
keep_alpn(struct engine *e, struct app *a, const struct tls_hello *h)
{
	if (e->flowlog == NULL || a->alpn.len > 0)
		return;
	for (unsigned i = 0; i < h->nalpn && i < TLS_ALPN_MAX; i++)
		if (buf_append(&a->alpn, h->alpn[i], strnlen(h->alpn[i],
		    TLS_ALPN_LEN - 1) + 1) < 0)
			break;
}

/* A ClientHello from TLS (src NAME_TLS_SNI) or QUIC (NAME_QUIC_SNI). */
static void
got_hello(struct engine *e, struct app *a, const struct tls_hello *h,
    enum name_source src)
{
	if (src == NAME_TLS_SNI)
		e->st.tls_hellos++;
	if (h->has_sni && h->sni[0] != '\0') {
		e->st.tls_sni++;
		set_name(a, src, h->sni);
	}
	if (h->has_ech) {
		e->st.tls_ech++;
		a->has_ech = true;
		a->ech = h->ech_outer;
	}
	keep_alpn(e, a, h);
}

static void
dns_names(struct engine *e, struct flow *f, struct app *a,
    const struct dns_msg *m, const struct timeval *ts)
{
	struct judge_view v;
	unsigned nq = m->nquestions < m->nnames ? m->nquestions : m->nnames;

	if (a->proto == APP_UNKNOWN)
		a->proto = APP_DNS;
	view_of(f, a, &v);
	for (unsigned i = 0; i < nq && i < DNS_MAX_NAMES; i++) {
		const char *name = m->names[i];
		size_t len = strnlen(name, DNS_NAME_MAX - 1);
		bool seen = false;

		if (len == 0)
			continue;
		judge_dns(e->judge, &v, name, ts);
		if (e->flowlog == NULL || a->ndnsq >= ENGINE_LOG_DNS)
			continue;
		for (size_t off = 0; off < a->dnsq.len && !seen;
		    off += strlen(a->dnsq.data + off) + 1)
			seen = strcmp(a->dnsq.data + off, name) == 0;
		if (!seen && buf_append(&a->dnsq, name, len + 1) == 0)
			a->ndnsq++;
	}
}

static enum app_proto
im_app(enum im_proto p)
{
	switch (p) {
	case IM_XMPP:
		return APP_XMPP;
	case IM_IRC:
		return APP_IRC;
	case IM_MQTT:
		return APP_MQTT;
	case IM_WHATSAPP:
		return APP_WHATSAPP;
	case IM_DINGTALK:
		return APP_DINGTALK;
	case IM_DISCORD:
		return APP_DISCORD;
	case IM_OICQ:
		return APP_OICQ;
	case IM_IMO:
		return APP_IMO;
	default:
		return APP_UNKNOWN;
	}
}

/*
 * DNS over TCP (RFC 7766 6.2.1.1: queries may be pipelined): every whole
 * length-prefixed message from where the last one ended, until the
 * stream prefix ends (sensor.stream_bytes).  Returns true when the first
 * message made the flow DNS.
 */
static bool
tcp_dns(struct engine *e, struct flow *f, struct app *a, const uint8_t *d,
    size_t n, const struct timeval *ts)
{
	bool first = a->proto != APP_DNS;

	while (a->dns_off < n && n - a->dns_off >= 2) {
		size_t off = a->dns_off, used = 0;
		int r = dns_parse_tcp(d + off, n - off, e->dns, &used);

		if (r == 0)
			break;
		if (r < 0) {
			a->pend &= (uint16_t)~P_DNS_TCP;
			break;
		}
		a->dns_off = off + used;
		e->st.dns_tcp_messages++;
		a->pend &= (uint16_t)~(P_TLS | P_HTTP | P_IM);
		dns_names(e, f, a, e->dns, ts);
	}
	return first && a->proto == APP_DNS;
}

/*
 * One STUN message (or Discord discovery packet) on the flow.  Returns
 * true when it changed the facts: the first message makes the flow STUN,
 * a service decided, or sensor.stun_messages reached undecided
 * (limit.stun).  P_STUN is dropped once decided or at the bound.
 */
static bool
stun_got(struct engine *e, struct flow *f, struct app *a,
    const struct stun_msg *m)
{
	bool changed = false;
	uint8_t svc;

	if (a->stun == NULL) {
		a->stun = mem_calloc(1, sizeof(*a->stun));
		e->st.stun_flows++;
		if (a->proto == APP_UNKNOWN)
			a->proto = APP_STUN;
		a->pend &= (uint16_t)~(P_QUIC | P_GQUIC | P_TLS | P_HTTP |
		    P_IM | P_DNS_TCP);
		changed = true;
	}
	e->st.stun_messages++;
	svc = a->stun->service;
	stun_flow_add(a->stun, m);
	(void)stun_flow_relay(a->stun, judge_policy(e->judge), &f->srv,
	    &f->cli);
	if (a->stun->service != svc)
		changed = true;
	if (stun_flow_final(a->stun)) {
		a->pend &= (uint16_t)~P_STUN;
	} else if (a->stun->msgs >= e->set.stun_messages) {
		a->pend &= (uint16_t)~P_STUN;
		if (a->stun->service == STUN_SVC_NONE) {
			a->stun->limit = true;
			a->checks |= JUDGE_CHECK_LIMIT_STUN;
			changed = true;
		}
	}
	return changed;
}

/*
 * One TCP frame at d: a STUN message, or ChannelData between messages;
 * with RFC 4571 framing (ICE-TCP) a two-byte length and whatever it holds
 * (STUN, or media skipped).  Returns 1 for a message, 2 for a frame
 * skipped, 0 for more bytes, -1 when not STUN.
 */
static int
tcp_stun_frame(const struct stun_flow *sf, const uint8_t *d, size_t n,
    struct stun_msg *m, size_t *used_r, bool *framed_r)
{
	struct cursor c;
	uint16_t flen;
	size_t used = 0;
	int r;

	*framed_r = false;
	if (sf == NULL || !sf->tcp_framed) {
		r = stun_parse(d, n, m, used_r);
		if (r == 1 && m->classic)
			return -1;	/* RFC 3489 STUN is UDP only */
		if (r >= 0)
			return r;
		if (sf != NULL) {	/* plain framing: ChannelData? */
			r = stun_channel_data(d, n, true, used_r);
			return r == 1 ? 2 : r;
		}
	}
	cur_init(&c, d, n);
	if (!cur_u16(&c, &flen))
		return 0;
	if (c.left < flen)
		return sf != NULL || n < 2 + STUN_HDR ? 0 : -1;
	*used_r = 2 + (size_t)flen;
	r = stun_parse(c.p, flen, m, &used);
	if (r == 1 && used == flen && !m->classic) {
		*framed_r = true;
		return 1;
	}
	return sf != NULL ? 2 : -1;
}

/*
 * STUN over TCP (RFC 8489 6.2.2: messages back to back; RFC 4571
 * framing as ICE-TCP uses; TURN ChannelData padded to 4, RFC 8656 12.5),
 * from where the last frame ended.  Returns true when the facts changed.
 */
static bool
tcp_stun(struct engine *e, struct flow *f, struct app *a, const uint8_t *d,
    size_t n)
{
	struct stun_msg m;
	bool changed = false;
	size_t off = a->stun != NULL ? a->stun->tcp_off : 0;

	while ((a->pend & P_STUN) != 0 && off < n) {
		size_t used = 0;
		bool framed;
		int r = tcp_stun_frame(a->stun, d + off, n - off, &m, &used,
		    &framed);

		if (r == 0)
			break;
		if (r < 0) {
			a->pend &= (uint16_t)~P_STUN;
			break;
		}
		if (r == 1)
			changed |= stun_got(e, f, a, &m);
		if (framed)
			a->stun->tcp_framed = true;
		off += used;
		a->stun->tcp_off = off;
	}
	return changed;
}

/*
 * Offer the client's in-order bytes to the parsers still interested.
 * Returns true when a parser recognised its protocol (facts changed).
 */
static bool
tcp_parse(struct engine *e, struct flow *f, struct app *a,
    const struct timeval *ts)
{
	size_t n;
	const uint8_t *d = stream_data(&f->tcp[FLOW_TOSERVER], &n);
	int r;

	if (d == NULL || n == 0)
		return false;
	if ((a->pend & P_TLS) != 0) {
		r = d[0] == 0x16 ? tls_parse_records(d, n, &e->hello) : -1;
		if (r == 1) {
			a->proto = APP_TLS;
			got_hello(e, a, &e->hello, NAME_TLS_SNI);
			a->pend &= (uint16_t)~P_TCP;
			return true;
		}
		if (r < 0)
			a->pend &= (uint16_t)~P_TLS;
	}
	if ((a->pend & P_HTTP) != 0) {
		r = d[0] >= 'A' && d[0] <= 'Z' ? http_parse_request(
		    (const char *)d, n, &e->http) : -1;
		if (r == 1) {
			a->proto = APP_HTTP;
			e->st.http_requests++;
			if (e->http.has_host)
				set_name(a, NAME_HTTP_HOST, e->http.host);
			str_lcpy(a->http_method, e->http.method,
			    sizeof(a->http_method));
			a->pend &= (uint16_t)~P_TCP;
			return true;
		}
		if (r < 0)
			a->pend &= (uint16_t)~P_HTTP;
	}
	if ((a->pend & P_IM) != 0) {
		r = im_detect(d, n, &e->im);
		if (r == 1 && im_app(e->im.proto) != APP_UNKNOWN) {
			a->proto = (uint8_t)im_app(e->im.proto);
			a->app_detail = e->im.what;
			e->st.im_detected++;
			if (e->im.name[0] != '\0') {
				if (e->im.proto == IM_XMPP)
					set_name(a, NAME_XMPP_TO, e->im.name);
				if (e->flowlog != NULL && a->im_name == NULL)
					a->im_name = mem_strdup(e->im.name);
			}
			a->pend &= (uint16_t)~P_TCP;
			return true;
		}
		if (r != 0)
			a->pend &= (uint16_t)~P_IM;
	}
	if ((a->pend & P_STUN) != 0 && tcp_stun(e, f, a, d, n))
		return true;
	if ((a->pend & P_DNS_TCP) != 0)
		return tcp_dns(e, f, a, d, n, ts);
	return false;
}

/* Bytes a client stream holds (buffer and out-of-order pieces). */
static size_t
stream_held(const struct stream *s)
{
	return s->cap + s->ooo_bytes;
}

static void
tcp_packet(struct engine *e, struct flow *f, struct app *a,
    enum flow_dir dir, const struct pkt *p, const struct timeval *ts)
{
	struct stream *s = &f->tcp[FLOW_TOSERVER];
	bool changed = false, over;
	size_t held;

	if (dir != FLOW_TOSERVER || (a->pend & P_TCP) == 0)
		return;
	if (p->paylen == 0 && (p->tcp_flags & (TCPF_SYN | TCPF_FIN |
	    TCPF_RST)) == 0)
		return;
	if (p->paylen > 0)
		a->segs++;
	held = stream_held(s);
	if (stream_add(s, p->seq, p->tcp_flags, p->payload, p->paylen))
		changed = tcp_parse(e, f, a, ts);
	e->st.stream_held = e->st.stream_held - held + stream_held(s);
	over = e->st.stream_held > e->set.stream_memory;
	if ((a->pend & P_TCP) != 0 && (s->full || s->fin || over ||
	    a->segs >= ENGINE_MAX_SEGS)) {
		/* Nobody could decide within the bounds. */
		if ((s->full || over) && a->proto == APP_UNKNOWN) {
			e->st.streams_undecided++;
			e->st.streams_over_memory += over;
			a->checks |= JUDGE_CHECK_LIMIT_REASSEMBLY;
			changed = true;
		}
		a->pend &= (uint16_t)~P_TCP;
	}
	if ((a->pend & P_TCP) == 0) {
		e->st.stream_held -= stream_held(s);
		stream_done(s);
	}
	if (changed)
		judge_now(e, f, a, ts);
}

static void
quic_packet(struct engine *e, struct flow *f, struct app *a,
    const struct pkt *p, const struct timeval *ts)
{
	const uint8_t *hello;
	size_t hlen;
	int r;

	if (a->quic == NULL) {
		/* A 0-RTT or reordered packet may come before the Initial. */
		if (!quic_is_initial(p->payload, p->paylen)) {
			if (++a->quic_misses >= ENGINE_QUIC_MISSES)
				a->pend &= (uint16_t)~P_QUIC;
			return;
		}
		a->quic = e->set.quic_crypto_max > 0 ?
		    quic_state_new_bounded(e->set.quic_crypto_max,
		    e->set.quic_initials) : quic_state_new();
	}
	e->st.quic_initials++;
	r = quic_feed(a->quic, p->payload, p->paylen);
	if (r == 0)
		return;
	a->pend &= (uint16_t)~P_QUIC;
	if (r < 0) {
		e->st.quic_failed++;
		quic_state_free(&a->quic);
		return;
	}
	a->pend &= (uint16_t)~P_STUN;
	a->quic_version = quic_version(a->quic);
	hello = quic_client_hello(a->quic, &hlen);
	if (hello != NULL && quic_hello_is_chlo(a->quic)) {
		/* gQUIC Q050: a CHLO inside the Initials. */
		char sni[GQUIC_SNI_MAX];

		if (gquic_parse_chlo(hello, hlen, sni, sizeof(sni)) == 1) {
			e->st.gquic_hellos++;
			a->proto = APP_GQUIC;
			set_name(a, NAME_GQUIC_SNI, sni);
		} else {
			e->st.quic_failed++;
		}
	} else if (hello != NULL && tls_parse_handshake(hello, hlen,
	    &e->hello) == 1) {
		e->st.quic_hellos++;
		a->proto = APP_QUIC;
		got_hello(e, a, &e->hello, NAME_QUIC_SNI);
	} else {
		e->st.quic_failed++;
	}
	quic_state_free(&a->quic);
	judge_now(e, f, a, ts);
}

/* Google QUIC Q024-Q046: the CHLO travels in the clear. */
static void
gquic_packet(struct engine *e, struct flow *f, struct app *a,
    const struct pkt *p, const struct timeval *ts)
{
	char sni[GQUIC_SNI_MAX];
	uint32_t version = 0;
	int r;

	if (a->gquic_pkts == 0 && !gquic_is_client_packet(p->payload,
	    p->paylen, &version)) {
		a->pend &= (uint16_t)~P_GQUIC;
		return;
	}
	r = gquic_parse_packet(p->payload, p->paylen, &version, sni,
	    sizeof(sni));
	if (r < 0 || (r == 0 && ++a->gquic_pkts >= ENGINE_GQUIC_PKTS)) {
		a->pend &= (uint16_t)~P_GQUIC;
		return;
	}
	if (r == 0)
		return;
	a->pend &= (uint16_t)~(P_GQUIC | P_QUIC | P_STUN);
	e->st.gquic_hellos++;
	a->proto = APP_GQUIC;
	a->quic_version = version;
	set_name(a, NAME_GQUIC_SNI, sni);
	judge_now(e, f, a, ts);
}

/* A datagram of a flow no other parser claimed, to the UDP IM signatures. */
static void
udp_im(struct engine *e, struct flow *f, struct app *a, enum flow_dir dir,
    const struct pkt *p, const struct timeval *ts)
{
	if (a->proto != APP_UNKNOWN ||
	    ++a->im_udp_pkts >= ENGINE_IM_UDP_PKTS)
		a->pend &= (uint16_t)~P_IM_UDP;
	if (a->proto != APP_UNKNOWN || im_detect_udp(p->payload, p->paylen,
	    dir == FLOW_TOSERVER, &e->im) != 1)
		return;
	a->pend &= (uint16_t)~(P_IM_UDP | P_QUIC | P_GQUIC | P_STUN);
	a->proto = (uint8_t)im_app(e->im.proto);
	a->app_detail = e->im.what;
	e->st.im_detected++;
	judge_now(e, f, a, ts);
}

/*
 * Every datagram early in the flow, both ways: one STUN message each
 * (exactly the datagram).  Before the first, ENGINE_STUN_MISSES others
 * give up; after it, other datagrams (media, ChannelData) are counted
 * and the flow given up past 4 x sensor.stun_messages of them.  Returns
 * true when the facts changed.
 */
static bool
udp_stun(struct engine *e, struct flow *f, struct app *a, const struct pkt *p)
{
	struct stun_msg m;
	size_t used = 0;

	if (stun_parse(p->payload, p->paylen, &m, &used) == 1 &&
	    used == p->paylen)
		return stun_got(e, f, a, &m);
	if (a->stun == NULL && ++a->stun_misses >= ENGINE_STUN_MISSES)
		a->pend &= (uint16_t)~P_STUN;
	else if (a->stun != NULL && ++a->stun->looked >=
	    4 * e->set.stun_messages)
		a->pend &= (uint16_t)~P_STUN;
	return false;
}

static void
udp_packet(struct engine *e, struct flow *f, struct app *a,
    enum flow_dir dir, const struct pkt *p, const struct timeval *ts)
{
	if (p->paylen == 0 || a->pend == 0)
		return;
	if ((a->pend & P_DNS_UDP) != 0) {
		if (dns_parse(p->payload, p->paylen, e->dns) == 0) {
			e->st.dns_messages++;
			a->pend &= (uint16_t)~(P_QUIC | P_STUN);
			dns_names(e, f, a, e->dns, ts);
			return;
		}
		e->st.dns_bad++;
		if (++a->dns_misses >= ENGINE_DNS_MISSES)
			a->pend &= (uint16_t)~P_DNS_UDP;
	}
	if ((a->pend & P_STUN) != 0 && udp_stun(e, f, a, p))
		judge_now(e, f, a, ts);
	if (dir == FLOW_TOSERVER && (a->pend & P_GQUIC) != 0)
		gquic_packet(e, f, a, p, ts);
	if (dir == FLOW_TOSERVER && (a->pend & P_QUIC) != 0)
		quic_packet(e, f, a, p, ts);
	if ((a->pend & P_IM_UDP) != 0)
		udp_im(e, f, a, dir, p, ts);
}

/* ------------------------------------------------------------ packets */

static void
advance_clock(struct engine *e, const struct timeval *ts)
{
	if (e->clock_set && ts->tv_sec <= e->clock)
		return;
	e->clock = ts->tv_sec;
	e->clock_set = true;
	flow_expire(e->ft, ts);
	pkt_expire(e->dec, ts);
}

void
engine_packet(struct engine *e, int linktype, const struct timeval *ts,
    const uint8_t *frame, size_t caplen, size_t wirelen)
{
	struct pkt *p = &e->pkt;
	struct flow *f;
	struct app *a;
	enum flow_dir dir;
	bool created;

	e->st.frames++;
	e->st.bytes += wirelen;
	if (!e->clock_set || ts->tv_sec > e->clock)
		advance_clock(e, ts);
	if (pkt_decode(e->dec, linktype, ts, frame, caplen, wirelen, p) !=
	    PKT_OK)
		return;
	f = flow_get(e->ft, p, &dir, &created);
	if (f == NULL) {
		e->st.no_flow++;
		return;
	}
	if (created || f->app == NULL) {
		if (created)
			orient(e, f, p, &dir);
		flow_start(e, f, ts);
	}
	a = f->app;
	if (p->proto == IPPROTO_TCP)
		tcp_packet(e, f, a, dir, p, ts);
	else if (p->proto == IPPROTO_UDP)
		udp_packet(e, f, a, dir, p, ts);
	if (judge_bytes_due(&a->jf, f) ||
	    (!a->judged && (a->pend & ~P_DNS_UDP) == 0))
		judge_now(e, f, a, ts);
}

void
engine_tick(struct engine *e, const struct timeval *now)
{
	advance_clock(e, now);
}

void
engine_flush(struct engine *e)
{
	flow_flush(e->ft);
	if (e->flowlog != NULL)
		(void)flowlog_flush(e->flowlog);
}

/* ------------------------------------------------------------ flow log */

static void
write_flow(struct engine *e, const struct flow *f, const struct app *a)
{
	struct flowlog_flow fl;

	memset(&fl, 0, sizeof(fl));
	fl.flow = f;
	fl.app = (enum app_proto)a->proto;
	for (unsigned i = 0; i < NAME_COUNT_; i++)
		fl.names[i] = a->name[i];
	fl.alpn = &a->alpn;
	fl.dns_queries = &a->dnsq;
	fl.has_ech = a->has_ech;
	fl.quic_version = a->quic_version;
	fl.http_method = a->http_method;
	fl.im_name = a->im_name;
	fl.stun = a->stun;
	fl.agency = judge_agency(e->judge, f);
	if (flowlog_write_flow(e->flowlog, &fl) == 0)
		e->st.flows_logged++;
}

static void
on_flow_end(void *ctx, struct flow *f)
{
	struct engine *e = ctx;
	struct app *a = f->app;

	if (a == NULL)
		return;
	if (f->proto == IPPROTO_TCP && (a->pend & P_TCP) != 0)
		e->st.stream_held -= stream_held(&f->tcp[FLOW_TOSERVER]);
	if (!a->judged)
		judge_now(e, f, a, &f->last);
	if (e->flowlog != NULL)
		write_flow(e, f, a);
	app_put(e, a);
	f->app = NULL;
}
