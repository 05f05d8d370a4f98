/*
 * stun.c - STUN/TURN messages and the calling service behind them.
 *
 * Wire format (RFC 8489 5, 14):
 *
 *    0                   1                   2                   3
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |0 0|  type: M11..M7 C1 M6..M4 C0 M3..M0 |   message length    |
 *   |                  magic cookie 0x2112A442                      |
 *   |                 transaction id (96 bits)                      |
 *   +---------------------------------------------------------------+
 *   | attribute type (16)           | value length (16)             |
 *   | value, padded to 4 ...                                        |
 *
 * The message length counts the attributes and is a multiple of 4; over
 * UDP a datagram holds exactly one message (the caller checks).  Classic
 * RFC 3489 messages carry no cookie: they are taken only for the six
 * Binding / Shared Secret types, with every attribute of RFC 3489's set
 * (0x0001-0x000b) or comprehension-optional, so random bytes starting
 * with 00 01 rarely pass.  FINGERPRINT (RFC 8489 14.7: CRC-32 of the
 * message before it, XOR 0x5354554e) must be the last attribute and
 * right, or the bytes are not taken as STUN.  MESSAGE-INTEGRITY cannot be
 * checked without the key; it is only noted.  Discord's voice IP
 * discovery (a 74-byte request type 1 / answer type 2, length 70) is
 * recognised here too: it is what Discord sends where others send STUN.
 *
 * Service signals, each checked for its exact form (see stun.h): the
 * attribute tables below name their sources (Wireshark's packet-stun.c
 * attribute names, Microsoft's [MS-TURN] and [MS-ICE2] specifications,
 * nDPI's STUN dissector for WhatsApp's 0x4000-0x4002).  Bounds: the
 * attributes walked are bounded by the message length (at most
 * 65535 / 4); nothing is allocated; text is cut to STUN_TEXT_MAX.
 */
#include "stun.h"

#include <string.h>

#include <stdio.h>

#include "cursor.h"
#include "hostname.h"
#include "json.h"
#include "list.h"
#include "policy.h"

#define STUN_COOKIE 0x2112a442u
#define STUN_FP_XOR 0x5354554eu

enum {
	ATTR_MAPPED = 0x0001,
	ATTR_USERNAME = 0x0006,
	ATTR_INTEGRITY = 0x0008,
	ATTR_REALM = 0x0014,
	ATTR_XOR_RELAYED = 0x0016,
	ATTR_XOR_MAPPED = 0x0020,
	ATTR_INTEGRITY_SHA256 = 0x001c,
	ATTR_SOFTWARE = 0x8022,
	ATTR_FINGERPRINT = 0x8028,
	DISCORD_LEN = 74,
};

/* Vendor attributes that name their service, with the length each has. */
static const struct vendor_attr {
	uint16_t type;
	uint16_t len;		/* 0: any */
	enum stun_service svc;
} vendor_attrs[] = {
	/* WhatsApp's relay allocation (nDPI's stun.c; seen in every WhatsApp
	 * call capture of its test suite, never elsewhere). */
	{ 0x4000, 0, STUN_SVC_WHATSAPP },
	{ 0x4001, 0, STUN_SVC_WHATSAPP },
	{ 0x4002, 0, STUN_SVC_WHATSAPP },
	/* Microsoft: [MS-TURN] 2.2.2 MS-Version 0x8008, MS-Sequence-Number
	 * 0x8050; [MS-ICE2] 2.2.2.2 Candidate-Identifier 0x8054,
	 * [MS-TURNBWM] MS-Service-Quality 0x8055, Implementation-Version
	 * 0x8070 (Wireshark's packet-stun.c names), multiplexed TURN session
	 * id 0x8095 (MS-TURN). */
	{ 0x8008, 4, STUN_SVC_TEAMS },
	{ 0x8050, 24, STUN_SVC_TEAMS },
	{ 0x8054, 4, STUN_SVC_TEAMS },
	{ 0x8055, 4, STUN_SVC_TEAMS },
	{ 0x8070, 4, STUN_SVC_TEAMS },
	{ 0x8095, 8, STUN_SVC_TEAMS },
};

/* TURN realms, matched at a label boundary (REALM is a domain-like
 * string in every deployment seen). */
static const struct realm_rule {
	const char *suffix;
	enum stun_service svc;
} realms[] = {
	{ "signal.org", STUN_SVC_SIGNAL },
	{ "whispersystems.org", STUN_SVC_SIGNAL },
	{ "telegram.org", STUN_SVC_TELEGRAM },
	{ "facebook.com", STUN_SVC_MESSENGER },
	{ "facebook", STUN_SVC_MESSENGER },	/* "turner.facebook" */
	{ "messenger.com", STUN_SVC_MESSENGER },
	{ "google.com", STUN_SVC_GOOGLE_MEET },	/* turn.l.google.com */
	{ "viber.com", STUN_SVC_VIBER },
	{ "discord.gg", STUN_SVC_DISCORD },
	{ "discord.media", STUN_SVC_DISCORD },
};

static const char *const svc_names[STUN_SVC_COUNT_] = {
	"", "whatsapp", "messenger", "meta", "signal", "teams", "google-meet",
	"telegram", "discord", "viber",
};

static const char *const svc_domains[STUN_SVC_COUNT_] = {
	"", "whatsapp.com", "messenger.com", "facebook.com", "signal.org",
	"teams.microsoft.com", "meet.google.com", "telegram.org",
	"discord.com", "viber.com",
};

/* Lists of published relay ranges, by service (rules/lists). */
static const struct relay_list {
	const char *list;
	enum stun_service svc;
} relay_lists[] = {
	{ "call_relays_teams", STUN_SVC_TEAMS },
	{ "call_relays_meet", STUN_SVC_GOOGLE_MEET },
};

static const char *const signal_names[STUN_SIG_COUNT_] = {
	"", "attribute", "realm", "username", "address", "relay-list",
	"ip-discovery",
};

const char *
stun_service_name(enum stun_service s)
{
	return (unsigned)s < STUN_SVC_COUNT_ ? svc_names[s] : "";
}

const char *
stun_service_domain(enum stun_service s)
{
	return (unsigned)s < STUN_SVC_COUNT_ ? svc_domains[s] : "";
}

const char *
stun_signal_name(enum stun_signal s)
{
	return (unsigned)s < STUN_SIG_COUNT_ ? signal_names[s] : "";
}

const char *
stun_uname_name(enum stun_uname u)
{
	switch (u) {
	case STUN_UNAME_ICE:
		return "ice";
	case STUN_UNAME_TURN_REST:
		return "turn-rest";
	case STUN_UNAME_EDGERAY:
		return "edgeray";
	case STUN_UNAME_OTHER:
		return "other";
	default:
		return NULL;
	}
}

const char *
stun_method_name(uint16_t method)
{
	static const char *const names[] = { NULL, "binding",
		"shared-secret", "allocate", "refresh", NULL, "send", "data",
		"create-permission", "channel-bind", "connect",
		"connection-bind", "connection-attempt" };

	return method < sizeof(names) / sizeof(names[0]) ? names[method] :
	    NULL;
}

const char *
stun_class_name(unsigned cls)
{
	static const char *const names[] = { "request", "indication",
		"success", "error" };

	return names[cls & 3];
}

/* ------------------------------------------------------------ parsing */

/* CRC-32 (ISO-HDLC, as zlib's), bit by bit: messages are small. */
static uint32_t
crc32_of(const uint8_t *p, size_t n)
{
	uint32_t crc = 0xffffffffu;

	for (size_t i = 0; i < n; i++) {
		crc ^= p[i];
		for (int k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1)));
	}
	return crc ^ 0xffffffffu;
}

static bool
classic_type(uint16_t t)
{
	return t == 0x0001 || t == 0x0101 || t == 0x0111 || t == 0x0002 ||
	    t == 0x0102 || t == 0x0112;
}

/* XOR-MAPPED-ADDRESS / XOR-RELAYED-ADDRESS (RFC 8489 14.2). */
static bool
xor_address(struct cursor v, const struct stun_msg *m, struct ipaddr *a)
{
	uint8_t zero, fam, key[16];
	uint16_t xport;
	const uint8_t *x;

	if (!cur_u8(&v, &zero) || !cur_u8(&v, &fam) || !cur_u16(&v, &xport))
		return false;
	key[0] = 0x21;
	key[1] = 0x12;
	key[2] = 0xa4;
	key[3] = 0x42;
	memcpy(key + 4, m->tid, sizeof(m->tid));
	memset(a, 0, sizeof(*a));
	if (fam == 1 && v.left == 4 && cur_bytes(&v, 4, &x)) {
		a->b[10] = a->b[11] = 0xff;
		for (int i = 0; i < 4; i++)
			a->b[12 + i] = x[i] ^ key[i];
		return true;
	}
	if (fam == 2 && v.left == 16 && cur_bytes(&v, 16, &x)) {
		for (int i = 0; i < 16; i++)
			a->b[i] = x[i] ^ key[i];
		return true;
	}
	return false;
}

static void
vendor_attr(struct stun_msg *m, uint16_t type, size_t alen)
{
	if (m->vendor != 0)
		return;
	for (size_t i = 0; i < sizeof(vendor_attrs) / sizeof(vendor_attrs[0]);
	    i++)
		if (vendor_attrs[i].type == type && (vendor_attrs[i].len == 0 ||
		    vendor_attrs[i].len == alen))
			m->vendor = type;
}

/*
 * One attribute.  Returns false when the message is not to be taken
 * (a FINGERPRINT that is wrong or not last, a classic message with an
 * attribute outside RFC 3489).
 */
static bool
attribute(struct stun_msg *m, uint16_t type, struct cursor v,
    const uint8_t *msg, size_t at, bool last)
{
	size_t alen = v.left;
	uint32_t fp;

	if (m->classic && type > 0x000b && type < 0x8000)
		return false;
	switch (type) {
	case ATTR_USERNAME:
		m->username = v.p;
		m->username_len = (uint16_t)alen;
		break;
	case ATTR_REALM:
		m->realm = v.p;
		m->realm_len = (uint16_t)alen;
		break;
	case ATTR_SOFTWARE:
		m->software = v.p;
		m->software_len = (uint16_t)alen;
		break;
	case ATTR_INTEGRITY:
	case ATTR_INTEGRITY_SHA256:
		m->has_integrity = true;
		break;
	case ATTR_XOR_MAPPED:
		if (!m->classic)
			m->has_mapped = xor_address(v, m, &m->mapped);
		break;
	case ATTR_XOR_RELAYED:
		if (!m->classic)
			m->has_relayed = xor_address(v, m, &m->relayed);
		break;
	case ATTR_FINGERPRINT:
		if (!last || alen != 4 || !cur_u32(&v, &fp) ||
		    (crc32_of(msg, at) ^ STUN_FP_XOR) != fp)
			return false;
		m->has_fingerprint = m->fingerprint_ok = true;
		break;
	default:
		vendor_attr(m, type, alen);
		break;
	}
	return true;
}

/* Walk the attributes of body (the message's declared length). */
static bool
attributes(struct stun_msg *m, struct cursor body, const uint8_t *msg)
{
	while (body.left > 0) {
		uint16_t type, alen;
		struct cursor v;
		size_t at = (size_t)(body.p - msg), pad;

		if (!cur_u16(&body, &type) || !cur_u16(&body, &alen) ||
		    !cur_sub(&body, alen, &v))
			return false;
		pad = (4 - alen % 4) % 4;
		if (!cur_skip(&body, pad))
			return false;
		m->nattrs++;
		if (!attribute(m, type, v, msg, at, body.left == 0))
			return false;
	}
	return true;
}

/* Discord's IP discovery: type 1 (all zero) or 2 (a printable address). */
static int
discord_discovery(const uint8_t *p, size_t len, struct stun_msg *m)
{
	struct cursor c;
	uint16_t type, mlen, port;
	uint32_t ssrc;
	const uint8_t *addr;
	size_t n = 0;

	cur_init(&c, p, len);
	if (len != DISCORD_LEN || !cur_u16(&c, &type) || !cur_u16(&c, &mlen) ||
	    !cur_u32(&c, &ssrc) || !cur_bytes(&c, 64, &addr) ||
	    !cur_u16(&c, &port) || mlen != DISCORD_LEN - 4 ||
	    (type != 1 && type != 2))
		return -1;
	while (n < 64 && addr[n] != 0)
		if ((addr[n] >= '0' && addr[n] <= '9') || addr[n] == '.' ||
		    addr[n] == ':' || (addr[n] >= 'a' && addr[n] <= 'f'))
			n++;
		else
			return -1;
	for (size_t k = n; k < 64; k++)
		if (addr[k] != 0)
			return -1;
	if ((type == 1 && (n != 0 || port != 0)) || (type == 2 && n < 7))
		return -1;
	memset(m, 0, sizeof(*m));
	m->discord = true;
	m->type = type;
	return 1;
}

int
stun_parse(const uint8_t *p, size_t len, struct stun_msg *m,
    size_t *used_r)
{
	struct cursor c, body;
	uint16_t type, mlen;
	uint32_t cookie;
	const uint8_t *tid;

	*used_r = 0;
	memset(m, 0, sizeof(*m));
	cur_init(&c, p, len);
	if (!cur_u16(&c, &type) || !cur_u16(&c, &mlen) ||
	    !cur_u32(&c, &cookie) || !cur_bytes(&c, 12, &tid))
		return len < STUN_HDR && (len == 0 || p[0] < 0x40) ? 0 : -1;
	if (discord_discovery(p, len, m) == 1) {
		*used_r = len;
		return 1;
	}
	if ((type & 0xc000) != 0 || mlen % 4 != 0)
		return -1;
	m->classic = cookie != STUN_COOKIE;
	if (m->classic && !classic_type(type))
		return -1;
	if (!cur_sub(&c, mlen, &body))
		return 0;
	m->type = type;
	m->method = (uint16_t)((type & 0x000f) | (type & 0x00e0) >> 1 |
	    (type & 0x3e00) >> 2);
	m->cls = (uint8_t)((type & 0x0010) >> 4 | (type & 0x0100) >> 7);
	m->len = mlen;
	memcpy(m->tid, tid, sizeof(m->tid));
	if (!attributes(m, body, p)) {
		memset(m, 0, sizeof(*m));
		return -1;
	}
	*used_r = STUN_HDR + (size_t)mlen;
	return 1;
}

int
stun_channel_data(const uint8_t *p, size_t len, bool pad, size_t *used_r)
{
	struct cursor c;
	uint16_t chan, dlen;
	size_t n;

	*used_r = 0;
	cur_init(&c, p, len);
	if (!cur_u16(&c, &chan) || !cur_u16(&c, &dlen))
		return len < 4 && (len == 0 || (p[0] & 0xc0) == 0x40) ? 0 : -1;
	if (chan < 0x4000 || chan > 0x4fff)
		return -1;
	n = 4 + (size_t)dlen;
	if (pad)
		n += (4 - dlen % 4) % 4;
	if (n > len)
		return 0;
	*used_r = n;
	return 1;
}

/* ------------------------------------------------------------ services */

/* Does the escaped realm end in suffix at a label boundary? */
static bool
realm_is(const char *realm, const char *suffix)
{
	size_t n = strlen(realm), k = strlen(suffix);

	return n >= k && strcmp(realm + n - k, suffix) == 0 &&
	    (n == k || realm[n - k - 1] == '.');
}

static bool
span_is_digits(const uint8_t *p, size_t n)
{
	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++)
		if (p[i] < '0' || p[i] > '9')
			return false;
	return true;
}

static enum stun_uname
uname_format(const uint8_t *u, size_t n)
{
	static const char edge[] = "EDGERAY_DEFAULT_USERNAME";
	const uint8_t *colon = memchr(u, ':', n);
	size_t left;

	if (n >= sizeof(edge) - 1 && memcmp(u, edge, sizeof(edge) - 1) == 0)
		return STUN_UNAME_EDGERAY;
	if (colon == NULL)
		return STUN_UNAME_OTHER;
	left = (size_t)(colon - u);
	if (left >= 9 && span_is_digits(u, left))
		return STUN_UNAME_TURN_REST;
	if (left >= 4 && left <= 256 && n - left - 1 >= 4)
		return STUN_UNAME_ICE;
	return STUN_UNAME_OTHER;
}

/*
 * The first signal decides, except that Meta's shared relays (META) give
 * way to a later signal naming WhatsApp or Messenger.
 */
static void
decide(struct stun_flow *sf, enum stun_service svc, enum stun_signal sig)
{
	if (svc == STUN_SVC_NONE || (sf->service != STUN_SVC_NONE &&
	    !(sf->service == STUN_SVC_META && (svc == STUN_SVC_WHATSAPP ||
	    svc == STUN_SVC_MESSENGER))))
		return;
	sf->service = (uint8_t)svc;
	sf->signal = (uint8_t)sig;
}

static void
classify(struct stun_flow *sf, const struct stun_msg *m)
{
	if (m->discord) {
		decide(sf, STUN_SVC_DISCORD, STUN_SIG_DISCOVERY);
		return;
	}
	if (m->vendor != 0) {
		for (size_t i = 0; i < sizeof(vendor_attrs) /
		    sizeof(vendor_attrs[0]); i++)
			if (vendor_attrs[i].type == m->vendor) {
				sf->vendor = m->vendor;
				decide(sf, vendor_attrs[i].svc,
				    STUN_SIG_ATTRIBUTE);
				return;
			}
	}
	if (m->realm != NULL) {
		char r[STUN_TEXT_MAX];

		hostname_escape(r, sizeof(r), m->realm, m->realm_len);
		for (size_t i = 0; i < sizeof(realms) / sizeof(realms[0]); i++)
			if (realm_is(r, realms[i].suffix)) {
				decide(sf, realms[i].svc, STUN_SIG_REALM);
				return;
			}
	}
	if (m->username != NULL && uname_format(m->username,
	    m->username_len) == STUN_UNAME_EDGERAY)
		decide(sf, STUN_SVC_META, STUN_SIG_USERNAME);
}

void
stun_flow_add(struct stun_flow *sf, const struct stun_msg *m)
{
	if (sf->msgs < UINT16_MAX)
		sf->msgs++;
	if (sf->msgs == 1)
		sf->first_type = m->type;
	sf->discord |= m->discord;
	if (!m->discord) {
		sf->methods |= (uint16_t)(1u << (m->method & 15));
		sf->classic |= m->classic;
		sf->integrity |= m->has_integrity;
		sf->fingerprint |= m->has_fingerprint;
	}
	if (m->software != NULL && sf->software[0] == '\0')
		hostname_escape(sf->software, sizeof(sf->software),
		    m->software, m->software_len);
	if (m->realm != NULL && sf->realm[0] == '\0')
		hostname_escape(sf->realm, sizeof(sf->realm), m->realm,
		    m->realm_len);
	if (m->username != NULL && sf->uname == STUN_UNAME_NONE)
		sf->uname = (uint8_t)uname_format(m->username,
		    m->username_len);
	classify(sf, m);
}

bool
stun_flow_final(const struct stun_flow *sf)
{
	return sf->service != STUN_SVC_NONE && sf->service != STUN_SVC_META;
}

/* Meta numbers its IPv6 hosts ...:face:b00c:...: (bits 64-95). */
static bool
is_meta_v6(const struct ipaddr *a)
{
	static const uint8_t v4map[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		0xff, 0xff };
	static const uint8_t face[4] = { 0xfa, 0xce, 0xb0, 0x0c };

	return memcmp(a->b, v4map, sizeof(v4map)) != 0 &&
	    memcmp(a->b + 8, face, sizeof(face)) == 0;
}

bool
stun_flow_relay(struct stun_flow *sf, const struct policy *p,
    const struct ipaddr *srv, const struct ipaddr *cli)
{
	if (sf->service != STUN_SVC_NONE || sf->msgs == 0)
		return false;	/* the address never overrides a message */
	for (size_t i = 0; p != NULL && i < sizeof(relay_lists) /
	    sizeof(relay_lists[0]); i++) {
		const struct list *l = policy_list(p, relay_lists[i].list);

		if (l != NULL && l->type == LIST_CIDR &&
		    (list_has_ip(l, srv) || list_has_ip(l, cli))) {
			decide(sf, relay_lists[i].svc, STUN_SIG_RELAY);
			return true;
		}
	}
	if (is_meta_v6(srv) || is_meta_v6(cli)) {
		decide(sf, STUN_SVC_META, STUN_SIG_ADDRESS);
		return true;
	}
	return false;
}

/* ------------------------------------------------------------ output */

static void
kv(struct json_writer *w, const char *k, const char *v)
{
	json_key(w, k);
	json_string(w, v);
}

static void
kbool(struct json_writer *w, const char *k, bool v)
{
	if (!v)
		return;
	json_key(w, k);
	json_bool(w, true);
}

void
stun_flow_json(struct json_writer *w, const struct stun_flow *sf)
{
	char t[16];
	const char *u = stun_uname_name((enum stun_uname)sf->uname);

	json_key(w, "stun");
	json_object_begin(w);
	if (sf->service != STUN_SVC_NONE) {
		kv(w, "service", stun_service_name(
		    (enum stun_service)sf->service));
		kv(w, "matched", stun_signal_name(
		    (enum stun_signal)sf->signal));
	}
	if (sf->vendor != 0 && snprintf(t, sizeof(t), "0x%04x",
	    sf->vendor) > 0)
		kv(w, "attribute", t);
	if (!sf->discord || sf->methods != 0) {
		json_key(w, "methods");
		json_array_begin(w);
		for (unsigned i = 0; i < 16; i++)
			if ((sf->methods >> i & 1) != 0 &&
			    stun_method_name((uint16_t)i) != NULL)
				json_string(w, stun_method_name((uint16_t)i));
		json_array_end(w);
	}
	if (snprintf(t, sizeof(t), "0x%04x", sf->first_type) > 0)
		kv(w, "first_type", t);
	if (sf->software[0] != '\0')
		kv(w, "software", sf->software);
	if (sf->realm[0] != '\0')
		kv(w, "realm", sf->realm);
	if (u != NULL)
		kv(w, "username", u);
	kbool(w, "classic", sf->classic);
	kbool(w, "integrity", sf->integrity);
	kbool(w, "fingerprint", sf->fingerprint);
	kbool(w, "ip_discovery", sf->discord);
	json_key(w, "messages");
	json_u64(w, sf->msgs);
	kbool(w, "limit", sf->limit);
	json_object_end(w);
}
